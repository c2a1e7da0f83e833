"""Live updates over WebSockets: who may connect, and who hears which change."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from tests.factories import make_submission
from tests.notifications.aio import run_scenario
from workflow.actors import citizen_actor, staff_actor
from workflow.services import case_accept, case_answer, case_return, case_route

# Real commits: consumers reach the database from other threads (channels closes connections
# around them), and the after-commit pushes must run as in production.
pytestmark = pytest.mark.django_db(transaction=True)
QUIET = 0.3  # seconds to wait before concluding that a socket received nothing


def token_header(user):
    return [(b"authorization", f"Token {Token.objects.get_or_create(user=user)[0].key}".encode())]


def session_headers(client, user, origin=b"http://testserver"):
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()), (b"origin", origin)]


async def open_socket(path, headers=()):
    socket = WebsocketCommunicator(application, path, headers=list(headers))
    connected, _ = await socket.connect()
    assert connected
    return socket


async def refused_with(path, headers=()):
    socket = WebsocketCommunicator(application, path, headers=list(headers))
    connected, code = await socket.connect()
    if not connected:
        return code
    output = await socket.receive_output(timeout=1)
    await socket.wait()
    return output.get("code") if output["type"] == "websocket.close" else output


async def hello(socket):
    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "hello"
    return message


@pytest.fixture
def act():
    """Run a workflow service from inside a test's event loop (its after-commit work included)."""
    async def run(change):
        return await database_sync_to_async(change)()
    return run


# --- who may connect -------------------------------------------------------------------------

def test_inbox_refuses_an_anonymous_visitor_with_4401(world):
    assert run_scenario(lambda: refused_with("/ws/inbox/")) == 4401


def test_inbox_refuses_a_wrong_token_with_4401(world):
    wrong = [(b"authorization", b"Token not-a-real-token")]
    assert run_scenario(lambda: refused_with("/ws/inbox/", wrong)) == 4401


def test_inbox_refuses_a_signed_in_user_without_a_role_with_4403(world, client):
    session, token = session_headers(client, world.nobody), token_header(world.nobody)
    assert run_scenario(lambda: refused_with("/ws/inbox/", session)) == 4403
    assert run_scenario(lambda: refused_with("/ws/inbox/", token)) == 4403


def test_inbox_accepts_a_browser_session_and_refuses_it_from_another_site(world, client):
    own_site = session_headers(client, world.officer)
    other_site = session_headers(client, world.officer, b"https://evil.example")

    async def scenario():
        socket = await open_socket("/ws/inbox/", own_site)
        assert (await hello(socket))["unread_count"] == 0
        await socket.disconnect()
        foreign = WebsocketCommunicator(application, "/ws/inbox/", headers=other_site)
        connected, _ = await foreign.connect()
        assert not connected
    run_scenario(scenario)


# --- who hears what --------------------------------------------------------------------------

def test_a_change_reaches_the_agency_and_reception_but_never_another_agency(world, act):
    feedback = make_submission(category=world.category, contact_email="dan@example.vn")
    case = feedback.case

    headers = {name: token_header(getattr(world, name))
               for name in ("officer", "outsider", "receptionist", "province_supervisor")}

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers["officer"])
        outsider = await open_socket("/ws/inbox/", headers["outsider"])
        reception = await open_socket("/ws/inbox/", headers["receptionist"])
        province = await open_socket("/ws/inbox/", headers["province_supervisor"])
        for socket in (officer, outsider, reception, province):
            await hello(socket)
        await act(lambda: case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department))

        received = {m["type"]: m for m in [await officer.receive_json_from(timeout=5) for _ in range(2)]}
        change = received["case.changed"]
        assert change == {**change, "case_id": case.pk, "state": "assigned", "transition": "route",
                          "agency": "so-xd", "tracking_codes": [feedback.tracking_code]}
        assert change["state_label"] == "Đã chuyển xử lý" and change["at"]
        assert "dan@example.vn" not in str(received)
        assert received["notification"]["kind"] == "assigned"
        assert (await reception.receive_json_from(timeout=5))["case_id"] == case.pk
        assert (await province.receive_json_from(timeout=5))["case_id"] == case.pk
        assert await outsider.receive_nothing(timeout=QUIET)
        for socket in (officer, outsider, reception, province):
            await socket.disconnect()
    run_scenario(scenario)


