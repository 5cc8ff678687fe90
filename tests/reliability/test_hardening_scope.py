"""Issue 10, item 6: every public method of every service, called as every role, against the matrix.

The services are found by introspection (every class in ``mshtdesk.services`` whose constructor takes
the database and the actor), so a method added without an expectation here fails
``test_every_public_service_method_has_an_expectation``. Each expectation names what the call needs from
the matrix (``mshtdesk.domain.roles``): an action on an entity, for a record in or out of the caller's
scope, or over every record of the force. Each call runs as each role on its own copy of one database
(a VLO and a Navigator with their people, and a second VLO and Navigator with theirs): where the matrix
allows it the call succeeds; where it refuses, the call raises PermissionDeniedError and the database,
its key file and its folder are exactly as they were.

Every call runs on both engines: the laptop's encrypted file (each call on its own copy) and a team
server (a database of its own, ``mshtdesk_test_scope``, built once and put back to its snapshot before
each call: tests/postgres.py). Without ``MSHTDESK_TEST_PG_URL`` the server half skips with the reason. A
server has no file backups and no data key: the calls about those, where the matrix allows them, meet
the refusal their ``on_server`` names (checked after the permission, so a refused role still learns
nothing but that it is refused).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mshtdesk.demo.users import DEMO_USERS
from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import (
    ADM,
    PERMISSIONS,
    A,
    Action,
    C,
    E,
    Entity,
    R,
    RecordScope,
    Role,
    Scope,
    U,
    X,
    may,
)
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    NavigatorCloseReason,
    NavigatorNeed,
)
from mshtdesk.errors import MshtError, PermissionDeniedError
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, RenderedReport, ReportKind, ReportRequest
from mshtdesk.services.contacts import ContactFilter, ContactInput
from mshtdesk.services.haven import StayFilter, StayInput
from mshtdesk.services.list_disclosure import LISTS, ListOutput
from mshtdesk.services.navigator import NavigatorCaseInput, NavigatorFilter
from mshtdesk.services.nrm import ReferralInput, ReferralQuery
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput, ArrestQuery
from mshtdesk.services.users import UserService, create_database
from mshtdesk.store.database import Database, open_database
from tests import postgres
from tests.both_engines import ENGINES
from tests.conftest import DATA, SEED_EXPORT, USERS, Template
from tests.service_classes import public_methods, service_classes

D = date(2024, 5, 10)
HOLIDAY = date(2030, 12, 27)
OWN, OTHER, OWN_FRESH, OTHER_FRESH = "own", "other", "own_fresh", "other_fresh"
CASE = NavigatorCaseInput(
    referral_date=date(2024, 5, 2),
    referral_source="HTT",
    consent=True,
    needs=frozenset({NavigatorNeed.HEALTH}),
)
CUSTODY_CSV = (
    "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    "SCOPE-IMPORT,2024-05-10,BD,,O1,MSA s.2,RUI,2024-05-10\n"
)
SECOND = "second-colleague-passphrase"


def referral(person_id: int | None, **kw: Any) -> ReferralInput:
    base = ReferralInput(
        route=Route.NRM,
        age_at_referral=AgeAtReferral.ADULT,
        submitted_date=date(2024, 5, 1),
        person_id=person_id,
        consents=True,
        exploitation=frozenset({ExploitationType.LABOUR}),
        crime_ref="13/900001/24",
    )
    return replace(base, **kw)


def _contact_of(e: Env, who: str) -> int:
    """The contact the person's own VLO logged for them (OWN: the demo VLO's; OTHER: vlo2's)."""
    with e.db.engine.connect() as conn:
        found = conn.execute(
            text("SELECT id FROM vlo_contact WHERE person_id = :p"), {"p": e.w.person[who]}
        ).scalar_one()
    return int(found)


def _link_of(e: Env, who: str) -> int:
    """A link of the person to the world's arrest, made on this call's copy."""
    with e.db.engine.begin() as conn:
        found = conn.execute(
            text(
                "INSERT INTO person_link (person_id, arrest_id, operation, role, created_at) "
                "VALUES (:p, :a, '', 'confirmed_victim', :t) RETURNING id"
            ),
            {"p": e.w.person[who], "a": e.w.arrest, "t": NOW.replace(tzinfo=None)},
        ).scalar_one()
    return int(found)


def _milestone_of(e: Env, who: str) -> int:
    """A milestone on a link of the person, recorded by the caller (so only the matrix can refuse)."""
    link = _link_of(e, who)
    with e.db.engine.begin() as conn:
        found = conn.execute(
            text(
                "INSERT INTO engagement_milestone (link_id, milestone, milestone_date, reason, recorded_at, "
                "recorded_by, withdraw_reason) VALUES (:l, 'engaged_at_charge', :d, '', :t, :u, '') "
                "RETURNING id"
            ),
            {"l": link, "d": D, "t": NOW.replace(tzinfo=None), "u": e.w.user[USERS[e.role].username]},
        ).scalar_one()
    return int(found)


def _person_ref(e: Env, who: str) -> str:
    with e.db.engine.connect() as conn:
        return str(
            conn.execute(
                text("SELECT person_ref FROM person WHERE id = :p"), {"p": e.w.person[who]}
            ).scalar_one()
        )


def report(kind: ReportKind) -> ReportRequest:
    return ReportRequest(kind, date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 1))


# ----- the database every call starts from --------------------------------------------------------
@dataclass(frozen=True)
class World:
    """What the shared database holds, by name: ids of people in and out of each scoped user's scope."""

    engine: str  # "sqlite" or "postgresql"
    path: Path | None  # the file every call copies (SQLite)
    key: bytes
    user: dict[str, int]  # user name -> id
    person: dict[str, int]  # OWN / OWN_FRESH: the demo VLO's and Navigator's; OTHER*: vlo2's, navigator2's
    version: dict[str, int]  # "person:own", "referral:own", "case:own", "stay:own", "arrest"
    arrest: int
    offence: int
    event: int
    referral: dict[str, int]
    referral_ref: dict[str, str]
    decision: dict[str, int]
    case: dict[str, int]
    stay: dict[str, int]
    own_bed: int  # the bed of the own person's stay
    free_bed: int
    retired_bed: int
    run: int
    rendered: dict[ReportKind, RenderedReport]
    ranking: list[str]

    snapshot: postgres.PgSnapshot | None = field(default=None, repr=False, compare=False)

    def open_copy(self, folder: Path) -> Database:
        """This call's own copy: the file copied into ``folder``, or the server put back to its snapshot."""
        if self.snapshot is not None:
            self.snapshot.reset()
            return Database(self.snapshot.url)
        assert self.path is not None
        path = folder / "scope.db"
        shutil.copyfile(self.path, path)
        shutil.copyfile(keyring_path(self.path), keyring_path(path))
        return open_database(str(path), key=self.key)

    def scope(self, person: str) -> RecordScope:
        mine = person in (OWN, OWN_FRESH)
        vlo, navigator = ("vlo", "navigator") if mine else ("vlo2", "navigator2")
        return RecordScope(frozenset({self.user[vlo]}), frozenset({self.user[navigator]}))


