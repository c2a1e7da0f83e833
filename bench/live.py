"""Live-update benchmark: how fast a committed change reaches 1,000 open staff sockets, and what a
socket costs the server.

    .venv/bin/python bench/live.py --redis redis://127.0.0.1:6379/13 [--sockets 1000] [--servers 1]
                                   [--client-processes 4] [--transitions 20] [--json]

Starts ``--servers`` daphne processes (its own SQLite file; the Redis channel layer when
``--redis`` is given, else the in-process one, which only works with one server) and opens the
sockets from ``--client-processes`` separate processes (never the server's, nor the one firing
the changes), spread evenly over the servers, as reception officers (token header; reception sees
every case, so each change reaches every socket). Then it routes ``--transitions`` cases one
after the other through the HTTP API of the first server, and every client process notes when
each change arrived. The delay is measured from the server's after-commit send (``sent_at`` in
the message, the same machine's clock) to the client's receipt. Baseline in the same run: the
same burst with one socket open.

Reported: deliveries (and how many were lost), median, p95 and max delay, each server's event-loop
lag during the burst (``/readyz``: the worst lateness of a 0.1 s sleep) and its memory per
socket (resident memory after opening the sockets minus before, over the sockets it holds).
``--json`` prints one JSON object as its last line (``sockets``, ``processes``, ``p50_ms``,
``p95_ms``, ``lost``, ``kib_per_socket``, ...). Loopback only, bounded loops, stops by itself and
stops the servers it started.
"""
import argparse
import asyncio
import json
import multiprocessing
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
LISTEN_SECONDS = 60


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- a client process: opens its sockets, then listens for one burst per command ---------------

async def open_sockets(targets, batch=50):
    sockets = []
    for start in range(0, len(targets), batch):
        chunk = targets[start:start + batch]
        opened = await asyncio.gather(*[
            WebSocketClient.connect("127.0.0.1", port, "/ws/inbox/", [("Authorization", f"Token {token}")])
            for port, token in chunk])
        hellos = await asyncio.gather(*[s.recv_json(timeout=30) for s in opened])
        assert all(h and h["type"] == "hello" for h in hellos), hellos[:3]
        sockets.extend(opened)
    return sockets


async def collect(socket, expected, deadline):
    """(receive time, sent_at) of each change until ``expected`` arrived or time ran out."""
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
            got.append((time.time(), message["sent_at"]))
    return got


def client_process(targets, pipe):
    async def run():
        sockets = await open_sockets(targets)
        pipe.send("open")
        while True:
            command = await asyncio.to_thread(pipe.recv)
            if command == "close":
                await asyncio.gather(*[s.close() for s in sockets], return_exceptions=True)
                pipe.send("closed")
                return
            deadline = time.monotonic() + LISTEN_SECONDS
            listeners = [asyncio.create_task(collect(s, command, deadline)) for s in sockets]
            pipe.send("listening")
            received = await asyncio.gather(*listeners)
            pipe.send([(at - sent) * 1000 for per_socket in received for at, sent in per_socket])
    asyncio.run(run())


