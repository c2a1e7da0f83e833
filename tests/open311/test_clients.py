"""Open311 clients: keys shown once and stored hashed (admin and command), revocation, budgets, and
the demo client of seed_demo."""
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from workflow.models import Submission
from open311.models import Open311Client, hash_client_key
from open311.services import client_create
from tests.factories import UserFactory
from tests.open311 import BASE, DEMO_KEY, errors, filed_id, post_request, request_arguments

ADMIN = "/admin/open311/open311client/"


@pytest.fixture
def admin(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


def key_on_page(response):
    match = re.search(r'<code id="open311-key"[^>]*>([^<]+)</code>', response.content.decode())
    assert match, response.content.decode()[:500]
    return match.group(1)


# --- the admin ---------------------------------------------------------------------------------------

def test_adding_a_client_in_the_admin_shows_its_key_once_and_stores_only_its_hash(client, admin, world, media):
    client.force_login(admin)
    response = client.post(f"{ADMIN}add/", {"name": "Zalo mini app", "contact": "dev@zalo.example",
                                            "is_active": "on", "post_rate": "30/min"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = key_on_page(response)
    app = Open311Client.objects.get(name="Zalo mini app")
    assert app.key_hash == hash_client_key(key) and key not in app.key_hash and app.key_prefix == key[:8]
    assert app.post_rate == "30/min" and app.is_active
    assert key not in client.get(f"{ADMIN}{app.pk}/change/").content.decode()  # never shown again
    assert post_request(client, request_arguments(world, key=key)).status_code == 200


def test_a_bad_rate_is_refused_by_the_admin_form(client, admin):
    client.force_login(admin)
    response = client.post(f"{ADMIN}add/", {"name": "X", "is_active": "on", "post_rate": "lots"})
    assert response.status_code == 200 and "60/min" in response.content.decode()
    assert not Open311Client.objects.exists()


def test_issuing_a_new_key_replaces_the_old_one(client, admin, world, app_client, media):
    client.force_login(admin)
    response = client.post(ADMIN, {"action": "issue_new_key", "_selected_action": [app_client.pk]})
    new_key = key_on_page(response)
    assert new_key != DEMO_KEY
    errors(post_request(client, request_arguments(world, key=DEMO_KEY)), "json", 403)
    assert post_request(client, request_arguments(world, key=new_key)).status_code == 200


def test_revoking_in_the_admin_refuses_the_key_at_once(client, admin, world, app_client, media):
    client.force_login(admin)
    client.post(ADMIN, {"action": "revoke", "_selected_action": [app_client.pk]})
    app_client.refresh_from_db()
    assert not app_client.is_active and app_client.revoked_at is not None
    errors(post_request(client, request_arguments(world)), "json", 403)
    assert not Submission.objects.exists()


def test_the_admin_is_closed_to_officials(client, world):
    client.force_login(world.receptionist)
    assert client.get(ADMIN).status_code == 302


# --- the command ----------------------------------------------------------------------------------

def test_the_command_creates_a_client_and_prints_a_working_key(client, world, media):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_client", "create", "Cổng dịch vụ công", "--contact", "it@example.vn", stdout=out,
                 stderr=err)
    key = out.getvalue().strip()
    assert len(key) >= 40 and "shown only now" in err.getvalue()
    app = Open311Client.objects.get(name="Cổng dịch vụ công")
    assert app.key_hash == hash_client_key(key) and app.post_rate == "60/min"
    assert post_request(client, request_arguments(world, key=key)).status_code == 200


def test_the_command_refuses_a_name_twice_and_a_bad_rate(db):
    call_command("open311_client", "create", "App", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("open311_client", "create", "App", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("open311_client", "create", "Other", "--rate", "fast", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert Open311Client.objects.count() == 1


def test_the_command_revokes_and_lists_without_keys(client, world, app_client, media):
    out = io.StringIO()
    call_command("open311_client", "revoke", "Demo Open311", stdout=out)
    call_command("open311_client", "list", stdout=out)
    assert "Demo Open311\trevoked\t60/min\tdemo-ope…" in out.getvalue() and DEMO_KEY not in out.getvalue()
    errors(post_request(client, request_arguments(world)), "json", 403)


# --- budgets --------------------------------------------------------------------------------------

def test_a_client_over_its_post_rate_gets_429_and_files_nothing_more(client, world, media):
    client_create(name="Small app", key="small-app-key-0001", post_rate="2/min")
    for _n in range(2):
        filed_id(post_request(client, request_arguments(world, key="small-app-key-0001")))
    response = post_request(client, request_arguments(world, key="small-app-key-0001"), "xml")
    [(code, description)] = errors(response, "xml", 429)
    assert int(response["Retry-After"]) >= 1 and "giây" in description
    assert Submission.objects.count() == 2


def test_each_client_has_its_own_post_budget(client, world, media):
    client_create(name="A", key="client-a-key-0001", post_rate="1/min")
    client_create(name="B", key="client-b-key-0001", post_rate="1/min")
    filed_id(post_request(client, request_arguments(world, key="client-a-key-0001")))
    filed_id(post_request(client, request_arguments(world, key="client-b-key-0001")))
    errors(post_request(client, request_arguments(world, key="client-a-key-0001")), "json", 429)


def test_reads_are_budgeted_per_address(client, world, settings):
    settings.OPEN311_GET_RATE = "3/min"
    for _n in range(3):
        assert client.get(f"{BASE}/services.json").status_code == 200
    errors(client.get(f"{BASE}/requests.json"), "json", 429)
    assert client.get(f"{BASE}/services.xml", REMOTE_ADDR="10.0.0.2").status_code == 200


# --- the demo -------------------------------------------------------------------------------------

def test_seed_demo_adds_the_demo_client_under_the_demo_users_guard(client, db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", cases=0, stdout=io.StringIO())
    assert not Open311Client.objects.exists()

    out = io.StringIO()
    call_command("seed_demo", cases=0, allow_demo_users=True, stdout=out)
    call_command("seed_demo", cases=0, allow_demo_users=True, once=True, stdout=io.StringIO())
    demo = Open311Client.objects.get()
    assert demo.name == "Demo Open311" and demo.key_hash == hash_client_key(DEMO_KEY) and demo.is_active
    assert DEMO_KEY in out.getvalue()
