"""The submitter's personal data over time (Nghị định 13/2023): erased on schedule after the case
ends, a copy and erasure on request from the private page, and every staff read of it recorded."""
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from feedback.lifecycle import erase_expired_contacts
from workflow.models import Submission
from notifications.models import OutboxMessage
from tests.factories import PASSWORD, make_submission
from tests.workflow.builders import act, case_in
from workflow import services
from workflow.models import ContactRead, State

CONTACT = {"contact_name": "Trần Văn Bình", "contact_phone": "0987654321", "contact_email": "binh@example.vn"}


def reload(feedback):
    return Submission.objects.get(pk=feedback.pk)


def ended(world, state, *, days_ago, **contact):
    """A submission with contact data whose case reached ``state`` that many days ago."""
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        case = case_in(world, state, **{**CONTACT, **contact})
    return case.submissions.get()


# --- on schedule ---------------------------------------------------------------------------

@pytest.mark.parametrize("state", [State.CLOSED, State.REJECTED, State.WITHDRAWN])
def test_contact_data_is_erased_once_the_retention_period_after_the_end_has_passed(world, settings, state):
    settings.PAKN_CONTACT_RETENTION_DAYS = 365
    old = ended(world, state, days_ago=366)
    recent = ended(world, state, days_ago=364)
    assert erase_expired_contacts() == 1
    old, recent = reload(old), reload(recent)
    assert (old.contact_name, old.contact_phone, old.contact_email) == ("", "", "")
    assert old.contact_erased_at is not None and old.request_fingerprint == ""
    assert (old.title, old.description, old.case.state) == ("Đèn đường hỏng", "Đèn đường trước số 12 đã hỏng một tuần.",
                                                           state)  # the record of the case stays
    assert recent.contact_phone == CONTACT["contact_phone"] and recent.contact_erased_at is None


def test_an_open_case_keeps_its_contact_however_old(world):
    open_case = ended(world, State.IN_PROGRESS, days_ago=800)
    answered = ended(world, State.ANSWERED, days_ago=800)  # may still be reopened or rated
    assert erase_expired_contacts() == 0
    assert reload(open_case).contact_email == reload(answered).contact_email == CONTACT["contact_email"]


def test_the_retention_is_a_setting_and_the_job_runs_as_a_command(world, settings, capsys):
    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    closed = ended(world, State.CLOSED, days_ago=31)
    call_command("erase_expired_contacts")
    assert "erased the contact data of 1 submission(s)" in capsys.readouterr().out
    assert reload(closed).contact_phone == ""
    call_command("erase_expired_contacts")
    assert "erased the contact data of 0 submission(s)" in capsys.readouterr().out


def test_the_periodic_job_is_scheduled_daily(settings, world):
    from feedback.tasks import erase_expired_contacts as task

    assert settings.CELERY_BEAT_SCHEDULE["erase-expired-contacts"] == {
        "task": "feedback.erase_expired_contacts", "schedule": 86400}
    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    closed = ended(world, State.CLOSED, days_ago=40)
    assert task.apply().get() == 1
    assert reload(closed).contact_name == ""


def test_the_browsers_following_an_ended_anonymous_submission_are_forgotten_too(world, settings):
    from notifications.models import PushSubscription

    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    anonymous = ended(world, State.CLOSED, days_ago=40, contact_name="", contact_phone="", contact_email="")
    recent = ended(world, State.CLOSED, days_ago=10, contact_name="", contact_phone="", contact_email="")
    for n, submission in enumerate((anonymous, recent)):
        PushSubscription.objects.create(endpoint=f"https://fcm.googleapis.com/fcm/send/{n}", endpoint_hash=str(n),
                                        p256dh="k", auth="a", submission=submission)
    assert erase_expired_contacts() == 1
    assert not PushSubscription.objects.filter(submission=anonymous).exists()
    assert PushSubscription.objects.filter(submission=recent).exists()
    assert reload(anonymous).contact_erased_at is not None
    assert erase_expired_contacts() == 0  # once each


