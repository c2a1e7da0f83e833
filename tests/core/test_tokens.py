"""API tokens end: after their lifetime, and at once when the password changes or the account is
deactivated. Sign-in is counted per account as well as per address, with an unlock in the admin."""
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD


def sign_in(username, password=PASSWORD, address="203.0.113.7"):
    return APIClient(REMOTE_ADDR=address).post("/api/v1/auth/token/", {"username": username, "password": password},
                                               format="json")


def me(token):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")


# --- lifetime ------------------------------------------------------------------------------

def test_a_token_works_for_its_lifetime_and_not_a_second_more(world, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = sign_in("xuly").json()["token"]
    with time_machine.travel(start + timedelta(days=settings.PAKN_TOKEN_TTL_DAYS) - timedelta(seconds=1), tick=False):
        assert me(token).status_code == 200
    with time_machine.travel(start + timedelta(days=settings.PAKN_TOKEN_TTL_DAYS), tick=False):
        response = me(token)
    assert response.status_code == 401
    assert response.json() == {"message": "Mã đăng nhập đã hết hạn. Vui lòng đăng nhập lại.", "code": "token_expired",
                               "fields": {}}


def test_the_lifetime_is_a_setting(world, settings):
    settings.PAKN_TOKEN_TTL_DAYS = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = sign_in("xuly").json()["token"]
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert me(token).status_code == 401


def test_signing_in_again_gives_the_same_token_until_it_expires_then_a_new_one(world, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = sign_in("xuly").json()["token"]
        assert sign_in("xuly").json()["token"] == first
    with time_machine.travel(start + timedelta(days=settings.PAKN_TOKEN_TTL_DAYS, hours=1), tick=False):
        second = sign_in("xuly").json()["token"]
        assert second != first
        assert me(second).status_code == 200
        assert me(first).status_code == 401


# --- revocation ----------------------------------------------------------------------------

def test_a_password_change_ends_every_token_at_once(world):
    token = sign_in("xuly").json()["token"]
    world.officer.set_password("mat-khau-moi-2026")
    world.officer.save()
    assert me(token).status_code == 401
    assert not Token.objects.filter(user=world.officer).exists()


def test_a_password_set_in_the_admin_ends_the_users_tokens(world, client):
    token = sign_in("xuly").json()["token"]
    admin = world.officer.__class__.objects.create_superuser("quantri", "qt@example.vn", PASSWORD)
    client.force_login(admin)
    response = client.post(reverse("admin:auth_user_password_change", args=[world.officer.pk]), {
        "password1": "mat-khau-moi-2026!", "password2": "mat-khau-moi-2026!", "usable_password": "true"})
    assert response.status_code == 302
    assert me(token).status_code == 401


def test_deactivating_the_account_ends_its_tokens(world):
    token = sign_in("xuly").json()["token"]
    world.officer.is_active = False
    world.officer.save()
    assert me(token).status_code == 401
    assert sign_in("xuly").status_code == 400


def test_signing_in_or_renaming_keeps_the_token(world):
    token = sign_in("xuly").json()["token"]
    world.officer.first_name = "Bình"
    world.officer.save()
    sign_in("xuly")  # updates last_login
    assert me(token).status_code == 200


# --- the lock per account --------------------------------------------------------------------

@pytest.fixture
def three_failures_lock(settings):
    settings.AXES_FAILURE_LIMIT = 3


def test_failures_from_many_addresses_lock_the_account_not_its_colleagues(world, three_failures_lock):
    statuses = [sign_in("xuly", "sai-mat-khau", address=f"198.51.100.{n}").status_code for n in range(3)]
    assert statuses == [400, 400, 429]  # the failure that reaches the limit is answered with the lock
    locked = sign_in("xuly", address="192.0.2.50")  # the right password, from yet another address
    assert locked.status_code == 429
    assert locked.json()["code"] == "account_locked"
    assert "Tài khoản tạm thời bị khoá" in locked.json()["message"]
    assert int(locked["Retry-After"]) == 30 * 60
    assert sign_in("tiepnhan", address="198.51.100.0").status_code == 200  # same office address, other account


def test_the_sign_in_page_shows_the_lock_in_vietnamese(world, client, three_failures_lock):
    for _attempt in range(3):
        client.post(reverse("workflow:login"), {"username": "xuly", "password": "sai-mat-khau"})
    response = client.post(reverse("workflow:login"), {"username": "xuly", "password": PASSWORD})
    assert response.status_code == 429
    assert "Tài khoản tạm thời bị khoá vì đăng nhập sai nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_by_itself_after_the_cool_off(world, three_failures_lock):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _attempt in range(3):
            sign_in("xuly", "sai-mat-khau")
        assert sign_in("xuly").status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert sign_in("xuly").status_code == 200


def test_failing_again_while_locked_does_not_extend_the_lock(world, three_failures_lock):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _attempt in range(3):
            sign_in("xuly", "sai-mat-khau")
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        assert sign_in("xuly", "sai-mat-khau").status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert sign_in("xuly").status_code == 200


def test_an_administrator_unlocks_an_account_in_the_admin(world, client, three_failures_lock):
    for _attempt in range(3):
        sign_in("xuly", "sai-mat-khau")
    assert sign_in("xuly").status_code == 429
    attempt = AccessAttempt.objects.get(username="xuly")
    client.force_login(world.officer.__class__.objects.create_superuser("quantri", "qt@example.vn", PASSWORD))
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "xuly" in listing.content.decode()
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert sign_in("xuly").status_code == 200


def test_a_successful_sign_in_forgets_earlier_failures(world, three_failures_lock):
    for _attempt in range(2):
        sign_in("xuly", "sai-mat-khau")
    assert sign_in("xuly").status_code == 200
    for _attempt in range(2):
        sign_in("xuly", "sai-mat-khau")
    assert sign_in("xuly").status_code == 200
