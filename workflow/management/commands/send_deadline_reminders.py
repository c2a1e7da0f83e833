"""Send the deadline reminders due now (75% of a step's time, and the deadline with escalation)."""
from django.core.management.base import BaseCommand

from workflow.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Gửi nhắc hạn (75% thời gian và khi đến hạn) và chuyển lãnh đạo các hồ sơ quá hạn."

    def handle(self, *args, **options):
        counts = send_deadline_reminders()  # in this process, recorded as a run
        self.stdout.write("Reminders: {reminded} at 75%, {escalated} escalated at the deadline, "
                          "{reset} stale stage(s) reset.".format(**counts))