def test_a_browser_that_followed_after_an_early_erasure_is_forgotten_on_schedule(world, settings):
    from feedback.lifecycle import submission_erase_contact
    from notifications.models import PushSubscription

    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=50), tick=False):
        submission = make_submission(category=world.category, **CONTACT)
        submission_erase_contact(submission=submission)  # on request, while the case was open
        PushSubscription.objects.create(endpoint="https://fcm.googleapis.com/fcm/send/x", endpoint_hash="x",
                                        p256dh="k", auth="a", submission=submission)
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        services.case_withdraw(case=submission.case, actor=act(world.receptionist))
    assert erase_expired_contacts() == 1
    assert not PushSubscription.objects.filter(submission=submission).exists()
    assert erase_expired_contacts() == 0


def test_the_outbox_forgets_the_erased_addresses(world, settings):
    from notifications.intents import intents_sweep

    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    closed = ended(world, State.CLOSED, days_ago=40)
    other = make_submission(category=world.category, contact_email="lan@example.vn")
    intents_sweep()  # the notices are rendered after commit (or by a worker): render them here
    mine = OutboxMessage.objects.filter(dedupe_key__endswith=f":{closed.pk}")
    assert mine.filter(to__in=[CONTACT["contact_email"], CONTACT["contact_phone"]]).exists()
    erase_expired_contacts()
    assert not mine.exclude(to="").exists()
    assert not mine.exclude(body_text="").exists()
    assert OutboxMessage.objects.filter(to="lan@example.vn", dedupe_key__endswith=f":{other.pk}").exists()


def test_erasing_keeps_the_private_link_and_empties_the_messages_that_carry_it(world, settings):
    """The sealed key is not contact data: the submitter still follows the case by their link. The
    outbox rows written for them (linked to the submission, the link only as a placeholder) lose
    their address and text, and one still waiting is never sent."""
    from feedback.services import private_link, seal_private_key
    from notifications.intents import intents_sweep
    from notifications.links import PRIVATE_LINK
    from notifications.models import OutboxStatus

    settings.PAKN_CONTACT_RETENTION_DAYS = 30
    closed = ended(world, State.CLOSED, days_ago=40)
    Submission.objects.filter(pk=closed.pk).update(
        private_key_sealed=seal_private_key(closed.tracking_code, "private-key"))  # as intake seals it
    intents_sweep()
    mine = OutboxMessage.objects.filter(submission=closed)
    assert mine.filter(channel="email", body_text__contains=PRIVATE_LINK).exists()
    waiting = mine.first()
    OutboxMessage.objects.filter(pk=waiting.pk).update(status=OutboxStatus.PENDING)

    assert erase_expired_contacts() == 1
    closed = reload(closed)
    assert private_link(closed).endswith(f"/theo-doi/{closed.tracking_code}/?key=private-key")
    assert closed.key_matches("private-key")
    assert mine.count() >= 2 and not mine.exclude(to="").exists() and not mine.exclude(body_text="").exists()
    assert not mine.exclude(body_html="").exists() and not mine.exclude(subject="").exists()
    assert OutboxMessage.objects.get(pk=waiting.pk).status == OutboxStatus.FAILED


# --- on request, from the private page ---------------------------------------------------------

@pytest.fixture
def mine(world):
    return make_submission(category=world.category, key="my-key", **CONTACT)


def page(feedback, key="my-key"):
    return f"/theo-doi/{feedback.tracking_code}/?key={key}"


def test_the_submitter_erases_their_contact_data_from_their_page(client, mine):
    response = client.post(page(mine), {"action": "erase_contact", "key": "my-key", "confirm": "on"})
    assert response.status_code == 303
    mine = reload(mine)
    assert (mine.contact_name, mine.contact_phone, mine.contact_email) == ("", "", "")
    html = client.get(response["Location"]).content.decode()
    assert "Đã xoá họ tên, số điện thoại và email của bạn." in html
    assert 'id="contact-erased"' in html and CONTACT["contact_phone"] not in html
    assert 'id="erase-form"' not in html  # nothing left to erase


