"""The citizen's pages: home, the submission form, lookup, the public and the private case page.

Thin views: the intake service (``feedback.services``) checks and writes, the selectors
(``feedback.selectors``) read. Every page works without JavaScript; ``static/js/submit.js`` only
makes the form nicer on a phone (smaller photos, location, resend with the same key).
"""
import hashlib
import re
from datetime import timedelta
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseNotFound, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.auth import user_from_authorization
from core.devices import UNKNOWN, device_class_of
from core.errors import NotFound, PaknError
from core.throttles import over_limit
from feedback import lifecycle, selectors, services
from feedback.forms import (ACTION_FORMS, DATA_FORMS, EraseContactForm, ExportForm, MapPageForm, OfficerEntryForm,
                            SubmissionForm)
from feedback.public_map import MapFilter, cached_list_page
from feedback.serializers import OfficerEntrySerializer, validate_submission
from workflow import photos
from workflow.gate import check_staff, staff_required
from workflow.models import Channel

ACTION_DONE = {
    "provide_info": gettext_lazy("Đã gửi thông tin bổ sung. Hồ sơ tiếp tục được xử lý."),
    "withdraw": gettext_lazy("Đã rút phản ánh."),
    "rate": gettext_lazy("Cảm ơn bạn đã đánh giá."),
}


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


TOO_MANY = gettext_lazy("Bạn đã gửi quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút.")


def _not_found(request):
    """One page for an unknown code and for a wrong key, so a guess learns nothing."""
    return render(request, "feedback/not_found.html", status=404)


@require_GET
def home(request):
    return render(request, "feedback/home.html", {"recent": selectors.recent_public_cases(limit=10)})


@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "POST":
        return _submit_post(request)
    return _submit_page(request, SubmissionForm())


def _submit_page(request, form, status=200):
    return render(request, "feedback/submit.html", {"form": form, "state_labels": selectors.state_labels()},
                  status=status)


def _submit_post(request):
    form = SubmissionForm(data=request.POST, files=request.FILES)
    if form.is_bot():
        # Answer as a success would, so the bot learns nothing; no case is made.
        return _see_other(reverse("feedback:home"))
    if over_limit(request, "submissions"):
        form.show_errors({"__all__": [TOO_MANY]})
        return _submit_page(request, form, status=429)
    try:
        fields = validate_submission(request.POST, request.FILES)
        result = services.feedback_submit(
            fields=fields, photos=fields.pop("photos", []), channel=Channel.WEB,
            device_class=device_class_of(request), idempotency_key=form.idempotency_key_value(),
            language=(get_language() or "vi")[:8],
        )
    except PaknError as error:
        errors = error.fields or {"__all__": [error.message]}
        if error.code == "idempotency_conflict":
            # The page was reused (Back after sending): a new key lets this content become a new case.
            form = form.with_fresh_key()
            errors = {"__all__": [_("Biểu mẫu này đã được dùng để gửi một phản ánh khác. "
                                    "Kiểm tra lại nội dung rồi bấm “Gửi phản ánh” để tạo phản ánh mới.")]}
        form.show_errors(errors)
        return _submit_page(request, form, status=error.status)
    return _see_other(services.private_path(result.submission.tracking_code, result.private_key) + "&new=1")


def _too_many_lookups(request, code=""):
    return render(request, "feedback/lookup.html", {"code": code, "throttled": True}, status=429)


@require_GET
def lookup(request):
    code = selectors.normal_tracking_code(request.GET.get("code"))
    if not code:
        return render(request, "feedback/lookup.html", {"code": ""})
    if over_limit(request, "lookups"):
        return _too_many_lookups(request, code)
    if selectors.submission_by_code(code) is None:
        return render(request, "feedback/lookup.html", {"code": code, "not_found": True}, status=404)
    return HttpResponseRedirect(reverse("feedback:public", args=[code]))


@require_GET
def public_case(request, code):
    if over_limit(request, "lookups"):
        return _too_many_lookups(request)
    submission = selectors.submission_by_code(code)
    if submission is None:
        return _not_found(request)
    case = selectors.public_case(submission)
    case["location_rounded"] = bool(case["location"]) and submission.anonymous
    return render(request, "feedback/public.html", {"case": case})


