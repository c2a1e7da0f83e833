import pytest
from django.core.cache import cache

from open311.services import client_create
from tests.open311 import DEMO_KEY


@pytest.fixture(autouse=True)
def fresh_budgets():
    """Rate counters live in the cache; each test starts with a full budget."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def app_client(world, media):
    """The demo's Open311 client, with its published key."""
    client, _key = client_create(name="Demo Open311", contact="demo@example.vn", key=DEMO_KEY)
    return client
