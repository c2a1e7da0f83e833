"""The staff member's notification list (/notifications/): works without JavaScript."""
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_of
from notifications.services import notifications_mark_read
from workflow.gate import staff_required


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
