"""``manage.py seed_demo``: Bắc Ninh's reference data, one user per role and sample cases.

Reference data (wards, agencies, categories, routing rules, deadline policies) is upserted, so the
command can run again safely. Sample cases are laid over the last months *through the workflow
services*, exactly as people would have produced them: every case is opened with ``case_open`` and
moved only by ``case_route``, ``case_accept``, ``case_answer`` and the rest, so its events, deadlines
and stored durations are the real ones. Refuses to create the demo users (published password)
unless DEBUG is on or ``--allow-demo-users`` is given.
"""
import heapq
import random
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from core.errors import PaknError
from core.management.commands.load_wards import load_wards
from core.models import Category, Ward
from feedback import demo_data as demo
from feedback.models import OFFICER_CHANNELS, Channel, DeviceClass, Feedback, hash_private_key
from feedback.services import next_tracking_code
from feedback.signals import demo_seeded
from workflow import deadlines
from workflow import services as wf
from workflow.actors import SYSTEM_ACTOR, citizen_actor, staff_actor
from workflow.models import (OPEN_STATES, Agency, AgencyKind, Case, CaseEvent, DeadlinePolicy, Membership,
                             Priority, Role, RoutingRule, State)
from workflow.signals import case_changed

STEPS_PER_TRANSACTION = 200
MERGE_TARGET_STATES = (*OPEN_STATES, State.ANSWERED)


class Command(BaseCommand):
    help = "Seed the Bắc Ninh demo: wards, agencies, categories, routing, deadlines, users and sample cases."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="Do nothing if the demo data is already there (for start-up scripts).")
        parser.add_argument("--cases", type=int, default=300, help="Sample cases wanted in total (default 300).")
        parser.add_argument("--months", type=int, default=6, help="How far back sample cases go (default 6).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for a reproducible demo.")
        parser.add_argument("--allow-demo-users", action="store_true",
                            help="Create the demo users even with DEBUG off (never on a public server).")

    def handle(self, *args, **options):
        if not (settings.DEBUG or options["allow_demo_users"]):
            raise CommandError(
                "Refusing to create the demo users (their password is public) with DEBUG off. "
                "Run with DJANGO_DEBUG=1, or pass --allow-demo-users on a machine nobody else can reach.")
        if options["once"] and demo_data_exists():
            demo_seeded.send(sender=self.__class__, stdout=self.stdout)
            self.stdout.write("Demo data already present; nothing to do.")
            return
        started = time.monotonic()
        province, *_ = load_wards(settings.PAKN_PROVINCE_CODE)
        with transaction.atomic():
            reference = seed_reference_data()
            cast = seed_users(reference.agencies)
            demo_seeded.send(sender=self.__class__, stdout=self.stdout)  # e.g. the Open311 demo client
        missing = options["cases"] - Case.objects.count()
        seeder = None
        if missing > 0:
            seeder = CaseSeeder(reference, cast, rng=random.Random(options["seed"]), months=options["months"],
                                progress=Progress(self.stderr, missing))
            seeder.seed(missing)
        self._summarise(province, seeder, time.monotonic() - started)

    def _summarise(self, province, seeder, seconds):
        w = self.stdout.write
        w(f"{province.name}: {Ward.objects.filter(province_code=settings.PAKN_PROVINCE_CODE).count()} wards, "
          f"{Agency.objects.count()} agencies, {Category.objects.count()} categories, "
          f"{RoutingRule.objects.count()} routing rules, {DeadlinePolicy.objects.count()} deadline policies.")
        w(f"Demo users (password {demo.DEMO_PASSWORD}): tiepnhan (reception), xuly (officer, Sở Xây dựng), "
          "giamsat (province supervisor), admin (administrator).")
        created = seeder.opened if seeder else 0
        w(f"Sample cases: {created} created, {Case.objects.count()} in total, "
          f"{CaseEvent.objects.count()} events ({seconds:.1f} s).")
        by_state = Counter(Case.objects.values_list("state", flat=True))
        w("  " + ", ".join(f"{state}: {by_state.get(state, 0)}" for state in State.values))
        w(f"  answered late: {Case.objects.filter(answered_on_time=False).count()}, "
          f"extended: {Case.objects.filter(extension_granted_days__isnull=False).count()}, "
          f"reopened: {Case.objects.filter(reopened_at__isnull=False).count()}")
        if seeder and seeder.skipped:
            w(self.style.WARNING(f"  {sum(seeder.skipped.values())} steps could not run: {dict(seeder.skipped)}"))


