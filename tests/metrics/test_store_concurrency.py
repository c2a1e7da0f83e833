"""Eight officials route eight cases of the same day to the same agency at the same moment, each
refresh of the stored figures running after its own commit, on its own connection: the rows they
all touch end equal to the raw tables (row locks; a refresh reads only once it holds the lock)."""
import threading

import pytest
from django.db import connection, connections

from metrics import store
from tests.workflow.builders import act, new_case
from workflow import services

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent connections need PostgreSQL")


def test_simultaneous_changes_leave_the_shared_rows_equal_to_the_raw_tables(world):
    cases = [new_case(world) for _ in range(THREADS)]
    store.rebuild()
    reception = act(world.receptionist)
    start = threading.Barrier(THREADS)
    errors = []

    def route(case):
        try:
            start.wait()
            services.case_route(case=case, actor=reception, agency=world.department)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=route, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert store.differences(store.computed_rows(), store.stored_rows()) == []
