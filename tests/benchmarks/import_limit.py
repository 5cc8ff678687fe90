"""The physical limit of an import (issue 15), for ``import_speed`` to set the app's figures beside.

    python -m tests.benchmarks.import_limit custody FILE OUT
    python -m tests.benchmarks.import_limit nrm FILE OUT
    python -m tests.benchmarks.import_limit custody|nrm FILE postgresql://HOST:PORT/DATABASE

A hand-written loader, run as a fresh process and timed from spawn to exit like the app's command: it
reads the same file with the ``csv`` module, keeps each arrest (person) and offence (referral) once by
its reference, and writes them with one ``executemany`` a table, in one transaction, into a new compact
SQLCipher file keyed with a raw key (no key derivation, no login), building the reference indexes after
the rows are in, and prints how many rows of each table it wrote. It checks nothing, compares with
nothing stored, audits nothing and normalises nothing: what is left is Python reading the file and
SQLCipher writing the rows, the least the app's import can cost on this machine.

With a PostgreSQL address for ``OUT`` (an empty scratch database), the same tables and indexes are made
there and each table is written with one ``COPY``, the server's fastest way in: the limit of a team
server's import, for ``import_speed --server``.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import Any

CUSTODY_SCHEMA = (
    "CREATE TABLE arrest (id INTEGER PRIMARY KEY, arrest_ref TEXT NOT NULL, arrest_date TEXT NOT NULL, "
    "district TEXT NOT NULL, detainee_ref TEXT NOT NULL)",
    "CREATE TABLE offence (id INTEGER PRIMARY KEY, arrest_id INTEGER NOT NULL, offence_ref TEXT NOT NULL, "
    "offence_text TEXT NOT NULL)",
    "CREATE TABLE event (offence_id INTEGER NOT NULL, disposal TEXT NOT NULL, event_date TEXT NOT NULL)",
)
CUSTODY_INDEXES = (
    "CREATE UNIQUE INDEX ix_arrest_ref ON arrest (arrest_ref)",
    "CREATE UNIQUE INDEX ix_offence_ref ON offence (arrest_id, offence_ref)",
    "CREATE INDEX ix_event ON event (offence_id, event_date)",
)
NRM_SCHEMA = (
    "CREATE TABLE person (id INTEGER PRIMARY KEY, person_ref TEXT NOT NULL, surname TEXT, forenames TEXT, "
    "date_of_birth TEXT, gender TEXT, nationality TEXT)",
    "CREATE TABLE referral (id INTEGER PRIMARY KEY, referral_ref TEXT NOT NULL, person_id INTEGER NOT NULL, "
    "route TEXT, submitted_date TEXT, age_at_referral TEXT, age_at_exploitation TEXT, exploitation TEXT, "
    "location TEXT, crime_ref TEXT, no_crime_reason TEXT)",
    "CREATE TABLE decision (referral_id INTEGER NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL, "
    "decided_on TEXT NOT NULL)",
)
NRM_INDEXES = (
    "CREATE UNIQUE INDEX ix_person_ref ON person (person_ref)",
    "CREATE UNIQUE INDEX ix_referral_ref ON referral (referral_ref)",
    "CREATE INDEX ix_referral_person ON referral (person_id)",
    "CREATE INDEX ix_decision ON decision (referral_id)",
)


def load_custody(rows: Any, con: Any) -> tuple[int, int, int]:
    """arrest_ref, arrest_date, district, detainee_ref, offence_ref, offence, disposal, disposal_date;
    how many arrests, offences and events were written."""
    arrests: dict[str, int] = {}
    offences: dict[tuple[int, str], int] = {}
    arrest_rows: list[tuple[Any, ...]] = []
    offence_rows: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for ref, day, district, detainee, offence_ref, text, disposal, on in rows:
        arrest = arrests.get(ref)
        if arrest is None:
            arrest = arrests[ref] = len(arrests) + 1
            arrest_rows.append((arrest, ref, day, district, detainee))
        offence = offences.get((arrest, offence_ref))
        if offence is None:
            offence = offences[(arrest, offence_ref)] = len(offences) + 1
            offence_rows.append((offence, arrest, offence_ref, text))
        events.append((offence, disposal, on))
    con.executemany("INSERT INTO arrest VALUES (?, ?, ?, ?, ?)", arrest_rows)
    con.executemany("INSERT INTO offence VALUES (?, ?, ?, ?)", offence_rows)
    con.executemany("INSERT INTO event VALUES (?, ?, ?)", events)
    return len(arrest_rows), len(offence_rows), len(events)


def load_nrm(rows: Any, con: Any) -> tuple[int, int, int]:
    """The ``import_speed.NRM_HEADER`` columns: a person, a referral, and up to two decisions a row; how
    many people, referrals and decisions were written."""
    people: dict[str, int] = {}
    person_rows: list[tuple[Any, ...]] = []
    referral_rows: list[tuple[Any, ...]] = []
    decisions: list[tuple[Any, ...]] = []
    n = 0
    for n, row in enumerate(rows, start=1):
        ref, person_ref, surname, forenames, born, gender, nationality = row[:7]
        person = people.get(person_ref)
        if person is None:
            person = people[person_ref] = len(people) + 1
            person_rows.append((person, person_ref, surname, forenames, born, gender, nationality))
        route, submitted, age_ref, age_exp, exploitation, location, crime_ref, no_crime = row[7:15]
        referral_rows.append(
            (n, ref, person, route, submitted, age_ref, age_exp, exploitation, location, crime_ref, no_crime)
        )
        rg_outcome, rg_date, cg_outcome, cg_date = row[15:19]
        if rg_outcome:
            decisions.append((n, "rg", rg_outcome, rg_date))
        if cg_outcome:
            decisions.append((n, "cg", cg_outcome, cg_date))
    con.executemany("INSERT INTO person VALUES (?, ?, ?, ?, ?, ?, ?)", person_rows)
    con.executemany("INSERT INTO referral VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", referral_rows)
    con.executemany("INSERT INTO decision VALUES (?, ?, ?, ?)", decisions)
    return len(person_rows), n, len(decisions)


class _Copier:
    """``executemany`` over one ``COPY`` a table, so the loaders above write to PostgreSQL unchanged."""

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def execute(self, stmt: str) -> None:
        self.cur.execute(stmt)

    def executemany(self, stmt: str, rows: list[tuple[Any, ...]]) -> None:
        table = stmt.split()[2]  # INSERT INTO <table> VALUES ...
        with self.cur.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def load_server(kind: str, source: str, url: str) -> tuple[int, int, int]:
    """The same load into an empty PostgreSQL database: tables, one COPY a table, indexes, commit."""
    import psycopg

    custody = kind == "custody"
    schema, indexes = (CUSTODY_SCHEMA, CUSTODY_INDEXES) if custody else (NRM_SCHEMA, NRM_INDEXES)
    load = load_custody if custody else load_nrm
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        with conn.cursor() as cur:
            for stmt in schema:
                cur.execute(stmt.replace("INTEGER PRIMARY KEY", "BIGINT PRIMARY KEY"))
            with open(source, newline="", encoding="utf-8") as f:
                rows = csv.reader(f)
                next(rows)  # the header
                n = load(rows, _Copier(cur))
            for stmt in indexes:
                cur.execute(stmt)
        conn.commit()
    return n


def main(argv: list[str]) -> None:
    kind, source, target = argv
    if target.startswith("postgresql"):
        print(*load_server(kind, source, target))
        return
    import sqlcipher3

    out = Path(target)
    for p in out.parent.glob(out.name + "*"):
        p.unlink()
    con = sqlcipher3.connect(str(out))
    con.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
    custody = kind == "custody"
    schema, indexes = (CUSTODY_SCHEMA, CUSTODY_INDEXES) if custody else (NRM_SCHEMA, NRM_INDEXES)
    load = load_custody if custody else load_nrm
    for stmt in schema:
        con.execute(stmt)
    with open(source, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)  # the header
        n = load(rows, con)
    for stmt in indexes:
        con.execute(stmt)
    con.commit()
    con.close()
    print(*n)


if __name__ == "__main__":
    main(sys.argv[1:])