@require_GET
def public_map(request):
    """The public map and, beside it, the same cases as a list (which is all a phone without map
    tiles or JavaScript, or a screen reader, needs). The map fetches ``/api/v1/public/map/``."""
    form = MapPageForm(request.GET or None)
    values = _valid_values(form)
    today = timezone.localdate()
    filters = MapFilter(date_from=today - timedelta(days=form.period_days() - 1), date_to=today,
                        category=values.get("category"), status=values.get("status") or "")
    bbox = values.get("bbox")
    listing = cached_list_page(filters, bbox, _page_number(request))
    api_query = urlencode({key: value for key, value in filters.cache_params().items() if value})
    return render(request, "feedback/map.html", {
        "form": form, "filters": filters, "bbox": bbox, "listing": listing, "api_query": api_query,
        "page_query": _querystring(request, page=None), "whole_map_query": _querystring(request, page=None, bbox=None),
        "labels": {"categories": {c.code: c.name for c in selectors.active_categories()},
                   "states": selectors.state_labels()},
    })


def _valid_values(form):
    """The filters that are valid (a bad one is shown as an error and left out, not a 400)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def _page_number(request):
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _querystring(request, **changes):
    params = request.GET.copy()
    for key in changes:
        params.pop(key, None)
    return params.urlencode()


# The private page's forms and links: the page's address carries the key, so it goes to no one.
# "strict-origin" (rather than "no-referrer") keeps the Origin header on the page's own form posts,
# which CSRF protection checks, and tells a map tile server only the site's origin.
PRIVATE_REFERRER_POLICY = "strict-origin"
LIVE_PART = "live"


@require_http_methods(["GET", "POST"])
def private_case(request, code):
    key = request.GET.get("key") or request.POST.get("key") or ""
    submission = selectors.submission_by_code(code)
    if submission is None or not submission.key_matches(key):
        return _not_found(request)
    failed, status = None, 200
    if request.method == "POST" and request.POST.get("action") == NOTICE_ACTION:
        return _set_notice_channel(request, submission, key)
    if request.method == "POST":
        data_action = DATA_ACTIONS.get(request.POST.get("action", ""))
        outcome = data_action(request, submission, key) if data_action else _run_citizen_action(request, submission, key)
        if outcome is None:
            return _not_found(request)
        if isinstance(outcome, HttpResponse):
            return outcome
        failed, status = outcome
    # The live part is what changes with the case: the page swaps it in when the case moves.
    live_only = request.method == "GET" and request.GET.get("part") == LIVE_PART
    template = "feedback/_private_live.html" if live_only else "feedback/private.html"
    response = render(request, template, _private_context(request, submission, key, failed), status=status)
    return _private_headers(response)


def _private_headers(response):
    """The page carries the private key: never stored by a shared cache, never sent on as a referrer."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
    return response


def _run_citizen_action(request, submission, key):
    """Run one action from the private page: a redirect on success, (form, status) to show an error."""
    name = request.POST.get("action", "")
    form_class = ACTION_FORMS.get(name)
    if form_class is None:
        return None
    form = form_class(data=request.POST, files=request.FILES)
    form.action = name
    if over_limit(request, "citizen_actions"):
        form.show_errors({"__all__": [TOO_MANY]})
        return form, 429
    if name == "withdraw" and not form.confirmed():
        form.show_errors({"confirm": [_("Đánh dấu ô xác nhận để rút phản ánh.")]})
        return form, 400
    data = {field: request.POST.get(field, "").strip() for field in form.fields if field != "photos"}
    try:
        services.citizen_action(code=submission.tracking_code, key=key, name=name, data=data,
                                photos=request.FILES.getlist("photos"), device_class=device_class_of(request))
    except NotFound:
        return None
    except PaknError as error:
        form.show_errors(error.fields or {"__all__": [error.message]})
        return form, error.status
    messages.success(request, ACTION_DONE[name])
    return _see_other(services.private_path(submission.tracking_code, key))


NOTICE_ACTION = "notify"
NOTICE_DONE = {
    ("email", True): gettext_lazy("Bạn sẽ nhận email khi phản ánh có tiến triển."),
    ("email", False): gettext_lazy("Đã ngừng gửi email về phản ánh này."),
    ("sms", True): gettext_lazy("Bạn sẽ nhận SMS khi phản ánh có tiến triển."),
    ("sms", False): gettext_lazy("Đã ngừng gửi SMS về phản ánh này."),
}


def _set_notice_channel(request, submission, key):
    """One tap on the private page turns email or SMS on or off for this case."""
    if over_limit(request, "citizen_actions"):
        messages.error(request, TOO_MANY)
        return _see_other(services.private_path(submission.tracking_code, key) + "#notify")
    channel, on = request.POST.get("channel", ""), request.POST.get("on") == "1"
    try:
        services.submission_set_notice_channel(submission=submission, channel=channel, on=on)
    except PaknError as error:
        messages.error(request, error.fields.get("channel", [error.message])[0])
    else:
        messages.success(request, NOTICE_DONE[(channel, on)])
    return _see_other(services.private_path(submission.tracking_code, key) + "#notify")


