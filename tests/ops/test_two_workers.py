"""The production shape on one machine: two daphne workers behind nginx (the repository's own
location rules), on PostgreSQL, Redis and an S3 bucket. Under 40 simultaneous clients no request
fails and no worker holds more database connections than its pool; a change made through one
worker reaches a socket on the other; a photo stored by one is served through the other."""
import asyncio
import html
import json
import os
import re
import threading
import time
import urllib.request
import uuid
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from urllib3 import encode_multipart_formdata

from tests.feedback import jpeg
from tests.notifications.aio import run_scenario
from tests.notifications.wsclient import WebSocketClient
from tests.ops import stack
from tests.s3 import local_s3

pytestmark = [pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")]

CLIENTS = 40
REQUESTS_PER_CLIENT = 8
POOL_SIZE = 4

SETUP = """
import json
from rest_framework.authtoken.models import Token
from tests.factories import AgencyFactory, CategoryFactory, WardFactory, make_submission, member
from workflow.models import AgencyKind, Role
province = AgencyFactory(code="ubnd-tinh", kind=AgencyKind.OTHER)
reception = AgencyFactory(code="ttpvhcc", kind=AgencyKind.RECEPTION, parent=province)
department = AgencyFactory(code="so-xd", parent=province)
category = CategoryFactory(code="ha-tang")
WardFactory(code="9001")
people = {"reception": member("tiepnhan", reception, Role.RECEPTION), "officer": member("xuly", department, Role.OFFICER)}
cases = [make_submission(category=category, publish_consent=True).case for _ in range(3)]
print(json.dumps({"cases": [c.pk for c in cases], "code": cases[0].submissions.get().tracking_code,
                  **{k: Token.objects.get_or_create(user=u)[0].key for k, u in people.items()}}))
"""


@pytest.fixture(scope="module")
def s3():
    with local_s3() as server:
        yield server


@pytest.fixture(scope="module")
def production(server_template, s3, tmp_path_factory):
    """Two workers on one database, one Redis layer and one bucket; nginx in front when installed."""
    url, template = server_template
    folder = tmp_path_factory.mktemp("production")
    bucket = s3.new_bucket()
    tag = uuid.uuid4().hex[:8]
    with stack.database_copy(url, template) as database_url:
        env = stack.server_env(database_url=database_url, redis_url=os.environ["REDIS_URL"], tmp=folder, extra={
            **s3.environment(bucket), "PAKN_CHANNEL_PREFIX": f"pakn-test-{tag}", "PAKN_SERVE_MEDIA": "0",
            "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": str(POOL_SIZE)})
        data = stack.servers.django_script(SETUP, env)
        workers = [stack.start_worker(stack.free_port(), env, log_dir=folder, name=f"pakn-test-{tag}-{n}")
                   for n in ("a", "b")]
        proxy = None
        try:
            for worker in workers:
                stack.servers.wait_until_ready(worker.port, worker)
            if stack.NGINX:
                proxy = stack.start_nginx(stack.free_port(), [w.port for w in workers], folder / "nginx")
            yield {"workers": workers, "nginx_port": proxy.port if proxy else None,
                   "data": data, "database_url": database_url, "bucket": bucket}
        finally:
            if proxy is not None:
                stack.stop_nginx(proxy)
            for worker in workers:
                stack.stop(worker)


def request(port, method, path, *, token=None, body=None, headers=None, raw=None, content_type=None):
    """One HTTP request on a new connection, as a phone would make it; returns (status, bytes)."""
    target = f"http://127.0.0.1:{port}{path}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(target, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", content_type or "application/json")
    if token:
        req.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def submission(n):
    return {"kind": "procedure", "category": "ha-tang", "title": f"Hồ sơ chậm {n}",
            "description": "Nộp hồ sơ xin phép đã hơn một tháng.", "publish_consent": False}


# --- 40 clients at once ------------------------------------------------------------------------------

