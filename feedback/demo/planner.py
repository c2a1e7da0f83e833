"""Draws plausible sample cases: who sends what, from which device and channel, when and where,
and what will happen to it (its fate)."""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from core.devices import DeviceClass
from core.models import Ward
from feedback.demo import data as demo
from workflow import deadlines
from workflow.models import OFFICER_CHANNELS, OPEN_STATES, Channel, Priority, State


@dataclass
class Plan:
    """What will happen to one sample case; the story stops early if it would reach the future."""

    sample: tuple
    fate: str
    submitted_at: object
    ward: Ward | None
    device: str
    channel: str
    anonymous: bool
    consent: bool
    rating: str = ""
    stall_at: str = ""  # stop the story when the case reaches this state
    fast: bool = False  # short delays, for the showcase cases that must reach their state by now
    reject_reason: str = ""
    target_id: int | None = None
    urgent_allowed: bool = True

    @property
    def category_code(self):
        return self.sample[0]

    @property
    def priority(self):
        """The sample's priority where it has one, though most such reports are handled as normal."""
        return self.sample[5] if len(self.sample) > 5 and self.urgent_allowed else Priority.NORMAL


FATES = {"normal": 52, "late": 8, "extended": 5, "info_at_reception": 5, "info_while_handling": 3, "rejected": 8,
         "merged": 4, "returned": 4, "transferred": 2, "send_back": 3, "withdrawn": 3, "stalled": 3}
RATINGS = {"": 35, "satisfied": 35, "acceptable": 18, "dissatisfied": 12}
# One recent case per state, so a small demo still shows every state: (state, working hours ago, fate).
SHOWCASE = [("closed", 300, "normal"), ("withdrawn", 200, "withdrawn"), ("rejected", 100, "rejected"),
            ("answered", 30, "normal"), ("pending_approval", 20, "normal"), ("in_progress", 16, "normal"),
            ("needs_info", 12, "info_at_reception"), ("assigned", 6, "normal"), ("merged", 3, "merged"),
            ("submitted", 1, "normal")]


def weighted(rng, weights):
    """One of the keys of ``weights``, drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Planner:
    """Draws plausible submissions: who sends what, from which device and channel, when and where."""

    def __init__(self, reference, rng, now, months):
        self.reference, self.rng, self.now, self.days = reference, rng, now, months * 30
        self.all_wards = list(Ward.objects.filter(province_code=settings.PAKN_PROVINCE_CODE, is_active=True))
        self.committee_wards = list(reference.wards.values())

    def plans(self, count):
        showcase = [self._showcase(*row) for row in SHOWCASE[:count]]
        return showcase + [self._random() for _ in range(count - len(showcase))]

    def _random(self):
        fate = weighted(self.rng, FATES)
        plan = self._plan(fate, self._moment())
        if fate == "stalled":
            plan.stall_at = self.rng.choice(["assigned", "in_progress", "needs_info", "pending_approval"])
        return plan

    def _showcase(self, state, hours_ago, fate):
        plan = self._plan(fate, _working_hours_before(self.now, hours_ago), fast=True,
                          reject_reason="complaint" if fate == "rejected" else "")
        if state == State.PENDING_APPROVAL:  # must reach an agency whose answers need approval
            plan.sample = next(s for s in demo.SAMPLES if s[0] == "y-te")
            if plan.ward is None and plan.sample[1] == demo.ON_SITE:  # intake wants an on-site report placed
                plan.ward = self._ward(demo.ON_SITE)
        plan.stall_at = state if state in OPEN_STATES or state == State.ANSWERED else ""
        plan.rating = "satisfied" if state == State.CLOSED else ""
        return plan

    def _plan(self, fate, submitted_at, fast=False, reject_reason=""):
        rng = self.rng
        if fate == "rejected" and not reject_reason:
            reject_reason = weighted(rng, demo.REJECTION_WEIGHTS)
        sample = demo.REJECTED_SAMPLES.get(reject_reason) or rng.choice(demo.SAMPLES)
        channel = weighted(rng, {Channel.WEB: 70, Channel.API: 21, Channel.HOTLINE: 5, Channel.COUNTER: 2,
                                 Channel.OPEN311: 2})
        anonymous = rng.random() < 0.15
        return Plan(sample=sample, fate=fate, submitted_at=submitted_at, ward=self._ward(sample[1]),
                    device=self._device(channel), channel=channel, anonymous=anonymous,
                    consent=not anonymous and rng.random() < 0.6, rating=weighted(rng, RATINGS), fast=fast,
                    reject_reason=reject_reason, urgent_allowed=rng.random() < 0.4)

    def _ward(self, kind):
        roll = self.rng.random()
        if kind != demo.ON_SITE and roll < 0.5:
            return None
        if roll < 0.65 or not self.all_wards:
            return self.rng.choice(self.committee_wards) if self.committee_wards else None
        return self.rng.choice(self.all_wards)

    def _device(self, channel):
        if channel in OFFICER_CHANNELS:  # typed in by an officer: the citizen's device is not known
            return DeviceClass.UNKNOWN
        if channel in (Channel.API, Channel.OPEN311):
            return weighted(self.rng, {DeviceClass.MOBILE: 95, DeviceClass.UNKNOWN: 5})
        return weighted(self.rng, {DeviceClass.MOBILE: 85, DeviceClass.DESKTOP: 10, DeviceClass.TABLET: 4,
                                    DeviceClass.UNKNOWN: 1})

    def _moment(self):
        """Anywhere in the period, a little denser lately; at the hours people are awake."""
        days_ago = self.rng.uniform(0, 10) if self.rng.random() < 0.15 else self.rng.uniform(0, self.days)
        day = timezone.localtime(self.now - timedelta(days=days_ago)).replace(hour=0, minute=0, second=0,
                                                                               microsecond=0)
        hour = weighted(self.rng, {h: w for h, w in zip(range(6, 23), [2, 5, 6, 6, 5, 6, 5, 3, 3, 4, 4, 5, 6, 7,
                                                                           6, 5, 3])})
        moment = day + timedelta(hours=hour, minutes=self.rng.randrange(60), seconds=self.rng.randrange(60))
        return min(moment, self.now - timedelta(minutes=self.rng.randrange(5, 120)))


def _working_hours_before(now, hours):
    """The latest moment at least ``hours`` working hours before ``now`` (stepping back hour by hour)."""
    moment, wanted = now, hours * 3600
    while (short := wanted - deadlines.working_seconds_between(moment, now)) > 0:
        # A calendar second holds at most one working second, so this never steps past the answer.
        moment -= timedelta(seconds=max(short, 600))
    return moment
