"""``manage.py seed_demo``: Bắc Ninh's reference data, one user per role and sample cases.

Reference data (wards, agencies, categories, routing rules, deadline policies) is upserted, so the
command can run again safely. Sample cases are laid over the last months *through intake and the
workflow services*, exactly as people would have produced them, each step at its own moment
(``feedback.demo``): their events, deadlines and stored durations are the real ones, and nobody is
notified about this past. Refuses to create the demo users (published password) unless DEBUG is
on or ``--allow-demo-users`` is given.
"""
import random
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.management.commands.load_wards import load_wards
from core.models import Category, Ward
from feedback.demo import data as demo
from feedback.demo.planner import Planner
from feedback.demo.progress import Progress
from feedback.demo.reference import seed_reference_data
from feedback.demo.scheduler import Scheduler
from feedback.demo.stories import Stories
from feedback.demo.users import seed_users
from feedback.signals import demo_seeded
from workflow.models import Agency, Case, CaseEvent, DeadlinePolicy, RoutingRule, State


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
        played = self._play_history(reference, cast, missing, options) if missing > 0 else None
        # The history was played with the workflow's bus muted, so the metrics' stored aggregates
        # never heard of it: compute them from what is now in the tables.
        call_command("metrics_rebuild", stdout=self.stdout)
        self._summarise(province, played, time.monotonic() - started)

    def _play_history(self, reference, cast, count, options):
        """Plan ``count`` sample cases over the last months and play their stories up to now."""
        now, rng = timezone.now(), random.Random(options["seed"])
        plans = Planner(reference, rng, now, options["months"]).plans(count)
        scheduler = Scheduler(until=now)
        stories = Stories(reference, cast, rng=rng, scheduler=scheduler, progress=Progress(self.stderr, len(plans)))
        for plan in plans:
            scheduler.add(plan.submitted_at, stories.story(plan))
        scheduler.run()
        return stories.opened, scheduler.skipped

    def _summarise(self, province, played, seconds):
        w = self.stdout.write
        w(f"{province.name}: {Ward.objects.filter(province_code=settings.PAKN_PROVINCE_CODE).count()} wards, "
          f"{Agency.objects.count()} agencies, {Category.objects.count()} categories, "
          f"{RoutingRule.objects.count()} routing rules, {DeadlinePolicy.objects.count()} deadline policies.")
        w(f"Demo users (password {demo.DEMO_PASSWORD}): tiepnhan (reception), xuly (officer, Sở Xây dựng), "
          "giamsat (province supervisor), admin (administrator).")
        created, skipped = played or (0, Counter())
        w(f"Sample cases: {created} created, {Case.objects.count()} in total, "
          f"{CaseEvent.objects.count()} events ({seconds:.1f} s).")
        by_state = Counter(Case.objects.values_list("state", flat=True))
        w("  " + ", ".join(f"{state}: {by_state.get(state, 0)}" for state in State.values))
        w(f"  answered late: {Case.objects.filter(answered_on_time=False).count()}, "
          f"extended: {Case.objects.filter(extension_granted_days__isnull=False).count()}, "
          f"reopened: {Case.objects.filter(reopened_at__isnull=False).count()}")
        if skipped:
            w(self.style.WARNING(f"  {sum(skipped.values())} steps could not run: {dict(skipped)}"))


def demo_data_exists():
    return Agency.objects.filter(code=demo.RECEPTION_AGENCY).exists() \
        or User.objects.filter(username="tiepnhan").exists()