def test_forty_clients_at_once_get_no_error_and_each_worker_stays_within_its_pool(production):
    workers, data = production["workers"], production["data"]
    ports = [production["nginx_port"]] if production["nginx_port"] else [w.port for w in workers]
    plan = [("GET", f"/api/v1/feedback/{data['code']}/", None, None), ("GET", "/api/v1/cases/", data["officer"], None),
            ("POST", "/api/v1/feedback/", None, "submission"), ("GET", "/healthz", None, None)]
    outcomes, peaks, done = Counter(), Counter(), threading.Event()

    def client(number):
        for step in range(REQUESTS_PER_CLIENT):
            method, path, token, body = plan[(number + step) % len(plan)]
            port = ports[(number + step) % len(ports)]
            try:
                status, _ = request(port, method, path, token=token,
                                    body=submission(f"{number}-{step}") if body else None)
            except OSError as exc:
                status = exc.__class__.__name__
            outcomes[status] += 1

    def sample_connections():
        while not done.is_set():
            for worker in workers:
                held = stack.connections_of(production["database_url"], worker.application_name)
                peaks[worker.application_name] = max(peaks[worker.application_name], held)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample_connections, daemon=True)
    sampler.start()
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    done.set()
    sampler.join(5)

    total = CLIENTS * REQUESTS_PER_CLIENT
    print(f"\n{total} requests from {CLIENTS} clients in {elapsed:.1f} s ({total / elapsed:.0f} req/s) through "
          f"{'nginx' if production['nginx_port'] else 'two workers'}; statuses {dict(outcomes)}; "
          f"peak connections per worker {dict(peaks)} (pool {POOL_SIZE})")
    assert sum(outcomes.values()) == total
    assert set(outcomes) <= {200, 201}, outcomes
    assert all(0 < peak <= POOL_SIZE for peak in peaks.values()), peaks
    assert len(peaks) == 2


def test_requests_through_nginx_are_shared_by_both_workers(production):
    if not production["nginx_port"]:
        pytest.skip("needs nginx")
    before = [_requests_served(w.port) for w in production["workers"]]
    for _ in range(10):
        assert request(production["nginx_port"], "GET", "/healthz")[0] == 200
    after = [_requests_served(w.port) for w in production["workers"]]
    assert all(a > b for a, b in zip(after, before)), (before, after)
    # Operators' pages are not reachable through the proxy.
    assert request(production["nginx_port"], "GET", "/metrics")[0] == 404
    assert request(production["nginx_port"], "GET", "/readyz")[0] == 404


def _requests_served(port):
    status, body = request(port, "GET", "/metrics")
    assert status == 200
    line = next(line for line in body.decode().splitlines()
                if line.startswith('django_http_requests_total_by_method_total{method="GET"}'))
    return float(line.split()[-1])


# --- a change through one worker reaches sockets on the other --------------------------------------------

def test_a_change_made_through_one_worker_reaches_a_socket_on_the_other_and_one_through_nginx(production):
    worker_a, worker_b = production["workers"]
    data, proxy_port = production["data"], production["nginx_port"]
    case = data["cases"][1]

    async def scenario():
        auth = [("Authorization", f"Token {data['officer']}")]
        on_b = await WebSocketClient.connect("127.0.0.1", worker_b.port, "/ws/inbox/", auth)
        sockets = [on_b]
        if proxy_port:
            sockets.append(await WebSocketClient.connect("127.0.0.1", proxy_port, "/ws/inbox/", auth))
        for socket in sockets:
            assert (await socket.recv_json())["type"] == "hello"
        status, body = await asyncio.to_thread(
            request, worker_a.port, "POST", f"/api/v1/cases/{case}/transitions/route/",
            token=data["reception"], body={"agency": "so-xd"})
        assert status == 200, body
        for socket in sockets:
            change = await _next_change(socket)
            assert (change["case_id"], change["state"], change["agency"]) == (case, "assigned", "so-xd")
            await socket.close()
    run_scenario(scenario)


async def _next_change(socket):
    for _ in range(5):
        message = await socket.recv_json(timeout=10)
        if message and message["type"] == "case.changed":
            return message
    raise AssertionError("no case.changed message")


# --- a photo stored by one worker is served by the other ------------------------------------------------

def test_a_photo_stored_through_one_worker_is_served_through_the_other(production, s3):
    worker_a, worker_b = production["workers"]
    fields = {**{k: str(v).lower() if isinstance(v, bool) else v for k, v in submission("photo").items()},
              "kind": "on_site", "ward": "9001", "photos": ("IMG_0001.jpg", jpeg(), "image/jpeg")}
    body, content_type = encode_multipart_formdata(fields)

    status, answer = request(worker_a.port, "POST", "/api/v1/feedback/", raw=body, content_type=content_type)
    assert status == 201, answer
    private_url = urlsplit(json.loads(answer)["private_url"])
    assert len(s3.keys(production["bucket"])) == 2

    status, page = request(worker_b.port, "GET", f"{private_url.path}?{private_url.query}")
    assert status == 200
    (link,) = [html.unescape(u) for u in re.findall(r'<a href="([^"]+)"><img', page.decode())]
    assert "X-Amz-Signature" in parse_qs(urlsplit(link).query)
    with urllib.request.urlopen(link, timeout=10) as photo:
        assert photo.status == 200 and photo.read()[:3] == b"\xff\xd8\xff"
