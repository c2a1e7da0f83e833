"""Live-update benchmark: how fast a committed change reaches 500 open staff sockets, and what a
socket costs the server.

Starts one daphne process (in-process channel layer, its own SQLite file), opens the sockets as
500 reception officers (token header; reception sees every case, so each change fans out to all of
them), fires a burst of transitions through the HTTP API and measures, at every socket, the delay
from the server's after-commit send (``sent_at`` in the message; same machine clock) and from the
API call's return. Baseline in the same run: the same burst with one socket open.

    .venv/bin/python bench/live.py [--sockets 500] [--transitions 20] [--redis redis://127.0.0.1:6379/0]

``--redis`` runs the server on the Redis channel layer instead (as with several ASGI workers).

Loopback only, bounded loops, stops by itself (and stops the server it started).
"""
import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.notifications import servers  # noqa: E402
from tests.notifications.wsclient import WebSocketClient  # noqa: E402

SETUP = """
import json
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from tests.factories import AgencyFactory, CategoryFactory, make_submission
from workflow.models import AgencyKind, Membership, Role
province = AgencyFactory(code="ubnd-tinh", kind=AgencyKind.OTHER)
reception = AgencyFactory(code="ttpvhcc", kind=AgencyKind.RECEPTION, parent=province)
AgencyFactory(code="so-xd", parent=province)
users = User.objects.bulk_create([User(username=f"tiepnhan{{i:04d}}") for i in range({users})])
Membership.objects.bulk_create([Membership(user=u, agency=reception, role=Role.RECEPTION) for u in users])
tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
category = CategoryFactory(code="ha-tang")
cases = [make_submission(category=category, tracking_code=f"BN-BENCH-{{i:04d}}").case.pk for i in range({cases})]
print(json.dumps({{"tokens": [t.key for t in tokens], "cases": cases}}))
"""


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def open_sockets(port, tokens, batch=50):
    sockets = []
    for start in range(0, len(tokens), batch):
        chunk = tokens[start:start + batch]
        opened = await asyncio.gather(*[
            WebSocketClient.connect("127.0.0.1", port, "/ws/inbox/", [("Authorization", f"Token {t}")])
            for t in chunk])
        hellos = await asyncio.gather(*[s.recv_json(timeout=30) for s in opened])
        assert all(h and h["type"] == "hello" for h in hellos), hellos[:3]
        sockets.extend(opened)
    return sockets


async def collect(socket, expected, deadline):
    """(case_id, receive time, sent_at) of each change until ``expected`` arrived or time ran out."""
    got = []
    while len(got) < expected:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            message = await socket.recv_json(timeout=left)
        except asyncio.TimeoutError:
            break
        if message is None:
            break
        if message.get("type") == "case.changed":
            got.append((message["case_id"], time.time(), message["sent_at"]))
    return got


async def burst(port, token, cases, sockets, concurrency=1):
    """Route every case through the API, back to back, while all sockets listen."""
    returned = {}
    gate = asyncio.Semaphore(concurrency)

    async def route(case_id):
        async with gate:
            status, body = await asyncio.to_thread(
                servers.http_request, port, "POST", f"/api/v1/cases/{case_id}/transitions/route/",
                token=token, body={"agency": "so-xd"})
            assert status == 200, body[:300]
            returned[case_id] = time.time()
    deadline = time.monotonic() + 60
    listeners = [asyncio.create_task(collect(s, len(cases), deadline)) for s in sockets]
    started = time.monotonic()
    await asyncio.gather(*[route(c) for c in cases])
    api_seconds = time.monotonic() - started
    received = await asyncio.gather(*listeners)
    return received, returned, api_seconds


def summarize(label, received, returned, sockets, transitions):
    from_send = [(at - sent) * 1000 for per_socket in received for _, at, sent in per_socket]
    from_api = [(at - returned[case]) * 1000 for per_socket in received for case, at, _ in per_socket]
    expected = sockets * transitions
    print(f"{label}: {len(from_send)}/{expected} deliveries"
          f"; after-commit send → socket: median {statistics.median(from_send):.1f} ms,"
          f" p95 {percentile(from_send, 0.95):.1f} ms, max {max(from_send):.1f} ms"
          f"; API return → socket: median {statistics.median(from_api):.1f} ms, p95 {percentile(from_api, 0.95):.1f} ms")
    return statistics.median(from_send), percentile(from_send, 0.95), len(from_send) == expected


async def main(args):
    with tempfile.TemporaryDirectory() as tmp:
        env = servers.server_env(sqlite_path=Path(tmp) / "bench.sqlite3", redis_url=args.redis,
                                 extra={"PAKN_CHANNEL_PREFIX": f"pakn-bench-{os.getpid()}"})
        print(f"channel layer: {'Redis' if args.redis else 'in-process'}", flush=True)
        print("preparing a database …", flush=True)
        servers.manage(["migrate", "--noinput"], env)
        data = servers.django_script(SETUP.format(users=args.sockets + 1, cases=2 * args.transitions), env)
        actor_token, tokens = data["tokens"][0], data["tokens"][1:]
        baseline_cases, loaded_cases = data["cases"][:args.transitions], data["cases"][args.transitions:]
        port = servers.free_port()
        process = servers.start_daphne(port, env)
        try:
            servers.wait_until_ready(port, process)
            one = await open_sockets(port, tokens[:1])
            received, returned, api_seconds = await burst(port, actor_token, baseline_cases, one)
            print(f"baseline burst: {args.transitions} transitions through the API in {api_seconds:.2f} s")
            base = summarize("baseline, 1 socket", received, returned, 1, args.transitions)
            for s in one:
                await s.close()
            await asyncio.sleep(0.5)
            rss_before = servers.rss_kib(process.pid)
            started = time.monotonic()
            sockets = await open_sockets(port, tokens)
            open_seconds = time.monotonic() - started
            await asyncio.sleep(0.5)
            rss_after = servers.rss_kib(process.pid)
            print(f"opened {len(sockets)} sockets in {open_seconds:.2f} s; server RSS {rss_before / 1024:.1f} MiB → "
                  f"{rss_after / 1024:.1f} MiB: {(rss_after - rss_before) / len(sockets):.1f} KiB per socket")
            received, returned, api_seconds = await burst(port, actor_token, loaded_cases, sockets)
            print(f"burst: {args.transitions} transitions through the API in {api_seconds:.2f} s")
            load = summarize(f"{len(sockets)} sockets", received, returned, len(sockets), args.transitions)
            print(f"ratio {len(sockets)} sockets / 1 socket: median ×{load[0] / base[0]:.1f},"
                  f" p95 ×{load[1] / base[1]:.1f}")
            await asyncio.gather(*[s.close() for s in sockets])
            return 0 if base[2] and load[2] else 1
        except Exception:
            print("server log (tail):\n" + servers.log_tail(process), file=sys.stderr)
            raise
        finally:
            servers.stop(process)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=500)
    parser.add_argument("--transitions", type=int, default=20)
    parser.add_argument("--redis", default=None, help="Redis URL: use the Redis channel layer")
    sys.exit(asyncio.run(main(parser.parse_args())))
