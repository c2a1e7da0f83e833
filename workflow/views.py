"""The officials' pages: the inbox, the case page and its action forms.

Views stay thin: reads go through ``workflow.selectors``, every change through
``workflow.perform.perform_transition`` (POST only; a GET never changes a case). Business
errors become what a person expects to see: field errors (400), a conflict message (409), a
refusal (403) or a missing page (404).
"""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.throttles import over_limit
from core.errors import Conflict, NotFound, PayloadTooLarge, PermissionDenied, ValidationFailed
from workflow import deadlines, selectors, transitions
from workflow.contact_reads import record_contact_read
from workflow.forms import InboxFilterForm, TransitionForm
from workflow.gate import staff_required
from workflow.models import ContactRead, Role, State
from workflow.perform import perform_transition
from workflow.visibility import can_see
from workflow.working_time import working_day_hours

PAGE_SIZE = 50

# Inbox tabs: (queue passed to the selector, label, roles that see the tab). "all" is everyone's.
QUEUES = (
    ("reception", gettext_lazy("Chờ tiếp nhận"), {Role.RECEPTION}),
    ("agency", gettext_lazy("Hồ sơ của cơ quan"), {Role.OFFICER}),
    ("approvals", gettext_lazy("Chờ duyệt"), {Role.SUPERVISOR}),
    ("extensions", gettext_lazy("Xin gia hạn"), {Role.SUPERVISOR}),
    ("overdue", gettext_lazy("Quá hạn"), {Role.SUPERVISOR}),
    ("all", gettext_lazy("Tất cả hồ sơ"), None),
)


# --- time left, as officials say it --------------------------------------------------------------

# From two working days on, time is said in working days (deadlines are set in them): "quá hạn
# 64,3 ngày làm việc" reads at a glance where "quá hạn 482,6 giờ" does not.
DAYS_FROM = 2


def _one_decimal(value):
    value = round(value, 1)
    return number_format(value, decimal_pos=0 if value == int(value) else 1)


def time_left_label(seconds, overdue=None):
    """``còn 5,5 giờ làm việc``, ``quá hạn 3 giờ``, ``còn 4 ngày làm việc``; None when no clock runs.

    ``overdue`` is the one rule (``workflow.deadlines.is_overdue``); past a deadline that fell
    outside office hours the working time overdue can still be 0.
    """
    if seconds is None:
        return None
    late = overdue if overdue is not None else seconds < 0
    hours = abs(seconds) / 3600
    days = hours / float(working_day_hours())
    if days >= DAYS_FROM:
        text = _("quá hạn %(days)s ngày làm việc") if late else _("còn %(days)s ngày làm việc")
        return text % {"days": _one_decimal(days)}
    text = _("quá hạn %(hours)s giờ") if late else _("còn %(hours)s giờ làm việc")
    return text % {"hours": _one_decimal(hours)}


def with_time_left(cases, now=None):
    """Attach ``time_left`` (seconds), ``time_left_label`` and ``is_overdue`` to each case for display."""
    now = now or timezone.now()
    time_left = selectors.time_left_by_case(cases, now=now)
    for case in cases:
        case.time_left = time_left[case.pk]
        case.is_overdue = deadlines.is_overdue(case, now)
        case.time_left_label = time_left_label(case.time_left, case.is_overdue)
    return cases


# --- inbox ---------------------------------------------------------------------------------------

def _roles_of(actor):
    if actor.is_superuser:
        return set(Role.values)
    return set(actor.user.memberships.values_list("role", flat=True))


def _queues_for(actor):
    roles = _roles_of(actor)
    return [(key, label) for key, label, needs in QUEUES if needs is None or needs & roles]


def _tabs(actor, queues, filters, current):
    tabs = []
    for key, label in queues:
        count = selectors.case_list(actor=actor, queue=None if key == "all" else key, **filters).count()
        tabs.append({"key": key, "label": label, "count": count, "current": key == current})
    return tabs


def _querystring(request, **changes):
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


