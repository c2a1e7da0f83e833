"""What the benchmark scripts share: the settings they run under and a database to run against."""
import os


def use_bench_settings(allowed_hosts="localhost,testserver"):
    """Production settings (DEBUG off) for a bench on this machine: plain HTTP (no redirect to
    https, no secure-only cookies), the test client's host names, and a loopback public address
    accepted (a bench sends no links to anyone)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("PAKN_ALLOW_INSECURE", "1")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
    os.environ.setdefault("PAKN_ALLOW_LOOPBACK_URL", "1")
    os.environ["DJANGO_ALLOWED_HOSTS"] = allowed_hosts


def ensure_postgres_database(url):
    """Create the benchmark's PostgreSQL database if it is missing (benchmarks never touch others)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
