"""Erase the contact data of submissions whose case ended more than PAKN_CONTACT_RETENTION_DAYS ago.

Also run daily by Celery beat (``feedback.erase_expired_contacts``); for cron on one machine::

    .venv/bin/python manage.py erase_expired_contacts
"""
from django.core.management.base import BaseCommand

from feedback.tasks import erase_expired_contacts


class Command(BaseCommand):
    help = "Erase contact data kept past the retention period after a case ended."

    def handle(self, *args, **options):
        erased = erase_expired_contacts()
        self.stdout.write(f"erased the contact data of {erased} submission(s)")
