"""Email and SMS to citizens: written with the change, delivered after commit, retried, never twice."""
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationIntent, OutboxMessage, OutboxStatus
from notifications.outbox import outbox_sweep
from notifications.sms import fit_sms, fold_to_ascii
from tests.factories import make_submission
from tests.notifications.backends import FlakyEmailBackend
from workflow.actors import staff_actor
from workflow.services import case_answer, case_merge, case_reject, case_request_info, case_route

pytestmark = pytest.mark.django_db


def _route(world, feedback):
    case_route(case=feedback.case, actor=staff_actor(world.receptionist), agency=world.department)


@pytest.fixture
def flaky_email(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyEmailBackend"
    FlakyEmailBackend.failures_left = 0
    FlakyEmailBackend.sent = []
    return FlakyEmailBackend


def test_submitter_with_email_and_phone_gets_the_email_only_since_sms_is_a_fallback(
        world, django_capture_on_commit_callbacks, sms_outbox):
    feedback = make_submission(category=world.category, contact_email="dan@example.vn", contact_phone="0912345678")
    mail.outbox.clear()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, feedback)
    assert [m.subject for m in mail.outbox] == [f"Phản ánh {feedback.tracking_code} đã được tiếp nhận"]
    assert mail.outbox[0].to == ["dan@example.vn"]
    assert "text/html" in mail.outbox[0].alternatives[0].mimetype
    assert sms_outbox == []
    assert list(OutboxMessage.objects.filter(kind="routed").values_list("channel", "status")) == [("email", "sent")]


def test_a_province_that_sends_sms_anyway_sends_both(world, settings, django_capture_on_commit_callbacks, sms_outbox):
    settings.PAKN_SMS_ONLY_AS_FALLBACK = False
    feedback = make_submission(category=world.category, contact_email="dan@example.vn", contact_phone="0912345678")
    mail.outbox.clear()
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _route(world, feedback)
    assert [m.to for m in mail.outbox] == [["dan@example.vn"]]
    assert [s["to"] for s in sms_outbox] == ["0912345678"]
    assert OutboxMessage.objects.filter(kind="routed", status=OutboxStatus.SENT).count() == 2