# --- the submitter's personal data: a copy, and erasure ---------------------------------------

ERASED = gettext_lazy("Đã xoá họ tên, số điện thoại và email của bạn. Bạn vẫn theo dõi phản ánh bằng đường dẫn này.")


def _export_data(request, submission, key):
    """A JSON file of everything held about the submission, downloaded from the private page."""
    form = ExportForm(data=request.POST)
    form.action = "export"
    if over_limit(request, "citizen_actions"):
        form.show_errors({"__all__": [TOO_MANY]})
        return form, 429
    data = lifecycle.submission_export(submission, build_uri=request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="pakn-{submission.tracking_code}.json"'
    return _private_headers(response)


def _erase_contact(request, submission, key):
    form = EraseContactForm(data=request.POST)
    form.action = "erase_contact"
    if over_limit(request, "citizen_actions"):
        form.show_errors({"__all__": [TOO_MANY]})
        return form, 429
    if not form.confirmed():
        form.show_errors({"confirm": [_("Đánh dấu ô xác nhận để xoá thông tin liên hệ.")]})
        return form, 400
    lifecycle.submission_erase_contact(submission=submission)
    messages.success(request, ERASED)
    return _see_other(services.private_path(submission.tracking_code, key))


DATA_ACTIONS = {"export": _export_data, "erase_contact": _erase_contact}


def _private_context(request, submission, key, failed):
    case = selectors.private_case(submission)
    forms = {name: form_class() for name, form_class in {**ACTION_FORMS, **DATA_FORMS}.items()}
    if failed is not None:
        forms[failed.action] = failed
    link = request.build_absolute_uri(services.private_path(submission.tracking_code, key))
    return {
        "case": case, "key": key, "private_link": link, "forms": forms, "failed_action": getattr(failed, "action", ""),
        "actions": set(case.get("actions") or ()), "is_new": request.GET.get("new") == "1",
        "sms_only_as_fallback": settings.PAKN_SMS_ONLY_AS_FALLBACK,
        # Forms post to the address without the key (it travels in a hidden field), so the key
        # stays out of the request line that proxies log.
        "action_url": reverse("feedback:private", kwargs={"code": submission.tracking_code}),
        "retention_days": settings.PAKN_CONTACT_RETENTION_DAYS,
    }


# --- stopping emails from the link in one ------------------------------------------------------

@csrf_exempt
@require_http_methods(["GET", "POST"])
def email_unsubscribe(request, token):
    """The link in every email to a submitter: one button stops emails about that case.

    A GET only asks (mail scanners open links); the POST, from this page or straight from a mail
    app's own "unsubscribe" (RFC 8058, List-Unsubscribe-Post), does it. The signed token is the
    proof, so no CSRF cookie is needed; it can do nothing but this.
    """
    submission = services.submission_by_unsubscribe_token(token)
    if submission is None:
        return _not_found(request)
    done = False
    if request.method == "POST":
        on = request.POST.get("on") == "1"
        if submission.contact_email:
            services.submission_set_notice_channel(submission=submission, channel="email", on=on)
        done = True
    response = render(request, "feedback/email_unsubscribe.html",
                      {"tracking_code": submission.tracking_code, "receiving": submission.notify_email, "done": done})
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


# --- reception enters a PAKN received by telephone or at the counter ------------------------------

def _officer_entry_page(request, form, status=200):
    return render(request, "feedback/officer_entry.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def officer_entry(request):
    """The hotline and counter page: reception types what the citizen says; the case opens as any other.

    Only reception officers; the officer is recorded as who entered it and the citizen's device is
    unknown (``services.api_submission_origin`` states the rule for the API; here the same holds).
    """
    if not request.actor.is_reception:
        reason = _("Chỉ cán bộ tiếp nhận nhập phản ánh nhận qua điện thoại hoặc tại quầy.")
        return render(request, "workflow/forbidden.html", {"reason": reason}, status=403)
    if request.method == "GET":
        return _officer_entry_page(request, OfficerEntryForm())
    form = OfficerEntryForm(data=request.POST, files=request.FILES)
    try:
        values = validate_submission(request.POST, request.FILES, serializer_class=OfficerEntrySerializer)
        origin = services.api_submission_origin(requested_channel=values.pop("channel"), actor=request.actor,
                                                device_class=UNKNOWN)
        result = services.feedback_submit(
            fields=values, photos=values.pop("photos", []), channel=origin.channel,
            device_class=origin.device_class, entered_by=origin.entered_by,
            idempotency_key=form.idempotency_key_value(), language=settings.LANGUAGE_CODE,
        )
    except PaknError as error:
        if error.code == "idempotency_conflict":
            form = form.with_fresh_key()
        form.show_errors(error.fields or {"__all__": [error.message]})
        return _officer_entry_page(request, form, status=error.status)
    submission = result.submission
    messages.success(request, _officer_entry_done(submission))
    return _see_other(reverse("workflow:case", args=[submission.case_id]))


def _officer_entry_done(submission):
    """What reception tells the caller: how the code reaches them (an SMS only when no email does,
    where the province sends SMS as a fallback)."""
    code = {"code": submission.tracking_code}
    by_sms = submission.contact_phone and not (submission.contact_email and settings.PAKN_SMS_ONLY_AS_FALLBACK)
    if submission.contact_email and by_sms:
        return _("Đã nhập phản ánh %(code)s. Mã theo dõi được gửi tới email và bằng SMS tới số người dân đã cho; "
                 "hãy đọc lại mã này cho người dân.") % code
    if submission.contact_email:
        return _("Đã nhập phản ánh %(code)s. Mã theo dõi được gửi tới email người dân đã cho; "
                 "hãy đọc lại mã này cho người dân.") % code
    if by_sms:
        return _("Đã nhập phản ánh %(code)s. Mã theo dõi được gửi bằng SMS tới số người dân đã cho; "
                 "hãy đọc lại mã này cho người dân.") % code
    return _("Đã nhập phản ánh %(code)s. Hãy đọc lại mã theo dõi này cho người dân.") % code


# --- installable app: offline page, manifest, service worker ------------------------------------

@require_GET
def offline(request):
    return render(request, "feedback/offline.html")


SHELL_FILES = (
    "css/app.css", "js/submit.js", "js/map.js", "js/device-store.js", "js/mine.js", "js/citizen-common.js",
    "js/citizen-private.js", "js/citizen-push.js", "js/push-device.js", "js/live.js", "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/images/marker-icon.png", "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png", "img/icon-192.png", "img/icon-512.png", "manifest.webmanifest",
)


def _read_static(name):
    path = finders.find(name)
    if not path:
        return b""
    with open(path, "rb") as handle:
        return handle.read()


@lru_cache(maxsize=1)
def _service_worker_cached():
    return _service_worker_source()


def _service_worker_source():
    """The worker with its cache named after the shell's content, so a new release replaces the cache."""
    version = hashlib.sha256(b"".join(_read_static(name) for name in SHELL_FILES)).hexdigest()[:12]
    shell = [static(name) for name in SHELL_FILES] + [reverse("feedback:offline")]
    source = _read_static("js/sw.js").decode()
    return (source.replace("__VERSION__", version)
            .replace('"__SHELL__"', ", ".join(f'"{url}"' for url in shell))
            .replace("__OFFLINE_URL__", reverse("feedback:offline"))
            .replace("__HOME_URL__", reverse("feedback:home"))
            .replace("__FORM_URL__", reverse("feedback:submit"))
            .replace("__DEVICE_STORE__", static("js/device-store.js"))
            .replace("__ICON__", static("img/icon-192.png")))


@require_GET
def service_worker(request):
    source = _service_worker_source() if settings.DEBUG else _service_worker_cached()
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    add_never_cache_headers(response)
    return response


@require_GET
def manifest(request):
    response = HttpResponse(_read_static("manifest.webmanifest"), content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


# --- photos on local disk --------------------------------------------------------------------

def _photo_viewer(request):
    """The staff member behind a browser session or an API token (the staff gate's rule), or None
    (a citizen, a stranger, someone without a role)."""
    user = request.user if request.user.is_authenticated else user_from_authorization(
        request.META.get("HTTP_AUTHORIZATION"))
    verdict = check_staff(user)
    return verdict.actor if verdict.allowed else None


def _photo_not_found():
    response = HttpResponseNotFound()
    add_never_cache_headers(response)  # a refusal must not be kept by a cache for the next reader
    return response


@require_GET
def media(request, path):
    """A stored photo on local disk, as ``workflow.photos.may_fetch`` allows (404 for anyone else,
    as for no file). With ``PAKN_MEDIA_ACCEL_REDIRECT`` set (nginx's ``internal`` location for
    MEDIA_ROOT) the check stays here and nginx sends the bytes."""
    photo = photos.photo_record(path)
    if photo is None or not photos.may_fetch(photo, path, actor=_photo_viewer(request),
                                             token=request.GET.get("t", "")):
        return _photo_not_found()
    response = _photo_file(path)
    if photos.photo_is_public(photo):
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, max_age=600)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _photo_file(name):
    accel = settings.PAKN_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{quote(name)}"
        return response
    try:
        return FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
    except FileNotFoundError:
        return _photo_not_found()
