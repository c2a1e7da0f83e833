"""What must be told is written with the change and rendered after it commits, outside the case's
lock; a rendering failure is retried and, in the end, shown as failed: never silently dropped."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.intents import intent_process, intents_sweep
from notifications.models import IntentStatus, Notification, NotificationIntent, OutboxMessage
from tests.factories import PASSWORD, UserFactory, make_submission
from workflow.actors import staff_actor
from workflow.models import State
from workflow.services import case_route

pytestmark = pytest.mark.django_db


def _route(world, submission):
    return case_route(case=submission.case, actor=staff_actor(world.receptionist), agency=world.department)


@pytest.fixture
def submission(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = make_submission(category=world.category, contact_email="dan@example.vn", contact_name="Trần Văn Dân")
    mail.outbox.clear()
    return made


@pytest.fixture
def broken_email(monkeypatch):
    def boom(**kwargs):
        raise KeyError(f"missing variable for {kwargs['context']['tracking_code']} dan@example.vn")
    monkeypatch.setattr(services, "render_email", boom)


def test_nothing_is_rendered_inside_the_change_only_the_intent_is_written(world, submission):
    with transaction.atomic():
        _route(world, submission)
        intent = NotificationIntent.objects.get(event__transition="route")
        assert intent.status == IntentStatus.PENDING
        assert not OutboxMessage.objects.filter(kind="routed").exists()
        assert not Notification.objects.exists()


def test_after_commit_the_intent_becomes_the_notifications_and_the_messages(world, submission,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, submission)
    intent = NotificationIntent.objects.get(event__transition="route")
    assert (intent.status, intent.attempts, intent.last_error) == (IntentStatus.DONE, 1, "")
    assert Notification.objects.filter(user=world.officer, kind="assigned").count() == 1
    assert [m.subject for m in mail.outbox] == [f"Phản ánh {submission.tracking_code} đã được tiếp nhận"]


def test_an_intent_is_rendered_once_however_often_it_is_kicked(world, submission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, submission)
    intent = NotificationIntent.objects.get(event__transition="route")
    assert intent_process(intent_id=intent.pk) is None
    assert intents_sweep(now=timezone.now() + timedelta(days=1)) == 0
    assert Notification.objects.filter(user=world.officer).count() == 1
    assert OutboxMessage.objects.filter(kind="routed").count() == 1


def test_a_broken_template_does_not_stop_the_case_and_is_kept_with_its_reason(world, submission, broken_email,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = _route(world, submission)
    assert case.state == State.ASSIGNED
    intent = NotificationIntent.objects.get(event__transition="route")
    assert (intent.status, intent.attempts) == (IntentStatus.PENDING, 1)
    assert intent.last_error.startswith("KeyError")
    assert "dan@example.vn" not in intent.last_error and submission.tracking_code in intent.last_error
    assert intent.next_attempt_at > timezone.now()
    # The failed attempt took back all it wrote: not even the staff notifications are half there.
    assert not Notification.objects.exists() and not OutboxMessage.objects.filter(kind="routed").exists()


def test_the_sweep_renders_a_failed_intent_once_the_cause_is_fixed(world, submission, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    real = services.render_email
    monkeypatch.setattr(services, "render_email", lambda **kwargs: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, submission)
    monkeypatch.setattr(services, "render_email", real)
    assert intents_sweep() == 0  # the backoff holds it
    with django_capture_on_commit_callbacks(execute=True):
        assert intents_sweep(now=timezone.now() + timedelta(minutes=2)) == 1
    assert NotificationIntent.objects.get(event__transition="route").status == IntentStatus.DONE
    assert Notification.objects.filter(user=world.officer, kind="assigned").count() == 1
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_intent_is_failed_listed_in_the_admin_and_counted_on_healthz(
        world, submission, broken_email, settings, client, django_capture_on_commit_callbacks):
    settings.PAKN_OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, submission)
    intents_sweep(now=timezone.now() + timedelta(hours=1))
    intent = NotificationIntent.objects.get(event__transition="route")
    assert (intent.status, intent.attempts) == (IntentStatus.FAILED, 2)
    assert intents_sweep(now=timezone.now() + timedelta(days=1)) == 0

    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["notifications"]["intents_failed"] == 1

    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.login(username=admin.username, password=PASSWORD)
    page = client.get("/admin/notifications/notificationintent/?status__exact=failed").content.decode()
    assert "KeyError" in page and "dan@example.vn" not in page
    client.post("/admin/notifications/notificationintent/",
                {"action": "try_failed_again", "_selected_action": [intent.pk]})
    intent.refresh_from_db()
    assert (intent.status, intent.attempts) == (IntentStatus.PENDING, 0)
    assert client.get("/healthz").json()["notifications"]["intents_failed"] == 0


def test_an_event_that_tells_nobody_writes_no_intent(world, submission, django_capture_on_commit_callbacks):
    from workflow.services import case_accept

    _route(world, submission)
    before = NotificationIntent.objects.count()
    case_accept(case=submission.case, actor=staff_actor(world.officer))
    assert NotificationIntent.objects.count() == before
