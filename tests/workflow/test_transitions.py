"""Every transition, by state, by role and by agency, through the services; events and merging.

The state table runs each transition from every state as a superuser (so only the state machine
can refuse); the role table runs each from a state where it is legal as each person of the cast.
"""
import pytest
import time_machine

from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from workflow.models import Submission
from tests.workflow.builders import act, at, case_in, new_case, reload, superuser_actor  # noqa: F401
from workflow import services
from workflow.models import OPEN_STATES, CaseEvent, State
from workflow.perform import perform_transition
from workflow.transitions import TRANSITIONS

S = State


def _transfer_target(world, case):
    return world.other if case.agency_id != world.other.pk else world.department


CALLS = {
    "route": lambda c, a, w: services.case_route(case=c, actor=a, agency=w.department),
    "request_info": lambda c, a, w: services.case_request_info(case=c, actor=a, message="Cần thêm ảnh"),
    "provide_info": lambda c, a, w: services.case_provide_info(case=c, actor=a, message="Ảnh đã gửi qua Zalo"),
    "reject": lambda c, a, w: services.case_reject(case=c, actor=a, reason_code="complaint", message="Khiếu nại"),
    "merge": lambda c, a, w: services.case_merge(case=c, actor=a, into=new_case(w)),
    "accept": lambda c, a, w: services.case_accept(case=c, actor=a),
    "return": lambda c, a, w: services.case_return(case=c, actor=a, reason="Không thuộc thẩm quyền"),
    "transfer": lambda c, a, w: services.case_transfer(case=c, actor=a, agency=_transfer_target(w, c),
                                                      reason="Thuộc ngành y tế"),
    "answer": lambda c, a, w: services.case_answer(case=c, actor=a, answer="Đã sửa xong."),
    "approve": lambda c, a, w: services.case_approve(case=c, actor=a),
    "send_back": lambda c, a, w: services.case_send_back(case=c, actor=a, reason="Bổ sung số liệu"),
    "request_extension": lambda c, a, w: services.case_request_extension(case=c, actor=a, days=3, reason="Chờ vật tư"),
    "grant_extension": lambda c, a, w: services.case_grant_extension(case=c, actor=a),
    "refuse_extension": lambda c, a, w: services.case_refuse_extension(case=c, actor=a, reason="Chưa đủ căn cứ"),
    "reopen": lambda c, a, w: services.case_reopen(case=c, actor=a, reason="Người dân chưa hài lòng"),
    "close": lambda c, a, w: services.case_close(case=c, actor=a),
    "withdraw": lambda c, a, w: services.case_withdraw(case=c, actor=a),
}

SOURCES = {
    "route": {S.SUBMITTED}, "request_info": {S.SUBMITTED, S.IN_PROGRESS}, "provide_info": {S.NEEDS_INFO},
    "reject": {S.SUBMITTED}, "merge": set(OPEN_STATES), "accept": {S.ASSIGNED},
    "return": {S.ASSIGNED, S.IN_PROGRESS}, "transfer": {S.ASSIGNED, S.IN_PROGRESS}, "answer": {S.IN_PROGRESS},
    "approve": {S.PENDING_APPROVAL}, "send_back": {S.PENDING_APPROVAL}, "request_extension": {S.IN_PROGRESS},
    "grant_extension": {S.IN_PROGRESS}, "refuse_extension": {S.IN_PROGRESS}, "reopen": {S.ANSWERED},
    "close": {S.ANSWERED},
    "withdraw": set(OPEN_STATES),
}

TARGETS = {
    "route": S.ASSIGNED, "request_info": S.NEEDS_INFO, "provide_info": S.SUBMITTED, "reject": S.REJECTED,
    "merge": S.MERGED, "accept": S.IN_PROGRESS, "return": S.SUBMITTED, "transfer": S.ASSIGNED,
    "answer": S.ANSWERED, "approve": S.ANSWERED, "send_back": S.IN_PROGRESS, "request_extension": S.IN_PROGRESS,
    "grant_extension": S.IN_PROGRESS, "refuse_extension": S.IN_PROGRESS, "reopen": S.IN_PROGRESS,
    "close": S.CLOSED, "withdraw": S.WITHDRAWN,
}


