"""An email gateway for tests that refuses the first N messages, as a real server would."""
import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class FlakyEmailBackend(BaseEmailBackend):
    failures_left = 0
    sent = []

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (450, b"4.2.1 mailbox busy, try later")})
        FlakyEmailBackend.sent.extend(messages)
        return len(messages)


class SlowEmailBackend(BaseEmailBackend):
    """A gateway that takes its time, so two senders overlap."""

    sent = []

    def send_messages(self, messages):
        import time

        time.sleep(0.3)
        SlowEmailBackend.sent.extend(messages)
        return len(messages)
