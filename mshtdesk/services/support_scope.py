"""Record scope for the victim-support services: whose people a user may see, in SQL and per record.

A victim liaison officer's scope is the people assigned to them, a Victim Navigator's the people they
support; every other granted role sees the whole force. Lists pass ``person_scope`` to their query in
``store/queries``, which narrows in SQL (``person_condition`` gives the bare condition); a single record
is checked with ``require_person`` before anything of it is read.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection

from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import PERMISSIONS, Action, Entity, RecordScope
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError
from mshtdesk.services.actor import Actor
from mshtdesk.store.queries import scope as q
from mshtdesk.store.queries.filters import like_pattern
from mshtdesk.store.queries.merges import merge_state
from mshtdesk.store.queries.scope import PersonScope

__all__ = [
    "OUT_OF_SCOPE",
    "display_name",
    "like_pattern",
    "person_condition",
    "person_scope",
    "plain_name",
    "record_scope",
    "refuse_erased",
    "refuse_merged",
    "require_person",
]

OUT_OF_SCOPE = "This person's record is not one you have been assigned or support; ask your supervisor."


def person_scope(actor: Actor, entity: Entity) -> PersonScope:
    """The people the user may see for ``entity``, as plain inputs for the store's list queries."""
    grant = PERMISSIONS[actor.role].get(entity)
    return PersonScope(None if grant is None else grant[1], actor.user_id)


def person_condition(
    actor: Actor, entity: Entity, person_id: ColumnElement[int]
) -> ColumnElement[bool] | None:
    """SQL narrowing rows whose person is ``person_id`` to the user's scope for ``entity``.

    None: no narrowing (the whole force). A role without the entity gets a condition nothing meets.
    """
    return q.person_in_scope(person_scope(actor, entity), person_id)


def record_scope(conn: Connection, person_id: int) -> RecordScope:
    """The person's assigned VLO and supporting Navigators (NotFoundError if the person is gone)."""
    found = q.record_scope(conn, person_id)
    if found is None:
        raise NotFoundError("That person is no longer in the register.")
    return found


def require_person(conn: Connection, actor: Actor, action: Action, entity: Entity, person_id: int) -> None:
    """Refuse unless the role may do ``action`` to ``entity`` for this person (in scope); and refuse
    adding to or changing a person since merged into another (a form left open meanwhile)."""
    actor.require(action, entity)  # the role's own refusal first: it names what the role lacks
    if not actor.may(action, entity, record_scope(conn, person_id)):
        raise PermissionDeniedError(OUT_OF_SCOPE)
    if action is not Action.READ:
        refuse_merged(conn, person_id)
    if action in (Action.CREATE, Action.UPDATE, Action.APPEND):
        refuse_erased(conn, person_id)


def refuse_merged(conn: Connection, person_id: int) -> None:
    """ConflictError if the person was merged into another record: what is added belongs there."""
    state = merge_state(conn, person_id)
    if state is not None and state.merged_into_id is not None:
        raise ConflictError(
            f"{state.person_ref} has been merged into {state.merged_into_ref}, which holds everything of "
            f"theirs now; nothing was saved. Open {state.merged_into_ref} instead."
        )


def refuse_erased(conn: Connection, person_id: int) -> None:
    """ConflictError if the person's personal data was erased: nothing new is written against the record
    (a form left open meanwhile, or someone who comes back is a new record)."""
    state = merge_state(conn, person_id)
    if state is not None and state.erased_at is not None:
        raise ConflictError(
            f"{state.person_ref} was erased on {uk(state.erased_at.date())}; nothing was saved. If the "
            "person is in touch again, create a new record for them."
        )


def display_name(surname: str, forenames: str, person_ref: str) -> str:
    """ "Surname, Forenames (P-000012)"; the reference alone when no name is kept (Duty to Notify)."""
    name = ", ".join(p for p in (surname.strip(), forenames.strip()) if p)
    return f"{name} ({person_ref})" if name else person_ref


def plain_name(surname: str, forenames: str, person_ref: str) -> str:
    """ "Surname, Forenames"; the reference when no name is kept."""
    return ", ".join(p for p in (surname.strip(), forenames.strip()) if p) or person_ref
