"""Tiny Postgres helper for the Makefile: `ping URL` and `create URL` (idempotent)."""

import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg


def _admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    dbname = parts.path.lstrip("/") or "postgres"
    return urlunsplit(parts._replace(path="/postgres")), dbname


def main() -> int:
    action, url = sys.argv[1], sys.argv[2]
    admin_url, dbname = _admin_url(url)
    with psycopg.connect(admin_url, connect_timeout=2, autocommit=True) as conn:
        if action == "ping":
            return 0
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
            print(f"Created database {dbname}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except psycopg.OperationalError as exc:
        print(f"postgres: {exc}".strip(), file=sys.stderr)
        sys.exit(1)
