"""Close answered cases whose rating window has passed (run daily, or by the periodic worker)."""
from django.core.management.base import BaseCommand

from workflow.tasks import close_expired_cases


class Command(BaseCommand):
    help = "Đóng các hồ sơ đã trả lời khi hết thời hạn đánh giá."

    def handle(self, *args, **options):
        closed = close_expired_cases()  # in this process, recorded as a run
        self.stdout.write(f"Closed {closed} case(s) whose rating window had passed.")
