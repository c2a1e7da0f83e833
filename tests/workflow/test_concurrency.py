"""Twenty officials press "accept" on the same case at the same moment: exactly one wins.

Needs real row locks and real concurrent connections, so it runs on PostgreSQL only (CI sets
DATABASE_URL); each thread has its own database connection and closes it when done.
"""
import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from core.errors import Conflict
from tests.workflow.builders import act, case_in  # noqa: F401
from workflow import services
from workflow.models import CaseEvent, State

THREADS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent connections need PostgreSQL")


def run_at_once(work):
    """Run ``work()`` in THREADS threads released together; returns what each returned or raised."""
    start = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def worker(index):
        try:
            start.wait()
            outcomes[index] = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_twenty_simultaneous_accepts_through_the_service_let_exactly_one_win(world):
    case = case_in(world, State.ASSIGNED)
    actor = act(world.officer)

    outcomes = run_at_once(lambda: services.case_accept(case=case, actor=actor))

    wins = [o for o in outcomes if not isinstance(o, Exception)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1, outcomes
    assert len(conflicts) == THREADS - 1, outcomes
    assert CaseEvent.objects.filter(case=case, transition="accept").count() == 1
    case.refresh_from_db()
    assert case.state == State.IN_PROGRESS
    assert case.version == wins[0].version


def test_twenty_simultaneous_accepts_through_the_api_get_one_200_and_nineteen_409(world):
    case = case_in(world, State.ASSIGNED)
    url = f"/api/v1/cases/{case.pk}/transitions/accept/"

    def accept():
        client = APIClient()
        client.force_authenticate(world.officer)
        return client.post(url).status_code

    outcomes = run_at_once(accept)

    assert sorted(outcomes) == [200] + [409] * (THREADS - 1), outcomes
    assert CaseEvent.objects.filter(case=case, transition="accept").count() == 1
