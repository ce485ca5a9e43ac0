"""A bench's own PostgreSQL database beside the one DATABASE_URL names, made fresh and dropped after."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql"}


def fresh_postgres(url: str, name: str, *, reuse: bool = False) -> tuple[str, str]:
    """Create database ``name`` on ``url``'s server (dropped first unless ``reuse``); return the
    server's admin URL and the new database's URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    if not reuse:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    return admin, urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