def _build(db: Database, key: bytes, path: Path | None) -> World:
    as_ = {u: Backend.as_user(db, u) for u in ("admin", "officer", "manager")}
    admin, officer, manager = as_["admin"], as_["officer"], as_["manager"]
    admin.users.add_user("vlo2", "Second liaison officer", Role.VLO, SECOND)
    admin.users.add_user("navigator2", "Second Navigator", Role.NAVIGATOR, SECOND)
    user = {u.username: u.id for u in admin.users.list_users()}
    beds = [admin.haven.add_bed(f"Bed {n}") for n in "ABCD"]
    admin.haven.retire_bed(beds[3])
    admin.calendar.add(HOLIDAY, label="Force training day")
    ranking = [t.code for t in admin.reference.disposal_types()]

    arrest = officer.register.create_arrest(ArrestInput("SCOPE-1", D, "BD"), [("O1", "MSA s.2")])
    offence = officer.register.get(arrest).offences[0].id
    event = officer.register.append_event(offence, "RUI", D)
    person, referral_id, referral_ref, decision, case, stay = {}, {}, {}, {}, {}, {}
    now = datetime.now(UTC)
    for name, vlo, navigator in (
        (OWN, "vlo", "navigator"),
        (OTHER, "vlo2", "navigator2"),
        (OWN_FRESH, "vlo", "navigator"),
        (OTHER_FRESH, "vlo2", "navigator2"),
    ):
        pid = officer.people.create(PersonInput(surname=f"Scope {name}", forenames="Test"))
        officer.people.assign_vlo(pid, vlo)
        officer.people.add_supporter(pid, navigator)
        person[name] = pid
        if name in (OWN, OTHER):
            rid = officer.nrm.create(referral(pid))
            referral_id[name] = rid
            referral_ref[name] = officer.nrm.get(rid).referral_ref
            decision[name] = officer.nrm.add_decision(
                rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 7)
            )
            case[name] = Backend.as_user(db, navigator).navigator.create(pid, CASE)
            Backend.as_user(db, vlo).contacts.add(
                ContactInput(pid, now - timedelta(hours=2), ContactMethod.PHONE, ContactPurpose.WELFARE)
            )
            stay[name] = Backend.as_user(db, "haven").haven.admit(
                StayInput(beds[0 if name == OWN else 1], now - timedelta(days=1), person_id=pid)
            )
    run, _ = manager.reports.produce(report(ReportKind.DISPOSALS), OutputFormat.JSON, "t.json", "setting up")
    rendered = {kind: manager.reports.render(report(kind)) for kind in ReportKind}
    nav, haven = Backend.as_user(db, "navigator"), Backend.as_user(db, "haven")
    version = {
        "person:own": officer.people.get(person[OWN]).version,
        "referral:own": officer.nrm.get(referral_id[OWN]).version,
        "referral:other": officer.nrm.get(referral_id[OTHER]).version,
        "case:own": nav.navigator.get(case[OWN]).version,
        "case:other": Backend.as_user(db, "navigator2").navigator.get(case[OTHER]).version,
        "stay:own": haven.haven.get(stay[OWN]).version,
        "arrest": officer.register.get(arrest).version,
        "person:other": officer.people.get(person[OTHER]).version,
    }
    return World(
        engine="sqlite" if path is not None else "postgresql",
        path=path,
        key=key,
        user=user,
        person=person,
        version=version,
        arrest=arrest,
        offence=offence,
        event=event,
        referral=referral_id,
        referral_ref=referral_ref,
        decision=decision,
        case=case,
        stay=stay,
        own_bed=beds[0],
        free_bed=beds[2],
        retired_bed=beds[3],
        run=run.id,
        rendered=rendered,
        ranking=ranking,
    )


SCOPE_DB = "mshtdesk_test_scope"


def _server_world() -> tuple[str, Database]:
    """A database of its own on the scratch server (so the shared site snapshot is left alone), migrated
    with one demo user per role, as ``pg_snapshot`` makes it; skips with the reason without a server."""
    address = postgres.site_database(SCOPE_DB)
    admin = USERS[Role.ADMINISTRATOR]
    db, actor = create_database(address, admin.username, admin.password, display_name="Test administrator")
    users = UserService(db, actor)
    for user in DEMO_USERS[1:]:
        users._add_user(user.username, f"Test {user.role.label.lower()}", user.role, user.password)
    return address, db


@pytest.fixture(scope="module", params=ENGINES)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template: Template
) -> Iterator[World]:
    """Built once per engine for the module through the services themselves; each call gets a copy (a
    copied file, or the server put back to the snapshot taken here)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("scope-world") / "world.db"
        shutil.copyfile(template.path, path)
        shutil.copyfile(keyring_path(template.path), keyring_path(path))
        db = open_database(str(path), key=template.key)
        try:
            built = _build(db, template.key, path)
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
        yield built
        return
    address, db = _server_world()
    try:
        built = _build(db, b"", None)
    finally:
        db.close()
    snapshot = postgres.PgSnapshot(address)
    snapshot.take()
    try:
        yield replace(built, snapshot=snapshot)
    finally:
        snapshot.close()


@dataclass
class Env:
    """One call's surroundings: the shared ids, its own copy of the database, its folder and role."""

    w: World
    db: Database
    here: Path
    role: Role
    made: dict[str, Any] = field(default_factory=dict)

    def as_(self, username: str) -> Backend:
        """Another user on the same copy, to set something up before the call."""
        return Backend.as_user(self.db, username)


# ----- what each method needs ---------------------------------------------------------------------
@dataclass(frozen=True)
class Need:
    """``action`` on ``entity``; for ``person``'s record (their scope applies), or over every record."""

    action: Action
    entity: Entity
    person: str | None = None
    everywhere: bool = False

    def met(self, role: Role, user_id: int, w: World) -> bool:
        if self.everywhere:
            grant = PERMISSIONS[role].get(self.entity)
            return grant is not None and self.action in grant[0] and grant[1] is Scope.ALL
        return may(role, user_id, self.action, self.entity, w.scope(self.person) if self.person else None)


