"""Open311 GeoReport v2 endpoints under /open311/: thin views around the selectors and services.

Every answer is in the format the path names (``.xml`` or ``.json``), errors included, in Open311's
own error shape; every message is Vietnamese whatever the client's language. GETs count against the
client address's budget, POSTs against the client's own.
"""
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.devices import device_class_of
from core.errors import PaknError, PayloadTooLarge, ValidationFailed
from feedback import services as intake
from open311 import selectors, services
from open311.arguments import check_jurisdiction, request_query
from open311.formats import ListOf, render, render_error
from open311.throttles import spend_get, spend_post

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = ("text/xml", "application/json")


class MethodNotAllowed(PaknError):
    status = 405
    code = "method_not_allowed"

    def __init__(self, method, allowed):
        super().__init__(_("Phương thức %(method)s không dùng được ở đây.") % {"method": method})
        self.headers = {"Allow": ", ".join(sorted(allowed))}


def _arguments(request):
    return request.POST if request.method == "POST" else request.GET


def _read_body(request):
    """Parse the body now, so a body too large or malformed is this endpoint's own error."""
    try:
        request.POST  # noqa: B018 (parsing is the point)
    except RequestDataTooBig:
        raise PayloadTooLarge() from None
    except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError):
        raise ValidationFailed(_("Không đọc được dữ liệu gửi lên.")) from None


def _run(view, request, methods, kwargs):
    if request.method not in methods:
        raise MethodNotAllowed(request.method, methods)
    if request.method == "POST":
        _read_body(request)
    check_jurisdiction(_arguments(request))
    if request.method != "POST":
        spend_get(request)
    return view(request, **kwargs)


def endpoint(*methods):
    """An Open311 resource taking ``methods``: ``view(request, **kwargs)`` returns ``(root, payload)``,
    rendered in the format the path names; any business error becomes Open311's error answer."""
    methods = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @csrf_exempt  # clients authenticate with api_key, never with a browser session
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    root, payload = _run(view, request, methods, kwargs)
                except PaknError as error:
                    return render_error(fmt, error)
                return render(fmt, root, payload)
        return wrapper
    return decorate


@endpoint("GET")
def discovery(request):
    # The endpoint's base, ".../open311/v2", as clients append "/services.xml" to it.
    url = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    changeset = settings.OPEN311_CHANGESET
    return "discovery", {
        "changeset": changeset,
        "contact": settings.OPEN311_CONTACT,
        "key_service": settings.OPEN311_KEY_SERVICE,
        "endpoints": ListOf("endpoint", [{
            "specification": SPECIFICATION, "url": url, "changeset": changeset,
            "type": "test" if settings.DEBUG else "production", "formats": ListOf("format", list(FORMATS)),
        }]),
    }


@endpoint("GET")
def service_list(request):
    return "services", selectors.service_list()


@endpoint("GET")
def service_definition(request, code):
    return "service_definition", selectors.service_definition(selectors.service_for_code(code))


def _filed(request, result):
    submission = result.submission
    return ListOf("request", [{
        "service_request_id": submission.tracking_code,
        "service_notice": selectors.service_notice(submission.case),
        "account_id": None,
        "private_url": request.build_absolute_uri(intake.private_path(submission.tracking_code, result.private_key)),
    }])


@endpoint("GET", "POST")
def requests(request):
    if request.method == "POST":
        client = services.client_for_key(request.POST.get("api_key"))
        spend_post(request, client)
        result = services.request_submit(client=client, post=request.POST, files=request.FILES,
                                         idempotency_key=request.headers.get("Idempotency-Key"),
                                         device_class=device_class_of(request))
        return "service_requests", _filed(request, result)
    rows = selectors.request_page(request_query(request.GET, now=timezone.now()))
    return "service_requests", ListOf("request", [
        selectors.request_resource(row, build_uri=request.build_absolute_uri) for row in rows])


@endpoint("GET")
def request_detail(request, request_id):
    submission = selectors.request_by_code(request_id)
    return "service_requests", ListOf("request", [
        selectors.request_resource(submission, build_uri=request.build_absolute_uri)])


@endpoint("GET")
def token(request, token):
    submission = selectors.request_by_token(token)
    return "service_requests", ListOf("request", [{"service_request_id": submission.tracking_code, "token": token}])