def demo_data_exists():
    return Agency.objects.filter(code=demo.RECEPTION_AGENCY).exists() \
        or User.objects.filter(username="tiepnhan").exists()


# --- reference data ------------------------------------------------------------------------------

@dataclass
class Reference:
    agencies: dict
    categories: dict
    wards: dict  # the ward committees' wards, by code
    routes: dict  # (category code, ward code or None) → agency


def seed_reference_data():
    categories = seed_categories()
    agencies, wards = seed_agencies()
    routes = seed_routing(agencies, categories, wards)
    seed_deadline_policies(categories)
    return Reference(agencies=agencies, categories=categories, wards=wards, routes=routes)


def seed_categories():
    categories = {}
    for code, name_vi, name_en, kinds, order in demo.CATEGORIES:
        categories[code], _ = Category.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "kinds": kinds, "sort_order": order,
                                 "is_active": True})
    return categories


def _agency(code, name_vi, name_en, kind, parent=None, requires_approval=False, ward=None):
    agency, _ = Agency.objects.update_or_create(code=code, defaults={
        "name_vi": name_vi, "name_en": name_en, "kind": kind, "parent": parent,
        "requires_approval": requires_approval, "ward": ward, "is_active": True})
    return agency


def seed_agencies():
    """The tree: the province's committee at the root, reception, departments, wards and utilities under it."""
    root = _agency(*demo.PROVINCE, AgencyKind.OTHER)
    agencies = {root.code: root}
    agencies[demo.RECEPTION_AGENCY] = _agency(*demo.RECEPTION, AgencyKind.RECEPTION, root)
    for code, name_vi, name_en, approval in demo.DEPARTMENTS:
        agencies[code] = _agency(code, name_vi, name_en, AgencyKind.DEPARTMENT, root, approval)
    for code, name_vi, name_en, approval in demo.UTILITIES:
        agencies[code] = _agency(code, name_vi, name_en, AgencyKind.UTILITY, root, approval)
    wards = Ward.objects.in_bulk([row[0] for row in demo.WARD_COMMITTEES], field_name="code")
    for ward_code, code, approval, _centre in demo.WARD_COMMITTEES:
        ward = wards.get(ward_code)
        if ward is not None:  # a later reform may rename or merge it: then it is simply left out
            agencies[code] = _agency(code, *_committee_names(ward), AgencyKind.WARD, root, approval, ward)
    return agencies, wards


def _committee_names(ward):
    """"Phường Kinh Bắc" → "UBND phường Kinh Bắc" / "Kinh Bắc Ward People's Committee"."""
    level, _, place = ward.name.partition(" ")
    unit = {"phường": "Ward", "xã": "Commune"}.get(level.lower(), "Special Zone")
    return f"UBND {level.lower()} {place}", f"{place} {unit} People's Committee"


def seed_routing(agencies, categories, wards):
    routes = {}
    for category_code, agency_code in demo.CATEGORY_ROUTES.items():
        routes[category_code, None] = _rule(categories[category_code], None, agencies[agency_code],
                                            demo.CATEGORY_RULE_PRIORITY)
    for ward_code, agency_code, _approval, _centre in demo.WARD_COMMITTEES:
        if agency_code not in agencies:
            continue
        for category_code in demo.WARD_ROUTED_CATEGORIES:
            routes[category_code, ward_code] = _rule(categories[category_code], wards[ward_code],
                                                     agencies[agency_code], demo.WARD_RULE_PRIORITY)
    return routes