def need(action: Action, entity: Entity, person: str | None = None) -> Need:
    return Need(action, entity, person)


def everywhere(action: Action, entity: Entity) -> Need:
    return Need(action, entity, everywhere=True)


Args = tuple[tuple[Any, ...], dict[str, Any]]


def call(*args: Any, **kwargs: Any) -> Args:
    return args, kwargs


@dataclass(frozen=True)
class Case:
    service: str
    method: str
    needs: tuple[Need | tuple[Need, ...], ...]  # all of them; a tuple inside: any one of those
    args: Callable[[Env], Args] = lambda _env: ((), {})
    label: str = ""
    why: str = ""  # with no needs: why any logged-in user may
    other_refusals: bool = False  # allowed roles may still meet a refusal that is not about permission
    on_server: str = ""  # on a team server, allowed roles meet this refusal instead (not about permission)

    @property
    def id(self) -> str:
        return f"{self.service}.{self.method}" + (f"[{self.label}]" if self.label else "")

    def allowed(self, role: Role, w: World) -> bool:
        uid = w.user[USERS[role].username]
        return all(
            any(n.met(role, uid, w) for n in item) if isinstance(item, tuple) else item.met(role, uid, w)
            for item in self.needs
        )


def open_to_all(service: str, method: str, why: str, args: Callable[[Env], Args] | None = None) -> Case:
    return Case(service, method, (), args or (lambda _env: ((), {})), why=why)


#: Methods that are not called as a logged-in user (they make the user): declared, not run here.
NOT_ACTOR = {
    ("Backend", "login"): "authenticates; tests/services/test_security.py covers it",
    ("Backend", "create"): "creates a database and its first administrator",
    ("Backend", "as_user"): "the already-authenticated user on an unlocked database (tests, demo switcher)",
}

OUTCOMES_CSV = f"custody_ref,offence_ref,outcome,outcome_date\nSCOPE-1,O1,convicted,{D.isoformat()}\n"


def _outcomes_file(here: Path) -> Path:
    path = here / "outcomes.csv"
    path.write_text(OUTCOMES_CSV, encoding="utf-8")
    return path


def _outcome(e: Env) -> int:
    """An outcome of the shared offence, recorded by the officer before the call."""
    return e.as_("officer").outcomes.record_outcome(e.w.offence, "convicted", D)


NO_BACKUPS = "This is a team database on a server: its administrators back it up there (pg_dump)"


def _a_backup(e: Env) -> str:
    """A backup the administrator took before the call; a server has none (the call is refused first)."""
    if e.w.engine != "sqlite":
        return str(e.here / "no-such-backup.db")
    return e.as_("admin").backups.create("setup").path


SEARCHED = (Entity.PERSON, Entity.ARREST, Entity.NRM_REFERRAL, Entity.VLO_CONTACT)
PERSON_CHANGES = PersonInput(surname="Scope own", forenames="Changed")
NOW = datetime.now(UTC)

