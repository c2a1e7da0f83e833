"""Failure drills on a real worker (daphne, PostgreSQL, a private Redis, a local S3, Celery):
what a citizen and an official see while a service is down, and that everything catches up when it
returns. Each drill stops a service of its own; none touches the machine's shared Redis."""
import asyncio
import json
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from urllib3 import encode_multipart_formdata

from tests.feedback import jpeg
from tests.notifications.aio import run_scenario
from tests.notifications.wsclient import WebSocketClient
from tests.ops import stack
from tests.ops.test_two_workers import SETUP, request, submission
from tests.s3 import LocalS3, free_port

pytestmark = [pytest.mark.postgres]



@pytest.fixture
def database(server_template):
    url, template = server_template
    with stack.database_copy(url, template) as database_url:
        yield database_url


@pytest.fixture
def folder(tmp_path):
    return tmp_path


def counts(env):
    """Notifications to render (intents) and to send (outbox) by status, and the number of
    submissions, read straight from the database."""
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        intents = dict(conn.execute("SELECT status, count(*) FROM notifications_notificationintent GROUP BY status"))
        outbox = dict(conn.execute("SELECT status, count(*) FROM notifications_outboxmessage GROUP BY status"))
        submissions = conn.execute("SELECT count(*) FROM feedback_feedback").fetchone()[0]
    return {"intents": intents, "outbox": outbox, "submissions": submissions}


def with_contact(n):
    return {**submission(n), "contact_email": f"nguoi-gui-{n}@example.vn"}


@pytest.fixture
def private_redis(folder):
    stack.redis_server_or_skip()
    redis = stack.PrivateRedis(free_port(), folder).start()
    yield redis
    redis.stop()


def start(env, folder, name="drill"):
    worker = stack.start_worker(free_port(), env, log_dir=folder, name=f"pakn-drill-{uuid.uuid4().hex[:6]}-{name}")
    stack.servers.wait_until_ready(worker.port, worker)
    return worker


# --- Redis down ------------------------------------------------------------------------------------

def test_redis_down_submissions_and_transitions_succeed_then_live_updates_and_the_outbox_catch_up(
        database, private_redis, folder):
    """Redis is the channel layer, the cache and (by default) the broker: all three go at once."""
    env = stack.server_env(database_url=database, redis_url=private_redis.url, tmp=folder,
                           extra={"CELERY_BROKER_URL": private_redis.url})
    data = stack.servers.django_script(SETUP, env)
    worker = start(env, folder)
    officer = [("Authorization", f"Token {data['officer']}")]
    route = "/api/v1/cases/{}/transitions/route/"

    async def call(*args, **kwargs):
        return await asyncio.to_thread(request, worker.port, *args, **kwargs)

    async def scenario():
        socket = await WebSocketClient.connect("127.0.0.1", worker.port, "/ws/inbox/", officer)
        assert (await socket.recv_json())["type"] == "hello"

        await asyncio.to_thread(private_redis.stop)
        started = time.monotonic()
        status, body = await call("POST", "/api/v1/feedback/", body=with_contact("redis-down"))
        assert status == 201, body
        status, body = await call("POST", route.format(data["cases"][0]), token=data["reception"],
                                  body={"agency": "so-xd"})
        assert status == 200, body
        print(f"\nsubmission and transition with Redis down: {time.monotonic() - started:.1f} s")
        status, report = await call("GET", "/readyz")
        report = json.loads(report)
        assert status == 200 and report["status"] == "degraded"
        assert (report["checks"]["redis"]["status"], report["checks"]["broker"]["status"]) == ("down", "down")
        waiting = await asyncio.to_thread(counts, env)
        # What the citizen and the officials must be told is written, not lost; nothing went out.
        assert waiting["intents"].get("pending", 0) >= 2 and "sent" not in waiting["outbox"]

        await asyncio.to_thread(private_redis.start)  # empty, as after a real restart: groups are gone
        # The old socket lost its layer with Redis: the server drops it and the page reconnects.
        try:
            assert await socket.recv_json(timeout=15) is None
        except ConnectionResetError:
            pass
        fresh = await WebSocketClient.connect("127.0.0.1", worker.port, "/ws/inbox/", officer)
        assert (await fresh.recv_json())["type"] == "hello"
        status, body = await call("POST", route.format(data["cases"][1]), token=data["reception"],
                                  body={"agency": "so-xd"})
        assert status == 200, body
        change = await fresh.recv_json(timeout=10)
        while change["type"] != "case.changed":
            change = await fresh.recv_json(timeout=10)
        assert (change["case_id"], change["state"]) == (data["cases"][1], "assigned")
        await fresh.close()
        return waiting

    try:
        waiting = run_scenario(scenario)
        stack.servers.manage(["sweep_outbox"], env)  # what beat runs every minute
        caught_up = counts(env)
        assert set(caught_up["intents"]) == {"done"} and set(caught_up["outbox"]) == {"sent"}
        assert caught_up["outbox"]["sent"] >= 1  # the citizen's acknowledgement, sent late
    finally:
        stack.stop(worker)


# --- broker down -----------------------------------------------------------------------------------