def test_the_tables_cover_every_contract_transition():
    assert set(CALLS) == set(SOURCES) == set(TARGETS) == set(TRANSITIONS)


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_transition_is_taken_only_from_its_source_states(world, name, state):
    case = case_in(world, state)
    actor = superuser_actor(world.nobody)
    if name in ("grant_extension", "refuse_extension") and state == S.IN_PROGRESS:
        services.case_request_extension(case=case, actor=actor, days=2, reason="Chờ vật tư")
    events_before = CaseEvent.objects.filter(case=case).count()

    if state in SOURCES[name]:
        assert CALLS[name](case, actor, world).state == TARGETS[name]
        assert reload(case).state == TARGETS[name]
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        with pytest.raises(Conflict):
            CALLS[name](case, actor, world)
        assert reload(case).state == state
        assert CaseEvent.objects.filter(case=case).count() == events_before


AGENCY_SIDE = {"officer", "supervisor", "province_supervisor"}
SUPERVISORS = {"supervisor", "province_supervisor"}
RECEPTION = {"receptionist"}
CAST = ("receptionist", "officer", "supervisor", "province_supervisor", "outsider", "nobody")

ROLE_TABLE = [
    ("route", "submitted", RECEPTION),
    ("request_info", "submitted", RECEPTION),
    ("request_info", "in_progress", AGENCY_SIDE),
    ("provide_info", "needs_info", RECEPTION),
    ("provide_info", "needs_info_at_agency", AGENCY_SIDE),
    ("reject", "submitted", RECEPTION),
    ("merge", "submitted", RECEPTION),
    ("merge", "in_progress", RECEPTION),
    ("accept", "assigned", AGENCY_SIDE),
    ("return", "assigned", AGENCY_SIDE),
    ("return", "in_progress", AGENCY_SIDE),
    ("transfer", "assigned", RECEPTION | SUPERVISORS),
    ("transfer", "in_progress", RECEPTION | SUPERVISORS),
    ("answer", "in_progress", AGENCY_SIDE),
    ("approve", "pending_approval", SUPERVISORS),
    ("send_back", "pending_approval", SUPERVISORS),
    ("request_extension", "in_progress", AGENCY_SIDE),
    ("grant_extension", "extension_requested", SUPERVISORS),
    ("refuse_extension", "extension_requested", SUPERVISORS),
    ("reopen", "answered", SUPERVISORS),
    ("close", "answered", RECEPTION | SUPERVISORS),
    ("withdraw", "submitted", RECEPTION),
    ("withdraw", "in_progress", RECEPTION),
]


def _case_for_role_test(world, setup):
    if setup == "needs_info_at_agency":
        case = case_in(world, S.IN_PROGRESS)
        return services.case_request_info(case=case, actor=act(world.officer), message="Cần địa chỉ cụ thể")
    if setup == "extension_requested":
        case = case_in(world, S.IN_PROGRESS)
        return services.case_request_extension(case=case, actor=act(world.officer), days=2, reason="Chờ vật tư")
    return case_in(world, setup)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "setup", "allowed"), ROLE_TABLE, ids=[f"{n}@{s}" for n, s, _ in ROLE_TABLE])
def test_transition_is_taken_only_by_the_roles_that_may(world, name, setup, allowed, who):
    case = _case_for_role_test(world, setup)
    state_before = case.state
    events_before = CaseEvent.objects.filter(case=case).count()
    actor = act(getattr(world, who))

    if who in allowed:
        assert CALLS[name](case, actor, world).state == TARGETS[name] or name == "provide_info"
        assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    else:
        with pytest.raises(PermissionDenied):
            CALLS[name](case, actor, world)
        assert reload(case).state == state_before
        assert CaseEvent.objects.filter(case=case).count() == events_before


def test_officer_cannot_accept_a_case_assigned_to_another_agency(world):
    case = case_in(world, S.ASSIGNED, agency=world.other)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=act(world.officer))
    assert services.case_accept(case=case, actor=act(world.outsider)).state == S.IN_PROGRESS