CASES: list[Case] = [
    # ----- Backend --------------------------------------------------------------------------------
    open_to_all("Backend", "describe", "names the database file, which the user opened"),
    Case("Backend", "disposal_table", (need(R, Entity.DISPOSAL_REPORT),), lambda e: call(D, D, D)),
    Case(
        "Backend",
        "export_disposal_table",
        (need(E, Entity.DISPOSAL_REPORT),),
        lambda e: call(D, D, D, "COM meeting"),
    ),
    Case(
        "Backend", "import_custody", (need(C, Entity.ARREST),), lambda e: call(CUSTODY_CSV.encode(), "x.csv")
    ),
    Case("Backend", "import_file", (need(C, Entity.ARREST),), lambda e: call(str(SEED_EXPORT))),
    Case(
        "Backend", "import_kind_file", (need(C, Entity.ARREST),), lambda e: call("custody", str(SEED_EXPORT))
    ),
    open_to_all("Backend", "may_import", "answers whether the user may; no data", lambda e: call("nrm")),
    Case(
        "Backend",
        "import_nrm",
        (need(C, Entity.NRM_REFERRAL), need(C, Entity.PERSON)),
        lambda e: call((DATA / "nrm_register.csv").read_bytes(), "register.csv"),
    ),
    Case(
        "Backend",
        "import_nrm_file",
        (need(C, Entity.NRM_REFERRAL), need(C, Entity.PERSON)),
        lambda e: call(str(DATA / "nrm_register.csv")),
    ),
    Case(
        "Backend",
        "import_outcomes",
        (need(A, Entity.ARREST),),
        lambda e: call(OUTCOMES_CSV.encode(), "outcomes.csv"),
    ),
    Case(
        "Backend",
        "import_outcomes_file",
        (need(A, Entity.ARREST),),
        lambda e: call(str(_outcomes_file(e.here))),
    ),
    open_to_all(
        "Backend", "unlock", "the same user's own password again", lambda e: call(USERS[e.role].password)
    ),
    open_to_all("Backend", "lock", "the user's own session"),
    open_to_all("Backend", "logout", "the user's own session"),
    open_to_all("Backend", "close", "the user's own session"),
    # ----- audit log ------------------------------------------------------------------------------
    Case("AuditService", "verify", (need(R, Entity.AUDIT_LOG),)),
    Case("AuditService", "list", (need(R, Entity.AUDIT_LOG),), lambda e: call(AuditQuery())),
    Case(
        "AuditService",
        "list",
        (need(R, Entity.AUDIT_LOG), need(E, Entity.AUDIT_LOG)),
        lambda e: call(AuditQuery(), reason="subject access request"),
        label="export",
    ),
    # ----- backups (any user takes one: the copy is as encrypted as the file) ---------------------
    open_to_all("BackupService", "network_warning", "advice about where the file is; no data"),
    open_to_all("BackupService", "available", "whether the database is a file; no data"),
    Case("BackupService", "folder", (need(R, Entity.REFERENCE),), on_server=NO_BACKUPS),
    Case(
        "BackupService",
        "set_folder",
        (need(ADM, Entity.REFERENCE),),
        lambda e: call(str(e.here / "elsewhere")),
        on_server=NO_BACKUPS,
    ),
    Case(
        "BackupService",
        "create",
        (need(R, Entity.REFERENCE),),
        lambda e: call("manual"),
        on_server=NO_BACKUPS,
    ),
    Case("BackupService", "due_today", (need(R, Entity.REFERENCE),)),  # a server: never due, nothing made
    Case("BackupService", "daily", (need(R, Entity.REFERENCE),)),  # a server: never due, nothing made
    Case("BackupService", "list", (need(R, Entity.REFERENCE),), on_server=NO_BACKUPS),
    Case(
        "BackupService",
        "verify",
        (need(R, Entity.REFERENCE),),
        lambda e: call(_a_backup(e)),
        on_server=NO_BACKUPS,  # a server has no key to open a backup file with (it said "BAD" of any)
    ),
    Case("BackupService", "prune", (need(R, Entity.REFERENCE),), on_server=NO_BACKUPS),
    Case(
        "BackupService",
        "restore",
        (need(ADM, Entity.REFERENCE),),
        lambda e: call(_a_backup(e)),
        on_server=NO_BACKUPS,
    ),
    Case(
        "BackupService",
        "restore_latest_good",
        (need(ADM, Entity.REFERENCE),),
        lambda e: (_a_backup(e), call())[1],
        on_server=NO_BACKUPS,
    ),
    # ----- calendar -------------------------------------------------------------------------------
    Case("CalendarService", "list", (need(R, Entity.REFERENCE),)),
    Case("CalendarService", "calendar", (need(R, Entity.REFERENCE),)),
    Case(
        "CalendarService",
        "add",
        (need(ADM, Entity.REFERENCE),),
        lambda e: call(date(2031, 1, 2), label="Training day"),
    ),
    Case("CalendarService", "remove", (need(ADM, Entity.REFERENCE),), lambda e: call(HOLIDAY)),
    # ----- reports: the COM summary also needs the whole force's victim-pathway records -----------
    open_to_all(
        "ReportService", "may_run", "answers whether the user may; no data", lambda e: call(ReportKind.COM)
    ),
    *(
        Case(
            "ReportService",
            method,
            (
                need(action, Entity.DISPOSAL_REPORT),
                *(
                    everywhere(action, entity)
                    for entity in (
                        Entity.NRM_REFERRAL,
                        Entity.NAVIGATOR_CASE,
                        Entity.HAVEN_STAY,
                        Entity.VLO_CONTACT,
                    )
                    if kind is ReportKind.COM
                ),
            ),
            args,
            label=kind.value,
        )
        for method, action, kind, args in (
            ("build", R, ReportKind.COM, lambda e: call(report(ReportKind.COM))),
            ("render", R, ReportKind.COM, lambda e: call(report(ReportKind.COM))),
            ("render", R, ReportKind.DISPOSALS, lambda e: call(report(ReportKind.DISPOSALS))),
            (
                "disclose",
                E,
                ReportKind.COM,
                lambda e: call(e.w.rendered[ReportKind.COM], OutputFormat.JSON, "c.json", "COM meeting"),
            ),
            (
                "disclose",
                E,
                ReportKind.DISPOSALS,
                lambda e: call(e.w.rendered[ReportKind.DISPOSALS], OutputFormat.PDF, "d.pdf", "COM meeting"),
            ),
            (
                "produce",
                E,
                ReportKind.COM,
                lambda e: call(report(ReportKind.COM), OutputFormat.JSON, "c.json", "COM meeting"),
            ),
            (
                "produce",
                E,
                ReportKind.DISPOSALS,
                lambda e: call(report(ReportKind.DISPOSALS), OutputFormat.JSON, "d.json", "COM meeting"),
            ),
            ("regenerate", E, ReportKind.DISPOSALS, lambda e: call(e.w.run, "COM meeting again")),
            ("revisions", R, ReportKind.DISPOSALS, lambda e: call(e.w.run)),
        )
    ),
    Case("ReportService", "count", (need(R, Entity.DISPOSAL_REPORT),)),
    Case("ReportService", "history", (need(R, Entity.DISPOSAL_REPORT),)),
    Case("ReportService", "get", (need(R, Entity.DISPOSAL_REPORT),), lambda e: call(e.w.run)),
    # ----- VLO contacts ---------------------------------------------------------------------------
    open_to_all("ContactService", "now", "the clock"),
    Case("ContactService", "count", (need(R, Entity.VLO_CONTACT),), lambda e: call(ContactFilter())),
    Case("ContactService", "list", (need(R, Entity.VLO_CONTACT),), lambda e: call(ContactFilter())),
    *(
        Case(
            "ContactService",
            "list",
            (need(R, Entity.VLO_CONTACT, who),),
            lambda e, who=who: call(ContactFilter(person_id=e.w.person[who])),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "ContactService",
            "add",
            (need(C, Entity.VLO_CONTACT, who),),
            lambda e, who=who: call(
                ContactInput(
                    e.w.person[who], NOW - timedelta(minutes=30), ContactMethod.VIDEO, ContactPurpose.WELFARE
                )
            ),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "ContactService",
            "correct",
            (need(A, Entity.VLO_CONTACT, who),),
            lambda e, who=who: call(
                _contact_of(e, who),
                ContactInput(
                    e.w.person[who], NOW - timedelta(minutes=40), ContactMethod.VIDEO, ContactPurpose.WELFARE
                ),
                "Wrong method typed",
            ),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "ContactService",
            "withdraw",
            (need(A, Entity.VLO_CONTACT, who),),
            lambda e, who=who: call(_contact_of(e, who), "Logged in error"),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    Case("ContactService", "interval_days", (need(R, Entity.VLO_CONTACT),)),
    # ----- engagement milestones -------------------------------------------------------------------
    open_to_all("EngagementService", "now", "the clock"),
    *(
        Case(
            "EngagementService",
            "links",
            (need(R, Entity.ENGAGEMENT, who),),
            lambda e, who=who: call(e.w.person[who]),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "EngagementService",
            "record",
            (need(C, Entity.ENGAGEMENT, who),),
            lambda e, who=who: call(e.w.person[who], _link_of(e, who), "engaged_first_account", D),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "EngagementService",
            "record_by_refs",
            (need(C, Entity.ENGAGEMENT, who),),
            lambda e, who=who: (
                _link_of(e, who),
                call(_person_ref(e, who), "disengaged", D, custody_ref="SCOPE-1", reason="Moved away"),
            )[1],
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    *(
        Case(
            "EngagementService",
            "withdraw",
            (need(A, Entity.ENGAGEMENT, who),),
            lambda e, who=who: call(_milestone_of(e, who), "Entered in error"),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    # ----- Haven House (beds are reference data an administrator configures) ----------------------
    open_to_all("HavenService", "now", "the clock"),
    Case("HavenService", "beds", ((need(R, Entity.HAVEN_STAY), need(ADM, Entity.REFERENCE)),)),
    Case("HavenService", "add_bed", (need(ADM, Entity.REFERENCE),), lambda e: call("Bed Z", "Room 9")),
    Case("HavenService", "retire_bed", (need(ADM, Entity.REFERENCE),), lambda e: call(e.w.free_bed)),
    Case("HavenService", "restore_bed", (need(ADM, Entity.REFERENCE),), lambda e: call(e.w.retired_bed)),
    Case("HavenService", "count", (need(R, Entity.HAVEN_STAY),), lambda e: call(StayFilter())),
    Case("HavenService", "stays", (need(R, Entity.HAVEN_STAY),), lambda e: call(StayFilter(in_house=False))),
    Case("HavenService", "get", (need(R, Entity.HAVEN_STAY),), lambda e: call(e.w.stay[OWN])),
    Case(
        "HavenService",
        "admit",
        (need(C, Entity.HAVEN_STAY),),
        lambda e: call(StayInput(e.w.free_bed, NOW - timedelta(hours=1), person_id=e.w.person[OTHER_FRESH])),
    ),
    Case(
        "HavenService",
        "update",
        (need(U, Entity.HAVEN_STAY),),
        lambda e: call(
            e.w.stay[OWN],
            e.w.version["stay:own"],
            StayInput(e.w.own_bed, NOW - timedelta(days=1), person_id=e.w.person[OWN], notes="moved rooms"),
        ),
    ),
    Case(
        "HavenService",
        "discharge",
        (need(U, Entity.HAVEN_STAY),),
        lambda e: call(
            e.w.stay[OWN],
            e.w.version["stay:own"],
            NOW - timedelta(minutes=5),
            DischargeDestination.PLACE_OF_SAFETY,
        ),
    ),
    Case(
        "HavenService", "occupancy", (need(R, Entity.HAVEN_STAY),), lambda e: call(D, D + timedelta(days=30))
    ),
    # ----- Navigator cases ------------------------------------------------------------------------
    open_to_all("NavigatorService", "today", "the clock"),
    Case("NavigatorService", "count", (need(R, Entity.NAVIGATOR_CASE),), lambda e: call(NavigatorFilter())),
    Case("NavigatorService", "list", (need(R, Entity.NAVIGATOR_CASE),), lambda e: call(NavigatorFilter())),
    *(
        case
        for who, fresh in ((OWN, OWN_FRESH), (OTHER, OTHER_FRESH))
        for case in (
            Case(
                "NavigatorService",
                "get",
                (need(R, Entity.NAVIGATOR_CASE, who),),
                lambda e, who=who: call(e.w.case[who]),
                label=who,
            ),
            Case(
                "NavigatorService",
                "create",
                (need(C, Entity.NAVIGATOR_CASE, fresh),),
                lambda e, fresh=fresh: call(e.w.person[fresh], CASE),
                label=fresh,
            ),
            Case(
                "NavigatorService",
                "update",
                (need(U, Entity.NAVIGATOR_CASE, who),),
                lambda e, who=who: call(
                    e.w.case[who], e.w.version[f"case:{who}"], replace(CASE, notes="Seen")
                ),
                label=who,
            ),
            Case(
                "NavigatorService",
                "close",
                (need(U, Entity.NAVIGATOR_CASE, who),),
                lambda e, who=who: call(
                    e.w.case[who],
                    e.w.version[f"case:{who}"],
                    date.today(),
                    NavigatorCloseReason.SUPPORT_COMPLETE,
                ),
                label=who,
            ),
        )
    ),
    # Naming another Navigator puts the person in their scope: a change of scope, for the whole force's
    # updaters of people (who refer victims to Navigators), not for a Navigator.
    Case(
        "NavigatorService",
        "create",
        (need(C, Entity.NAVIGATOR_CASE, OWN_FRESH), everywhere(U, Entity.PERSON)),
        lambda e: call(e.w.person[OWN_FRESH], CASE, navigator="navigator2"),
        label="for another Navigator",
    ),
    # ----- NRM referrals --------------------------------------------------------------------------
    open_to_all("NrmService", "today", "the clock"),
    Case("NrmService", "count", (need(R, Entity.NRM_REFERRAL),), lambda e: call(ReferralQuery())),
    Case("NrmService", "list", (need(R, Entity.NRM_REFERRAL),), lambda e: call(ReferralQuery())),
    Case("NrmService", "find_id", (need(R, Entity.NRM_REFERRAL),), lambda e: call(e.w.referral_ref[OTHER])),
    Case(
        "NrmService",
        "create",
        (need(C, Entity.NRM_REFERRAL), need(C, Entity.PERSON)),
        lambda e: call(referral(None, new_person=PersonInput(surname="Newly", forenames="Referred"))),
        label="new person",
    ),
    *(
        case
        for who in (OWN, OTHER)
        for case in (
            Case(
                "NrmService",
                "get",
                (need(R, Entity.NRM_REFERRAL, who),),
                lambda e, who=who: call(e.w.referral[who]),
                label=who,
            ),
            Case(
                "NrmService",
                "create",
                (need(C, Entity.NRM_REFERRAL, who),),
                lambda e, who=who: call(referral(e.w.person[who], referral_ref=f"NRM-SECOND-{who}")),
                label=who,
            ),
            Case(
                "NrmService",
                "update",
                (need(U, Entity.NRM_REFERRAL, who),),
                lambda e, who=who: call(
                    e.w.referral[who],
                    e.w.version[f"referral:{who}"],
                    referral(e.w.person[who], notes="Checked"),
                ),
                label=who,
            ),
            Case(
                "NrmService",
                "add_decision",
                (need(A, Entity.NRM_REFERRAL, who),),
                lambda e, who=who: call(
                    e.w.referral[who],
                    DecisionKind.CG,
                    Outcome.POSITIVE_TRAFFICKING,
                    date(2024, 7, 1),
                    confirm_warnings=True,
                ),
                label=who,
            ),
            Case(
                "NrmService",
                "void_decision",
                (need(A, Entity.NRM_REFERRAL, who),),
                lambda e, who=who: call(e.w.decision[who], "typed on the wrong referral"),
                label=who,
            ),
        )
    ),
    # ----- a person's pathway ---------------------------------------------------------------------
    open_to_all("PathwayService", "today", "the clock"),
    open_to_all("PathwayService", "now", "the clock"),
    *(
        Case(
            "PathwayService",
            "timeline",
            (need(R, Entity.PERSON, who),),
            lambda e, who=who: call(e.w.person[who]),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    # ----- people: only a role that may update anyone changes who sees a person ------------------
    Case("PeopleService", "count", (need(R, Entity.PERSON),)),
    Case("PeopleService", "list", (need(R, Entity.PERSON),), lambda e: call(vlo="vlo2")),
    Case("PeopleService", "duplicates", (need(R, Entity.PERSON),)),
    Case("PeopleService", "vlo_choices", (everywhere(U, Entity.PERSON),)),
    Case("PeopleService", "navigator_choices", (everywhere(U, Entity.PERSON),)),
    Case(
        "PeopleService", "create", (need(C, Entity.PERSON),), lambda e: call(PersonInput(surname="Newcomer"))
    ),
    Case(
        "PeopleService",
        "create",
        (need(C, Entity.PERSON),),
        lambda e: call(PersonInput(surname="Newcomer"), link=(LinkRole.WITNESS, None, "Op Heron")),
        label="linked to an operation",
    ),
    Case(
        "PeopleService",
        "create",
        (need(C, Entity.PERSON), need(R, Entity.ARREST)),
        lambda e: call(PersonInput(surname="Newcomer"), link=(LinkRole.POTENTIAL_VICTIM, e.w.arrest, "")),
        label="linked to an arrest",
    ),
    *(
        case
        for who in (OWN, OTHER)
        for case in (
            Case(
                "PeopleService",
                "get",
                (need(R, Entity.PERSON, who),),
                lambda e, who=who: call(e.w.person[who]),
                label=who,
            ),
            Case(
                "PeopleService",
                "update",
                (need(U, Entity.PERSON, who),),
                lambda e, who=who: call(e.w.person[who], e.w.version[f"person:{who}"], PERSON_CHANGES),
                label=who,
            ),
            Case(
                "PeopleService",
                "link",
                (need(U, Entity.PERSON, who), need(R, Entity.ARREST)),
                lambda e, who=who: call(e.w.person[who], LinkRole.CONFIRMED_VICTIM, e.w.arrest),
                label=f"{who} to an arrest",
            ),
            Case(
                "PeopleService",
                "link",
                (need(U, Entity.PERSON, who),),
                lambda e, who=who: call(e.w.person[who], LinkRole.WITNESS, None, "Op Heron"),
                label=f"{who} to an operation",
            ),
        )
    ),
    Case(
        "PeopleService",
        "assign_vlo",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OWN], "vlo2"),
        label="own victim to another VLO",
    ),
    Case(
        "PeopleService",
        "assign_vlo",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OWN], None),
        label="own victim to nobody",
    ),
    Case(
        "PeopleService",
        "assign_vlo",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OTHER], "vlo"),
        label="another VLO's victim to oneself",
    ),
    Case(
        "PeopleService",
        "add_supporter",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OWN], "navigator2"),
        label="own person to another Navigator",
    ),
    Case(
        "PeopleService",
        "add_supporter",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OTHER], "navigator"),
        label="unreferred person to the demo Navigator",
    ),
    Case(
        "PeopleService",
        "supporters",
        (everywhere(U, Entity.PERSON),),
        lambda e: call(e.w.person[OWN]),
        label="who supports a person, to end a referral",
    ),
    *(
        Case(
            "PeopleService",
            "end_support",
            (everywhere(U, Entity.PERSON),),
            lambda e, who=who, nav=nav: call(e.w.person[who], nav, "Moved out of the force area"),
            label=f"{who} person's Navigator referral",
        )
        for who, nav in ((OWN, "navigator"), (OTHER, "navigator2"))
    ),
    Case("PeopleService", "listing", (need(R, Entity.PERSON),), lambda e: call("Scope")),
    Case("PeopleService", "find_id", (need(R, Entity.PERSON),), lambda e: call("P-000001")),
    # Merging moves every record of one person to another: a change of scope, for the whole force's
    # mergers (HTT officers and managers), never a role scoped to its own people.
    Case(
        "PeopleService",
        "merge_preview",
        (everywhere(Action.MERGE, Entity.PERSON),),
        lambda e: call(e.w.person[OWN_FRESH], e.w.person[OTHER_FRESH]),
    ),
    *(
        Case(
            "PeopleService",
            "merge",
            (everywhere(Action.MERGE, Entity.PERSON),),
            lambda e, keep=keep, other=other: call(e.w.person[keep], e.w.person[other], "Same person"),
            label=f"{other} into {keep}",
        )
        for keep, other in ((OWN, OTHER), (OTHER_FRESH, OWN_FRESH))
    ),
    Case(
        "PeopleService",
        "unmerge",
        (everywhere(Action.MERGE, Entity.PERSON),),
        lambda e: call(
            e.as_("officer").people.merge(e.w.person[OWN], e.w.person[OTHER], "Same person").event_id,
            "Not the same person after all",
        ),
    ),
    # ----- the global search: any kind the role reads, each within its scope ----------------------
    open_to_all("SearchService", "kinds", "names the kinds of record the role may search; no data"),
    *(
        Case(
            "SearchService",
            method,
            (tuple(need(R, entity) for entity in SEARCHED),),
            lambda e: call("Scope"),
        )
        for method in ("find", "listing")
    ),
    # ----- subject access: exporting a person needs sight of every section of their record ---------
    open_to_all("SubjectAccessService", "may_export", "answers whether the user may; no data"),
    *(
        Case(
            "SubjectAccessService",
            "export",
            (
                need(E, Entity.PERSON, who),
                need(R, Entity.ARREST),
                *(
                    need(R, entity, who)
                    for entity in (
                        Entity.NRM_REFERRAL,
                        Entity.NAVIGATOR_CASE,
                        Entity.HAVEN_STAY,
                        Entity.VLO_CONTACT,
                    )
                ),
            ),
            lambda e, who=who: call(
                f"P-{e.w.person[who]:06d}", "json", "Subject access request", e.here / "sar.json"
            ),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    # ----- printing a pathway: a disclosure like subject access, needing sight of every section ------
    open_to_all("PathwayPrintService", "may_print", "answers whether the user may; no data"),
    *(
        Case(
            "PathwayPrintService",
            "print_pathway",
            (
                need(E, Entity.PERSON, who),
                need(R, Entity.ARREST),
                *(
                    need(R, entity, who)
                    for entity in (
                        Entity.NRM_REFERRAL,
                        Entity.NAVIGATOR_CASE,
                        Entity.HAVEN_STAY,
                        Entity.VLO_CONTACT,
                    )
                ),
            ),
            lambda e, who=who: call(e.w.person[who], "Case conference", e.here / "pathway.pdf"),
            label=who,
        )
        for who in (OWN, OTHER)
    ),
    # ----- retention: administrators set the rules, managers keep or erase -------------------------
    open_to_all("RetentionService", "today", "the clock"),
    Case("RetentionService", "rules", (need(R, Entity.RETENTION_RULE),)),
    Case("RetentionService", "set_rule", (need(U, Entity.RETENTION_RULE),), lambda e: call("stay", 8)),
    Case("RetentionService", "count_due", (need(R, Entity.RETENTION_REVIEW), need(R, Entity.PERSON))),
    Case("RetentionService", "due", (need(R, Entity.RETENTION_REVIEW), need(R, Entity.PERSON))),
    Case("RetentionService", "find", (need(R, Entity.PERSON),), lambda e: call(f"P-{e.w.person[OTHER]:06d}")),
    *(
        case
        for who in (OWN, OTHER)
        for case in (
            Case(
                "RetentionService",
                "keep",
                (need(A, Entity.RETENTION_REVIEW),),
                lambda e, who=who: call(e.w.person[who], "Trial listed", date.today() + timedelta(days=90)),
                label=who,
            ),
            Case(
                "RetentionService",
                "erase",
                (need(X, Entity.PERSON, who),),
                lambda e, who=who: call(e.w.person[who], "Erasure request ERA/1"),
                label=who,
            ),
            Case(
                "RetentionService",
                "erase_ref",
                (need(X, Entity.PERSON, who),),
                lambda e, who=who: call(f"P-{e.w.person[who]:06d}", "Erasure request ERA/1"),
                label=who,
            ),
        )
    ),
    # ----- reference data -------------------------------------------------------------------------
    Case("ReferenceService", "districts", (need(R, Entity.REFERENCE),)),
    Case("ReferenceService", "disposal_types", (need(R, Entity.REFERENCE),)),
    Case("ReferenceService", "offence_types", (need(R, Entity.REFERENCE),)),
    Case("ReferenceService", "force_profile", (need(R, Entity.REFERENCE),)),
    Case(
        "ReferenceService",
        "set_ranking",
        (need(ADM, Entity.REFERENCE),),
        lambda e: call(list(reversed(e.w.ranking))),
    ),
    # ----- the arrest register --------------------------------------------------------------------
    open_to_all("RegisterService", "today", "the clock"),
    Case("RegisterService", "count", (need(R, Entity.ARREST),), lambda e: call(ArrestQuery())),
    Case("RegisterService", "page", (need(R, Entity.ARREST),), lambda e: call(ArrestQuery())),
    Case("RegisterService", "counts", (need(R, Entity.ARREST),)),
    Case("RegisterService", "find_id", (need(R, Entity.ARREST),), lambda e: call("SCOPE-1")),
    Case("RegisterService", "get", (need(R, Entity.ARREST),), lambda e: call(e.w.arrest)),
    *(
        Case(
            "ListDisclosureService",
            "disclose",
            (need(E, entity),),
            lambda e, entity=entity: call(entity, [1, 2], ListOutput.CSV, "Case conference"),
            label=entity.value,
        )
        for entity in LISTS
    ),
    Case(
        "RegisterService",
        "disclose",
        (need(E, Entity.ARREST),),
        lambda e: call([e.w.arrest], "CPS file", "CPS"),
    ),
    Case(
        "RegisterService",
        "create_arrest",
        (need(C, Entity.ARREST),),
        lambda e: call(ArrestInput("SCOPE-2", D, "LD"), [("O1", "MSA s.1")]),
    ),
    Case(
        "RegisterService",
        "update_arrest",
        (need(U, Entity.ARREST),),
        lambda e: call(
            e.w.arrest, e.w.version["arrest"], ArrestInput("SCOPE-1", D, "BD", operation="Op Wren")
        ),
    ),
    Case(
        "RegisterService",
        "add_offence",
        (need(A, Entity.ARREST),),
        lambda e: call(e.w.arrest, "O2", "MSA s.1"),
    ),
    Case("RegisterService", "append_event", (need(A, Entity.ARREST),), lambda e: call(e.w.offence, "NFA", D)),
    Case(
        "RegisterService",
        "correct_event",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.event, "CHARGE", D, "typed the wrong outcome"),
    ),
    Case(
        "RegisterService",
        "retract_event",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.event, "entered in error"),
    ),
    # ----- corrections of arrests and offences -----------------------------------------------------
    open_to_all("CorrectionService", "today", "the clock"),
    Case("CorrectionService", "history", (need(R, Entity.ARREST),), lambda e: call(e.w.arrest)),
    Case(
        "CorrectionService",
        "withdraw_arrest",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.arrest, "duplicate of another arrest"),
    ),
    Case(
        "CorrectionService",
        "correct_arrest",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.arrest, district="LD", reason="arrested in Leeds"),
    ),
    Case(
        "CorrectionService",
        "withdraw_offence",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.offence, "entered in error"),
    ),
    Case(
        "CorrectionService",
        "correct_offence",
        (need(U, Entity.ARREST),),
        lambda e: call(e.w.offence, "MSA s.4", "wrong section"),
    ),
    # ----- court outcomes -----------------------------------------------------------------------------
    open_to_all("OutcomeService", "today", "the clock"),
    Case("OutcomeService", "history", (need(R, Entity.ARREST),), lambda e: call(e.w.arrest)),
    Case(
        "OutcomeService",
        "record_outcome",
        (need(A, Entity.ARREST),),
        lambda e: call(e.w.offence, "convicted", D, sentence_months=12, custodial=True),
    ),
    Case(
        "OutcomeService",
        "correct_outcome",
        (need(U, Entity.ARREST),),
        lambda e: call(_outcome(e), "acquitted", D, reason="misread the court result"),
    ),
    Case(
        "OutcomeService",
        "withdraw_outcome",
        (need(U, Entity.ARREST),),
        lambda e: call(_outcome(e), "entered in error"),
    ),
    # ----- Today ----------------------------------------------------------------------------------
    open_to_all("TodayService", "now", "the clock"),
    open_to_all("TodayService", "items", "each list in it is narrowed to what the role may read, inside"),
    # ----- users ----------------------------------------------------------------------------------
    Case("UserService", "list_users", (need(R, Entity.USER),)),
    Case(
        "UserService",
        "add_user",
        (need(ADM, Entity.USER),),
        lambda e: call("newcomer", "New colleague", Role.VLO, "a long enough passphrase"),
    ),
    Case(
        "UserService",
        "reset_password",
        (need(ADM, Entity.USER),),
        lambda e: call("manager", "temporary passphrase 1"),
    ),
    open_to_all(
        "UserService",
        "change_own_password",
        "one's own password, proven by the current one",
        lambda e: call(USERS[e.role].password, "a fresh passphrase of mine"),
    ),
    Case("UserService", "deactivate", (need(ADM, Entity.USER),), lambda e: call("navigator2")),
    Case(
        "UserService",
        "rekey",
        (need(ADM, Entity.USER),),
        lambda e: call("scope test"),
        on_server="A team database on a server has no data key to change.",
    ),
]


