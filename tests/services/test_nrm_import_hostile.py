"""Hostile NRM registers: whatever arrives, the import either writes it whole or writes nothing and names
each problem by line and column; it never crashes, never half-writes, and a second import of a file it
accepted changes nothing."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mshtdesk.errors import ImportRejectedError, MshtError
from mshtdesk.imports.nrm import COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.store.tables import IMPORT_BATCH, NRM_DECISION, NRM_REFERRAL, PERSON

GOOD = {
    "referral_ref": ["R1", "R2", "R3", "r1"],
    "person_ref": ["P1", "P2", "p1"],
    "surname": ["", "Lungu", "lungu", "Hoxha"],
    "forenames": ["", "Ana"],
    "date_of_birth": ["", "1990-01-01", "01/01/1990", "2009-05-05"],
    "gender": ["", "female", "MALE", "unknown"],
    "nationality": ["", "Polish", "ALB", "gbr", "Romanian"],
    "route": ["NRM", "dtn", "DtN"],
    "submitted_date": ["2023-03-01", "01/03/2023", "2023-06-30"],
    "age_at_referral": ["adult", "child", "unknown", "DISPUTED"],
    "age_at_exploitation": ["", "adult", "child", "unknown"],
    "exploitation": ["", "Sexual", "labour;criminal", "Not specified", "Organ harvesting;Domestic"],
    "exploitation_location": ["", "UK", "overseas", "UK and Overseas"],
    "crime_ref": ["", "13/1/23"],
    "no_crime_reason": ["", "Exploited overseas"],
    "rg_outcome": ["", "positive", "Negative"],
    "rg_date": ["", "2023-03-08", "2023-02-01"],
    "cg_outcome": ["", "positive-trafficking", "NEGATIVE", "positive-slavery"],
    "cg_date": ["", "2023-03-20", "2023-06-01"],
}
NASTY = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", '=HYPERLINK("x")', "31/02/2023", "9999-12-31", "\x00", '"', "a;b", "x" * 5000]),
)


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (PERSON, NRM_REFERRAL, NRM_DECISION, IMPORT_BATCH)
        )


def build(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def check(b: Backend, data: bytes) -> bool:
    """Import ``data``; True when it was accepted. Asserts the all-or-nothing and idempotence rules."""
    before = counts(b)
    try:
        summary = b.import_nrm(data, "hostile.csv")
    except ImportRejectedError as exc:
        assert exc.errors
        for e in exc.errors:
            assert e.line >= 1 and e.column and e.reason and len(str(e)) < 600
        assert counts(b) == before
        return False
    except MshtError:
        assert counts(b) == before
        return False
    after = counts(b)
    assert after[1] - before[1] == summary.referrals_added
    assert after[0] - before[0] == summary.people_added
    assert after[2] - before[2] == summary.decisions_added
    again = b.import_nrm(data, "hostile.csv")
    assert not again.changed and counts(b) == after
    return True


row_strategy = st.tuples(*(st.one_of(st.sampled_from(GOOD[c]), NASTY) for c in COLUMNS)).map(list)


PEOPLE = {
    "P1": {
        "surname": "Lungu",
        "forenames": "Ana",
        "date_of_birth": "1990-01-01",
        "gender": "female",
        "nationality": "ROU",
    },
    "P2": {
        "surname": "Hoxha",
        "forenames": "",
        "date_of_birth": "",
        "gender": "male",
        "nationality": "Albanian",
    },
    "P3": {"surname": "", "forenames": "", "date_of_birth": "2009-05-05", "gender": "", "nationality": "POL"},
}


@st.composite
def good_row(draw: st.DrawFn, prefix: str = "") -> list[str]:
    """A row that keeps the rules on its own (route, anonymity, crime reference, decision order), so that
    files of them reach the writing path; rows sharing a reference may still contradict each other."""
    v = {c: draw(st.sampled_from(GOOD[c])) for c in COLUMNS}
    person = draw(st.sampled_from(sorted(PEOPLE)))
    v["person_ref"] = prefix + person
    v["referral_ref"] = prefix + draw(st.sampled_from([v["referral_ref"], f"R{draw(st.integers(4, 99))}"]))
    for name, value in PEOPLE[person].items():
        v[name] = draw(st.sampled_from([value, value.upper(), ""]))
    if person == "P3" and draw(st.booleans()):
        v.update(route="DtN", age_at_referral="adult", rg_outcome="", rg_date="", cg_outcome="", cg_date="")
    else:
        v["route"] = "nrm"
        v["rg_date"] = "2023-07-07" if v["rg_outcome"] else ""
        if v["rg_outcome"] != "positive":
            v["cg_outcome"] = ""
        v["cg_date"] = draw(st.sampled_from(["2023-07-10", "2023-12-01"])) if v["cg_outcome"] else ""
    if not v["crime_ref"] and not v["no_crime_reason"]:
        v["crime_ref"] = "13/9/23"
    return [v[c] for c in COLUMNS]


@st.composite
def good_file(draw: st.DrawFn) -> list[list[str]]:
    """1-5 rows; references get a per-file prefix most of the time, so files rarely collide with what
    earlier examples stored (a collision is still tested: then any difference must be refused)."""
    prefix = draw(st.sampled_from(["", f"{draw(st.integers(0, 10**9))}-"]))
    rows = draw(st.lists(good_row(prefix), min_size=1, max_size=5))
    if draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))  # the same referral twice: allowed, stored once
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row_strategy, min_size=1, max_size=4))
def test_random_cells_never_crash_or_half_write(backend: Backend, rows: list[list[str]]) -> None:
    check(backend, build(list(COLUMNS), rows))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash(backend: Backend, data: bytes) -> None:
    check(backend, build(list(COLUMNS), []) + data)


def test_some_plausible_registers_are_accepted(backend: Backend) -> None:
    """The strategies above must reach the writing path, or they prove little."""
    row = [GOOD[c][0] for c in COLUMNS]
    row[COLUMNS.index("crime_ref")] = "13/1/23"
    row[COLUMNS.index("surname")] = "Lungu"
    assert check(backend, build(list(COLUMNS), [row]))
