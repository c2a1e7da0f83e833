"""The notifications API: a staff member's own notifications and marking them read; Web Push (the
province's public key, a citizen's browser following their case, a staff member's browser)."""
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound, ServiceUnavailable, ValidationFailed
from core.throttles import PublicScopedThrottle
from feedback.services import submission_for_submitter
from notifications.models import Notification
from notifications.push import vapid_keys
from notifications.selectors import notifications_of, unread_count
from notifications.services import notifications_mark_read
from notifications.subscriptions import (push_subscribe_submission, push_subscribe_user, push_unsubscribe_submission,
                                         push_unsubscribe_user)
from workflow.gate import IsStaffMember

ERROR = OpenApiResponse(description='{"message", "code", "fields"}')


class NotificationSerializer(serializers.ModelSerializer):
    case_id = serializers.IntegerField(read_only=True, allow_null=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "case_id", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=500)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": ["Gửi danh sách ids hoặc all=true."]})
        return data


class MarkReadResponseSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class NotificationListView(ListAPIView):
    """The signed-in staff member's notifications, newest first, with ``unread_count``."""

    permission_classes = [IsStaffMember]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        return notifications_of(self.request.user)

    @extend_schema(responses={200: NotificationSerializer(many=True), 401: ERROR, 403: ERROR},
                   operation_id="notifications_list")
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["unread_count"] = unread_count(request.user)
        return response


class NotificationReadView(APIView):
    """Mark the user's own notifications read: ``{"ids": [...]}`` or ``{"all": true}``."""

    permission_classes = [IsStaffMember]

    @extend_schema(request=MarkReadSerializer, responses={200: MarkReadResponseSerializer, 400: ERROR, 401: ERROR,
                                                          403: ERROR}, operation_id="notifications_read")
    def post(self, request):
        form = MarkReadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ids = None if form.validated_data.get("all") else form.validated_data["ids"]
        marked = notifications_mark_read(user=request.user, ids=ids)
        return Response({"marked": marked, "unread_count": unread_count(request.user)})


# --- Web Push ------------------------------------------------------------------------------------

class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(help_text="VAPID public key (P-256 point, base64url): applicationServerKey")


class PushSubscriptionJSON(serializers.Serializer):
    endpoint = serializers.URLField()
    keys = serializers.DictField(child=serializers.CharField(), help_text="p256dh, auth (base64url)")


class CitizenPushSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The private key of the submitter's link")
    subscription = PushSubscriptionJSON()


class CitizenPushDeleteSerializer(serializers.Serializer):
    key = serializers.CharField()
    endpoint = serializers.CharField()


class StaffPushSerializer(serializers.Serializer):
    subscription = PushSubscriptionJSON()


class StaffPushDeleteSerializer(serializers.Serializer):
    endpoint = serializers.CharField(required=False, help_text="One browser; without it every browser of the user")


def _public_key():
    keys = vapid_keys()
    if keys is None:
        raise ServiceUnavailable(_("Thông báo đẩy chưa được cấu hình trên máy chủ."), code="push_unavailable")
    return keys.public_key


def _body(request):
    if not isinstance(request.data, dict):
        raise ValidationFailed()
    return request.data


class PushKeyView(APIView):
    """The key browsers subscribe with (``applicationServerKey``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicScopedThrottle]
    throttle_scope = "public_reads"

    @extend_schema(operation_id="push_key", responses={200: PushKeySerializer, 503: ERROR},
                   summary="Khóa công khai VAPID để trình duyệt đăng ký nhận thông báo đẩy")
    def get(self, request):
        response = Response({"public_key": _public_key()})
        patch_cache_control(response, public=True, max_age=600)  # asked on each private page; it rarely changes
        return response


class CitizenPushView(APIView):
    """A submitter's browser follows their case by Web Push (proven by the private key), or stops."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    throttle_classes = [PublicScopedThrottle]
    throttle_scope = "citizen_actions"

    def _submission(self, code, data):
        submission = submission_for_submitter(code, data.get("key"))
        if submission is None:
            raise NotFound()
        return submission

    @extend_schema(operation_id="feedback_push_subscribe", request=CitizenPushSerializer,
                   responses={201: OpenApiResponse(description='{"tracking_code", "subscribed": true}'), 400: ERROR,
                              404: ERROR, 503: ERROR},
                   summary="Nhận thông báo đẩy về phản ánh trên trình duyệt này")
    def post(self, request, code):
        data = _body(request)
        submission = self._submission(code, data)
        _public_key()
        push_subscribe_submission(submission=submission, data=data.get("subscription"))
        return Response({"tracking_code": submission.tracking_code, "subscribed": True},
                        status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="feedback_push_unsubscribe", request=CitizenPushDeleteSerializer,
                   responses={204: None, 404: ERROR}, summary="Ngừng thông báo đẩy về phản ánh trên trình duyệt này")
    def delete(self, request, code):
        data = _body(request)
        push_unsubscribe_submission(submission=self._submission(code, data), endpoint=data.get("endpoint"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StaffPushView(APIView):
    """A staff member's browser receives their chosen notices by Web Push, or stops."""

    permission_classes = [IsStaffMember]
    parser_classes = [JSONParser]

    @extend_schema(operation_id="push_subscribe_staff", request=StaffPushSerializer,
                   responses={201: OpenApiResponse(description='{"subscribed": true}'), 400: ERROR, 401: ERROR,
                              403: ERROR, 503: ERROR},
                   summary="Cán bộ nhận thông báo đẩy trên trình duyệt này")
    def post(self, request):
        _public_key()
        push_subscribe_user(user=request.user, data=_body(request).get("subscription"))
        return Response({"subscribed": True}, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="push_unsubscribe_staff", request=StaffPushDeleteSerializer,
                   responses={204: None, 401: ERROR, 403: ERROR},
                   summary="Cán bộ ngừng thông báo đẩy (một trình duyệt, hoặc tất cả)")
    def delete(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        push_unsubscribe_user(user=request.user, endpoint=data.get("endpoint"))
        return Response(status=status.HTTP_204_NO_CONTENT)