# ----- discovery: tests/service_classes.py ---------------------------------------------------------


def test_every_public_service_method_has_an_expectation() -> None:
    declared = {(c.service, c.method) for c in CASES} | set(NOT_ACTOR)
    found = public_methods()
    assert len(service_classes()) >= 14  # the discovery itself works
    missing = sorted(f"{c}.{m}" for c, m in found - declared)
    assert not missing, (
        f"Service methods with no expectation in {__name__}: {', '.join(missing)}. Declare what each needs "
        "from the matrix (or why any logged-in user may call it) and give it valid arguments."
    )
    stale = sorted(f"{c}.{m}" for c, m in declared - found)
    assert not stale, f"Expectations for methods that no longer exist: {', '.join(stale)}."
    assert all(c.needs or c.why for c in CASES)
    assert len({c.id for c in CASES}) == len(CASES)


# ----- calling ------------------------------------------------------------------------------------
def _tables(db: Database) -> list[str]:
    """Every table of the database (on a server, of its schema ``public``)."""
    if db.path is None:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    with db.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql(sql)]


def _state(db: Database, folder: Path) -> tuple[object, ...]:
    """Every row of every table (of the log, every event but a recorded refusal), the key file (a server
    has none) and the files in the call's folder."""
    with db.engine.connect() as conn:
        rows = {
            t: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"')).all()))
            for t in _tables(db)
            if t not in ("audit_event", "audit_head")
        }
        # A refusal may be recorded (that is a good thing); nothing else may reach the log.
        rows["audit_event"] = [
            repr(r)
            for r in conn.execute(
                text(
                    "SELECT id, action, entity, record_id FROM audit_event WHERE reason NOT LIKE 'refused%' "
                    "ORDER BY id"
                )
            )
        ]
    files = sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(("-wal", "-shm", "-journal"))
    )
    keys = keyring_path(db.path).read_bytes() if db.path is not None else b""
    return rows, keys, files


