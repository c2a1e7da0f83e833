"""Send every pending email/SMS whose next attempt is due (the periodic sweep, by hand)."""
from django.core.management.base import BaseCommand

from notifications.tasks import sweep_outbox


class Command(BaseCommand):
    help = "Gửi các email/SMS đang chờ đến lượt gửi lại."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many messages per run")

    def handle(self, *args, **options):
        sent = sweep_outbox(limit=options["limit"])  # in this process, recorded as a run
        self.stdout.write(f"Outbox: {sent} message(s) sent.")
