"""Fixtures for the tests that run the production shape: one migrated PostgreSQL template per run."""
import pytest

from tests.ops import stack


@pytest.fixture(scope="session")
def server_template():
    """``(database_url, template name)``: migrated once, cloned by each group of server processes."""
    url = stack.postgres_url()
    template = stack.migrated_template(url)
    yield url, template
    stack.drop_database(url, template)
