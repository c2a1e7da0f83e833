"""The citizen's API: submit, follow a case by its code, act on one's own case with the private key.

Thin views: rules are in ``feedback.serializers`` (fields), ``feedback.services`` (writes) and
``feedback.selectors`` (reads); errors go through ``core.api.exception_handler``.
"""
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.devices import DEVICE_CLASSES, device_class_of
from core.forms import form_errors
from core.geo import MAX_CELLS, province_bounds
from core.errors import NotFound, ValidationFailed
from core.models import Kind
from feedback import selectors, services
from feedback.forms import MapQueryForm
from feedback.public_map import MapFilter, cached_public_map
from core.api import _flatten
from feedback.serializers import (
    ActionResponseSerializer, ApiSubmissionSerializer, CategorySerializer, CitizenActionSerializer,
    ErrorSerializer, NearbyQuerySerializer, NearbySerializer, SubmissionResponseSerializer, WardSerializer,
    validated_submission,
)
from core.throttles import PublicScopedThrottle
from workflow.gate import request_actor

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer, 413: ErrorSerializer,
          429: ErrorSerializer}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="8–128 ký tự [A-Za-z0-9_-:.]; gửi lại cùng khóa và cùng nội dung nhận lại kết quả đầu tiên.")


class PublicAPIView(APIView):
    """Open to anyone: no session (so no CSRF dance for apps), limited per client address."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [PublicScopedThrottle]


def _declared(request, name):
    """A plain string the client declared (``channel``, ``device``), or None."""
    value = request.data.get(name) if hasattr(request.data, "get") else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _photo_uploads(request):
    files = getattr(request, "FILES", None)
    return files.getlist("photos") if files else []


class FeedbackSubmitView(PublicAPIView):
    """Anyone may submit; a signed-in reception officer (token or session) may also enter a PAKN
    received by telephone or at the counter (``channel`` hotline / counter)."""

    throttle_scope = "submissions"
    authentication_classes = APIView.authentication_classes

    def get_throttles(self):
        # A reception desk enters call after call all day: the per-address budget is for the public.
        staff = request_actor(self.request)
        return [] if staff is not None and staff.is_reception else super().get_throttles()

    @extend_schema(
        operation_id="feedback_submit", request={"multipart/form-data": ApiSubmissionSerializer,
                                                 "application/json": ApiSubmissionSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        responses={201: SubmissionResponseSerializer, 200: SubmissionResponseSerializer, **ERRORS},
        summary="Gửi phản ánh, kiến nghị",
    )
    def post(self, request):
        origin = services.api_submission_origin(
            requested_channel=_declared(request, "channel"), actor=request_actor(request),
            device_class=_declared(request, "device") or device_class_of(request))
        values = validated_submission(ApiSubmissionSerializer, request.data)
        values.pop("channel", None)
        values.pop("device", None)
        result = services.feedback_submit(
            fields=values, photos=values["photos"], channel=origin.channel, device_class=origin.device_class,
            entered_by=origin.entered_by, idempotency_key=request.headers.get("Idempotency-Key"),
            language=get_language() or "vi",
        )
        body = {
            "tracking_code": result.submission.tracking_code,
            "status": result.submission.case.state,
            "private_url": request.build_absolute_uri(
                services.private_path(result.submission.tracking_code, result.private_key)),
        }
        return Response(body, status=status.HTTP_200_OK if result.replayed else status.HTTP_201_CREATED)


class FeedbackDetailView(PublicAPIView):
    throttle_classes = []

    @extend_schema(operation_id="feedback_public", responses={200: OpenApiTypes.OBJECT, 404: ErrorSerializer},
                   summary="Xem công khai một phản ánh (không có dữ liệu cá nhân)")
    def get(self, request, code):
        submission = selectors.submission_by_code(code)
        if submission is None:
            raise NotFound()
        return Response(selectors.public_case(submission, build_uri=request.build_absolute_uri))


class NearbyView(PublicAPIView):
    throttle_scope = "public_reads"

    @extend_schema(
        operation_id="feedback_nearby",
        parameters=[OpenApiParameter("latitude", OpenApiTypes.DOUBLE, required=True),
                    OpenApiParameter("longitude", OpenApiTypes.DOUBLE, required=True),
                    OpenApiParameter("category", OpenApiTypes.STR, required=False, description="Mã lĩnh vực")],
        responses={200: NearbySerializer(many=True), 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Phản ánh công khai gần một điểm (300 m, 60 ngày), gần nhất trước",
    )
    def get(self, request):
        query = NearbyQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationFailed(fields=_flatten(dict(query.errors)))
        values = query.validated_data
        return Response(selectors.nearby_public_cases(
            latitude=values["latitude"], longitude=values["longitude"], category_code=values.get("category") or None))


class CitizenActionView(PublicAPIView):
    throttle_scope = "citizen_actions"

    @extend_schema(
        operation_id="feedback_citizen_action",
        request={"multipart/form-data": CitizenActionSerializer, "application/json": CitizenActionSerializer},
        parameters=[OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False)],
        responses={200: ActionResponseSerializer, **ERRORS},
        summary="Người gửi bổ sung thông tin, rút hoặc đánh giá (provide_info / withdraw / rate)",
    )
    def post(self, request, code, name):
        data = request.data
        if not hasattr(data, "get"):
            raise ValidationFailed()
        case = services.citizen_action(
            code=code, key=data.get("key") or request.query_params.get("key") or "", name=name,
            data={field: data.get(field) for field in ("message", "rating", "comment")},
            photos=_photo_uploads(request), device_class=self._device_class(request),
        )
        # citizen_action found the submission by this code, so its normal form is the tracking code.
        return Response({"tracking_code": code.strip().upper(), "status": case.state})

    @staticmethod
    def _device_class(request):
        declared = request.data.get("device")
        if declared in (None, ""):
            return device_class_of(request)
        if declared not in DEVICE_CLASSES:
            raise ValidationFailed(fields={"device": [_("Thiết bị phải là mobile, tablet, desktop hoặc unknown.")]})
        return declared


class PublicMapView(PublicAPIView):
    """Where the public cases are: GeoJSON, clustered in the database past a few hundred."""

    throttle_scope = "public_reads"

    @extend_schema(
        operation_id="public_map",
        parameters=[OpenApiParameter("from", OpenApiTypes.DATE, description="ngày đầu (mặc định: 90 ngày qua)"),
                    OpenApiParameter("to", OpenApiTypes.DATE, description="ngày cuối, tính cả ngày đó (mặc định: hôm nay)"),
                    OpenApiParameter("category", OpenApiTypes.STR, description="Mã lĩnh vực"),
                    OpenApiParameter("status", OpenApiTypes.STR, enum=["open", "answered"]),
                    OpenApiParameter("bbox", OpenApiTypes.STR,
                                     description="minlon,minlat,maxlon,maxlat (mặc định: cả tỉnh)"),
                    OpenApiParameter("cells", OpenApiTypes.INT,
                                     description="chia vùng thành tối đa bấy nhiêu ô (16–500, mặc định 256)")],
        responses={200: OpenApiTypes.OBJECT, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Bản đồ phản ánh công khai (GeoJSON FeatureCollection, tối đa 500 điểm hoặc cụm)",
        description=("Chỉ phản ánh người gửi đồng ý công khai, đang xử lý hoặc đã trả lời; vị trí của người "
                     "gửi ẩn danh được làm tròn như trang công khai. Mỗi Point là một phản ánh "
                     "(tracking_code, status, category) hoặc một cụm (count, answered, bbox)."),
    )
    def get(self, request):
        form = MapQueryForm(request.query_params)
        if not form.is_valid():
            raise ValidationFailed(fields=form_errors(form))
        values = form.cleaned_data
        filters = MapFilter(date_from=values["from"], date_to=values["to"], category=values["category"],
                            status=values["status"])
        response = Response(cached_public_map(filters, values["bbox"] or province_bounds(),
                                              cells=values["cells"] or MAX_CELLS))
        patch_cache_control(response, public=True, max_age=60)
        return response


class CategoryListView(PublicAPIView):
    throttle_classes = []

    @extend_schema(operation_id="categories_list", responses={200: CategorySerializer(many=True)},
                   parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Kind.values, required=False)],
                   summary="Lĩnh vực đang dùng")
    def get(self, request):
        kind = request.query_params.get("kind") or None
        if kind is not None and kind not in Kind.values:
            raise ValidationFailed(fields={"kind": [_("Loại phản ánh không hợp lệ.")]})
        categories = selectors.active_categories(kind)
        return Response([{"code": c.code, "name": c.name, "name_vi": c.name_vi, "name_en": c.name_en,
                          "kinds": c.kinds or list(Kind.values)} for c in categories])


class WardListView(PublicAPIView):
    throttle_classes = []

    @extend_schema(operation_id="wards_list", responses={200: WardSerializer(many=True)},
                   summary="Phường, xã của tỉnh")
    def get(self, request):
        return Response([{"code": w.code, "name": w.name} for w in selectors.active_wards()])
