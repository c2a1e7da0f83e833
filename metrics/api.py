"""The metrics API: the summary of every indicator and the same figures per group.

Staff only (401 without credentials, 403 without a role), scoped to what the caller may see; the
filters are read by ``metrics.forms`` (400 with field errors for a bad date or code).
"""
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ValidationFailed
from core.forms import form_errors
from core.throttles import PublicScopedThrottle
from workflow.models import Channel
from metrics.breakdown import BREAKDOWN_KEYS, breakdown
from metrics.forms import PublicPeriodForm, parse_filters
from metrics.public import cached_public_stats
from metrics.selectors import summary
from workflow.gate import IsStaffMember, request_actor

ERROR = OpenApiResponse(description='{"message", "code", "fields"}')
FILTER_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day (Asia/Ho_Chi_Minh), default: 1st of this month"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive; default: today"),
    OpenApiParameter("agency", OpenApiTypes.STR, description="agency code (with its subtree)"),
    OpenApiParameter("category", OpenApiTypes.STR, description="category code"),
    OpenApiParameter("ward", OpenApiTypes.STR, description="ward code"),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
    OpenApiParameter("device", OpenApiTypes.STR, enum=["mobile", "tablet", "desktop", "unknown"]),
]


class SummaryView(APIView):
    """Every indicator for the period: the mobile handling rate, times, on-time, backlog, satisfaction."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=FILTER_PARAMETERS, operation_id="metrics_summary",
                   responses={200: OpenApiTypes.OBJECT, 400: ERROR, 401: ERROR, 403: ERROR})
    def get(self, request):
        actor = request_actor(request)
        return Response(summary(filters=parse_filters(request.query_params, actor=actor), actor=actor))


class BreakdownView(APIView):
    """The main figures per agency, category, ward, channel, device class, month or week."""

    permission_classes = [IsStaffMember]

    @extend_schema(parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=list(BREAKDOWN_KEYS), required=True),
                               *FILTER_PARAMETERS],
                   operation_id="metrics_breakdown",
                   responses={200: OpenApiTypes.OBJECT, 400: ERROR, 401: ERROR, 403: ERROR})
    def get(self, request):
        actor = request_actor(request)
        by = request.query_params.get("by", "")
        if by not in BREAKDOWN_KEYS:
            message = _("Chọn một trong: %(keys)s.") % {"keys": ", ".join(BREAKDOWN_KEYS)}
            raise ValidationFailed(fields={"by": [message]})
        filters = parse_filters(request.query_params, actor=actor)
        rows = breakdown(by=by, filters=filters, actor=actor)
        return Response({"period": {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()},
                         "by": by, "rows": rows})


class PublicStatsView(APIView):
    """The province's and each agency's figures for a period: anyone, no sign-in, from the cache."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicScopedThrottle]
    throttle_scope = "public_reads"

    @extend_schema(
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, description="first day; default: 1st of the month 11 months back"),
                    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive; default: today")],
        operation_id="public_stats", responses={200: OpenApiTypes.OBJECT, 400: ERROR, 429: ERROR},
        summary="Số liệu công khai của tỉnh và từng cơ quan",
        description=("province and agencies (code, name): received, answered, on_time_rate, "
                     "median_response_working_days, satisfaction, mobile_handling_rate (numerator, "
                     "denominator, rate); the same numbers as /api/v1/metrics/summary/ for that scope."),
    )
    def get(self, request):
        form = PublicPeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(fields=form_errors(form))
        response = Response(cached_public_stats(*form.period()))
        patch_cache_control(response, public=True, max_age=60)
        return response