def test_erasing_needs_the_box_ticked_and_changes_nothing_without_it(client, mine):
    response = client.post(page(mine), {"action": "erase_contact", "key": "my-key"})
    assert response.status_code == 400
    assert "Đánh dấu ô xác nhận để xoá thông tin liên hệ." in response.content.decode()
    assert reload(mine).contact_phone == CONTACT["contact_phone"]


@pytest.mark.parametrize("action", ["erase_contact", "export"])
def test_a_wrong_key_erases_and_exports_nothing(client, mine, action):
    response = client.post(page(mine, "not-my-key"), {"action": action, "key": "not-my-key", "confirm": "on"})
    assert response.status_code == 404
    assert CONTACT["contact_phone"] not in response.content.decode()
    assert reload(mine).contact_phone == CONTACT["contact_phone"]


def test_the_submitter_downloads_everything_held_about_their_submission(client, mine):
    response = client.post(page(mine), {"action": "export", "key": "my-key"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="pakn-{mine.tracking_code}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["contact"] == {"name": "Trần Văn Bình", "phone": "0987654321", "email": "binh@example.vn"}
    assert (data["tracking_code"], data["title"], data["status"]) == (mine.tracking_code, mine.title, "submitted")
    assert data["timeline"][0]["transition"] == "submit"
    assert "my-key" not in response.content.decode()


# --- staff reads are recorded ---------------------------------------------------------------------

def test_the_case_page_and_the_api_record_who_read_the_contact_data(client, world):
    case = case_in(world, State.IN_PROGRESS, **CONTACT)
    client.force_login(world.officer)
    assert CONTACT["contact_phone"] in client.get(reverse("workflow:case", args=[case.pk])).content.decode()
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    reads = list(ContactRead.objects.filter(case=case).order_by("pk").values_list("user__username", "via"))
    assert reads == [("xuly", "page"), ("xuly", "api")]


def test_a_transition_answered_with_the_case_records_a_read_too(client, world):
    case = case_in(world, State.ASSIGNED, **CONTACT)
    client.force_login(world.officer)
    assert client.post(f"/api/v1/cases/{case.pk}/transitions/accept/", {}, content_type="application/json"
                       ).status_code == 200
    assert list(ContactRead.objects.filter(case=case).values_list("via", flat=True)) == ["api"]


def test_nothing_is_recorded_when_there_was_no_contact_to_show_or_no_access(client, world):
    anonymous = case_in(world, State.IN_PROGRESS, anonymous=True)
    other = case_in(world, State.IN_PROGRESS, agency=world.other, **CONTACT)
    client.force_login(world.officer)
    client.get(reverse("workflow:case", args=[anonymous.pk]))
    assert client.get(reverse("workflow:case", args=[other.pk])).status_code == 404
    assert client.get(f"/api/v1/cases/{other.pk}/").status_code == 404
    assert not ContactRead.objects.exists()


def test_administrators_see_the_reads_and_their_own_admin_reads_are_recorded(client, world, django_user_model):
    feedback = case_in(world, State.IN_PROGRESS, **CONTACT).submissions.get()
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client.force_login(admin)
    assert client.get(reverse("admin:workflow_submission_change", args=[feedback.pk])).status_code == 200
    listing = client.get(reverse("admin:workflow_contactread_changelist")).content.decode()
    assert "quantri" in listing and f"#{feedback.case_id}" in listing
    read = ContactRead.objects.get()
    assert (read.user, read.case_id, read.via) == (admin, feedback.case_id, "admin")
    assert client.post(reverse("admin:workflow_contactread_delete", args=[read.pk]), {"post": "yes"}
                       ).status_code == 403


def test_staff_who_are_not_administrators_cannot_open_the_list(client, world):
    world.officer.is_staff = True
    world.officer.save()
    client.force_login(world.officer)
    assert client.get(reverse("admin:workflow_contactread_changelist")).status_code == 403