def test_department_supervisor_cannot_approve_another_departments_answer(world):
    case = case_in(world, S.PENDING_APPROVAL, agency=world.other)
    with pytest.raises(PermissionDenied):
        services.case_approve(case=case, actor=act(world.supervisor))
    assert services.case_approve(case=case, actor=act(world.province_supervisor)).state == S.ANSWERED


def test_provide_info_returns_to_the_state_that_asked(world):
    case = case_in(world, S.IN_PROGRESS)
    services.case_request_info(case=case, actor=act(world.officer), message="Cần địa chỉ cụ thể")
    assert services.case_provide_info(case=case, actor=act(world.officer), message="Số 12 Lý Thái Tổ").state \
        == S.IN_PROGRESS


# --- answers and approval ----------------------------------------------------------------------

def test_answer_at_an_agency_requiring_approval_waits_for_the_supervisor(world):
    world.department.requires_approval = True
    world.department.save()
    case = case_in(world, S.IN_PROGRESS)
    case = services.case_answer(case=case, actor=act(world.officer), answer="Đã sửa đèn.")
    assert case.state == S.PENDING_APPROVAL
    assert case.answered_at is None

    case = services.case_approve(case=case, actor=act(world.supervisor))
    assert case.state == S.ANSWERED
    assert case.answered_at is not None
    assert case.answer == "Đã sửa đèn."


def test_sent_back_answer_returns_to_the_officer(world):
    case = case_in(world, S.PENDING_APPROVAL)
    case = services.case_send_back(case=case, actor=act(world.supervisor), reason="Thiếu ảnh kết quả")
    assert case.state == S.IN_PROGRESS
    assert services.case_answer(case=case, actor=act(world.officer), answer="Kèm ảnh.").state == S.PENDING_APPROVAL