def _service(backend: Backend, name: str) -> object:
    if name == "Backend":
        return backend
    # the services it holds, and those it builds on first use (``Backend.reports``)
    held = [*vars(backend), *(n for n, v in vars(Backend).items() if isinstance(v, cached_property))]
    found = [s for s in map(partial(getattr, backend), held) if type(s).__name__ == name]
    assert len(found) == 1, f"Backend holds no {name}"
    return found[0]


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_each_service_method_as_each_role_does_what_the_matrix_says(
    case: Case, role: Role, world: World, tmp_path: Path
) -> None:
    db = world.open_copy(tmp_path)
    try:
        env = Env(world, db, tmp_path, role)
        args, kwargs = case.args(env)
        target = getattr(_service(Backend.as_user(db, USERS[role].username), case.service), case.method)
        before = _state(db, tmp_path)

        def run() -> object:
            return target(*args, **kwargs) if callable(target) else target

        if case.allowed(role, world):
            if world.engine == "postgresql" and case.on_server:
                with pytest.raises(MshtError) as other:
                    run()
                assert not isinstance(other.value, PermissionDeniedError), str(other.value)
                assert str(other.value).startswith(case.on_server), str(other.value)
                assert _state(db, tmp_path) == before
                return
            try:
                run()
            except PermissionDeniedError as exc:
                pytest.fail(f"{role.label} was refused {case.id}, which the matrix allows: {exc}")
            except MshtError:
                if not case.other_refusals:
                    raise
            return
        with pytest.raises(PermissionDeniedError) as refused:
            run()
        message = str(refused.value)
        assert message.endswith(".") and "\n" not in message and len(message) < 300, message
        assert _state(db, tmp_path) == before, (
            f"{role.label} was refused {case.id}, yet something was written"
        )
    finally:
        db.close()


