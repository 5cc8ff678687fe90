"""The global search: folded names, references, notes; ranking; each kind within the user's scope; the
index following corrections, withdrawals and erasure-style blanking through its triggers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text, update

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import AgeAtReferral, Route
from mshtdesk.domain.roles import Role
from mshtdesk.domain.search import Kind, Rank
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.store import search_index
from mshtdesk.store.database import Database
from mshtdesk.store.tables import PERSON, VLO_CONTACT
from tests.both_engines import sqlite_only
from tests.conftest import SEED_EXPORT

Backends = Callable[[Role], Backend]
WHEN = datetime(2024, 5, 1, 10, tzinfo=ZoneInfo("Europe/London"))


def found(backend: Backend, query: str) -> list[tuple[Kind, int]]:
    return [(r.kind, r.record_id) for r in backend.search.find(query)]


@pytest.fixture
def world(backend_for: Backends) -> dict[str, int]:
    officer = backend_for(Role.HTT_OFFICER)
    stefan = officer.people.create(PersonInput(surname="Popescu", forenames="Ştefan", aliases="Stevie"))
    elena = officer.people.create(PersonInput(surname="Попеску", forenames="Елена"))
    arben = officer.people.create(PersonInput(surname="Hoxha", forenames="Arben"))
    officer.people.assign_vlo(stefan, "vlo")
    officer.people.assign_vlo(elena, "vlo")
    arrest = officer.register.create_arrest(
        ArrestInput("CUST-2024-0042", date(2024, 4, 2), "LD"), [("O1", "MSA s.2")]
    )
    referral = officer.nrm.create(
        ReferralInput(
            route=Route.NRM,
            age_at_referral=AgeAtReferral.ADULT,
            submitted_date=date(2024, 5, 1),
            person_id=arben,
            consents=True,
            exploitation=frozenset({ExploitationType.LABOUR}),
            crime_ref="13/777777/24",
        )
    )
    vlo = backend_for(Role.VLO)
    contact = vlo.contacts.add(
        ContactInput(
            stefan, WHEN, ContactMethod.PHONE, ContactPurpose.WELFARE, summary="Moved to a flat in Salford"
        )
    ).id
    return {
        "stefan": stefan,
        "elena": elena,
        "arben": arben,
        "arrest": arrest,
        "referral": referral,
        "contact": contact,
    }


def test_names_fold_across_diacritics_and_script(backend_for: Backends, world: dict[str, int]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    assert found(officer, "stefan") == [(Kind.PERSON, world["stefan"])]
    assert found(officer, "ŞTEFAN POPESCU") == [(Kind.PERSON, world["stefan"])]
    # Cyrillic folds to the passport's Latin letters, so one search finds both spellings
    assert {k for k in found(officer, "popesku")} | {k for k in found(officer, "popescu")} >= {
        (Kind.PERSON, world["stefan"]),
        (Kind.PERSON, world["elena"]),
    }
    assert found(officer, "elena") == [(Kind.PERSON, world["elena"])]
    assert found(officer, "stevie") == [(Kind.PERSON, world["stefan"])]  # an alias


def test_references_notes_and_ranking(backend_for: Backends, world: dict[str, int]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    [hit] = officer.search.find("cust-2024-0042")
    assert (hit.kind, hit.record_id, hit.rank) == (Kind.ARREST, world["arrest"], Rank.EXACT_REFERENCE)
    assert found(officer, "0042") == [(Kind.ARREST, world["arrest"])]  # part of a reference
    assert found(officer, "777777") == [(Kind.REFERRAL, world["referral"])]  # a crime reference
    [note] = officer.search.find("salford")
    assert (note.kind, note.record_id, note.person_id) == (Kind.CONTACT, world["contact"], world["stefan"])
    assert "Moved to a flat in Salford" in note.detail
    # a reference exactly, then a name's start, then text inside a record
    person_ref = officer.people.get(world["arben"]).person_ref
    officer.people.create(PersonInput(surname="Lindqvist", forenames="Ann", aliases=person_ref.lower() + "x"))
    ranks = [(r.rank, r.kind) for r in officer.search.find(person_ref)]
    assert ranks[0] == (Rank.EXACT_REFERENCE, Kind.PERSON)
    officer.people.create(PersonInput(surname="Kastefanos", forenames="Maria"))
    order = [r.title for r in officer.search.find("stefan")]
    assert order[0].startswith("Popescu, Ştefan") and order[-1].startswith("Kastefanos")


def test_short_searches_match_only_the_start(backend_for: Backends, world: dict[str, int]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    assert found(officer, "ho") == [(Kind.PERSON, world["arben"])]  # surname prefix
    assert found(officer, "ha") == []  # inside a name: not for two letters
    assert (Kind.ARREST, world["arrest"]) in found(officer, "cu")


def test_each_kind_within_the_users_scope(backend_for: Backends, world: dict[str, int]) -> None:
    vlo = backend_for(Role.VLO)
    assert found(vlo, "stefan") == [(Kind.PERSON, world["stefan"])]
    assert found(vlo, "hoxha") == []  # not assigned to this VLO
    assert found(vlo, "777777") == []  # that person's referral
    assert found(vlo, "salford") == [(Kind.CONTACT, world["contact"])]
    assert found(vlo, "0042") == [(Kind.ARREST, world["arrest"])]  # arrests: force-wide for a VLO
    navigator = backend_for(Role.NAVIGATOR)
    assert found(navigator, "popescu") == []  # supports nobody yet
    assert found(navigator, "0042") == []  # no arrests for a Navigator
    haven = backend_for(Role.HAVEN_HOUSE)
    assert found(haven, "salford") == []  # people, but no contacts
    for role in (Role.ADMINISTRATOR, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError, match="no people, arrests, referrals or contacts"):
            backend_for(role).search.find("popescu")


def test_corrections_withdrawals_and_blanking_follow(
    backend_for: Backends, world: dict[str, int], database: Database
) -> None:
    vlo = backend_for(Role.VLO)
    corrected = vlo.contacts.correct(
        world["contact"],
        ContactInput(
            world["stefan"], WHEN, ContactMethod.PHONE, ContactPurpose.WELFARE, summary="Now in Bolton"
        ),
        "Wrong town typed",
    ).id
    assert found(vlo, "salford") == []
    assert found(vlo, "bolton") == [(Kind.CONTACT, corrected)]
    vlo.contacts.withdraw(corrected, "Logged against the wrong person")
    assert found(vlo, "bolton") == []
    officer = backend_for(Role.HTT_OFFICER)
    detail = officer.people.get(world["arben"])
    officer.people.update(
        world["arben"], detail.version, PersonInput(**{**vars(detail.data), "surname": "Hoxhaj"})
    )
    assert found(officer, "hoxhaj") == [(Kind.PERSON, world["arben"])]
    # an erasure blanks fields with an UPDATE: the index forgets them in the same statement
    with database.engine.begin() as conn:
        conn.execute(
            update(PERSON).where(PERSON.c.id == world["stefan"]).values(surname="", forenames="", aliases="")
        )
        conn.execute(update(VLO_CONTACT).values(summary=""))
    assert found(officer, "stefan") == [] and found(officer, "stevie") == []
    if database.engine.dialect.name != "sqlite":
        return  # PostgreSQL searches the tables themselves: there is no index to forget
    with database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT name, body FROM search_entry WHERE kind = 'person' AND record_id = :i"),
            {"i": world["stefan"]},
        ).all()
        assert [tuple(r) for r in rows] == [("", "")]
        assert (
            conn.execute(text("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH '\"stefan\"'")).scalar()
            == 0
        )


@sqlite_only("the search index (search_entry, its FTS5 tables and triggers) exists only in the file")
def test_a_dropped_trigger_is_put_back(
    database: Database, backend_for: Backends, world: dict[str, int]
) -> None:
    with database.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER search_person_au")
        assert search_index.ensure(conn)
        assert not search_index.ensure(conn)
    assert found(backend_for(Role.HTT_OFFICER), "stefan") == [(Kind.PERSON, world["stefan"])]


def test_hostile_searches(backend_for: Backends, world: dict[str, int]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    for query in (
        '"',
        "'; DROP TABLE person; --",
        "a\x00b\x1b[31m",
        "%",
        "_",
        "\\",
        "NEAR(a b)",
        "*",
        "\u202e",
    ):
        officer.search.find(query)  # no error, nothing dropped
    assert found(officer, "%%%") == []
    assert officer.search.find("   ") == []
    with pytest.raises(ValidationError, match="at most 200"):
        officer.search.find("x" * 201)
    assert found(officer, "\x00stefan\x07") == [(Kind.PERSON, world["stefan"])]


def test_the_command_lines_list_is_one_consultation(backend_for: Backends, world: dict[str, int]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    assert [r.record_id for r in officer.search.listing("popescu")]
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="consult"))
    search = [e for e in events if e.record_id == "search"]
    assert len(search) == 1 and search[0].fields.startswith("search")
    assert not any("popescu" in (e.fields + e.reason).lower() for e in events)
    with pytest.raises(ValidationError):
        officer.search.listing("  ")


@sqlite_only("the search index (search_entry, its FTS5 tables and triggers) exists only in the file")
def test_a_custody_import_is_indexed_in_one_go(backend_for: Backends, database: Database) -> None:
    """The import's arrests reach the index together at the end (``search_index.bulk``), and the
    triggers are back afterwards: a later correction of an arrest still reaches the index."""
    officer = backend_for(Role.HTT_OFFICER)
    officer.import_file(str(SEED_EXPORT))
    with database.engine.connect() as conn:
        arrests = conn.execute(text("SELECT COUNT(*) FROM arrest")).scalar_one()
        entries = conn.execute(text("SELECT COUNT(*) FROM search_entry WHERE kind = 'arrest'")).scalar_one()
        assert arrests == entries > 0
        ref = conn.execute(text("SELECT custody_ref FROM arrest ORDER BY id LIMIT 1")).scalar_one()
        assert not search_index.ensure(conn)  # every trigger is back
    [hit] = [r for r in officer.search.find(ref) if r.rank is Rank.EXACT_REFERENCE]
    assert hit.kind is Kind.ARREST
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE arrest SET operation = 'Op Nightjar' WHERE custody_ref = :r"), {"r": ref})
    assert [r.title for r in officer.search.find("nightjar")] == [ref]


def test_a_merged_duplicate_is_found_no_more_until_unmerged(
    backend_for: Backends, world: dict[str, int]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    duplicate = officer.people.create(PersonInput(surname="Popescu", forenames="Stefan"))
    assert {r.record_id for r in officer.search.find("popescu stefan")} == {world["stefan"], duplicate}
    merged = officer.people.merge(world["stefan"], duplicate, "Same person")
    assert [r.record_id for r in officer.search.find("popescu stefan")] == [world["stefan"]]
    assert [r.person_id for r in officer.search.find("salford")] == [world["stefan"]]
    officer.people.unmerge(merged.event_id, "Not the same person after all")
    assert {r.record_id for r in officer.search.find("popescu stefan")} == {world["stefan"], duplicate}


def test_an_erasure_leaves_nothing_in_the_index(backend_for: Backends, world: dict[str, int]) -> None:
    """Blanked by the erasure's UPDATEs through the triggers, and the FTS segments rewritten, so not even
    a trigram of the name or the note is left in the file (read back raw, decrypted)."""
    backend_for(Role.MANAGER).retention.erase(world["stefan"], "Retention period ended")
    officer = backend_for(Role.HTT_OFFICER)
    assert found(officer, "popescu") == [] and found(officer, "stevie") == []
    assert found(officer, "elena") == [(Kind.PERSON, world["elena"])]  # nobody else's entry is touched
    assert found(officer, "salford") == []
    if officer.db.engine.dialect.name != "sqlite":
        return  # PostgreSQL searches the tables themselves: no index segments to read back
    # Merged already: merging again would change nothing (unmerged segments would still hold the
    # erased record's trigrams beside the tombstones that hide them from searches).
    with officer.db.engine.begin() as conn:
        for table in ("search_fts", "search_note_fts"):
            data = f"SELECT id, block FROM {table}_data ORDER BY id"
            before = conn.exec_driver_sql(data).all()
            conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
            assert conn.exec_driver_sql(data).all() == before, table
