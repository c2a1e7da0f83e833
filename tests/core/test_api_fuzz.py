"""Schemathesis against a real server: the OpenAPI schema says what the API answers, and it does.

A PAKN server (``python -m config.server``) on its own SQLite database with a small province and
cases in several states. Every operation of ``/api/schema/`` is fuzzed anonymously and with a
province supervisor's token (sees every case), in schemathesis' three phases (the schema's
examples, boundary values, random data), positive and negative, a few examples per operation.
Every response must pass every check but one: no 5xx, only documented status codes and content
types, bodies and headers as the schema says, invalid input refused, authentication enforced.
``positive_data_acceptance`` is left out: a schema-valid submission can still break a rule the
schema cannot state (the category code must exist, an on-site report needs a photo), and the
API rightly answers those with a 400 in the error shape, which the other checks do validate.
"""
import json
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from notifications.push import generate_private_key, private_key_raw
from tests.notifications import servers

pytestmark = pytest.mark.fuzz

EXAMPLES_PER_OPERATION = 8
SETUP = """
import json
from core.auth import token_for
from tests.factories import AgencyFactory, CategoryFactory, UserFactory, WardFactory, member
from tests.workflow.builders import case_in
from types import SimpleNamespace
from workflow.models import AgencyKind, Role, State
province = AgencyFactory(code="ubnd-tinh", name_vi="UBND tỉnh", kind=AgencyKind.OTHER)
reception = AgencyFactory(code="ttpvhcc", kind=AgencyKind.RECEPTION, parent=province)
department = AgencyFactory(code="so-xd", parent=province)
world = SimpleNamespace(province=province, reception=reception, department=department,
                        other=AgencyFactory(code="so-yt", parent=province),
                        ward=WardFactory(code="9001", name="Phường Kinh Bắc"),
                        category=CategoryFactory(code="ha-tang", name_vi="Hạ tầng đô thị"),
                        receptionist=member("tiepnhan", reception, Role.RECEPTION),
                        officer=member("xuly", department, Role.OFFICER),
                        supervisor=member("giamsat", province, Role.SUPERVISOR))
for state in (State.SUBMITTED, State.NEEDS_INFO, State.IN_PROGRESS, State.ANSWERED, State.CLOSED, State.REJECTED):
    case_in(world, state)
print(json.dumps({"token": token_for(world.supervisor).key}))
"""


class CountingSession(requests.Session):
    """Counts the requests made and the statuses answered, for the report at the end."""

    statuses = Counter()

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        self.statuses[response.status_code] += 1
        return response


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    env = servers.server_env(sqlite_path=tmp_path_factory.mktemp("fuzz") / "db.sqlite3", extra={
        "PAKN_SUBMISSION_RATE": "100000/minute", "PAKN_CITIZEN_ACTION_RATE": "100000/minute",
        "PAKN_LOGIN_RATE": "100000/minute", "PAKN_LOOKUP_RATE": "100000/minute",
        "PAKN_PUBLIC_READ_RATE": "100000/minute",
        # Web Push configured, as in production: its operations answer for real, not "not set up".
        "PAKN_VAPID_PRIVATE_KEY": private_key_raw(generate_private_key())})
    servers.manage(["migrate", "--noinput"], env)
    data = servers.django_script(SETUP, env)
    port = servers.free_port()
    process = servers.start_daphne(port, env)
    session = CountingSession()
    try:
        servers.wait_until_ready(port, process)
        yield {"url": f"http://127.0.0.1:{port}", "token": data["token"], "session": session}
    finally:
        servers.stop(process)
        total = sum(session.statuses.values())
        print(f"\nschemathesis: {total} requests, statuses {json.dumps(dict(sorted(session.statuses.items())))}")
        assert not any(status >= 500 for status in session.statuses), session.statuses


@pytest.fixture
def api_schema(live_api):
    return schemathesis.openapi.from_url(f"{live_api['url']}/api/schema/")


schema = schemathesis.pytest.from_fixture("api_schema")
FUZZ_SETTINGS = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                         suppress_health_check=list(HealthCheck), database=None)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_anonymous_callers_as_documented(case, live_api):
    case.call_and_validate(session=live_api["session"], excluded_checks=[positive_data_acceptance])


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_a_staff_token_as_documented(case, live_api):
    case.call_and_validate(session=live_api["session"], headers={"Authorization": f"Token {live_api['token']}"},
                           excluded_checks=[positive_data_acceptance])
