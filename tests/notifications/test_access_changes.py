"""An open inbox socket loses what its user loses, at once: roles, the account, the password, the token."""
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.auth import token_for
from tests.factories import make_submission
from tests.notifications.aio import run_scenario
from tests.notifications.test_live import QUIET, act, hello, open_socket, session_headers  # noqa: F401
from workflow.actors import staff_actor
from workflow.models import Membership, Role
from workflow.services import case_route

pytestmark = pytest.mark.django_db(transaction=True)


def token_header(user):
    return [(b"authorization", f"Token {token_for(user).key}".encode())]


async def closed_with(socket):
    output = await socket.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    return output["code"]


def route(world, case, agency):
    return lambda: case_route(case=case, actor=staff_actor(world.receptionist), agency=agency)


def test_a_socket_closes_when_its_user_loses_their_last_role(world, act):
    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: Membership.objects.filter(user=world.officer).delete())
        assert await closed_with(officer) == 4403
    run_scenario(scenario)


def test_a_socket_stops_hearing_an_agency_the_user_no_longer_belongs_to(world, act):
    Membership.objects.create(user=world.officer, agency=world.other, role=Role.OFFICER)
    department_case = make_submission(category=world.category).case
    other_case = make_submission(category=world.category).case
    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: Membership.objects.filter(user=world.officer, agency=world.department).delete())
        assert await officer.receive_nothing(timeout=QUIET)  # still open: they work at the other agency
        await act(route(world, department_case, world.department))
        assert await officer.receive_nothing(timeout=QUIET)
        await act(route(world, other_case, world.other))
        heard = [await officer.receive_json_from(timeout=5) for _ in range(2)]
        assert {m.get("case_id") for m in heard} == {other_case.pk}
        await officer.disconnect()
    run_scenario(scenario)


def test_a_socket_starts_hearing_an_agency_the_user_joins(world, act):
    other_case = make_submission(category=world.category).case
    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: Membership.objects.create(user=world.officer, agency=world.other, role=Role.OFFICER))
        await officer.receive_nothing(timeout=QUIET)
        await act(route(world, other_case, world.other))
        heard = {m["type"]: m for m in [await officer.receive_json_from(timeout=5) for _ in range(2)]}
        assert heard["case.changed"]["case_id"] == other_case.pk  # the agency's group, not only the bell
        await officer.disconnect()
    run_scenario(scenario)


def test_a_socket_closes_when_the_account_is_deactivated(world, act):
    headers = token_header(world.officer)

    def deactivate():
        world.officer.is_active = False
        world.officer.save()

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(deactivate)
        assert await closed_with(officer) == 4401
    run_scenario(scenario)


@pytest.mark.parametrize("proof", ["token", "session"])
def test_a_socket_closes_when_the_password_changes(world, act, client, proof):
    headers = token_header(world.officer) if proof == "token" else session_headers(client, world.officer)

    def change_password():
        world.officer.set_password("a-new-password-2026")
        world.officer.save()

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(change_password)
        assert await closed_with(officer) == 4401
    run_scenario(scenario)


def test_a_socket_closes_when_its_token_is_revoked_in_the_admin(world, act):
    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: Token.objects.filter(user=world.officer).delete())
        assert await closed_with(officer) == 4401
    run_scenario(scenario)


def test_a_socket_closes_at_the_first_message_after_its_token_expires(world, act, settings):
    token = token_for(world.officer)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.PAKN_TOKEN_TTL_DAYS) + timedelta(seconds=1))
    headers = [(b"authorization", f"Token {token.key}".encode())]
    case = make_submission(category=world.category).case

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await officer.receive_nothing(timeout=1.5)  # the token's last second passes
        await act(route(world, case, world.department))
        assert await closed_with(officer) == 4401
    run_scenario(scenario)


def test_saving_an_unrelated_field_keeps_the_socket_and_the_token(world, act):
    headers = token_header(world.officer)
    case = make_submission(category=world.category).case

    def rename():
        world.officer.first_name = "Bình"
        world.officer.save()

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(rename)
        await act(route(world, case, world.department))
        kinds = sorted([(await officer.receive_json_from(timeout=5))["type"] for _ in range(2)])
        assert kinds == ["case.changed", "notification"]
        await officer.disconnect()
    run_scenario(scenario)
    assert Token.objects.filter(user=world.officer).exists()