def _rule(category, ward, agency, priority):
    RoutingRule.objects.update_or_create(category=category, ward=ward,
                                         defaults={"agency": agency, "priority": priority, "is_active": True})
    return agency


def seed_deadline_policies(categories):
    for category_code, priority, reception, handling, return_hours in demo.DEADLINE_POLICIES:
        DeadlinePolicy.objects.update_or_create(
            category=categories[category_code] if category_code else None, priority=priority,
            defaults={"reception_hours": reception, "handling_hours": handling, "return_hours": return_hours,
                      "is_active": True})


# --- people --------------------------------------------------------------------------------------

@dataclass
class Cast:
    receptionist: User
    officer: User
    supervisor: User
    admin: User
    officers: dict  # agency pk → the officer who handles its cases in the sample history


def _user(username, first_name, last_name, *, password=None, **flags):
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": first_name, "last_name": last_name, **flags})
    if created:
        # Set once: running the command again must not undo a password someone changed.
        user.set_password(password) if password else user.set_unusable_password()
        user.save(update_fields=["password"])
    elif any(getattr(user, k) != v for k, v in flags.items()):
        User.objects.filter(pk=user.pk).update(**flags)
    return user


def _demo_user(username, agency=None, role=None, **flags):
    last_name, first_name = demo.DEMO_USERS[username]
    user = _user(username, first_name, last_name, password=demo.DEMO_PASSWORD, **flags)
    if agency is not None:
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return user


def seed_users(agencies):
    """The four demo users, and one officer (no usable password) for every other handling agency."""
    cast = Cast(
        receptionist=_demo_user("tiepnhan", agencies[demo.RECEPTION_AGENCY], Role.RECEPTION),
        officer=_demo_user("xuly", agencies[demo.OFFICER_AGENCY], Role.OFFICER),
        supervisor=_demo_user("giamsat", agencies[demo.PROVINCE_AGENCY], Role.SUPERVISOR),
        admin=_demo_user("admin", is_staff=True, is_superuser=True),
        officers={},
    )
    cast.officers[agencies[demo.OFFICER_AGENCY].pk] = cast.officer
    names = random.Random(24)
    handling_kinds = (AgencyKind.DEPARTMENT, AgencyKind.WARD, AgencyKind.UTILITY)
    for agency in agencies.values():
        if agency.kind in handling_kinds and agency.pk not in cast.officers:
            user = _user(f"canbo-{agency.code}", names.choice(demo.GIVEN_NAMES),
                         f"{names.choice(demo.FAMILY_NAMES)} {names.choice(demo.MIDDLE_NAMES)}")
            Membership.objects.get_or_create(user=user, agency=agency, role=Role.OFFICER)
            cast.officers[agency.pk] = user
    return cast


# --- sample cases ----------------------------------------------------------------------------------

@contextmanager
def clock_at(moment):
    """Make ``timezone.now()`` return ``moment``.

    The transition services take no time argument: they stamp events with ``timezone.now()``, and
    the rules (return window, rating window) compare against it. Laying history in the past through
    those very services, rather than writing rows around them, means moving "now" to the moment each
    step happened. Every caller reads it as ``timezone.now()`` (an attribute of the module), so
    patching the module attribute reaches services, rules and ``auto_now`` fields alike.
    """
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@contextmanager
def history_not_announced():
    """The sample history happened "in the past": nobody is notified, mailed, texted or pushed about it.

    Whatever reacts to the workflow listens to ``case_changed`` (after commit) or to the saving of
    case events and submissions (in the transaction); while seeding, those signals go unheard.
    """
    post_save_send = post_save.send

    def send_unless_history(sender, **named):
        return [] if sender in (CaseEvent, Feedback) else post_save_send(sender, **named)

    with mock.patch.object(case_changed, "send", lambda sender, **named: []), \
            mock.patch.object(post_save, "send", send_unless_history):
        yield


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

    @property
    def category_code(self):
        return self.sample[0]

    urgent_allowed: bool = True

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