class Clients:
    """``count`` processes holding the sockets for ``targets`` [(port, token)], shared out evenly."""

    def __init__(self, targets, count):
        context = multiprocessing.get_context("fork")
        self.pipes, self.processes = [], []
        for index in range(min(count, len(targets))):
            parent, child = context.Pipe()
            process = context.Process(target=client_process, args=(targets[index::count], child), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        self._expect("open", timeout=300)

    def _expect(self, what, timeout=LISTEN_SECONDS + 30):
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError(f"a client process did not answer ({what})")
            answers.append(pipe.recv())
        if what != "delays":
            assert all(a == what for a in answers), answers
        return answers

    def listen(self, expected):
        for pipe in self.pipes:
            pipe.send(expected)
        self._expect("listening")

    def delays(self):
        return [delay for answer in self._expect("delays") for delay in answer]

    def close(self):
        for pipe in self.pipes:
            pipe.send("close")
        self._expect("closed")
        for process in self.processes:
            process.join(timeout=10)


# --- the burst ----------------------------------------------------------------------------------

def burst(port, token, cases, clients):
    clients.listen(len(cases))
    started = time.monotonic()
    for case_id in cases:
        status, body = servers.http_request(port, "POST", f"/api/v1/cases/{case_id}/transitions/route/",
                                            token=token, body={"agency": "so-xd"})
        assert status == 200, body[:300]
    api_seconds = time.monotonic() - started
    return clients.delays(), api_seconds


def loop_lag_ms(port):
    status, body = servers.http_request(port, "GET", "/readyz")
    return json.loads(body)["websockets"]["event_loop_lag_ms"] if status in (200, 503) else None


def summarize(label, delays, expected):
    if not delays:
        print(f"{label}: 0/{expected} deliveries")
        return {"p50_ms": None, "p95_ms": None, "max_ms": None, "lost": expected}
    figures = {"p50_ms": round(statistics.median(delays), 1), "p95_ms": round(percentile(delays, 0.95), 1),
               "max_ms": round(max(delays), 1), "lost": expected - len(delays)}
    print(f"{label}: {len(delays)}/{expected} deliveries; after-commit send → socket: median {figures['p50_ms']} ms,"
          f" p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms")
    return figures


def main(args):
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"PAKN_CHANNEL_PREFIX": f"pakn-bench-{os.getpid()}"}
        if args.layer:
            extra["PAKN_CHANNEL_LAYER"] = args.layer
        env = servers.server_env(sqlite_path=Path(tmp) / "bench.sqlite3", redis_url=args.redis, extra=extra)
        layer = f"Redis ({args.layer or 'pubsub'})" if args.redis else "in-process"
        print(f"channel layer: {layer}; {args.servers} server process(es), {args.client_processes} client processes",
              flush=True)
        servers.manage(["migrate", "--noinput"], env)
        data = servers.django_script(SETUP.format(users=args.sockets + 1, cases=2 * args.transitions), env)
        actor_token, tokens = data["tokens"][0], data["tokens"][1:]
        baseline_cases, loaded_cases = data["cases"][:args.transitions], data["cases"][args.transitions:]
        ports = [servers.free_port() for _ in range(args.servers)]
        processes = [servers.start_daphne(port, env) for port in ports]
        try:
            for port, process in zip(ports, processes):
                servers.wait_until_ready(port, process)
            one = Clients([(ports[0], tokens[0])], 1)
            delays, api_seconds = burst(ports[0], actor_token, baseline_cases, one)
            base = summarize("baseline, 1 socket", delays, args.transitions)
            one.close()
            time.sleep(0.5)
            rss_before = [servers.rss_kib(p.pid) for p in processes]
            started = time.monotonic()
            targets = [(ports[i % len(ports)], token) for i, token in enumerate(tokens)]
            clients = Clients(targets, args.client_processes)
            open_seconds = time.monotonic() - started
            time.sleep(1)
            rss_after = [servers.rss_kib(p.pid) for p in processes]
            per_socket = [(after - before) / (len(tokens) / len(ports)) for before, after in zip(rss_before, rss_after)]
            print(f"opened {len(tokens)} sockets in {open_seconds:.1f} s; memory per socket by server: "
                  + ", ".join(f"{kib:.1f} KiB" for kib in per_socket))
            for port in ports:
                loop_lag_ms(port)  # resets each server's worst lateness: the next read covers the burst
            delays, api_seconds = burst(ports[0], actor_token, loaded_cases, clients)
            lags = [loop_lag_ms(port) for port in ports]
            print(f"burst: {args.transitions} transitions through the API in {api_seconds:.2f} s; "
                  f"event-loop lag during it (worst): " + ", ".join(f"{lag} ms" for lag in lags))
            load = summarize(f"{len(tokens)} sockets", delays, len(tokens) * args.transitions)
            clients.close()
            result = {"sockets": len(tokens), "processes": args.servers, "client_processes": args.client_processes,
                      "layer": layer, **load, "kib_per_socket": round(statistics.mean(per_socket), 1),
                      "loop_lag_ms": max(lag or 0 for lag in lags), "baseline_p95_ms": base["p95_ms"]}
            if args.json:
                print(json.dumps(result))
            return 0 if base["lost"] == 0 and load["lost"] == 0 else 1
        except Exception:
            for process in processes:
                print("server log (tail):\n" + servers.log_tail(process), file=sys.stderr)
            raise
        finally:
            for process in processes:
                servers.stop(process)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--servers", type=int, default=1, help="daphne processes (more than one needs --redis)")
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--transitions", type=int, default=20)
    parser.add_argument("--redis", default=None, help="Redis URL: use the Redis channel layer")
    parser.add_argument("--layer", choices=["pubsub", "list"], default=None,
                        help="which Redis layer (default pubsub; list is channels_redis' RedisChannelLayer)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    sys.exit(main(parser.parse_args()))
