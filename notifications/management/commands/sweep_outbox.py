"""Render every pending notification intent, then send every pending email/SMS whose next attempt
is due (the periodic sweep, by hand)."""
from django.core.management.base import BaseCommand

from notifications.intents import intents_sweep
from notifications.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Tạo các thông báo còn chờ, rồi gửi các email/SMS đang chờ đến lượt gửi lại."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="at most this many intents, and messages, per run")

    def handle(self, *args, **options):
        rendered = intents_sweep(limit=options["limit"])
        sent = outbox_sweep(limit=options["limit"])
        self.stdout.write(f"Intents: {rendered} rendered. Outbox: {sent} message(s) sent.")