def test_every_submitter_of_a_merged_case_hears_the_answer_but_an_anonymous_one_is_never_contacted(
        world, django_capture_on_commit_callbacks):
    first = make_submission(category=world.category, contact_email="mot@example.vn")
    make_submission(category=world.category, case=first.case, contact_email="hai@example.vn")
    make_submission(category=world.category, case=first.case, contact_email="an@example.vn", anonymous=True)
    _route(world, first)
    officer = staff_actor(world.officer)
    from workflow.services import case_accept
    case_accept(case=first.case, actor=officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_answer(case=first.case, actor=officer, answer="Đã thay bóng đèn.")
    assert sorted(m.to[0] for m in mail.outbox) == ["hai@example.vn", "mot@example.vn"]
    assert all("Đã thay bóng đèn." in m.body for m in mail.outbox)


def test_the_senders_a_merge_hands_on_are_told_and_the_survivors_are_not(world, django_capture_on_commit_callbacks):
    survivor = make_submission(category=world.category, contact_email="som@example.vn")
    duplicate = make_submission(category=world.category, title="Đèn đường tắt", contact_email="sau@example.vn")
    joined_earlier = make_submission(category=world.category, case=duplicate.case, language="en",
                                     contact_email="visitor@example.com")
    make_submission(category=world.category, case=duplicate.case, contact_email="an@example.vn", anonymous=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_merge(case=duplicate.case, actor=staff_actor(world.receptionist), into=survivor.case)
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {"sau@example.vn", "visitor@example.com"}
    assert told["sau@example.vn"].subject == f"Phản ánh {duplicate.tracking_code} được gộp với phản ánh trùng"
    assert "“Đèn đường tắt”" in told["sau@example.vn"].body
    assert told["visitor@example.com"].subject == (
        f"Feedback {joined_earlier.tracking_code} has been joined with the same report")
    # Whoever follows the survivor hears of it when it is answered, with everyone now on it.
    assert OutboxMessage.objects.filter(kind="merged").count() == 2


def test_a_change_that_rolls_back_leaves_no_message_and_no_notification(world):
    feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    OutboxMessage.objects.all().delete()
    NotificationIntent.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        _route(world, feedback)
        # What must be told is written inside the transaction (rendered only after commit).
        assert NotificationIntent.objects.filter(event__transition="route").exists()
        raise RuntimeError("the request failed after the change")
    assert not NotificationIntent.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Notification.objects.exists()


def test_email_is_in_english_for_an_english_submitter(world, django_capture_on_commit_callbacks):
    feedback = make_submission(category=world.category, contact_email="visitor@example.com", language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_request_info(case=feedback.case, actor=staff_actor(world.receptionist), message="Xin ảnh rõ hơn.")
    (message,) = mail.outbox
    assert message.subject == f"Feedback {feedback.tracking_code}: more information needed"
    assert message.body.startswith("Dear citizen,")
    assert "Xin ảnh rõ hơn." in message.body
    assert OutboxMessage.objects.get(kind="info_requested").language == "en"


def test_submission_is_acknowledged_in_the_intake_transaction(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    (message,) = mail.outbox
    assert message.subject == f"Đã nhận phản ánh {feedback.tracking_code}"
    assert f"/phan-anh/{feedback.tracking_code}/" in message.body


def test_rejection_reaches_the_submitter_with_the_reason(world, settings, django_capture_on_commit_callbacks,
                                                         sms_outbox):
    settings.PAKN_SMS_ONLY_AS_FALLBACK = False  # both texts are read here
    feedback = make_submission(category=world.category, contact_email="dan@example.vn", contact_phone="0912345678")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case_reject(case=feedback.case, actor=staff_actor(world.receptionist), reason_code="complaint",
                    message="Đây là khiếu nại, vui lòng gửi theo kênh khiếu nại.")
    assert "vui lòng gửi theo kênh khiếu nại" in mail.outbox[0].body
    assert sms_outbox[-1]["text"].startswith(f"PAKN: Phan anh {feedback.tracking_code} khong duoc tiep nhan")


# --- delivery: retries, the sweep, never twice -------------------------------------------------

def test_a_failing_gateway_leaves_the_message_pending_with_the_next_attempt_time(
        world, flaky_email, django_capture_on_commit_callbacks):
    flaky_email.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    message = OutboxMessage.objects.get(case=feedback.case)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert message.last_error.startswith("SMTPRecipientsRefused")
    assert "dan@example.vn" not in message.last_error
    assert flaky_email.sent == []


def test_the_sweep_sends_after_the_backoff_and_a_second_sweep_sends_nothing(
        world, flaky_email, django_capture_on_commit_callbacks):
    flaky_email.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    assert outbox_sweep() == 0  # not due yet: the backoff holds it
    later = timezone.now() + timedelta(minutes=2)
    assert outbox_sweep(now=later) == 1
    assert outbox_sweep(now=later) == 0
    message = OutboxMessage.objects.get(case=feedback.case)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    assert [m.to for m in flaky_email.sent] == [["dan@example.vn"]]


def test_backoff_doubles_and_gives_up_after_the_last_attempt(world, flaky_email, settings,
                                                             django_capture_on_commit_callbacks):
    settings.PAKN_OUTBOX_MAX_ATTEMPTS = 3
    flaky_email.failures_left = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    message = OutboxMessage.objects.get(case=feedback.case)
    assert message.next_attempt_at == start + timedelta(seconds=60)
    outbox_sweep(now=start + timedelta(seconds=61))
    message.refresh_from_db()
    assert message.next_attempt_at == start + timedelta(seconds=61 + 120)
    outbox_sweep(now=start + timedelta(hours=1))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert outbox_sweep(now=start + timedelta(days=1)) == 0


def test_nothing_is_lost_when_the_kick_after_commit_fails(world, monkeypatch, django_capture_on_commit_callbacks):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")
    monkeypatch.setattr(tasks.deliver_outbox_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    message = OutboxMessage.objects.get(case=feedback.case)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert mail.outbox == []
    assert outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_a_message_already_sent_is_not_sent_again_by_a_late_kick(world, django_capture_on_commit_callbacks):
    from notifications.tasks import deliver_outbox_message

    with django_capture_on_commit_callbacks(execute=True):
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    message = OutboxMessage.objects.get(case=feedback.case)
    deliver_outbox_message.delay(message.pk)
    outbox_sweep()
    assert len(mail.outbox) == 1


def test_the_same_message_cannot_be_written_twice(world, django_capture_on_commit_callbacks):
    from notifications.services import notify_submission_received

    with django_capture_on_commit_callbacks(execute=True):  # the receipt is written once, after commit
        feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    notify_submission_received(submission=feedback)
    assert OutboxMessage.objects.filter(case=feedback.case).count() == 1


# --- SMS text ------------------------------------------------------------------------------

def test_vietnamese_is_folded_to_plain_letters_for_an_ascii_gateway():
    assert fold_to_ascii("Đã tiếp nhận phản ánh — Đường Lý Thái Tổ") == "Da tiep nhan phan anh - Duong Ly Thai To"


def test_an_sms_never_exceeds_160_characters():
    text = fit_sms("Phản ánh " + "rất dài " * 40, ascii_only=True)
    assert 150 < len(text) <= 160
    assert text.isascii() and text.endswith("...")
    assert fit_sms("Ngắn gọn", ascii_only=False) == "Ngắn gọn"


def test_every_citizen_sms_fits_one_message_in_both_languages(world, django_capture_on_commit_callbacks, sms_outbox):
    for language in ("vi", "en"):
        with django_capture_on_commit_callbacks(execute=True):
            feedback = make_submission(category=world.category, contact_phone="0912345678", language=language,
                                     tracking_code=f"BN-2611-{9990 if language == 'vi' else 9991}")
            _route(world, feedback)
    assert len(sms_outbox) == 4
    assert all(len(s["text"]) <= 160 and s["text"].isascii() for s in sms_outbox)
    assert sms_outbox[-1]["text"].startswith("PAKN: Feedback BN-2611-9991 was accepted")