def test_answer_without_text_is_refused_with_the_field_named(world):
    case = case_in(world, S.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as error:
        services.case_answer(case=case, actor=act(world.officer), answer="  ")
    assert "answer" in error.value.fields
    assert reload(case).state == S.IN_PROGRESS


# --- merging -------------------------------------------------------------------------------------

def test_merge_repoints_the_duplicates_submissions_to_the_survivor(world):
    duplicate = new_case(world, tracking_code="BN-2603-0001")
    survivor = new_case(world, tracking_code="BN-2603-0002")
    services.case_merge(case=duplicate, actor=act(world.receptionist), into=survivor)

    assert reload(duplicate).state == S.MERGED
    assert reload(duplicate).merged_into_id == survivor.pk
    assert sorted(survivor.submissions.values_list("tracking_code", flat=True)) == ["BN-2603-0001", "BN-2603-0002"]
    # The duplicate's code now leads to the survivor: its submitter follows that case.
    assert Submission.objects.get(tracking_code="BN-2603-0001").case_id == survivor.pk


def test_merge_into_a_closed_case_is_refused(world):
    closed = case_in(world, S.CLOSED)
    case = new_case(world)
    with pytest.raises(Conflict):
        services.case_merge(case=case, actor=act(world.receptionist), into=closed)


# --- the event log ---------------------------------------------------------------------------------

def test_each_transition_writes_an_event_with_actor_device_and_step_duration(world):
    with time_machine.travel(at(9, 8, 0), tick=False):
        case = new_case(world)
    with time_machine.travel(at(9, 10, 0), tick=False):
        services.case_route(case=case, actor=act(world.receptionist, "mobile"), agency=world.department)

    event = CaseEvent.objects.filter(case=case).last()
    assert (event.transition, event.from_state, event.to_state) == ("route", S.SUBMITTED, S.ASSIGNED)
    assert event.actor == world.receptionist
    assert event.actor_kind == "staff"
    assert event.device_class == "mobile"
    assert event.agency == world.department
    assert event.data == {"agency": "so-xd"}
    assert event.step_working_seconds == 2 * 3600
    assert event.step_calendar_seconds == 2 * 3600


def test_events_cannot_be_changed_or_deleted(world):
    case = new_case(world)
    event = CaseEvent.objects.filter(case=case).get()
    event.message = "sửa lại lịch sử"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(message="x")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.get(pk=event.pk).message == ""


def test_the_state_field_cannot_be_written_directly(world):
    case = new_case(world)
    with pytest.raises(AttributeError):
        case.state = S.ANSWERED


# --- perform_transition: names and fields as the API and the pages send them --------------------

def test_unknown_transition_name_is_not_found(world):
    case = new_case(world)
    with pytest.raises(NotFound):
        perform_transition(name="approve_everything", case=case, actor=act(world.receptionist), data={})


def test_route_takes_the_agency_by_code(world):
    case = new_case(world)
    case = perform_transition(name="route", case=case, actor=act(world.receptionist), data={"agency": "so-xd"})
    assert case.state == S.ASSIGNED
    assert case.agency == world.department


def test_unknown_agency_code_is_a_field_error(world):
    case = new_case(world)
    with pytest.raises(ValidationFailed) as error:
        perform_transition(name="route", case=case, actor=act(world.receptionist), data={"agency": "so-khong-co"})
    assert set(error.value.fields) == {"agency"}


def test_officer_trying_to_route_is_refused_before_the_fields_are_read(world):
    case = new_case(world)
    with pytest.raises(PermissionDenied):
        perform_transition(name="route", case=case, actor=act(world.officer), data={})


def test_missing_fields_are_all_reported_at_once(world):
    case = case_in(world, S.IN_PROGRESS)
    with pytest.raises(ValidationFailed) as error:
        perform_transition(name="request_extension", case=case, actor=act(world.officer), data={"days": "ba"})
    assert set(error.value.fields) == {"days", "reason"}


def test_reject_reason_must_be_one_of_the_codes(world):
    case = new_case(world)
    with pytest.raises(ValidationFailed) as error:
        perform_transition(name="reject", case=case, actor=act(world.receptionist),
                           data={"reason_code": "boring", "message": "Không"})
    assert set(error.value.fields) == {"reason_code"}


def test_merge_target_can_be_given_by_tracking_code(world):
    case = new_case(world)
    survivor = new_case(world, tracking_code="BN-2603-0042")
    case = perform_transition(name="merge", case=case, actor=act(world.receptionist), data={"into": "bn-2603-0042"})
    assert case.merged_into_id == survivor.pk


def test_merge_target_must_be_a_case_the_actor_can_see(world):
    # A supervisor of the department may not even know about a case still at reception.
    case = case_in(world, S.IN_PROGRESS)
    unseen = new_case(world)
    with pytest.raises(PermissionDenied):
        perform_transition(name="merge", case=case, actor=act(world.supervisor), data={"into": str(unseen.pk)})
    with pytest.raises(ValidationFailed) as error:
        perform_transition(name="merge", case=case, actor=act(world.receptionist), data={"into": "999999"})
    assert set(error.value.fields) == {"into"}


def test_extension_days_arrive_as_text_from_forms(world):
    case = case_in(world, S.IN_PROGRESS)
    case = perform_transition(name="request_extension", case=case, actor=act(world.officer),
                              data={"days": "4", "reason": "Chờ vật tư"})
    assert case.extension_requested_days == 4



def test_a_refused_extension_keeps_the_deadline_says_why_and_may_be_asked_again(world):
    case = case_in(world, S.IN_PROGRESS)
    due = case.due_at
    case = services.case_request_extension(case=case, actor=act(world.officer), days=5, reason="Chờ vật tư")
    with pytest.raises(ValidationFailed) as refused:
        services.case_refuse_extension(case=case, actor=act(world.supervisor), reason="  ")
    assert set(refused.value.fields) == {"reason"}
    case = services.case_refuse_extension(case=case, actor=act(world.supervisor), reason="Vật tư đã có trong kho.")
    assert (case.due_at, case.extension_requested_days, case.extension_granted_days) == (due, None, None)
    event = CaseEvent.objects.filter(case=case).latest("pk")
    assert (event.transition, event.message, event.is_public) == ("refuse_extension", "Vật tư đã có trong kho.", False)
    # Not in the supervisors' queue any more; the agency may ask again with better reasons.
    with pytest.raises(Conflict):
        services.case_refuse_extension(case=case, actor=act(world.supervisor), reason="Lần nữa")
    assert services.case_request_extension(case=case, actor=act(world.officer), days=2,
                                           reason="Nhà cung cấp giao chậm").extension_requested_days == 2
