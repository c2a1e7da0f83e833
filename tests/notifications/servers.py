"""Real server processes for the multi-process test and the benchmark: a migrated database of
their own (pytest's test database is invisible to other processes) and daphne on a free port."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(Path(sys.executable))


def server_env(*, sqlite_path, redis_url=None, extra=None):
    """The environment a server process runs with: its own SQLite file, Redis only if given."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings", "PAKN_ALLOW_INSECURE": "1", "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_COOKIES": "0", "SQLITE_PATH": str(sqlite_path),
        # Tasks run in-process: nothing is queued on a shared broker by a throwaway server.
        "CELERY_BROKER_URL": "", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
        # Plain http on one machine, messages to the console: allowed here on purpose.
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_HSTS_SECONDS": "0", "PAKN_ALLOW_CONSOLE_MESSAGES": "1",
        "PAKN_ALLOW_LOOPBACK_URL": "1", "PAKN_PUBLIC_BASE_URL": "http://127.0.0.1",
        "EMAIL_BACKEND": "notifications.email_backends.ConsoleEmailBackend",
        "PAKN_SMS_BACKEND": "notifications.sms.ConsoleSmsBackend",
    })
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def manage(args, env, *, timeout=300):
    result = subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def django_script(code, env, *, timeout=300):
    """Run Python with Django set up in a separate process; returns the JSON it prints last."""
    out = manage(["shell", "-c", code], env, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(port, env, *, log_path=None):
    """daphne as PAKN runs it (``python -m config.server``) on 127.0.0.1:port; its log goes to a
    file (a pipe nobody reads would stall it)."""
    log_path = Path(log_path or Path(env["SQLITE_PATH"]).with_name(f"daphne-{port}.log"))
    command = [PYTHON, "-m", "config.server", "-b", "127.0.0.1", "-p", str(port), "--access-log", "/dev/null",
               "config.asgi:application"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    process.log_path = log_path
    return process


def log_tail(process, size=3000):
    return Path(process.log_path).read_text(errors="replace")[-size:]


def wait_until_ready(port, process, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited: {log_tail(process)}")
        try:
            status, _ = http_request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("daphne did not become ready")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_request(port, method, path, *, token=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json", "Host": "127.0.0.1"}
    if token:
        headers["Authorization"] = f"Token {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def rss_kib(pid, field="VmRSS"):
    """Resident memory of a process in KiB; ``field="VmHWM"`` for its peak since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0
