"""What a push says: a title and a line, in the recipient's language, and where a tap leads.

A push shows on a lock screen that others may see, and travels through the browser maker's push
service (encrypted, but still): a citizen's push names their case by its tracking code, never by
its title, text or answer; a staff member's names the kind of notice and the case's number and
code. The payload is JSON: ``title``, ``body``, ``tracking_code``, ``url`` (for a citizen, their
private page: stored as the placeholder of ``notifications.links`` and written in when sent) and
``tag`` (a newer push about the same case replaces the older one on the screen).
"""
import json

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

# Per kind of citizen message (the kinds of ``Notice(CITIZEN, …)`` in the rules): title, line.
CITIZEN_TEXTS = {
    "received": (_("Đã nhận phản ánh %(code)s"), _("Chạm để theo dõi phản ánh của bạn.")),
    "routed": (_("Phản ánh %(code)s đã được chuyển xử lý"), _("Cơ quan có thẩm quyền đang xem xét. Chạm để xem.")),
    "info_requested": (_("Phản ánh %(code)s cần bạn bổ sung thông tin"),
                       _("Chạm để xem cơ quan cần thêm gì và trả lời.")),
    "answered": (_("Phản ánh %(code)s đã có trả lời"), _("Chạm để xem trả lời và đánh giá.")),
    "rejected": (_("Phản ánh %(code)s không được tiếp nhận"), _("Chạm để xem lý do.")),
    "reopened": (_("Phản ánh %(code)s được xử lý lại"), _("Chạm để theo dõi.")),
    "merged": (_("Phản ánh %(code)s được gộp với phản ánh trùng"), _("Kết quả xử lý chung sẽ báo cho bạn. Chạm để xem.")),
}
CITIZEN_FALLBACK = (_("Phản ánh %(code)s có cập nhật mới"), _("Chạm để xem."))


def _json(payload):
    return json.dumps(payload, ensure_ascii=False)


def citizen_payload(*, kind, tracking_code, language, url):
    """The push for one citizen message, in their language (``url``: their page or its placeholder)."""
    title, body = CITIZEN_TEXTS.get(kind, CITIZEN_FALLBACK)
    with override(language):
        return _json({"title": str(title) % {"code": tracking_code}, "body": str(body),
                      "tracking_code": tracking_code, "url": url, "tag": f"pakn-{tracking_code}"})


def staff_payload(*, title, case_id, tracking_code, url, language):
    """The push for one staff notice: its kind's title, the case's number and code, its page."""
    with override(language):
        body = str(_("Hồ sơ #%(id)s · %(code)s")) % {"id": case_id, "code": tracking_code or "—"}
    return _json({"title": str(title), "body": body, "tracking_code": tracking_code or "", "url": url,
                  "tag": f"pakn-case-{case_id}"})