def test_broker_down_nothing_is_lost_and_the_sweep_delivers(database, private_redis, folder):
    """A Celery worker delivers while the broker is up (carrying the request id); with the broker
    down the change still commits with its messages, which the sweep sends once it is back."""
    broker = stack.PrivateRedis(free_port(), folder / "broker")
    broker.folder.mkdir()
    broker.start()
    env = stack.server_env(database_url=database, redis_url=private_redis.url, tmp=folder, extra={
        "CELERY_BROKER_URL": broker.url, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "mail")})
    stack.servers.django_script(SETUP, env)
    worker = start(env, folder)
    celery = stack.start_celery_worker({**env, "DB_APPLICATION_NAME": "pakn-drill-celery"},
                                       log_path=folder / "celery.log")
    try:
        status, _ = request(worker.port, "POST", "/api/v1/feedback/", body=with_contact("broker-up"),
                            headers={"X-Request-ID": "drill-broker-up-0001"})
        assert status == 201
        stack.eventually(lambda: counts(env)["outbox"] == {"sent": 1}, timeout=30)  # rendered, then sent
        delivered = [line for line in stack.json_log_lines(celery)
                     if line.get("logger") == "notifications.outbox" and "sent" in line.get("message", "")]
        assert delivered and delivered[0]["request_id"] == "drill-broker-up-0001"  # the request's id, in Celery

        broker.stop()
        status, body = request(worker.port, "POST", "/api/v1/feedback/", body=with_contact("broker-down"))
        assert status == 201, body
        assert counts(env) == {"intents": {"done": 1, "pending": 1}, "outbox": {"sent": 1}, "submissions": 5}

        broker.start()
        stack.servers.manage(["sweep_outbox"], env)
        assert counts(env) == {"intents": {"done": 2}, "outbox": {"sent": 2}, "submissions": 5}
        sent_to = sorted(p.read_text() for p in Path(folder / "mail").iterdir())
        assert sum("nguoi-gui-broker-down@example.vn" in mail for mail in sent_to) == 1  # once, not twice
    finally:
        stack.stop(celery)
        stack.stop(worker)
        broker.stop()


# --- storage down ----------------------------------------------------------------------------------

def test_storage_down_a_submission_is_refused_cleanly_and_nothing_is_kept(database, folder):
    s3 = LocalS3(free_port()).start()
    bucket = s3.new_bucket()
    env = stack.server_env(database_url=database, tmp=folder, extra=s3.environment(bucket))
    stack.servers.django_script(SETUP, env)
    worker = start(env, folder)
    fields = {**{k: str(v).lower() if isinstance(v, bool) else v for k, v in submission("photo").items()},
              "kind": "on_site", "ward": "9001", "photos": ("IMG_0001.jpg", jpeg(), "image/jpeg")}
    body, content_type = encode_multipart_formdata(fields)
    try:
        assert request(worker.port, "POST", "/api/v1/feedback/", raw=body, content_type=content_type)[0] == 201
        s3.stop()
        before = counts(env)

        status, answer = request(worker.port, "POST", "/api/v1/feedback/", raw=body, content_type=content_type)

        assert status == 503, answer
        assert json.loads(answer)["code"] == "storage_unavailable"
        assert counts(env)["submissions"] == before["submissions"]
        report = json.loads(request(worker.port, "GET", "/readyz")[1])
        assert report["checks"]["storage"]["status"] == "down" and report["status"] == "degraded"
        # Without photos a citizen can still send (a procedure needs none).
        assert request(worker.port, "POST", "/api/v1/feedback/", body=submission("no-photo"))[0] == 201
    finally:
        stack.stop(worker)
        if s3.server._server is not None:
            s3.stop()


# --- database restart ------------------------------------------------------------------------------

def test_after_the_database_drops_every_connection_and_refuses_new_ones_the_worker_reconnects(database, folder):
    env = stack.server_env(database_url=database, tmp=folder, extra={"DB_POOL_TIMEOUT": "3"})
    data = stack.servers.django_script(SETUP, env)
    worker = start(env, folder)
    name = database.rsplit("/", 1)[1]
    admin = psycopg.connect(database.rsplit("/", 1)[0] + "/postgres", autocommit=True)
    try:
        status, body = request(worker.port, "GET", "/readyz")
        report = json.loads(body)
        assert status == 200 and report["checks"]["database"]["pool"]["max_size"] == 10
        assert set(report) >= {"status", "checks", "notifications", "periodic_jobs", "websockets", "worker"}
        assert request(worker.port, "GET", "/readyz", headers={"X-Forwarded-For": "203.0.113.1"})[0] == 404
        assert request(worker.port, "GET", f"/api/v1/feedback/{data['code']}/")[0] == 200
        # What a restart does to a worker: every connection it holds is cut, and for a while no new
        # one is accepted.
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        dropped = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name = %s", (worker.application_name,)).fetchone()[0]
        assert dropped >= 1
        assert request(worker.port, "GET", "/healthz")[0] == 503

        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        stack.eventually(lambda: request(worker.port, "GET", "/healthz")[0] == 200, timeout=30)
        assert request(worker.port, "GET", f"/api/v1/feedback/{data['code']}/")[0] == 200
        assert request(worker.port, "POST", "/api/v1/feedback/", body=submission("after-restart"))[0] == 201
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
        stack.stop(worker)
