"""Cases brought to a given state the way the product does it: through the services, step by step."""
from datetime import datetime
from zoneinfo import ZoneInfo


from tests.factories import make_submission
from workflow import services
from workflow.actors import STAFF, Actor, staff_actor
from workflow.models import Case, State

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A plain working week in March 2026 (no holiday): Monday the 9th to Friday the 13th.
MONDAY = 9


def at(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


def act(user, device_class="desktop"):
    return staff_actor(user, device_class=device_class)


def superuser_actor(user):
    return Actor(kind=STAFF, user=user, is_superuser=True, device_class="desktop")


def new_case(world, **fields):
    return make_submission(category=world.category, ward=world.ward, **fields).case


def officer_of(world, agency):
    return world.outsider if agency == world.other else world.officer


def reload(case):
    return Case.objects.select_related("agency", "category", "ward").get(pk=case.pk)


def case_in(world, state, *, agency=None, **fields):
    """A fresh case in ``state``; routed cases go to ``agency`` (the department by default)."""
    agency = agency or world.department
    case = new_case(world, **fields)
    reception = act(world.receptionist)
    if state == State.SUBMITTED:
        return reload(case)
    if state == State.NEEDS_INFO:
        return services.case_request_info(case=case, actor=reception, message="Cần ảnh rõ hơn")
    if state == State.REJECTED:
        return services.case_reject(case=case, actor=reception, reason_code="spam", message="Thư rác")
    if state == State.MERGED:
        return services.case_merge(case=case, actor=reception, into=new_case(world))
    if state == State.WITHDRAWN:
        return services.case_withdraw(case=case, actor=reception)
    services.case_route(case=case, actor=reception, agency=agency)
    return _beyond_routing(world, case, state, agency)


def _beyond_routing(world, case, state, agency):
    officer = act(officer_of(world, agency))
    if state == State.ASSIGNED:
        return reload(case)
    services.case_accept(case=case, actor=officer)
    if state == State.IN_PROGRESS:
        return reload(case)
    if state == State.PENDING_APPROVAL:
        agency.requires_approval = True
        agency.save()
    services.case_answer(case=case, actor=officer, answer="Đã thay bóng đèn.")
    if state in (State.PENDING_APPROVAL, State.ANSWERED):
        return reload(case)
    if state == State.CLOSED:
        services.case_close(case=case, actor=act(world.receptionist))
        return reload(case)
    raise ValueError(state)
