"""Retention and erasure (issue 12 item 7) on real encrypted SQLite files: the rules as data (six years by
default, an administrator's to change), the Review queue from each kind's last activity, Keep with a
reason and a next review date, and Erase, which blanks the personal fields, keeps every published figure
and leaves no trace of the names in the decrypted database file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from mshtdesk.domain.record_retention import DEFAULT_YEARS, ERASED_NAME, RecordKind, add_years
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.retention import RetentionService
from mshtdesk.store.tables import PERSON, RETENTION_REVIEW
from tests.conftest import DATA, Template
from tests.services.test_subject_access import world
from tests.sqlcipher_pages import plaintext

Backends = Callable[[Role], Backend]
TODAY = date.today()
DUE = add_years(TODAY, DEFAULT_YEARS) + timedelta(days=1)  # everything in the world was touched today
NOT_YET = add_years(TODAY, DEFAULT_YEARS)
NAMES = (b"Nowak", b"Ewa", b"Leeds Road", b"re-trafficking")
REASON = "Request for erasure ERA/2031/4, checked by the data protection officer"


def service(b: Backend, today: date) -> RetentionService:
    return RetentionService(b.db, b.actor, today=today)


def auditor(backend_for: Backends) -> Any:
    return backend_for(Role.AUDITOR).audit


def due_refs(b: Backend, today: date) -> list[str]:
    return [d.person_ref for d in service(b, today).due()]


# ----- rules ----------------------------------------------------------------------------------------


def test_every_kind_starts_at_six_years_and_only_an_administrator_changes_it(backend_for: Backends) -> None:
    manager, admin = backend_for(Role.MANAGER), backend_for(Role.ADMINISTRATOR)
    assert {r.kind: r.years for r in manager.retention.rules()} == dict.fromkeys(RecordKind, 6)
    changed = admin.retention.set_rule("navigator-case", 10)
    assert (changed.kind, changed.years, changed.updated_by) == (
        RecordKind.NAVIGATOR_CASE,
        10,
        "Test administrator",
    )
    assert {r.kind: r.years for r in manager.retention.rules()}[RecordKind.NAVIGATOR_CASE] == 10
    events = admin.audit.list(AuditQuery(entity="retention_rule", record_id="navigator_case"))
    assert [e.fields for e in events] == ["years,from:6,to:10"]
    for role in (Role.MANAGER, Role.HTT_OFFICER, Role.VLO, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).retention.set_rule(RecordKind.PERSON, 1)
    for role in (Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).retention.rules()


@pytest.mark.parametrize(
    ("kind", "years", "field"),
    [
        ("person", 0, "years"),
        ("person", 101, "years"),
        ("person", -6, "years"),
        ("person", True, "years"),
        ("people", 6, "kind"),
        ("person\x00", 6, "kind"),
        ("x" * 100_000, 6, "kind"),
        ("\u202eperson", 6, "kind"),
    ],
)
def test_a_bad_rule_is_refused_in_one_sentence(
    backend_for: Backends, kind: Any, years: Any, field: str
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as raised:
        admin.retention.set_rule(kind, years)
    assert list(raised.value.fields) == [field]
    assert {r.years for r in admin.retention.rules()} == {6}


# ----- the queue -------------------------------------------------------------------------------------


def test_the_queue_lists_a_person_once_every_kind_is_past_its_rule(backend_for: Backends) -> None:
    ids = world(backend_for)
    manager, admin = backend_for(Role.MANAGER), backend_for(Role.ADMINISTRATOR)
    assert due_refs(manager, NOT_YET) == []
    assert due_refs(manager, DUE) == [ids["ref"], ids["other_ref"]]
    assert service(manager, DUE).count_due() == 2
    row = service(manager, DUE).due()[0]
    assert (row.name, row.last_activity, row.review_date) == ("Nowak, Ewa", TODAY, NOT_YET)
    # A longer rule for one kind holds back only the people with that kind of record (Ewa's contacts).
    admin.retention.set_rule(RecordKind.CONTACT, 10)
    assert due_refs(manager, DUE) == [ids["other_ref"]]
    assert service(manager, DUE).due(offset=1) == []
    for role in (Role.ADMINISTRATOR, Role.HTT_OFFICER, Role.VLO, Role.NAVIGATOR, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            service(backend_for(role), DUE).due()


def test_keep_takes_a_record_off_the_queue_until_its_next_review(backend_for: Backends) -> None:
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    with manager.db.engine.connect() as conn:
        before = conn.execute(select(PERSON.c.updated_at).where(PERSON.c.id == ids["other"])).scalar_one()
    until = DUE + timedelta(days=365)
    service(manager, DUE).keep(ids["other"], "Witness in a trial listed for next year", until)
    assert due_refs(manager, DUE) == [ids["ref"]]
    assert ids["other_ref"] in due_refs(manager, until)
    with manager.db.engine.connect() as conn:
        person = conn.execute(select(PERSON).where(PERSON.c.id == ids["other"])).one()
        kept = conn.execute(select(RETENTION_REVIEW)).one()
    assert (person.review_due, person.updated_at) == (until, before)  # a review is not activity
    assert (kept.decision, kept.reason, kept.next_review) == (
        "keep",
        "Witness in a trial listed for next year",
        until,
    )
    [event] = auditor(backend_for).list(
        AuditQuery(entity="person", record_id=str(ids["other"]), action="alter")
    )
    assert (event.reason, event.fields) == (
        "Witness in a trial listed for next year",
        "retention_review:keep,review_due",
    )


@pytest.mark.parametrize(
    ("reason", "until", "field"),
    [
        ("", DUE + timedelta(days=30), "reason"),
        ("   ", DUE + timedelta(days=30), "reason"),
        ("x" * 1001, DUE + timedelta(days=30), "reason"),
        ("still needed\x07", DUE + timedelta(days=30), "reason"),
        ("Zielinska is a witness", DUE + timedelta(days=30), "reason"),
        ("still needed", DUE, "next_review"),
        ("still needed", DUE - timedelta(days=1), "next_review"),
        ("still needed", add_years(DUE, 101), "next_review"),
    ],
)
def test_a_bad_keep_is_refused_and_nothing_is_recorded(
    backend_for: Backends, reason: str, until: date, field: str
) -> None:
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    with pytest.raises(ValidationError) as raised:
        service(manager, DUE).keep(ids["other"], reason, until)
    assert list(raised.value.fields) == [field]
    with manager.db.engine.connect() as conn:
        assert conn.execute(select(RETENTION_REVIEW)).all() == []


def test_keep_and_erase_are_a_managers_alone(backend_for: Backends) -> None:
    ids = world(backend_for)
    for role in (
        Role.ADMINISTRATOR,
        Role.HTT_OFFICER,
        Role.VLO,
        Role.NAVIGATOR,
        Role.HAVEN_HOUSE,
        Role.AUDITOR,
    ):
        b = backend_for(role)
        with pytest.raises(PermissionDeniedError):
            service(b, DUE).keep(ids["other"], "needed", DUE + timedelta(days=9))
        with pytest.raises(PermissionDeniedError):
            b.retention.erase(ids["other"], REASON)
        with pytest.raises(PermissionDeniedError):
            b.retention.erase_ref(ids["other_ref"], REASON)
    assert backend_for(Role.MANAGER).people.get(ids["other"]).data.surname == "Zielinska"


# ----- erasure ----------------------------------------------------------------------------------------


def figures(manager: Backend) -> dict[str, bytes]:
    """Every published table over the world's period: the COM summary (internal and public) and the
    disposal table, as JSON."""
    out: dict[str, bytes] = {}
    for public in (False, True):
        req = ReportRequest(ReportKind.COM, date(2024, 4, 1), date(2025, 3, 31), TODAY, public)
        out[f"com public={public}"] = manager.reports.build(req).json_bytes()
    req = ReportRequest(ReportKind.DISPOSALS, date(2024, 4, 1), date(2025, 3, 31), TODAY)
    out["disposals"] = manager.reports.render(req).json
    return out


def test_erase_keeps_every_published_figure_and_leaves_no_name_in_the_file(
    backend_for: Backends, template: Template
) -> None:
    """On both engines; the decrypted file's pages are read for the erased names on the laptop only
    (a server keeps old row versions until its own VACUUM: its disk is the server's to protect)."""
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    db_path = manager.db.path
    published = figures(manager)
    assert not any(name in data for data in published.values() for name in NAMES)  # runs hold no names
    run, _ = manager.reports.produce(
        ReportRequest(ReportKind.COM, date(2024, 4, 1), date(2025, 3, 31), TODAY),
        OutputFormat.JSON,
        "com.json",
        "Quarterly return",
    )
    if db_path is not None:
        with manager.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        assert all(name in plaintext(db_path, template.key) for name in NAMES)  # the reader can see them

    done = manager.retention.erase_ref(ids["ref"].lower(), REASON)

    assert done.person_ref == ids["ref"] and done.scrubbed
    assert done.blanked == {
        "referrals": 2,
        "decisions": 3,
        "navigator_cases": 1,
        "stays": 1,
        "contacts": 2,
        "links": 1,
        "milestones": 2,  # Ewa's two (the withdrawn one's reasons name re-trafficking and Leeds Road)
    }
    assert figures(manager) == published
    again = manager.reports.regenerate(run.id, "Checking the published return")
    assert again.identical and again.run.sha256 == run.sha256
    if db_path is not None:
        disk = plaintext(db_path, template.key)
        assert [name for name in NAMES if name in disk] == []
        assert b"Zielinska" in disk  # the other victim is untouched
    officer = backend_for(Role.HTT_OFFICER)
    shown = officer.people.get(ids["person"])
    assert (shown.data.surname, shown.data.forenames, shown.data.date_of_birth, shown.data.facts) == (
        ERASED_NAME,
        "",
        None,
        "",
    )
    assert [r.surname for r in officer.people.listing(ids["ref"])] == [ERASED_NAME]
    assert officer.people.get(ids["other"]).data.surname == "Zielinska"
    [event] = auditor(backend_for).list(
        AuditQuery(entity="person", record_id=str(ids["person"]), action="erase")
    )
    assert event.reason == REASON
    assert "surname" in event.fields and "referrals:2" in event.fields
    assert not any(n.decode() in f"{event.fields} {event.reason}" for n in NAMES)
    assert ids["ref"] not in due_refs(manager, DUE)  # an erased record leaves the queue


def test_the_subject_access_export_after_erasure_holds_no_personal_field(
    backend_for: Backends, tmp_path: Any
) -> None:
    ids = world(backend_for)
    backend_for(Role.MANAGER).retention.erase(ids["person"], REASON)
    out = tmp_path / "after.json"
    backend_for(Role.HTT_OFFICER).subject_access.export(ids["ref"], "json", "Request SAR/9", out)
    text = out.read_text(encoding="utf-8")
    json.loads(text)
    assert [n for n in NAMES if n.decode() in text] == []
    assert ERASED_NAME in text


@pytest.mark.parametrize(
    ("reason", "field"),
    [
        ("", "reason"),
        ("x" * 1001, "reason"),
        ("erase\x1b[2J", "reason"),
        ("Ewa Nowak asked us to", "reason"),
        ("NOWAK asked us to", "reason"),
    ],
)
def test_a_bad_erase_is_refused_and_nothing_is_erased(backend_for: Backends, reason: str, field: str) -> None:
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    with pytest.raises(ValidationError) as raised:
        manager.retention.erase(ids["person"], reason)
    assert list(raised.value.fields) == [field]
    assert manager.people.get(ids["person"]).data.surname == "Nowak"
    assert auditor(backend_for).list(AuditQuery(action="erase")) == []


def test_nothing_new_is_written_against_an_erased_record(backend_for: Backends) -> None:
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    left_open = officer.people.get(ids["person"])  # a form opened before the erasure
    backend_for(Role.MANAGER).retention.erase(ids["person"], REASON)
    with pytest.raises(ConflictError, match="was erased on .*create a new record"):
        officer.people.update(
            ids["person"], left_open.version + 1, PersonInput(surname="NOWAK", forenames="Ewa")
        )
    with pytest.raises(ConflictError, match="was erased on"):
        officer.people.link(ids["person"], LinkRole.WITNESS, operation="Op Lantern")
    assert officer.people.get(ids["person"]).data.surname == ERASED_NAME


def test_erasing_twice_or_nobody_is_refused_in_words(backend_for: Backends) -> None:
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    manager.retention.erase(ids["person"], REASON)
    with pytest.raises(ConflictError, match="was erased on"):
        manager.retention.erase(ids["person"], REASON)
    with pytest.raises(ConflictError, match="nothing left to review"):
        service(manager, DUE).keep(ids["person"], "needed", DUE + timedelta(days=3))
    with pytest.raises(NotFoundError, match="There is no person P-999999"):
        manager.retention.erase_ref("P-999999", REASON)
    with pytest.raises(NotFoundError):
        manager.retention.erase(10**9, REASON)
    with pytest.raises(NotFoundError, match="no reference given"):
        manager.retention.erase_ref("  ", REASON)


def test_a_later_nrm_register_never_brings_an_erased_person_back(backend_for: Backends) -> None:
    """The NRM register is exported cumulatively: the next file names the erased person again. Their
    referrals are left out whole (counted in the summary), the rest of the file imports, and nothing of
    theirs is filled in again."""
    officer, manager = backend_for(Role.HTT_OFFICER), backend_for(Role.MANAGER)
    officer.import_nrm_file(str(DATA / "nrm_register.csv"))
    with officer.db.engine.connect() as conn:
        person = conn.execute(select(PERSON.c.id).where(PERSON.c.person_ref == "V-001")).scalar_one()
    manager.retention.erase(person, REASON)
    later = officer.import_nrm_file(str(DATA / "nrm_register_later.csv"))
    assert later.erased_left_out == 1  # NRM-23-001, V-001's referral in the later file
    assert "1 referral of erased people left out, their data stays erased" in later.describe()
    assert later.decisions_added > 0  # the other people's news still arrives
    erased = officer.people.get(person).data
    assert (erased.surname, erased.forenames, erased.date_of_birth) == (ERASED_NAME, "", None)
    assert not officer.import_nrm_file(str(DATA / "nrm_register_later.csv")).changed


def test_erasing_a_person_erases_the_duplicates_merged_into_them(
    backend_for: Backends, template: Template
) -> None:
    officer, manager = backend_for(Role.HTT_OFFICER), backend_for(Role.MANAGER)
    keep = officer.people.create(PersonInput(surname="KOWALCZYK", forenames="Marta"))
    other = officer.people.create(PersonInput(surname="KOWALCZYKOWA", forenames="Marta", aliases="Martusia"))
    third = officer.people.create(PersonInput(surname="KOVALCHUK", forenames="Marta"))
    officer.people.merge(other, third, "Same person: one passport, two spellings")
    officer.people.merge(keep, other, "Same person: one passport, two spellings")
    with pytest.raises(ConflictError, match="was merged into"):
        manager.retention.erase(third, REASON)
    with pytest.raises(ValidationError):  # a duplicate's name in the reason is refused like the kept one's
        manager.retention.erase(keep, "Asked for by Martusia herself")
    done = manager.retention.erase(keep, REASON)
    assert done.blanked["merged_records"] == 2
    with manager.db.engine.connect() as conn:
        rows = conn.execute(
            select(PERSON.c.surname, PERSON.c.forenames, PERSON.c.aliases, PERSON.c.erased_at).where(
                PERSON.c.id.in_((keep, other, third))
            )
        ).all()
    assert len(rows) == 3
    assert all((r.surname, r.forenames, r.aliases) == (ERASED_NAME, "", "") and r.erased_at for r in rows)
    if manager.db.path is not None:  # the laptop's file read back raw (a server's disk is the server's)
        disk = plaintext(manager.db.path, template.key)
        assert [n for n in (b"KOWALCZYK", b"KOVALCHUK", b"Martusia") if n in disk] == []
