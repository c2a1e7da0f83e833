"""What happens to each sample case, step by step, through the same services people use.

A story submits through intake, then moves its case with the workflow services as reception, the
agency's officer and the supervisor, and acts as the citizen through their own path (tracking
code and private key). Every step happens at the scheduler's moment (``self.now``) and passes it
on as ``now``; the story yields the moment of its next step, drawn in working hours for officials
and in calendar hours for citizens.
"""
from datetime import timedelta
from decimal import Decimal

from django.conf import settings

from feedback.demo import data as demo
from feedback.demo.planner import weighted
from feedback.demo.submissions import MERGE_TARGET_STATES, Submitter
from feedback.services import citizen_action
from workflow import deadlines
from workflow import services as wf
from workflow.actors import SYSTEM_ACTOR, staff_actor
from workflow.models import Case, State


class Stories:
    def __init__(self, reference, cast, *, rng, scheduler, progress):
        self.reference, self.cast, self.rng, self.progress = reference, cast, rng, progress
        self.scheduler = scheduler
        self.submitter = Submitter(reference, cast, rng)
        self.opened = 0
        self._actors = {}

    @property
    def now(self):
        """The moment of the step being played."""
        return self.scheduler.now

    # -- actors and delays --

    def _staff(self, user, weights):
        device = weighted(self.rng, weights)
        key = (user.pk, device)
        if key not in self._actors:
            self._actors[key] = staff_actor(user, device_class=device)
        return self._actors[key]

    def _reception(self):
        return self._staff(self.cast.receptionist, {"desktop": 75, "mobile": 20, "tablet": 5})

    def _officer(self, agency_id):
        return self._staff(self.cast.officers[agency_id], {"desktop": 50, "mobile": 45, "tablet": 5})

    def _supervisor(self):
        return self._staff(self.cast.supervisor, {"mobile": 55, "desktop": 45})

    def _work(self, start, low, high, fast_high=None, *, plan):
        """A moment some working hours after ``start`` (a short delay for showcase cases)."""
        return self._after_hours(start, self.rng.uniform(low, fast_high if plan.fast and fast_high else high))

    @staticmethod
    def _after_hours(start, hours):
        return deadlines.after_working_hours(start, Decimal(str(round(max(hours, 0.05), 3))))

    def _later(self, start, low_hours, high_hours):
        """Citizens answer in calendar time, evenings and weekends included."""
        return start + timedelta(hours=self.rng.uniform(low_hours, high_hours))

    # -- the story --

    def story(self, plan):
        """The generator the scheduler plays: each step happens at ``self.now``, then it yields when
        the next step will."""
        result = self.submitter.submit(plan, self.now)
        plan.tracking_code, plan.private_key = result.submission.tracking_code, result.private_key
        self.opened += 1
        self.progress.update(self.opened)
        yield from self._at_reception(plan, result.submission.case)

    def _at_reception(self, plan, case):
        if plan.stall_at == State.SUBMITTED:
            return
        if plan.fate == "withdrawn" and self.rng.random() < 0.5:
            yield self._later(plan.submitted_at, 0.5, 20)
            self._citizen_acts(plan, "withdraw", message="Tôi đã tự giải quyết được.")
            return
        yield self._work(plan.submitted_at, 0.1, 7, 1, plan=plan) if self.rng.random() < 0.9 or plan.fast \
            else self._work(plan.submitted_at, 8, 16, plan=plan)  # a few intakes run late
        if plan.fate == "rejected":
            reason = plan.reject_reason or "duplicate"
            wf.case_reject(case=case, actor=self._reception(), reason_code=reason, message=demo.REJECTIONS[reason],
                           now=self.now)
            return
        if plan.fate == "merged":
            self._merge(case, plan.target_id)
            return
        if plan.fate == "info_at_reception" or plan.stall_at == State.NEEDS_INFO and plan.fast:
            case = wf.case_request_info(case=case, actor=self._reception(),
                                        message=self.rng.choice(demo.INFO_REQUESTS_RECEPTION), now=self.now)
            if plan.stall_at == State.NEEDS_INFO:
                return
            case = yield from self._citizen_replies(plan, case)
            yield self._work(self.now, 0.2, 3, plan=plan)
        yield from self._routing(plan, case)

    def _citizen_acts(self, plan, name, **data):
        """The submitter acts from their own page: by tracking code and private key."""
        return citizen_action(code=plan.tracking_code, key=plan.private_key, name=name, data=data,
                              device_class=plan.device, now=self.now)

    def _citizen_replies(self, plan, case):
        yield self._later(self.now, 2, 72)
        reply = self.rng.choice(demo.INFO_REPLIES).format(**self.submitter.text_values(plan))
        return self._citizen_acts(plan, "provide_info", message=reply)

    def _merge(self, case, target_id):
        """Merge into the original; if it ended meanwhile, turn the duplicate away instead."""
        target = Case.objects.filter(pk=target_id).first()
        if target is None or target.state not in MERGE_TARGET_STATES:
            wf.case_reject(case=case, actor=self._reception(), reason_code="duplicate",
                           message=demo.REJECTIONS["duplicate"], now=self.now)
        else:
            wf.case_merge(case=case, actor=self._reception(), into=target, now=self.now)

    def _suggested_agency(self, case):
        ward_code = case.ward.code if case.ward_id else None
        routes = self.reference.routes
        agency = routes.get((case.category.code, ward_code)) or routes.get((case.category.code, None))
        return agency or self.reference.agencies[self.rng.choice(["so-xay-dung", "so-noi-vu", "so-tai-chinh"])]

    def _another_agency(self, agency):
        handlers = [a for a in self.reference.agencies.values() if a.pk in self.cast.officers and a.pk != agency.pk]
        return self.rng.choice(handlers)

    def _routing(self, plan, case):
        agency = self._suggested_agency(case)
        reception = self._reception()
        if plan.fate in ("returned", "transferred"):
            case = wf.case_route(case=case, actor=reception, agency=self._another_agency(agency), now=self.now)
            # The wrong agency notices within its return window (after it, returning is refused).
            window = deadlines.working_seconds_left(self.now, case.return_due_at) / 3600
            yield self._after_hours(self.now, window * self.rng.uniform(0.2, 0.8))
            if plan.fate == "returned":
                case = wf.case_return(case=case, actor=self._officer(case.agency_id),
                                      reason=self.rng.choice(demo.RETURN_REASONS), now=self.now)
                yield self._work(self.now, 0.3, 3, plan=plan)
                case = wf.case_route(case=case, actor=reception, agency=agency, now=self.now)
            else:
                case = wf.case_transfer(case=case, actor=reception, agency=agency,
                                        reason=self.rng.choice(demo.TRANSFER_REASONS), now=self.now)
        else:
            case = wf.case_route(case=case, actor=reception, agency=agency, now=self.now)
        if plan.stall_at == State.ASSIGNED:
            return
        if plan.fate == "withdrawn":
            yield self._later(self.now, 1, 30)
            self._citizen_acts(plan, "withdraw", message="Sự việc đã được giải quyết.")
            return
        yield self._work(self.now, 0.2, 6, 1, plan=plan)
        case = wf.case_accept(case=case, actor=self._officer(case.agency_id), now=self.now)
        yield from self._handling(plan, case)

    def _answer_moment(self, plan, case):
        left = max(deadlines.working_seconds_left(self.now, case.due_at) or 0, 0) / 3600
        if plan.fate == "late":
            hours = left + self.rng.uniform(2, 30)
        elif plan.fast:
            hours = self.rng.uniform(1, 4)
        else:
            hours = left * self.rng.uniform(0.1, 0.95)
        return self._after_hours(self.now, max(hours, 0.2))

    def _handling(self, plan, case):
        if plan.stall_at == State.IN_PROGRESS:
            return
        officer = self._officer(case.agency_id)
        if plan.fate == "extended":
            yield self._work(self.now, 10, 30, plan=plan)
            case = wf.case_request_extension(case=case, actor=officer, days=self.rng.randrange(3, 11),
                                             reason=self.rng.choice(demo.EXTENSION_REASONS), now=self.now)
            yield self._work(self.now, 0.5, 6, plan=plan)
            case = wf.case_grant_extension(case=case, actor=self._supervisor(), now=self.now)
        if plan.fate == "info_while_handling" or plan.stall_at == State.NEEDS_INFO:
            yield self._work(self.now, 1, 8, plan=plan)
            case = wf.case_request_info(case=case, actor=officer, message=self.rng.choice(demo.INFO_REQUESTS_AGENCY),
                                        now=self.now)
            if plan.stall_at == State.NEEDS_INFO:
                return
            case = yield from self._citizen_replies(plan, case)
        yield self._answer_moment(plan, case)
        case = yield from self._answer(plan, case)
        if case is not None:
            yield from self._after_answer(plan, case)

    def _answer(self, plan, case, text=None):
        """Answer, and see it through approval where the agency requires it; None if the story stops."""
        text = text or self._answer_text(plan, case)
        officer = self._officer(case.agency_id)
        case = wf.case_answer(case=case, actor=officer, answer=text, now=self.now)
        if case.state != State.PENDING_APPROVAL:
            return case
        if plan.stall_at == State.PENDING_APPROVAL:
            return None
        if plan.fate == "send_back":
            plan.fate = "normal"  # sent back once, not forever
            yield self._work(self.now, 1, 6, plan=plan)
            case = wf.case_send_back(case=case, actor=self._supervisor(),
                                     reason=self.rng.choice(demo.SEND_BACK_REASONS), now=self.now)
            yield self._work(self.now, 2, 10, plan=plan)
            case = wf.case_answer(case=case, actor=officer, answer=text + " Thời hạn khắc phục: trong tháng này.",
                                  now=self.now)
        yield self._work(self.now, 0.5, 8, 1, plan=plan)
        return wf.case_approve(case=case, actor=self._supervisor(), now=self.now)

    def _answer_text(self, plan, case):
        sample = plan.sample if len(plan.sample) > 4 and plan.sample[4] else \
            next((s for s in demo.SAMPLES if s[0] == case.category.code), demo.SAMPLES[0])
        return sample[4]

    def _after_answer(self, plan, case):
        if plan.stall_at == State.ANSWERED:
            return
        if not plan.rating:
            yield case.answered_at + timedelta(days=settings.PAKN_RATING_WINDOW_DAYS,
                                               minutes=self.rng.randrange(5, 90))
            wf.case_close(case=case, actor=SYSTEM_ACTOR, message="Tự động đóng khi hết thời hạn đánh giá.",
                          now=self.now)
            return
        yield self._later(self.now, 2, 24 * settings.PAKN_RATING_WINDOW_DAYS * 0.8)
        rating, plan.rating = plan.rating, weighted(self.rng, {"": 50, "satisfied": 30, "acceptable": 20})
        comment = self.rng.choice(demo.RATING_COMMENTS[rating])
        case = self._citizen_acts(plan, "rate", rating=rating, comment=comment)
        if case.state == State.IN_PROGRESS:  # dissatisfied: reopened once, handled again
            plan.fate = "normal"
            yield self._answer_moment(plan, case)
            case = yield from self._answer(plan, case, text=self._answer_text(plan, case) +
                                           " Đơn vị đã kiểm tra lại hiện trường và khắc phục triệt để.")
            if case is not None:
                yield from self._after_answer(plan, case)