def _weighted(rng, weights):
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
        fate = _weighted(self.rng, FATES)
        plan = self._plan(fate, self._moment())
        if fate == "stalled":
            plan.stall_at = self.rng.choice(["assigned", "in_progress", "needs_info", "pending_approval"])
        return plan

    def _showcase(self, state, hours_ago, fate):
        plan = self._plan(fate, _working_hours_before(self.now, hours_ago), fast=True,
                          reject_reason="complaint" if fate == "rejected" else "")
        if state == State.PENDING_APPROVAL:  # must reach an agency whose answers need approval
            plan.sample = next(s for s in demo.SAMPLES if s[0] == "y-te")
        plan.stall_at = state if state in OPEN_STATES or state == State.ANSWERED else ""
        plan.rating = "satisfied" if state == State.CLOSED else ""
        return plan

    def _plan(self, fate, submitted_at, fast=False, reject_reason=""):
        rng = self.rng
        if fate == "rejected" and not reject_reason:
            reject_reason = _weighted(rng, demo.REJECTION_WEIGHTS)
        sample = demo.REJECTED_SAMPLES.get(reject_reason) or rng.choice(demo.SAMPLES)
        channel = _weighted(rng, {Channel.WEB: 70, Channel.API: 21, Channel.HOTLINE: 5, Channel.COUNTER: 2,
                                  Channel.OPEN311: 2})
        anonymous = rng.random() < 0.15
        return Plan(sample=sample, fate=fate, submitted_at=submitted_at, ward=self._ward(sample[1]),
                    device=self._device(channel), channel=channel, anonymous=anonymous,
                    consent=not anonymous and rng.random() < 0.6, rating=_weighted(rng, RATINGS), fast=fast,
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
            return _weighted(self.rng, {DeviceClass.MOBILE: 95, DeviceClass.UNKNOWN: 5})
        return _weighted(self.rng, {DeviceClass.MOBILE: 85, DeviceClass.DESKTOP: 10, DeviceClass.TABLET: 4,
                                    DeviceClass.UNKNOWN: 1})

    def _moment(self):
        """Anywhere in the period, a little denser lately; at the hours people are awake."""
        days_ago = self.rng.uniform(0, 10) if self.rng.random() < 0.15 else self.rng.uniform(0, self.days)
        day = timezone.localtime(self.now - timedelta(days=days_ago)).replace(hour=0, minute=0, second=0,
                                                                               microsecond=0)
        hour = _weighted(self.rng, {h: w for h, w in zip(range(6, 23), [2, 5, 6, 6, 5, 6, 5, 3, 3, 4, 4, 5, 6, 7,
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


class Progress:
    """A one-line bar on stderr, redrawn in place on a terminal; a few plain lines otherwise."""

    def __init__(self, stream, total):
        self.stream, self.total, self.shown = stream, total, -1
        self.live = total >= 50 and stream.isatty()
        self.quiet = not self.live and total < 500

    def update(self, done):
        if self.quiet:
            return
        step = done * (40 if self.live else 4) // self.total
        if step == self.shown and done != self.total:
            return
        self.shown = step
        if self.live:
            bar = "#" * (done * 30 // self.total)
            self.stream.write(f"\rSeeding cases [{bar:<30}] {done}/{self.total}", ending="")
            if done == self.total:
                self.stream.write("")
        else:
            self.stream.write(f"Seeding cases: {done}/{self.total}")
        self.stream.flush()


class CaseSeeder:
    """Plays every case's story, step by step in time order, through the workflow services.

    Each story is a generator: it performs one step and yields the moment of its next step. A heap
    interleaves all stories chronologically, so a duplicate is merged into a case that is open at
    that moment and tracking numbers follow submission order. A story ends where the next step
    would lie in the future, which leaves recent cases in the early states, as in real life.
    """

    def __init__(self, reference, cast, *, rng, months, progress):
        self.reference, self.cast, self.rng, self.progress = reference, cast, rng, progress
        self.now = timezone.now()
        self.months = months
        self.opened, self.total = 0, 0
        self.skipped = Counter()
        self._actors = {}

    def seed(self, count):
        plans = Planner(self.reference, self.rng, self.now, self.months).plans(count)
        self.total = len(plans)
        heap = [(plan.submitted_at, index, self._story(plan)) for index, plan in enumerate(plans)]
        heapq.heapify(heap)
        with history_not_announced():
            while heap:
                with transaction.atomic():
                    for _ in range(min(STEPS_PER_TRANSACTION, len(heap))):
                        self._step(heap)

    def _step(self, heap):
        moment, index, story = heapq.heappop(heap)
        try:
            with clock_at(moment):
                following = next(story)
        except StopIteration:
            return
        except PaknError as error:
            self.skipped[type(error).__name__] += 1
            return
        if following <= self.now:
            heapq.heappush(heap, (max(following, moment), index, story))
        else:
            story.close()

    # -- actors and clocks --

    def _staff(self, user, weights):
        device = _weighted(self.rng, weights)
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

    def _story(self, plan):
        case = self._open(plan)
        yield from self._at_reception(plan, case)

    def _open(self, plan):
        if plan.fate == "merged":
            self._pick_duplicate_target(plan)
        values = self._text_values(plan)
        category_code, kind, title, description = plan.sample[:4]
        if not plan.target_id:  # a duplicate's texts are copied from its original, already written out
            title, description = title.format(**values), description.format(**values)
        category = self.reference.categories[category_code]
        case = wf.case_open(kind=kind, category=category, title=title, ward=plan.ward,
                            submitted_at=plan.submitted_at, priority=plan.priority, device_class=plan.device)
        Feedback.objects.create(
            tracking_code=next_tracking_code(plan.submitted_at),
            private_key_hash=hash_private_key(secrets.token_urlsafe(24)), case=case, kind=kind,
            category=category, title=title, description=description,
            ward=plan.ward, channel=plan.channel, device_class=plan.device, submitted_at=plan.submitted_at,
            anonymous=plan.anonymous, publish_consent=plan.consent, entered_by=self._entered_by(plan),
            **self._location(plan, values), **self._contact(plan))
        self.opened += 1
        self.progress.update(self.opened)
        return case

    def _pick_duplicate_target(self, plan):
        """A duplicate repeats a case still open at that moment (same field if possible)."""
        recent = Case.objects.filter(state__in=MERGE_TARGET_STATES, submitted_at__lt=plan.submitted_at,
                                     submitted_at__gte=plan.submitted_at - timedelta(days=30))
        target = recent.filter(category__code=plan.category_code).first() or recent.first()
        if target is None:
            plan.fate = "normal"
            return
        original = target.submissions.order_by("pk").values_list("description", flat=True).first() or ""
        plan.target_id, plan.ward = target.pk, target.ward
        plan.sample = (target.category.code, target.kind, target.title,
                       demo.DUPLICATE_PREFIX + original.removeprefix(demo.DUPLICATE_PREFIX), "", target.priority)

    def _entered_by(self, plan):
        return self.cast.receptionist if plan.channel in OFFICER_CHANNELS else None

    def _text_values(self, plan):
        rng = self.rng
        streets = rng.sample(demo.STREETS, 2)
        ward = plan.ward.name if plan.ward else "khu dân cư"
        return {"duong": streets[0], "duong2": streets[1], "noi": rng.choice(demo.PLACES),
                "phuong": ward[:1].lower() + ward[1:], "so": rng.randrange(2, 280), "ngay": rng.randrange(3, 21)}

    def _location(self, plan, values):
        if plan.ward is None:
            return {}
        location = {"address": f"Số {values['so']} đường {values['duong']}, {plan.ward.name}"}
        centre = next((row[3] for row in demo.WARD_COMMITTEES if row[0] == plan.ward.code), None)
        if centre and plan.sample[1] == demo.ON_SITE:
            location["latitude"] = Decimal(str(round(centre[0] + self.rng.uniform(-0.01, 0.01), 6)))
            location["longitude"] = Decimal(str(round(centre[1] + self.rng.uniform(-0.01, 0.01), 6)))
        return location

    def _contact(self, plan):
        if plan.anonymous:
            return {}
        rng = self.rng
        name = f"{rng.choice(demo.FAMILY_NAMES)} {rng.choice(demo.MIDDLE_NAMES)} {rng.choice(demo.GIVEN_NAMES)}"
        contact = {"contact_name": name, "contact_phone": f"09{rng.randrange(10**8):08d}"}
        if rng.random() < 0.3:
            contact["contact_email"] = f"nguoidan{rng.randrange(10**5)}@example.com"
        return contact

    def _at_reception(self, plan, case):
        if plan.stall_at == State.SUBMITTED:
            return
        if plan.fate == "withdrawn" and self.rng.random() < 0.5:
            yield self._later(plan.submitted_at, 0.5, 20)
            wf.case_withdraw(case=case, actor=self._citizen(plan, case), message="Tôi đã tự giải quyết được.")
            return
        yield self._work(plan.submitted_at, 0.1, 7, 1, plan=plan) if self.rng.random() < 0.9 or plan.fast \
            else self._work(plan.submitted_at, 8, 16, plan=plan)  # a few intakes run late
        if plan.fate == "rejected":
            reason = plan.reject_reason or "duplicate"
            wf.case_reject(case=case, actor=self._reception(), reason_code=reason, message=demo.REJECTIONS[reason])
            return
        if plan.fate == "merged":
            self._merge(case, plan.target_id)
            return
        if plan.fate == "info_at_reception" or plan.stall_at == State.NEEDS_INFO and plan.fast:
            case = wf.case_request_info(case=case, actor=self._reception(),
                                        message=self.rng.choice(demo.INFO_REQUESTS_RECEPTION))
            if plan.stall_at == State.NEEDS_INFO:
                return
            case = yield from self._citizen_replies(plan, case)
            yield self._work(timezone.now(), 0.2, 3, plan=plan)
        yield from self._routing(plan, case)

    def _citizen(self, plan, case):
        return citizen_actor(case.pk, device_class=plan.device)

    def _citizen_replies(self, plan, case):
        yield self._later(timezone.now(), 2, 72)
        return wf.case_provide_info(case=case, actor=self._citizen(plan, case),
                                    message=self.rng.choice(demo.INFO_REPLIES).format(**self._text_values(plan)))

    def _merge(self, case, target_id):
        """Merge into the original; if it ended meanwhile, turn the duplicate away instead."""
        target = Case.objects.filter(pk=target_id).first()
        if target is None or target.state not in MERGE_TARGET_STATES:
            wf.case_reject(case=case, actor=self._reception(), reason_code="duplicate",
                           message=demo.REJECTIONS["duplicate"])
        else:
            wf.case_merge(case=case, actor=self._reception(), into=target)

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
            case = wf.case_route(case=case, actor=reception, agency=self._another_agency(agency))
            # The wrong agency notices within its return window (after it, returning is refused).
            window = deadlines.working_seconds_left(timezone.now(), case.return_due_at) / 3600
            yield self._after_hours(timezone.now(), window * self.rng.uniform(0.2, 0.8))
            if plan.fate == "returned":
                case = wf.case_return(case=case, actor=self._officer(case.agency_id),
                                      reason=self.rng.choice(demo.RETURN_REASONS))
                yield self._work(timezone.now(), 0.3, 3, plan=plan)
                case = wf.case_route(case=case, actor=reception, agency=agency)
            else:
                case = wf.case_transfer(case=case, actor=reception, agency=agency,
                                        reason=self.rng.choice(demo.TRANSFER_REASONS))
        else:
            case = wf.case_route(case=case, actor=reception, agency=agency)
        if plan.stall_at == State.ASSIGNED:
            return
        if plan.fate == "withdrawn":
            yield self._later(timezone.now(), 1, 30)
            wf.case_withdraw(case=case, actor=self._citizen(plan, case), message="Sự việc đã được giải quyết.")
            return
        yield self._work(timezone.now(), 0.2, 6, 1, plan=plan)
        case = wf.case_accept(case=case, actor=self._officer(case.agency_id))
        yield from self._handling(plan, case)

    def _answer_moment(self, plan, case):
        left = max(deadlines.working_seconds_left(timezone.now(), case.due_at) or 0, 0) / 3600
        if plan.fate == "late":
            hours = left + self.rng.uniform(2, 30)
        elif plan.fast:
            hours = self.rng.uniform(1, 4)
        else:
            hours = left * self.rng.uniform(0.1, 0.95)
        return self._after_hours(timezone.now(), max(hours, 0.2))

    def _handling(self, plan, case):
        if plan.stall_at == State.IN_PROGRESS:
            return
        officer = self._officer(case.agency_id)
        if plan.fate == "extended":
            yield self._work(timezone.now(), 10, 30, plan=plan)
            case = wf.case_request_extension(case=case, actor=officer, days=self.rng.randrange(3, 11),
                                             reason=self.rng.choice(demo.EXTENSION_REASONS))
            yield self._work(timezone.now(), 0.5, 6, plan=plan)
            case = wf.case_grant_extension(case=case, actor=self._supervisor())
        if plan.fate == "info_while_handling" or plan.stall_at == State.NEEDS_INFO:
            yield self._work(timezone.now(), 1, 8, plan=plan)
            case = wf.case_request_info(case=case, actor=officer, message=self.rng.choice(demo.INFO_REQUESTS_AGENCY))
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
        case = wf.case_answer(case=case, actor=officer, answer=text)
        if case.state != State.PENDING_APPROVAL:
            return case
        if plan.stall_at == State.PENDING_APPROVAL:
            return None
        if plan.fate == "send_back":
            plan.fate = "normal"  # sent back once, not forever
            yield self._work(timezone.now(), 1, 6, plan=plan)
            case = wf.case_send_back(case=case, actor=self._supervisor(),
                                     reason=self.rng.choice(demo.SEND_BACK_REASONS))
            yield self._work(timezone.now(), 2, 10, plan=plan)
            case = wf.case_answer(case=case, actor=officer, answer=text + " Thời hạn khắc phục: trong tháng này.")
        yield self._work(timezone.now(), 0.5, 8, 1, plan=plan)
        return wf.case_approve(case=case, actor=self._supervisor())

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
            wf.case_close(case=case, actor=SYSTEM_ACTOR, message="Tự động đóng khi hết thời hạn đánh giá.")
            return
        yield self._later(timezone.now(), 2, 24 * settings.PAKN_RATING_WINDOW_DAYS * 0.8)
        rating, plan.rating = plan.rating, _weighted(self.rng, {"": 50, "satisfied": 30, "acceptable": 20})
        case = wf.case_rate(case=case, actor=self._citizen(plan, case), rating=rating,
                            comment=self.rng.choice(demo.RATING_COMMENTS[rating]))
        if case.state == State.IN_PROGRESS:  # dissatisfied: reopened once, handled again
            plan.fate = "normal"
            yield self._answer_moment(plan, case)
            case = yield from self._answer(plan, case, text=self._answer_text(plan, case) +
                                           " Đơn vị đã kiểm tra lại hiện trường và khắc phục triệt để.")
            if case is not None:
                yield from self._after_answer(plan, case)
