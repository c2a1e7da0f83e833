"""Two sweeps at once (two workers, or a sweep and a late kick) send a message once."""
import threading

import pytest
from django.db import connection

from notifications.models import OutboxMessage, OutboxStatus
from notifications.outbox import outbox_sweep
from tests.factories import make_submission
from tests.notifications.backends import SlowEmailBackend


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_once_send_a_message_once(world, settings, monkeypatch):
    from notifications import tasks

    monkeypatch.setattr(tasks.deliver_outbox_message, "delay", lambda *a, **k: None)  # leave it to the sweeps
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowEmailBackend"
    SlowEmailBackend.sent = []
    feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    results = []

    def sweep():
        try:
            results.append(outbox_sweep())
        finally:
            connection.close()
    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if connection.vendor == "postgresql":
        assert sorted(results) == [0, 1]  # the row lock: the second sweep skips the message
    # On SQLite the tests' one in-memory database is shared between threads, and a writer that
    # meets the other's lock backs off at once instead of waiting: both sweeps may leave the
    # message to the next one. What must hold everywhere: it is sent, and sent once.
    outbox_sweep()
    assert len(SlowEmailBackend.sent) == 1
    message = OutboxMessage.objects.get(case=feedback.case)
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
