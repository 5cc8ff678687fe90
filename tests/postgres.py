"""The scratch PostgreSQL database of the tests (``MSHTDESK_TEST_PG_URL``, started by ``.ci/pg_up.sh``).

Its schema ``public`` is dropped and made again by ``fresh_server``: never point the variable at real data.
Without it, the PostgreSQL halves of the tests skip with the reason, and the SQLite halves still run.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL", "")
SKIP_REASON = "set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database (.ci/pg_up.sh starts one)"
needs_postgres = pytest.mark.skipif(not PG_URL, reason=SKIP_REASON)


def fresh_server() -> str:
    """The scratch database emptied (schema ``public`` dropped and made again); its address."""
    if not PG_URL:
        pytest.skip(SKIP_REASON)
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


def as_login(url: str, login: str, member_of: str) -> str:
    """The address of ``url`` for a login role that is a member of ``member_of`` (made if missing; the
    scratch server trusts local connections, so no password is involved)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": login}).first() is None:
            conn.execute(text(f'CREATE ROLE "{login}" LOGIN'))
        conn.execute(text(f'GRANT "{member_of}" TO "{login}"'))
    engine.dispose()
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{login}@{rest.split('@', 1)[1]}"
