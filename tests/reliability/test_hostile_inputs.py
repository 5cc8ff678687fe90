"""Hostile input beyond the custody importer's own property tests (``tests/services/test_import_hostile.py``,
``test_nrm_import_hostile.py``): files in the wrong encoding, broken CSV quoting, huge cells and extra or
missing columns for both importers, and hostile text in every field of the arrest and person forms.
Whatever arrives: no crash, no partial write, and each rejection names the line and column (or field)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mshtdesk.domain.roles import Role
from mshtdesk.errors import ImportRejectedError, MshtError, ValidationError
from mshtdesk.imports import nrm as nrm_import
from mshtdesk.imports.custody import COLUMNS as CUSTODY_COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.tables import (
    ARREST,
    AUDIT,
    EVENT,
    IMPORT_BATCH,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    PERSON,
)
from tests import both_engines
from tests.conftest import DATA

TABLES = (ARREST, OFFENCE, EVENT, IMPORT_BATCH, PERSON, NRM_REFERRAL, NRM_DECISION, AUDIT)
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            '=HYPERLINK("http://evil","click")',
            "+cmd|' /C calc'!A0",
            "@SUM(1)",
            "\x00",
            "\ufeff",
            "\u202e",  # right-to-left override
            "'; DROP TABLE arrest; --",
            "x" * 100_000,
            "\r\n",
            '"',
            "31/02/2022",
            "9999-12-31",
        ]
    ),
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

database = both_engines.database  # every test on both engines


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES)


def nrm_backend(backend_for: Callable[[Role], Backend]) -> Backend:
    return backend_for(Role.HTT_OFFICER)


def check_rejection(exc: ImportRejectedError) -> None:
    assert exc.errors
    for e in exc.errors:
        assert e.line >= 1 and e.column and e.reason and len(str(e)) < 400


def try_import(b: Backend, importer: Callable[[bytes, str], object], data: bytes) -> None:
    before = counts(b)
    try:
        importer(data, "hostile.csv")
    except ImportRejectedError as exc:
        check_rejection(exc)
        assert counts(b) == before, "a rejected file writes nothing"
    except MshtError:
        assert counts(b) == before


# ----- files -------------------------------------------------------------------------------------------
SEED = (DATA / "seed_000_custody_export.csv").read_bytes()
NRM = (DATA / "nrm_register.csv").read_bytes()


@SETTINGS
@given(encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "utf-8-sig"]))
def test_files_in_other_encodings(backend: Backend, encoding: str) -> None:
    for data, importer in ((SEED, backend.import_custody), (NRM, backend.import_nrm)):
        text = data.decode("utf-8-sig") + "X1,2022-01-10,BD,N\u00e9\u00e8,O1,caf\u00e9,,\n"
        try:
            encoded = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        try_import(backend, importer, encoded)


@SETTINGS
@given(
    cut=st.integers(min_value=1, max_value=4000),
    junk=st.sampled_from(['"', '"unterminated', '",,"', "\x00", "\r"]),
)
def test_broken_quoting_and_truncated_files(backend: Backend, cut: int, junk: str) -> None:
    for data, importer in ((SEED, backend.import_custody), (NRM, backend.import_nrm)):
        try_import(backend, importer, data[:cut] + junk.encode() + data[cut:])


@SETTINGS
@given(
    header=st.lists(st.sampled_from([*nrm_import.COLUMNS, "extra", "", "Referral Ref"]), max_size=22),
    rows=st.lists(st.lists(HOSTILE, max_size=22), max_size=4),
)
def test_nrm_missing_extra_and_hostile_columns(
    backend: Backend, header: list[str], rows: list[list[str]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    try_import(backend, backend.import_nrm, out.getvalue().encode())


def test_a_huge_cell_is_refused_by_line_and_column(backend: Backend) -> None:
    for columns, importer, field in (
        (CUSTODY_COLUMNS, backend.import_custody, "arrest_ref"),
        (nrm_import.COLUMNS, backend.import_nrm, "referral_ref"),
    ):
        row = {c: "" for c in columns} | {field: "R" * 100_000}
        data = (",".join(columns) + "\n" + ",".join(row[c] for c in columns) + "\n").encode()
        before = counts(backend)
        try:
            importer(data, "huge.csv")
        except ImportRejectedError as exc:
            assert any(e.line == 2 and e.column == field for e in exc.errors), exc.errors
            assert all(len(str(e)) < 400 for e in exc.errors), (
                "the message quotes a clipped piece, not the cell"
            )
        else:
            raise AssertionError("a 100,000-character reference must be refused")
        assert counts(backend) == before


# ----- form fields -------------------------------------------------------------------------------------
ARREST_FIELDS = {
    "custody_ref",
    "arrest_date",
    "district",
    "detainee_ref",
    "operation",
    "notes",
    "offences",
    "offence_ref",
    "offence",
}


@SETTINGS
@given(
    ref=HOSTILE,
    district=st.one_of(HOSTILE, st.sampled_from(["BD", "Leeds", "ld"])),
    detainee=HOSTILE,
    operation=HOSTILE,
    notes=HOSTILE,
    offence_ref=HOSTILE,
    offence=HOSTILE,
    on=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))),
)
def test_arrest_form_fields(
    backend: Backend,
    ref: str,
    district: str,
    detainee: str,
    operation: str,
    notes: str,
    offence_ref: str,
    offence: str,
    on: date | None,
) -> None:
    before = counts(backend)
    try:
        aid = backend.register.create_arrest(
            ArrestInput(ref, on, district, detainee, operation, notes), [(offence_ref, offence)]
        )
    except ValidationError as exc:
        assert exc.fields and set(exc.fields) <= ARREST_FIELDS, exc.fields
        assert all(message.strip() for message in exc.fields.values())
        assert counts(backend) == before, "a refused form writes nothing"
        return
    after = counts(backend)
    assert after[0] == before[0] + 1 and after[-1] == before[-1] + 1, "one arrest, one audit record"
    stored = backend.register.get(aid, consult=False)
    assert stored.custody_ref == ref.strip() and stored.notes == notes  # kept exactly, formulas as text


PERSON_FIELDS = set(PersonInput.__dataclass_fields__) | {"name", "date_of_birth", "estimated_age"}


@SETTINGS
@given(
    text=st.fixed_dictionaries(
        {
            k: HOSTILE
            for k in (
                "surname",
                "forenames",
                "aliases",
                "nationality",
                "first_language",
                "contact_details",
                "facts",
                "assessments",
            )
        }
    ),
    gender=st.one_of(HOSTILE, st.sampled_from(["female", "male", "other", "unknown"])),
    born=st.one_of(st.none(), st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1))),
    age=st.one_of(st.none(), st.integers(min_value=-5, max_value=500)),
)
def test_person_form_fields(
    backend: Backend, text: dict[str, str], gender: str, born: date | None, age: int | None
) -> None:
    before = counts(backend)
    data = PersonInput(**text, gender=gender, date_of_birth=born, estimated_age=age)
    try:
        pid = backend.people.create(data)
    except ValidationError as exc:
        assert exc.fields and all(m.strip() for m in exc.fields.values())
        assert counts(backend) == before, "a refused form writes nothing"
        return
    after = counts(backend)
    assert after[4] == before[4] + 1 and after[-1] > before[-1], "one person, with its audit record"
    del pid


# ----- corrections of an arrest ------------------------------------------------------------------------
CORRECTION_FIELDS = {"reason", "district", "arrest_date", "correction", "offence"}


def _correction_target(backend: Backend) -> tuple[int, int]:
    found = backend.register.find_id("HOSTILE-1")
    if found is None:
        found = backend.register.create_arrest(
            ArrestInput("HOSTILE-1", date(2022, 3, 1), "BD"), [("O1", "MSA s.2")]
        )
    return found, backend.register.get(found, consult=False).offences[0].id


@SETTINGS
@given(
    reason=HOSTILE,
    district=st.one_of(st.none(), HOSTILE, st.sampled_from(["LD", "Leeds", "bd"])),
    on=st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))),
    offence=HOSTILE,
)
def test_correction_fields(
    backend: Backend, reason: str, district: str | None, on: date | None, offence: str
) -> None:
    arrest_id, offence_id = _correction_target(backend)
    for attempt in (
        lambda: backend.corrections.correct_arrest(
            arrest_id, district=district, arrest_date=on, reason=reason
        ),
        lambda: backend.corrections.correct_offence(offence_id, offence, reason),
    ):
        before = counts(backend)
        try:
            attempt()
        except ValidationError as exc:
            assert exc.fields and set(exc.fields) <= CORRECTION_FIELDS, exc.fields
            assert all(message.strip() for message in exc.fields.values())
            assert counts(backend) == before, "a refused correction writes nothing"
            continue
        fixes = backend.corrections.history(arrest_id)
        assert fixes[-1].reason == reason.strip()  # kept exactly, formulas as text
