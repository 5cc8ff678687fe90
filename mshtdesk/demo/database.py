"""A demo database: created with one user per role and filled with synthetic arrests and victims; and more
of the same for a user signed in to one (tests and training). Each fill is recorded in the audit log."""

from __future__ import annotations

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.guard import check_demo_location, mark_demo, require_demo
from mshtdesk.demo.outcomes import fill_outcomes
from mshtdesk.demo.pathway import PathwaySummary, fill_pathway, volume_for_arrests
from mshtdesk.demo.users import DEMO_USERS, DemoUser
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.imports.custody import ImportSummary
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.backend import Backend
from mshtdesk.services.users import UserService, create_database
from mshtdesk.store.database import Database

DEMO_YEARS = 395 / 365.25  # the demo arrests' span (``demo_rows``), which sets the pathway's scale


def create_demo_database(
    db: str, *, seed: int = 1, arrests: int = 130
) -> tuple[Database, tuple[DemoUser, ...]]:
    """A new encrypted database with one user per role (passwords shown on the demo's login dialog)
    and synthetic arrests and victims. Demo data only: never point this at a real database."""
    check_demo_location(db)  # only a database it creates now: never a real one
    first = DEMO_USERS[0]
    database, admin = create_database(db, first.username, first.password, display_name="Demo administrator")
    mark_demo(database)
    users = UserService(database, admin)
    for demo in DEMO_USERS[1:]:
        users._add_user(demo.username, f"Demo {demo.role.label}", demo.role, demo.password, keep_signer=True)
    _fill_arrests(database, admin, seed, arrests)
    _fill_pathway(database, admin, seed, arrests)
    return database, DEMO_USERS


def add_demo_arrests(backend: Backend, *, seed: int = 1, arrests: int = 130) -> ImportSummary:
    """Synthetic arrests (demonstrations and training): an import, with the same rights and record."""
    backend.actor.require(Action.CREATE, Entity.ARREST)
    require_demo(backend.db)  # synthetic data never goes into a real register
    return _fill_arrests(backend.db, backend.actor, seed, arrests)


def add_demo_pathway(backend: Backend, *, seed: int = 1, arrests: int = 130) -> PathwaySummary:
    """Synthetic victims for the demo arrests (people, referrals, support, stays, contacts), at the
    scale of ``arrests`` demo arrests: the rights to record people and referrals, and one record."""
    backend.actor.require(Action.CREATE, Entity.PERSON)
    backend.actor.require(Action.CREATE, Entity.NRM_REFERRAL)
    require_demo(backend.db)
    return _fill_pathway(backend.db, backend.actor, seed, arrests)


def _fill_arrests(db: Database, actor: Actor, seed: int, arrests: int) -> ImportSummary:
    summary = fill_demo(db, seed=seed, arrests=arrests)
    fill_outcomes(db, seed=seed)  # some of the charged offences have been to court
    with db.engine.begin() as conn:
        record(
            conn,
            actor,
            AuditAction.COMBINE,
            "import_batch",
            summary.batch_id or "",
            reason=f"synthetic demo data, seed {seed}",
        )
    return summary


def _fill_pathway(db: Database, actor: Actor, seed: int, arrests: int) -> PathwaySummary:
    summary = fill_pathway(db, seed=seed, volume=volume_for_arrests(arrests, DEMO_YEARS))
    with db.engine.begin() as conn:
        record(
            conn,
            actor,
            AuditAction.COMBINE,
            Entity.PERSON,
            "",
            reason=f"synthetic demo victim pathway, seed {seed}",
        )
    return summary
