"""The staff gate (``workflow.gate``): every staff-only door of every app answers the same people the same way.

Pages send a visitor to sign in and refuse a user without a role with 403; the API answers 401
and 403; the inbox socket closes with 4401 and 4403. A member of any agency gets in everywhere.
"""
import pytest
from rest_framework.test import APIClient

from notifications.consumers import NO_ROLE, NOT_SIGNED_IN, REFUSALS
from workflow import gate

PAGES = ("/staff/", "/dashboard/", "/notifications/")
API = ("/api/v1/cases/", "/api/v1/metrics/summary/", "/api/v1/notifications/")


@pytest.mark.parametrize("url", PAGES)
def test_every_staff_page_asks_for_sign_in_refuses_no_role_and_admits_a_member(world, client, url):
    assert client.get(url).status_code == 302
    client.force_login(world.nobody)
    refused = client.get(url)
    assert refused.status_code == 403 and "workflow/forbidden.html" in [t.name for t in refused.templates]
    client.force_login(world.outsider)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", API)
def test_every_staff_endpoint_answers_401_403_and_200(world, url):
    client = APIClient()
    assert client.get(url).status_code == 401
    client.force_login(world.nobody)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 200


def test_the_socket_is_refused_by_the_same_verdict(world):
    from django.contrib.auth.models import AnonymousUser

    assert REFUSALS[gate.check_staff(AnonymousUser()).refusal] == NOT_SIGNED_IN
    assert REFUSALS[gate.check_staff(world.nobody).refusal] == NO_ROLE
    verdict = gate.check_staff(world.outsider)
    assert verdict.allowed and verdict.actor.user == world.outsider
