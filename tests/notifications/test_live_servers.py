"""Several ASGI server processes share one Redis channel layer: a change made through one server
reaches a socket open on another. Needs REDIS_URL; runs two real daphne processes."""
import asyncio
import os
import uuid

import pytest

from tests.notifications import servers
from tests.notifications.aio import run_scenario
from tests.notifications.wsclient import WebSocketClient

pytestmark = [pytest.mark.redis,
              pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")]

SETUP = """
import json
from rest_framework.authtoken.models import Token
from tests.factories import AgencyFactory, CategoryFactory, make_submission, member
from workflow.models import AgencyKind, Role
province = AgencyFactory(code="ubnd-tinh", kind=AgencyKind.OTHER)
reception = AgencyFactory(code="ttpvhcc", kind=AgencyKind.RECEPTION, parent=province)
department = AgencyFactory(code="so-xd", parent=province)
other = AgencyFactory(code="so-yt", parent=province)
people = {"reception": member("tiepnhan", reception, Role.RECEPTION),
          "officer": member("xuly", department, Role.OFFICER), "outsider": member("xuly-yt", other, Role.OFFICER)}
case = make_submission(category=CategoryFactory(code="ha-tang")).case
print(json.dumps({"case": case.pk, **{k: Token.objects.get_or_create(user=u)[0].key for k, u in people.items()}}))
"""


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    env = servers.server_env(sqlite_path=tmp_path_factory.mktemp("live") / "db.sqlite3",
                             redis_url=os.environ["REDIS_URL"],
                             extra={"PAKN_CHANNEL_PREFIX": f"pakn-test-{uuid.uuid4().hex[:8]}"})
    servers.manage(["migrate", "--noinput"], env)
    data = servers.django_script(SETUP, env)
    ports = [servers.free_port(), servers.free_port()]
    processes = [servers.start_daphne(port, env) for port in ports]
    try:
        for port, process in zip(ports, processes):
            servers.wait_until_ready(port, process)
        yield ports, data
    finally:
        for process in processes:
            servers.stop(process)


def test_a_change_made_on_one_server_reaches_a_socket_on_another(two_servers):
    (port_a, port_b), data = two_servers

    async def scenario():
        officer = await WebSocketClient.connect("127.0.0.1", port_b, "/ws/inbox/",
                                                [("Authorization", f"Token {data['officer']}")])
        outsider = await WebSocketClient.connect("127.0.0.1", port_b, "/ws/inbox/",
                                                 [("Authorization", f"Token {data['outsider']}")])
        assert (await officer.recv_json())["type"] == "hello"
        assert (await outsider.recv_json())["type"] == "hello"
        status, body = await asyncio.to_thread(
            servers.http_request, port_a, "POST", f"/api/v1/cases/{data['case']}/transitions/route/",
            token=data["reception"], body={"agency": "so-xd"})
        assert status == 200, body
        received = [await officer.recv_json(timeout=5) for _ in range(2)]
        change = next(m for m in received if m["type"] == "case.changed")
        assert (change["case_id"], change["state"], change["agency"]) == (data["case"], "assigned", "so-xd")
        with pytest.raises(asyncio.TimeoutError):
            await outsider.recv_json(timeout=1)
        await officer.close()
        await outsider.close()
    run_scenario(scenario)


def test_a_socket_without_credentials_is_closed_with_4401_by_a_real_server(two_servers):
    (port_a, _), _ = two_servers

    async def scenario():
        socket = await WebSocketClient.connect("127.0.0.1", port_a, "/ws/inbox/")
        assert await socket.recv_json() is None
        assert socket.close_code == 4401
        await socket.close()
    run_scenario(scenario)