def test_the_world_has_people_in_and_out_of_each_scope(world: World, tmp_path: Path) -> None:
    """The premise of the out-of-scope calls, read from the database itself rather than through the
    services under test: the second VLO's and Navigator's people are not the demo VLO's and Navigator's."""
    db = world.open_copy(tmp_path)
    try:
        with db.engine.connect() as conn:
            for name, pid in world.person.items():
                vlo = conn.execute(text("SELECT vlo_user_id FROM person WHERE id = :p"), {"p": pid}).scalar()
                navigators = conn.execute(
                    text("SELECT user_id FROM person_support WHERE person_id = :p"), {"p": pid}
                ).scalars()
                assert RecordScope(frozenset({vlo}), frozenset(navigators)) == world.scope(name), name
    finally:
        db.close()
    assert world.user["vlo"] not in world.scope(OTHER).vlo_user_ids
    assert world.user["navigator"] not in world.scope(OTHER_FRESH).navigator_user_ids


def test_a_vlo_cannot_widen_scope_through_the_service_layer(world: World, tmp_path: Path) -> None:
    """The attack as reported: a VLO giving their victim to another VLO and to a Navigator of their choice.
    Refused in words, with nothing written; an HTT officer may do both."""
    db = world.open_copy(tmp_path)
    try:
        vlo, pid = Backend.as_user(db, "vlo"), world.person[OWN]
        before = _state(db, tmp_path)
        with pytest.raises(PermissionDeniedError) as refused:
            vlo.people.assign_vlo(pid, "vlo2")
        assert str(refused.value) == (
            "Your role (Victim liaison officer) does not allow you to assign a victim's liaison officer; "
            "ask an HTT officer."
        )
        with pytest.raises(PermissionDeniedError, match="refer a person to a Victim Navigator"):
            vlo.people.add_supporter(pid, "navigator2")
        assert _state(db, tmp_path) == before
        assert vlo.people.get(pid).vlo_user_id == world.user["vlo"]
        officer = Backend.as_user(db, "officer")
        officer.people.assign_vlo(pid, "vlo2")
        officer.people.add_supporter(pid, "navigator2")
        with pytest.raises(PermissionDeniedError, match="not one you have been assigned"):
            vlo.people.get(pid)  # now another VLO's victim
    finally:
        db.close()
