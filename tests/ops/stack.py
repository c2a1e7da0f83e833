"""The production shape on one machine, for the scale-out test and the failure drills: PostgreSQL
databases of their own for server processes, private Redis servers that a test may stop, daphne
workers with a bounded connection pool, nginx with the repository's own configuration, and
Celery workers. Every process listens on 127.0.0.1 on a free port and is stopped by the test."""
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from tests.notifications import servers
from tests.notifications.servers import free_port, stop  # noqa: F401 (used by the tests through stack)

ROOT = servers.ROOT
CELERY = str(ROOT / ".venv" / "bin" / "celery")


# --- PostgreSQL ----------------------------------------------------------------------------------

def postgres_url():
    """The caller's DATABASE_URL when it is PostgreSQL (CI's second step), else skip."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    return url


def _with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url):
    return psycopg.connect(_with_database(url, "postgres"), autocommit=True)


def migrated_template(url):
    """A database migrated once per run, cloned for each group of server processes."""
    name = f"{urllib.parse.urlsplit(url).path.strip('/')}_servers_template"
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = server_env(database_url=_with_database(url, name))
    servers.manage(["migrate", "--noinput"], env)
    return name


def drop_database(url, name):
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def database_copy(url, template):
    """A fresh database cloned from the migrated template; dropped afterwards."""
    name = f"{template.removesuffix('_template')}_{uuid.uuid4().hex[:8]}"
    with _admin(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _with_database(url, name)
    finally:
        drop_database(url, name)


def connections_of(database_url, application_name):
    """How many server connections a process (by its application_name) holds right now."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                            (application_name,)).fetchone()[0]


# --- processes -------------------------------------------------------------------------------------

def server_env(*, database_url, redis_url=None, extra=None, tmp=None):
    """A server process's environment: PostgreSQL, Redis only if given, tasks in-process unless a
    broker is given in ``extra``; JSON logs at INFO so a test can read them. The per-address budgets
    are lifted: every simulated client (the load test's citizens too) comes from 127.0.0.1."""
    tmp = Path(tmp or "/tmp")
    env = servers.server_env(sqlite_path=tmp / "unused.sqlite3", redis_url=redis_url, extra={
        "DATABASE_URL": database_url, "LOG_LEVEL": "INFO", "LOG_FORMAT": "json", "MEDIA_ROOT": str(tmp / "media"),
        "PAKN_SUBMISSION_RATE": "100000/minute", "PAKN_CITIZEN_ACTION_RATE": "100000/minute",
        "PAKN_LOGIN_RATE": "100000/minute", "PAKN_LOOKUP_RATE": "100000/minute",
        "PAKN_PUBLIC_READ_RATE": "100000/minute", **(extra or {})})
    return env


def start_worker(port, env, *, log_dir, name):
    """One daphne worker, its connections named ``name`` in pg_stat_activity."""
    env = {**env, "DB_APPLICATION_NAME": name}
    process = servers.start_daphne(port, {**env, "SQLITE_PATH": str(Path(log_dir) / "unused.sqlite3")},
                                   log_path=Path(log_dir) / f"{name}.log")
    process.port, process.application_name = port, name
    return process


def json_log_lines(process):
    lines = []
    for line in Path(process.log_path).read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
    return lines


# --- Redis -----------------------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of the test's own, which the test may stop and start again on the same port."""

    def __init__(self, port, folder):
        self.port, self.folder, self.process = port, Path(folder), None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port)
        return self

    def stop(self):
        if self.process is not None:
            stop(self.process)
            self.process = None


def redis_server_or_skip():
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")


# --- nginx -----------------------------------------------------------------------------------------

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
NGINX_MAIN = """
worker_processes 1;
{user}
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    include {root}/deploy/nginx/pakn-http.conf;
    upstream pakn_workers {{
        {servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {root}/deploy/nginx/pakn-locations.conf;
    }}
}}
"""


def start_nginx(port, worker_ports, folder):
    """nginx in front of the workers with the repository's location rules (deploy/nginx/)."""
    if NGINX is None:
        pytest.skip("needs nginx (apt-get install nginx-light)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(
        prefix=folder, root=ROOT, port=port, user="user root;" if os.geteuid() == 0 else "",
        servers="\n        ".join(f"server 127.0.0.1:{p} max_fails=0;" for p in worker_ports)))
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.log_path, process.port = folder / "error.log", port
    wait_for_port(port, process=process)
    return process


def stop_nginx(process):
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Celery ----------------------------------------------------------------------------------------

def start_celery_worker(env, *, log_path):
    """A Celery worker (one process, solo pool) reading the broker in ``env``."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen([CELERY, "-A", "config", "worker", "-P", "solo", "-c", "1", "-l", "INFO",
                                    "--without-gossip", "--without-mingle", "--without-heartbeat"],
                                   env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    process.log_path = log_path
    return process


# --- waiting ---------------------------------------------------------------------------------------

def wait_for_port(port, *, process=None, timeout=20):
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def eventually(check, *, timeout=20, interval=0.2):
    """Wait until ``check()`` returns something true; returns it (fails the test on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {getattr(check, '__name__', 'a condition')}")
        time.sleep(interval)
