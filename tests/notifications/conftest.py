"""Fixtures for notifications: a fresh channel layer per test, tasks run in-process, SMS kept in memory."""
import copy
import uuid

import pytest
from channels.layers import channel_layers

from config.celery import app as celery_app
from notifications import sms


@pytest.fixture(autouse=True)
def fresh_channel_layer(settings):
    """A new layer for each test (in-memory queues belong to one event loop; Redis keys to one run)."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if "prefix" in layers["default"].get("CONFIG", {}):
        layers["default"]["CONFIG"]["prefix"] = f"pakn-test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = layers
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def tasks_in_process():
    """Celery tasks run where they are queued, as on one machine without a broker."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.PAKN_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def vapid(settings):
    """A VAPID key pair for the province, as `manage.py generate_vapid_keys` would print."""
    from notifications.push import generate_private_key, private_key_raw, public_key_of

    key = generate_private_key()
    settings.PAKN_VAPID_PRIVATE_KEY = private_key_raw(key)
    settings.PAKN_VAPID_PUBLIC_KEY = ""
    settings.PAKN_VAPID_KEY_FILE = ""
    settings.PAKN_VAPID_SUBJECT = "mailto:pakn@bacninh.gov.vn"
    return public_key_of(key)


@pytest.fixture
def push_service(settings):
    """A push service on 127.0.0.1 (accepted as an endpoint only with DEBUG on, as in a demo)."""
    from tests.notifications.push_service import PushService

    settings.DEBUG = True
    service = PushService()
    yield service
    service.stop()