@staff_required
def inbox(request):
    actor = request.actor
    queues = _queues_for(actor)
    keys = [key for key, _label in queues]
    queue = request.GET.get("queue") if request.GET.get("queue") in keys else keys[0]
    filter_form = InboxFilterForm(request.GET or None)
    filters = filter_form.filters() if request.GET else {}
    cases = selectors.case_list(actor=actor, queue=None if queue == "all" else queue, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    with_time_left(page.object_list)
    return render(request, "workflow/inbox.html", {
        "tabs": _tabs(actor, queues, filters, queue),
        "queue": queue,
        "filter_form": filter_form,
        "filtered": bool(request.GET) and filter_form.is_filtered,
        "page": page,
        "page_query": _querystring(request, page=None),
    })


# --- the case page -------------------------------------------------------------------------------

def _load_case(actor, case_id):
    try:
        return selectors.case_detail(actor=actor, case_id=case_id)
    except NotFound:
        raise Http404 from None


def _open_first_step(forms):
    """The main step's form starts unfolded unless another one is showing its errors."""
    if any(form.is_bound for form in forms):
        return
    for form in forms:
        if not form.is_secondary and form.visible_fields():
            form.start_open = True
            return


def _action_forms(case, actor, bound=None, *, returned_draft=""):
    """One form per transition the actor may take now; ``bound`` replaces its unbound twin. A draft
    answer the supervisor sent back (``returned_draft``) is where the next answer starts from."""
    suggestion = None
    forms = []
    for name in transitions.in_button_order(selectors.offered_transitions(case, actor)):
        initial = {}
        if name == "route":
            suggestion = selectors.suggest_agency(case)
            initial["agency"] = suggestion.code if suggestion else None
        if name == "answer" and returned_draft:
            initial["answer"] = returned_draft
        if bound is not None and bound.name == name:
            forms.append(bound)
            continue
        forms.append(TransitionForm(transitions.get(name), initial=initial))
    _open_first_step(forms)
    return forms, suggestion


def _events(case):
    events = list(case.events.all())
    for event in events:
        event.label = transitions.event_label(event.transition)
    return events


def _answer_card(case, events):
    """How the page presents the answer text a case holds: the answer, a draft awaiting approval, a
    draft the supervisor sent back, or an answer the citizen reopened (with the step's reason)."""
    if not case.answer:
        return None
    if case.state == State.PENDING_APPROVAL:
        return {"heading": _("Dự thảo trả lời (chờ duyệt)")}
    if case.answer_published:
        return {"heading": _("Trả lời")}
    last = next((e for e in reversed(events) if e.transition in ("send_back", "reopen")), None)
    if last is not None and last.transition == "send_back":
        return {"heading": _("Dự thảo bị trả lại"), "reason": last.message, "returned_draft": True}
    return {"heading": _("Trả lời trước (đã mở lại)"), "reason": last.message if last else ""}


def render_case(request, case_id, *, bound=None, status=200):
    actor = request.actor
    case = _load_case(actor, case_id)
    with_time_left([case])
    events = _events(case)
    answer_card = _answer_card(case, events)
    returned_draft = case.answer if answer_card and answer_card.get("returned_draft") else ""
    forms, suggestion = _action_forms(case, actor, bound, returned_draft=returned_draft)
    submissions = list(case.submissions.all())
    record_contact_read(user=request.user, case=case, via=ContactRead.Via.PAGE, submissions=submissions)
    return render(request, "workflow/case.html", {
        "case": case,
        "answer_card": answer_card,
        "submissions": submissions,
        "events": events,
        "result_photos": list(case.result_photos.all()),
        "action_forms": forms,
        "suggestion": suggestion,
    }, status=status)


@staff_required
def case_page(request, case_id):
    return render_case(request, case_id)


def _bind(name, request):
    return TransitionForm(transitions.get(name), data=request.POST, files=request.FILES)


@require_POST
@staff_required
def transition(request, case_id, name):
    """Take one transition; on success back to the case (or the inbox if it is no longer ours)."""
    if transitions.get(name) is None:
        raise Http404
    actor = request.actor
    case = _load_case(actor, case_id)
    form = _bind(name, request)
    try:
        # The service judges the input exactly as it judges the API's; the form only shows it.
        case = perform_transition(name=name, case=case, actor=actor, data=request.POST,
                                              photos=request.FILES.getlist("photos"))
    except (ValidationFailed, PayloadTooLarge) as error:
        form.add_service_errors(getattr(error, "fields", None), error.message)
        return render_case(request, case_id, bound=form, status=error.status)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, error.message)
        return render_case(request, case_id, status=error.status)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": form.label})
    if can_see(case, actor):
        return redirect("workflow:case", case_id=case.pk)
    return redirect("workflow:inbox")


# --- sign-in -------------------------------------------------------------------------------------

class StaffLoginView(auth_views.LoginView):
    """Django's sign-in, with the same per-address budget as the API's token endpoint."""

    template_name = "workflow/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if over_limit(request, "login"):
            form = self.get_form()
            form.is_valid()  # keeps what was typed; the errors below replace any it found
            form.errors.clear()
            form.add_error(None, _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."))
            return self.render_to_response(self.get_context_data(form=form, throttled=True), status=429)
        return super().post(request, *args, **kwargs)
