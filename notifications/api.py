"""The in-app notifications API: a staff member's own notifications, and marking them read."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications.models import Notification
from notifications.selectors import notifications_of, unread_count
from notifications.services import notifications_mark_read
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
