"""Render every pending notification intent, then send every pending email/SMS whose next attempt
is due (the periodic sweep, by hand)."""
from django.core.management.base import BaseCommand

from notifications.tasks import sweep_outbox


class Command(BaseCommand):
    help = "Tạo các thông báo còn chờ, rồi gửi các email/SMS đang chờ đến lượt gửi lại."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many intents, and messages, per run")

    def handle(self, *args, **options):
        done = sweep_outbox(limit=options["limit"])  # in this process, recorded as a run
        self.stdout.write(f"Intents: {done['rendered']} rendered. Outbox: {done['sent']} message(s) sent.")