def test_a_supervisor_who_is_also_in_the_agency_gets_each_change_once(world, act):
    case = make_submission(category=world.category).case

    headers = token_header(world.supervisor)

    async def scenario():
        supervisor = await open_socket("/ws/inbox/", headers)
        await hello(supervisor)
        await act(lambda: case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department))
        kinds = [(await supervisor.receive_json_from(timeout=5))["type"] for _ in range(2)]
        assert sorted(kinds) == ["case.changed", "notification"]
        assert await supervisor.receive_nothing(timeout=QUIET)
        await supervisor.disconnect()
    run_scenario(scenario)


def test_the_agency_that_returns_a_case_sees_it_leave_its_inbox(world, act):
    case = make_submission(category=world.category).case
    case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department)

    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: case_return(case=case, actor=staff_actor(world.officer), reason="Không phải của Sở."))
        change = await officer.receive_json_from(timeout=5)
        assert (change["transition"], change["state"], change["agency"]) == ("return", "submitted", None)
        await officer.disconnect()
    run_scenario(scenario)


def test_the_bell_count_is_pushed_with_each_new_notification(world, act):
    case = make_submission(category=world.category).case

    headers = token_header(world.officer)

    async def scenario():
        officer = await open_socket("/ws/inbox/", headers)
        await hello(officer)
        await act(lambda: case_route(case=case, actor=staff_actor(world.receptionist), agency=world.department))
        messages = [await officer.receive_json_from(timeout=5) for _ in range(2)]
        (note,) = [m for m in messages if m["type"] == "notification"]
        assert (note["kind"], note["unread_count"], note["case_id"]) == ("assigned", 1, case.pk)
        await officer.disconnect()
    run_scenario(scenario)


# --- the submitter -----------------------------------------------------------------------------

def test_the_submitter_needs_the_right_key(world):
    feedback = make_submission(category=world.category, key="the-right-key")
    path = f"/ws/feedback/{feedback.tracking_code}/"
    assert run_scenario(lambda: refused_with(path + "?key=a-wrong-key")) == 4404
    assert run_scenario(lambda: refused_with(path)) == 4404
    assert run_scenario(lambda: refused_with("/ws/feedback/BN-0000-0000/?key=the-right-key")) == 4404


def test_the_submitter_follows_their_own_case_only_and_sees_the_answer(world, act):
    mine = make_submission(category=world.category, key="my-key")
    other = make_submission(category=world.category, key="other-key")
    case_route(case=mine.case, actor=staff_actor(world.receptionist), agency=world.department)
    case_accept(case=mine.case, actor=staff_actor(world.officer))
    my_case, other_case = mine.case, other.case

    async def scenario():
        socket = await open_socket(f"/ws/feedback/{mine.tracking_code}/?key=my-key",
                                   [(b"accept-language", b"en-US,en;q=0.8")])
        first = await socket.receive_json_from(timeout=5)
        assert (first["type"], first["status"]) == ("status", "in_progress")
        assert "answer" not in first
        await act(lambda: case_route(case=other_case, actor=staff_actor(world.receptionist),
                                     agency=world.department))
        assert await socket.receive_nothing(timeout=QUIET)
        await act(lambda: case_answer(case=my_case, actor=staff_actor(world.officer), answer="Đã sửa đèn."))
        update = await socket.receive_json_from(timeout=5)
        assert (update["status"], update["answer"]) == ("answered", "Đã sửa đèn.")
            # No personal data: the code, the status, the answer, and the version the page compares.
        assert set(update) == {"type", "tracking_code", "status", "status_label", "answer", "version"}
        await socket.disconnect()
    run_scenario(scenario)


def test_the_submitter_hears_their_own_withdrawal(world, act):
    from workflow.services import case_withdraw

    mine = make_submission(category=world.category, key="my-key")
    case = mine.case

    async def scenario():
        socket = await open_socket(f"/ws/feedback/{mine.tracking_code}/?key=my-key")
        await socket.receive_json_from(timeout=5)
        await act(lambda: case_withdraw(case=case, actor=citizen_actor(case.pk)))
        assert (await socket.receive_json_from(timeout=5))["status"] == "withdrawn"
        await socket.disconnect()
    run_scenario(scenario)


def test_the_province_supervisor_listens_to_every_case_and_nothing_twice(world):
    from notifications.groups import EVERY_CASE_GROUP, groups_for_actor
    from workflow.actors import staff_actor

    groups = groups_for_actor(staff_actor(world.province_supervisor))
    assert groups == sorted([EVERY_CASE_GROUP, f"user-{world.province_supervisor.pk}"])
