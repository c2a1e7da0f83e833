"""Placing submissions and workflow steps at chosen local times, through the real services."""
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import make_submission
from workflow import services
from workflow.actors import citizen_actor, staff_actor
from workflow.models import Case

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text):
    """'2026-03-02 08:00' in Vietnam, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


class Steps:
    """One method per step a case goes through, each run with the clock frozen at ``when``."""

    def __init__(self, world):
        self.world = world
        self.reception = staff_actor(world.receptionist)
        self.officer = staff_actor(world.officer)
        self.supervisor = staff_actor(world.supervisor)

    def _at(self, when, action, **kwargs):
        with time_machine.travel(local(when), tick=False):
            return action(**kwargs)

    @staticmethod
    def case(feedback):
        return Case.objects.get(pk=feedback.case_id) if not isinstance(feedback, Case) else feedback

    def submit(self, when, *, device="mobile", channel="web", category=None, ward=None, **fields):
        with time_machine.travel(local(when), tick=False):
            return make_submission(submitted_at=local(when), device_class=device, channel=channel,
                                 category=category or self.world.category, ward=ward, **fields)

    def route(self, feedback, when, agency=None):
        return self._at(when, services.case_route, case=self.case(feedback), actor=self.reception,
                        agency=agency or self.world.department)

    def accept(self, feedback, when, actor=None):
        return self._at(when, services.case_accept, case=self.case(feedback), actor=actor or self.officer)

    def answer(self, feedback, when, actor=None):
        return self._at(when, services.case_answer, case=self.case(feedback), actor=actor or self.officer,
                        answer="Đã sửa xong.")

    def handle(self, feedback, *, routed, answered, agency=None, officer=None):
        """Route and accept at ``routed``, answer at ``answered``."""
        self.route(feedback, routed, agency)
        self.accept(feedback, routed, officer)
        return self.answer(feedback, answered, officer)

    def reject(self, feedback, when):
        return self._at(when, services.case_reject, case=self.case(feedback), actor=self.reception,
                        reason_code="complaint", message="Vui lòng gửi theo kênh khiếu nại.")

    def withdraw(self, feedback, when):
        case = self.case(feedback)
        return self._at(when, services.case_withdraw, case=case, actor=citizen_actor(case.pk))

    def merge(self, duplicate, into, when):
        return self._at(when, services.case_merge, case=self.case(duplicate), actor=self.reception,
                        into=self.case(into))

    def rate(self, feedback, when, rating):
        case = self.case(feedback)
        return self._at(when, services.case_rate, case=case, actor=citizen_actor(case.pk), rating=rating)

    def request_info(self, feedback, when):
        return self._at(when, services.case_request_info, case=self.case(feedback), actor=self.reception,
                        message="Xin bổ sung địa chỉ.")

    def extend(self, feedback, when, days):
        self._at(when, services.case_request_extension, case=self.case(feedback), actor=self.officer,
                 days=days, reason="Cần khảo sát hiện trường.")
        return self._at(when, services.case_grant_extension, case=self.case(feedback), actor=self.supervisor)


@pytest.fixture
def steps(world):
    return Steps(world)


@pytest.fixture
def actors(world):
    return SimpleNamespace(
        reception=staff_actor(world.receptionist), officer=staff_actor(world.officer),
        supervisor=staff_actor(world.supervisor), province=staff_actor(world.province_supervisor),
        outsider=staff_actor(world.outsider), nobody=staff_actor(world.nobody),
    )


@pytest.fixture
def march(steps, world):
    """Submissions around March 2026 (Vietnam time), in every state the indicator must tell apart.

    In the period, from a mobile device:
      A answered                          → handled
      B answered then rated (closed)      → handled
      C rejected with a reason            → handled
      D withdrawn by the citizen          → left out entirely
      E still waiting for reception       → counted, not handled
      F routed, still with the agency     → counted, not handled
      H merged into A (answered)          → follows A: handled
      M merged into E (still open)        → follows E: counted, not handled
      L at 00:00 on 1 March, open         → counted (first instant of the period)
      J at 23:59 on 31 March, open        → counted (last minute of the period)
    From a desktop, in the period:
      G answered                          → not a mobile submission
    Outside the period, from a mobile device, answered:
      I at 23:59 on 28 February, K at 00:01 on 1 April.

    Indicator: handled A, B, C, H = 4 over A, B, C, E, F, H, M, L, J = 9 → 0.4444.
    Mobile share of submissions: 10 mobile (all but G) over 11 (D counts: it was submitted).
    """
    s = steps
    subs = {}
    subs["A"] = s.submit("2026-03-02 08:00")
    subs["B"] = s.submit("2026-03-02 08:05")
    subs["C"] = s.submit("2026-03-02 08:10")
    subs["D"] = s.submit("2026-03-02 08:15")
    subs["E"] = s.submit("2026-03-02 08:20")
    subs["F"] = s.submit("2026-03-02 08:25")
    subs["G"] = s.submit("2026-03-02 08:30", device="desktop")
    subs["H"] = s.submit("2026-03-02 08:35")
    subs["M"] = s.submit("2026-03-02 08:40")
    subs["L"] = s.submit("2026-03-01 00:00")
    subs["J"] = s.submit("2026-03-31 23:59")
    subs["I"] = s.submit("2026-02-28 23:59")
    subs["K"] = s.submit("2026-04-01 00:01")

    s.merge(subs["H"], subs["A"], "2026-03-02 09:00")
    s.merge(subs["M"], subs["E"], "2026-03-02 09:00")
    s.handle(subs["A"], routed="2026-03-02 09:30", answered="2026-03-03 10:00")
    s.handle(subs["B"], routed="2026-03-02 09:30", answered="2026-03-03 10:00")
    s.rate(subs["B"], "2026-03-04 10:00", "satisfied")
    s.reject(subs["C"], "2026-03-02 09:30")
    s.withdraw(subs["D"], "2026-03-02 09:30")
    s.route(subs["F"], "2026-03-02 09:30")
    s.handle(subs["G"], routed="2026-03-02 09:30", answered="2026-03-03 10:00")
    s.reject(subs["I"], "2026-03-02 09:30")
    s.reject(subs["K"], "2026-04-01 09:30")
    return subs
