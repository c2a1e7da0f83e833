"""``manage.py metrics_rebuild [--check]``: fill the stored aggregates from the raw tables, or prove
them equal to the raw tables.

Run it once after installing (until then every figure is computed live), after loading data
that bypassed the workflow (imports, restores), or whenever ``--check`` finds a difference.
``--check`` writes nothing: it recomputes every row from cases, submissions and events with the
live rules and compares them with what is stored, counter by counter and hour by hour; it exits
with status 1 and lists the rows that differ.
"""
import time

from django.core.management.base import BaseCommand, CommandError

from metrics import store


class Command(BaseCommand):
    help = "Rebuild the metrics' stored aggregates from the raw tables, or check them (--check)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare only; exit 1 if a row differs.")

    def handle(self, *args, check=False, **options):
        started = time.monotonic()
        if not check:
            count = store.rebuild()
            self.stdout.write(f"Stored figures rebuilt: {count} rows ({time.monotonic() - started:.1f} s).")
            return
        differing, checked = store.check()
        seconds = time.monotonic() - started
        if not store.is_built():
            raise CommandError("The stored figures were never built: run manage.py metrics_rebuild.")
        if differing:
            for grain, day, agency_key, dimension, member in differing[:20]:
                self.stdout.write(f"  differs: {grain} {day} agency {agency_key} {dimension or 'total'} {member or ''}")
            raise CommandError(f"{len(differing)} of {checked} stored rows differ from the raw tables.")
        self.stdout.write(f"Stored figures equal the raw tables: {checked} rows checked ({seconds:.1f} s).")
