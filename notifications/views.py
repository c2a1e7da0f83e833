"""The staff member's notification list (/notifications/) and their choices (/notifications/cai-dat/):
both work without JavaScript (subscribing a browser to Web Push needs it)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications.preferences import kinds_for, staff_settings_of, staff_settings_save
from notifications.push import vapid_keys
from notifications.selectors import notifications_of, push_browsers_of
from notifications.services import notifications_mark_read, staff_kind_label
from notifications.subscriptions import push_unsubscribe_user
from workflow.gate import staff_required


@staff_required
def open_notification(request, pk):
    """Follow one of one's notifications: it is read from then on (the bell counts one less)."""
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@staff_required
def notification_list(request):
    page = Paginator(notifications_of(request.user).select_related("case"), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@staff_required
@require_POST
def mark_read(request):
    """Mark the notifications named by ``id`` (or ``all``) read, then go where the person was headed."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    if request.POST.get("all") or ids:
        notifications_mark_read(user=request.user, ids=None if request.POST.get("all") else ids)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


@staff_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Which notices reach this person in the bell and by push, quiet hours, and their browsers."""
    if request.method == "POST":
        if request.POST.get("action") == "stop_push":
            push_unsubscribe_user(user=request.user)
            messages.success(request, _("Đã tắt thông báo đẩy trên mọi trình duyệt của bạn."))
        else:
            staff_settings_save(user=request.user, in_app=request.POST.getlist("in_app"),
                                push=request.POST.getlist("push"), quiet_hours=bool(request.POST.get("quiet_hours")))
            messages.success(request, _("Đã lưu lựa chọn thông báo."))
        return redirect("notifications:settings")
    choices = staff_settings_of(request.user)
    kinds = [{"kind": kind, "label": staff_kind_label(kind), "in_app": kind not in choices.muted_in_app,
              "push": kind not in choices.muted_push} for kind in kinds_for(request.user)]
    return render(request, "notifications/settings.html", {
        "kinds": kinds, "choices": choices, "browsers": push_browsers_of(request.user),
        "push_ready": vapid_keys() is not None,
    })
