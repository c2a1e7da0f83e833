"""What the benchmark scripts share: a database to run against."""


def ensure_postgres_database(url):
    """Create the benchmark's PostgreSQL database if it is missing (benchmarks never touch others)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
