"""The suite's strict mode can fail: an undeclared write inside a service call is caught, the rest not."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput, RegisterService
from tests import strict_writes
from tests.strict_writes import UndeclaredWriteError, in_service, written_table


def test_the_written_table_is_read_from_the_statement() -> None:
    assert written_table('INSERT INTO "arrest" (id) VALUES (1)') == "arrest"
    assert written_table("insert or replace into setting values (1)") == "setting"
    assert written_table("UPDATE person SET x=1") == "person"
    assert written_table("DELETE FROM calendar_day WHERE 1") == "calendar_day"
    assert written_table("SELECT * FROM arrest") is None
    assert written_table("PRAGMA foreign_keys=ON") is None


def test_a_service_method_that_writes_without_declaring_it_fails(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    undecorated = RegisterService.create_arrest.__wrapped__.__wrapped__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        RegisterService, "create_arrest", strict_writes._marked("RegisterService.create_arrest", undecorated)
    )
    with pytest.raises(UndeclaredWriteError, match="RegisterService.create_arrest wrote to arrest"):
        backend.register.create_arrest(ArrestInput("STRICT-1", date(2024, 5, 1), "BD"), [("O1", "MSA s.2")])


def test_set_up_outside_a_service_and_the_audit_log_are_not_checked(backend: Backend) -> None:
    with backend.db.engine.begin() as conn:  # test set-up: not a service call
        conn.execute(text("UPDATE setting SET value = value WHERE key = 'nothing'"))
    with in_service("SomeService.read"), backend.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_head WHERE 1 = 0"))  # the audit log: exempt
        with pytest.raises(UndeclaredWriteError):
            conn.execute(text("DELETE FROM calendar_day WHERE 1 = 0"))
