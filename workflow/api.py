"""The staff API: sign-in token, who am I, agencies, and cases with their transitions.

Views stay thin: the staff gate (``workflow.gate``) builds the actor once per request, reads go through ``workflow.selectors``,
every change through ``workflow.perform.perform_transition`` (and so through the services).
Errors come back in the one shape ``{"message", "code", "fields"}`` (``core.api``).
"""
from collections.abc import Mapping

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.auth import token_for
from core.errors import NotFound, ValidationFailed
from core.geo import parse_bbox
from workflow import selectors, transitions
from workflow.contact_reads import record_contact_read
from workflow.gate import IsStaffMember, request_actor
from workflow.models import Agency, ContactRead, Membership, State
from workflow.perform import perform_transition
from workflow.serializers import (AgencySerializer, CaseDetailSerializer, CaseListSerializer, MeSerializer,
                                  TokenRequestSerializer, TokenSerializer, TransitionRequestSerializer)

ERROR = OpenApiResponse(description='{"message", "code", "fields"}')


# --- signing in and who am I -------------------------------------------------------------------

class TokenLoginView(APIView):
    """Exchange a username and password for a token (``Authorization: Token …``)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: ERROR, 429: ERROR},
                   auth=[], operation_id="auth_token")
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(request._request, username=form.validated_data["username"],
                            password=form.validated_data["password"])
        if user is None or not user.is_active:
            raise ValidationFailed(_("Tên đăng nhập hoặc mật khẩu không đúng."), code="invalid_credentials")
        # A sign-in like the page's: last_login is kept, and the failures counted against the
        # account (core.login_lock) are forgotten.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token_for(user).key})


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: MeSerializer, 401: ERROR}, operation_id="me")
    def get(self, request):
        user = request.user
        actor = request_actor(request)
        memberships = list(Membership.objects.filter(user=user).select_related("agency").order_by("pk"))
        return Response(MeSerializer({
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "roles": sorted({m.role for m in memberships}),
            "agency": memberships[0].agency if memberships else None,
            "agencies": memberships,
            "is_reception": actor.is_reception,
            "is_supervisor": actor.is_supervisor,
        }).data)


class AgencyListView(generics.ListAPIView):
    """Active agencies (a public reference list: codes and names, no people)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = AgencySerializer
    pagination_class = None
    queryset = Agency.objects.filter(is_active=True).select_related("parent").order_by("path")


# --- cases ---------------------------------------------------------------------------------------

class BboxField(serializers.CharField):
    """``minlon,minlat,maxlon,maxlat`` as ``core.geo.Bounds``."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            if len(text) > 200:
                raise ValueError("too long")
            return parse_bbox(text)
        except ValueError:
            raise serializers.ValidationError(_("Vùng không hợp lệ: minlon,minlat,maxlon,maxlat.")) from None


class CaseFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False)
    ward = serializers.CharField(required=False, help_text="ward code")
    bbox = BboxField(required=False, source="area",
                     help_text="minlon,minlat,maxlon,maxlat: cases whose place (first located submission) is inside")
    agency = serializers.CharField(required=False, help_text="agency code: the agency and every agency under it")
    category = serializers.CharField(required=False, help_text="category code")
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, max_length=200, help_text="tracking code or words")
    queue = serializers.ChoiceField(choices=selectors.QUEUES, required=False)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: the period's fields are added by name (submission days, local).
        fields["from"] = serializers.DateField(required=False, source="submitted_from", help_text="submitted from (day)")
        fields["to"] = serializers.DateField(required=False, source="submitted_to", help_text="submitted until (day, included)")
        return fields


class CaseListView(generics.ListAPIView):
    """Cases the signed-in official may see, most urgent first; filters narrow the list."""

    permission_classes = [IsStaffMember]
    serializer_class = CaseListSerializer

    def get_queryset(self):
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.case_list_for_api(selectors.case_list(actor=request_actor(self.request),
                                                               **filters.validated_data))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "actor": request_actor(self.request), "now": timezone.now()}

    @extend_schema(parameters=[CaseFilterSerializer], operation_id="cases_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _detail_response(request, case):
    context = {"request": request, "actor": request_actor(request), "now": timezone.now()}
    data = CaseDetailSerializer(case, context=context).data
    record_contact_read(user=request.user, case=case, via=ContactRead.Via.API)  # the submissions carry it
    return Response(data)


class CaseDetailView(APIView):
    permission_classes = [IsStaffMember]

    @extend_schema(responses={200: CaseDetailSerializer, 401: ERROR, 403: ERROR, 404: ERROR},
                   operation_id="cases_retrieve")
    def get(self, request, case_id):
        return _detail_response(request, selectors.case_detail(actor=request_actor(request), case_id=case_id))


class CaseTransitionView(APIView):
    """Take one transition by its contract name (JSON, or multipart for answer photos)."""

    permission_classes = [IsStaffMember]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": TransitionRequestSerializer, "multipart/form-data": TransitionRequestSerializer},
        responses={200: CaseDetailSerializer, 400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 413: ERROR},
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH,
                                     description=", ".join(transitions.names()))],
        operation_id="cases_transition",
    )
    def post(self, request, case_id, name):
        actor = request_actor(request)
        case = selectors.case_detail(actor=actor, case_id=case_id)
        if not isinstance(request.data, Mapping):
            raise ValidationFailed(_("Gửi các trường của thao tác dưới dạng một đối tượng JSON."))
        photos = request.FILES.getlist("photos") if request.FILES else ()
        perform_transition(name=name, case=case, actor=actor, data=request.data, photos=photos)
        try:
            case = selectors.case_detail(actor=actor, case_id=case_id)
        except NotFound:  # e.g. returned to reception: show the outcome of what they just did
            case = selectors.case_detail_unchecked(case_id)
        return _detail_response(request, case)
