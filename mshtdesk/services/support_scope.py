"""Record scope for the victim-support services: whose people a user may see, in SQL and per record.

A victim liaison officer's scope is the people assigned to them, a Victim Navigator's the people they
support; every other granted role sees the whole force. Lists narrow in SQL with ``person_condition``;
a single record is checked with ``require_person`` before anything of it is read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, exists, false, select

from mshtdesk.domain.roles import PERMISSIONS, Action, Entity, RecordScope, Scope
from mshtdesk.errors import NotFoundError, PermissionDeniedError
from mshtdesk.services.actor import Actor
from mshtdesk.store.tables import PERSON, PERSON_SUPPORT

OUT_OF_SCOPE = "This person's record is not one you have been assigned or support; ask your supervisor."


def person_condition(
    actor: Actor, entity: Entity, person_id: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """SQL narrowing rows whose person is ``person_id`` to the user's scope for ``entity``.

    None: no narrowing (the whole force). A role without the entity gets a condition nothing meets.
    """
    grant = PERMISSIONS[actor.role].get(entity)
    if grant is None:
        return false()
    if grant[1] is Scope.ALL:
        return None
    if grant[1] is Scope.ASSIGNED:
        # an alias: the outer query often joins PERSON itself, and would swallow the correlation
        assigned = PERSON.alias("scope_person")
        return exists().where(assigned.c.id == person_id, assigned.c.vlo_user_id == actor.user_id)
    support = PERSON_SUPPORT.alias("scope_support")
    return exists().where(support.c.person_id == person_id, support.c.user_id == actor.user_id)


def record_scope(conn: Connection, person_id: int) -> RecordScope:
    """The person's assigned VLO and supporting Navigators (NotFoundError if the person is gone)."""
    vlo = conn.execute(select(PERSON.c.vlo_user_id).where(PERSON.c.id == person_id)).one_or_none()
    if vlo is None:
        raise NotFoundError("That person is no longer in the register.")
    navigators = conn.execute(select(PERSON_SUPPORT.c.user_id).where(PERSON_SUPPORT.c.person_id == person_id))
    return RecordScope(frozenset({vlo[0]} - {None}), frozenset(n for (n,) in navigators))


def require_person(conn: Connection, actor: Actor, action: Action, entity: Entity, person_id: int) -> None:
    """Refuse unless the role may do ``action`` to ``entity`` for this person (in scope)."""
    actor.require(action, entity)  # the role's own refusal first: it names what the role lacks
    if not actor.may(action, entity, record_scope(conn, person_id)):
        raise PermissionDeniedError(OUT_OF_SCOPE)


def display_name(surname: str, forenames: str, person_ref: str) -> str:
    """ "Surname, Forenames (P-000012)"; the reference alone when no name is kept (Duty to Notify)."""
    name = ", ".join(p for p in (surname.strip(), forenames.strip()) if p)
    return f"{name} ({person_ref})" if name else person_ref


def like_pattern(text: str) -> str:
    """A case-folded LIKE pattern with ``\\`` escaping, for filter bars."""
    return "%" + text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def plain_name(surname: str, forenames: str, person_ref: str) -> str:
    """ "Surname, Forenames"; the reference when no name is kept."""
    return ", ".join(p for p in (surname.strip(), forenames.strip()) if p) or person_ref
