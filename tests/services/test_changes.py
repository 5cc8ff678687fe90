"""Services carry what they changed: ``@writes`` reports to the current collector, typed and exact."""

from __future__ import annotations

from datetime import date

import pytest

from mshtdesk.domain.changes import NOTHING, Changes, Data
from mshtdesk.services.backend import Backend
from mshtdesk.services.changes import collect_changes, declared_writes, note_changed, writes
from mshtdesk.services.register import ArrestInput, RegisterService


class _Thing:
    @writes(Data.ARREST, arg="arrest_id")
    def by_argument(self, arrest_id: int, *, fail: bool = False) -> int:
        if fail:
            raise ValueError("no")
        return 0

    @writes(Data.PERSON, Data.CONTACT, ids=lambda r: r)
    def by_result(self) -> list[int]:
        note_changed(Data.CONTACT, 9)
        return [1, 2]

    @writes(Data.IMPORT_BATCH, changed_if=bool)
    def dry(self, changed: bool) -> bool:
        return changed

    @writes(*Data, partial=True)
    def half(self) -> None:
        self.by_argument(3)
        raise OSError("disk full")

    @writes(Data.USER)
    def outer(self) -> None:
        self.by_argument(5)
        self.by_argument(6, fail=True)


def test_ids_come_from_an_argument_the_result_or_the_body() -> None:
    t = _Thing()
    with collect_changes() as got:
        t.by_argument(4)
        t.by_result()
    assert got.changes.ids_of(Data.ARREST) == {4}
    assert got.changes.ids_of(Data.PERSON) == {1, 2}
    assert got.changes.ids_of(Data.CONTACT) == {9}


def test_nothing_is_reported_by_a_dry_run_or_a_failed_write() -> None:
    t = _Thing()
    with collect_changes() as got:
        t.dry(False)
        with pytest.raises(ValueError):
            t.by_argument(1, fail=True)
    assert got.changes == NOTHING
    with collect_changes() as got:
        t.dry(True)
    assert got.changes.data == {Data.IMPORT_BATCH}


def test_writes_that_returned_before_a_failure_are_still_reported() -> None:
    t = _Thing()
    with collect_changes() as got, pytest.raises(ValueError):
        t.outer()  # its first inner write returned; the second raised, so outer did not return
    assert got.changes == Changes.of(Data.ARREST, 5)
    with collect_changes() as got, pytest.raises(OSError):
        t.half()  # partial: the file may have been replaced before the failure
    assert got.changes.data == frozenset(Data)


def test_collectors_nest_and_the_signature_is_kept() -> None:
    t = _Thing()
    with collect_changes() as outer:
        with collect_changes() as inner:
            t.by_argument(1)
        t.by_argument(2)
    assert inner.changes.ids_of(Data.ARREST) == {1}
    assert outer.changes.ids_of(Data.ARREST) == {1, 2}
    assert declared_writes(_Thing.by_argument) == (Data.ARREST,)
    assert declared_writes(RegisterService.count) is None
    assert _Thing.by_argument.__name__ == "by_argument"


def test_note_outside_a_write_is_a_bug() -> None:
    with pytest.raises(RuntimeError):
        note_changed(Data.ARREST, 1)


def test_a_real_service_write_carries_its_records(backend: Backend) -> None:
    with collect_changes() as got:
        arrest_id = backend.register.create_arrest(
            ArrestInput("CH-1", date(2024, 5, 1), "BD"), [("O1", "MSA s.2")]
        )
    assert got.changes == Changes.of(Data.ARREST, arrest_id)
    offence_id = backend.register.get(arrest_id).offences[0].id
    with collect_changes() as got:
        backend.register.append_event(offence_id, "RUI", date(2024, 5, 2))
        backend.register.count  # noqa: B018 - a read adds nothing
    assert got.changes == Changes.of(Data.DISPOSAL, arrest_id)  # named by the arrest the view opens
