"""A team server's address: no password in it, TLS checked for a remote host, libpq's messages in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from mshtdesk.errors import (
    AuthenticationError,
    DatabaseUnavailableError,
    ServerPasswordNeededError,
    StoreError,
    ValidationError,
)
from mshtdesk.services.team import team_address
from mshtdesk.store.engine import resolve_url
from mshtdesk.store.server import server_problem, who

SECRET = "s3cret-Pa55"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://officer:{SECRET}@db.example/htt",
        f"postgres://officer:{SECRET}@localhost/htt",
        f"postgresql+psycopg://officer:{SECRET}@127.0.0.1:5432/htt",
        f"postgresql://officer@db.example/htt?password={SECRET}",
        "postgresql://officer:@db.example/htt",  # an empty password is still a password field
    ],
)
def test_an_address_with_a_password_is_refused_without_repeating_it(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(StoreError) as refused:
        resolve_url(url)
    assert "holds a password" in str(refused.value) and "PGPASSFILE" in str(refused.value)
    assert SECRET not in str(refused.value)
    monkeypatch.setenv("MSHTDESK_DB", url)
    with pytest.raises(StoreError, match="holds a password"):
        resolve_url(None)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgresql://htt-db.force.example/htt",
            "postgresql+psycopg://htt-db.force.example/htt?sslmode=verify-full",
        ),
        ("postgres://u@10.1.2.3:5433/htt", "postgresql+psycopg://u@10.1.2.3:5433/htt?sslmode=verify-full"),
        ("postgresql://u@localhost/htt", "postgresql+psycopg://u@localhost/htt"),
        ("postgresql://u@127.0.0.1/htt", "postgresql+psycopg://u@127.0.0.1/htt"),
        (
            "postgresql:///htt?host=/var/run/postgresql",
            "postgresql+psycopg:///htt?host=%2Fvar%2Frun%2Fpostgresql",
        ),
        (
            "postgresql://db.example/htt?sslmode=require",
            "postgresql+psycopg://db.example/htt?sslmode=require",
        ),
        ("postgresql://db.example/htt?service=htt", "postgresql+psycopg://db.example/htt?service=htt"),
        ("postgresql+psycopg://db.example/htt", "postgresql+psycopg://db.example/htt?sslmode=verify-full"),
    ],
)
def test_a_remote_server_is_checked_by_certificate_unless_the_address_says(given: str, used: str) -> None:
    assert resolve_url(given) == used


def test_pgsslmode_is_libpqs_own_choice_and_is_left_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "verify-ca")
    assert resolve_url("postgresql://db.example/htt") == "postgresql+psycopg://db.example/htt"


def test_an_address_without_a_database_is_refused() -> None:
    with pytest.raises(StoreError, match="names no database"):
        resolve_url("postgresql://db.example")


def test_the_connect_dialogs_fields_make_a_checked_address() -> None:
    assert team_address(" htt-db.force.example ", "mshtdesk", port=5432, user="j.smith") == (
        "postgresql+psycopg://j.smith@htt-db.force.example:5432/mshtdesk?sslmode=verify-full"
    )
    assert team_address("localhost", "htt") == "postgresql+psycopg://localhost/htt"
    for host, database, user, port, field in (
        ("", "htt", "", None, "host"),
        ("db", "", "", None, "database"),
        ("db", "htt", "j smith", None, "user"),
        ("db/evil", "htt", "", None, "host"),
        ("db", "htt?password=x", "", None, "database"),
        ("db", "htt", "u:pw", None, "user"),
        ("db\x00", "htt", "", None, "host"),
        ("d" * 300, "htt", "", None, "host"),
        ("db", "htt", "", 70000, "port"),
    ):
        with pytest.raises(ValidationError) as refused:
            team_address(host, database, user=user, port=port)
        assert list(refused.value.fields) == [field]


def _failure(message: str) -> OperationalError:
    return OperationalError("connect", {}, Exception(message))


def test_libpqs_failures_become_one_sentence_each() -> None:
    url = "postgresql+psycopg://officer@db.example/htt?sslmode=verify-full"
    assert who(url) == "officer@db.example/htt"
    needed = server_problem(_failure("connection failed: fe_sendauth: no password supplied"), url)
    assert isinstance(needed, ServerPasswordNeededError) and needed.who == "officer@db.example/htt"
    refused = server_problem(_failure('password authentication failed for user "officer"'), url)
    assert isinstance(refused, AuthenticationError)
    ca = server_problem(_failure('root certificate file "/x/root.crt" does not exist'), url)
    assert isinstance(ca, DatabaseUnavailableError) and "sslrootcert" in str(ca)
    name = server_problem(_failure('server certificate for "other" does not match host name "db"'), url)
    assert "does not name the host" in str(name)
    plain = server_problem(_failure("server does not support SSL, but SSL was required"), url)
    assert "encrypted connection" in str(plain)
    other = server_problem(_failure("Connection refused"), url)
    assert "could not be reached" in str(other)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg_async://officer@db.example/htt",
        f"postgresql+psycopg_async://officer:{SECRET}@localhost/htt",
        "postgresql+asyncpg://officer@localhost/htt",
        "postgresql+psycopg2://officer@localhost/htt",
        "postgresql+pg8000://officer@localhost/htt",
        "sqlite+aiosqlite:////tmp/register.db",
        "sqlite+pysqlcipher:////tmp/register.db",
        "SQLite:////tmp/register.db",
    ],
)
def test_an_address_naming_a_driver_the_app_does_not_use_is_refused(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An async driver imports, then fails at the first connection (an internal error before): the
    address is refused by its scheme alone, saying what to give instead, and never repeats the rest."""
    scheme = url.split("://", 1)[0]
    said = (
        f"Database addresses starting {scheme}:// are not supported: give a file path, or a team database "
        "address such as postgresql://server/database."
    )
    for given in (url, None):
        monkeypatch.setenv("MSHTDESK_DB", url)
        with pytest.raises(StoreError) as refused:
            resolve_url(given)
        assert str(refused.value) == said and SECRET not in str(refused.value)


def test_the_plain_sqlite_driver_is_the_file_it_names(tmp_path: Path) -> None:
    for url in (f"sqlite:///{tmp_path / 'a.db'}", f"sqlite+pysqlite:///{tmp_path / 'a.db'}"):
        assert resolve_url(url) == url
