"""Record scope in SQL: whose people a user may see, as a condition a list query adds to its WHERE.

A victim liaison officer's scope is the people assigned to them, a Victim Navigator's the people they
support; every other granted role sees the whole force. The service decides which applies (from the
roles matrix) and passes it here as a plain ``PersonScope``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Select, false, select

from mshtdesk.domain.roles import RecordScope, Scope
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.tables import PERSON, PERSON_SUPPORT


@dataclass(frozen=True)
class PersonScope:
    """The people a list may show: ``scope`` None for none at all (the role lacks the entity)."""

    scope: Scope | None
    user_id: int


def person_in_scope(scope: PersonScope, person_id: ColumnElement[int]) -> ColumnElement[bool] | None:
    """SQL narrowing rows whose person is ``person_id`` to ``scope``; None: no narrowing (whole force)."""
    if scope.scope is None:
        return false()
    if scope.scope is Scope.ALL:
        return None
    if scope.scope is Scope.ASSIGNED:
        # an alias: the outer query often joins PERSON itself, and would swallow the correlation
        assigned = PERSON.alias("scope_person")
        return row_exists().where(assigned.c.id == person_id, assigned.c.vlo_user_id == scope.user_id)
    support = PERSON_SUPPORT.alias("scope_support")
    return row_exists().where(support.c.person_id == person_id, support.c.user_id == scope.user_id)


def people_in_scope(scope: PersonScope) -> Select[tuple[int]] | None:
    """The ids of the people in a narrowed ``scope``, as a subquery to drive a lookup by person (the
    search reads a VLO's few people first instead of testing every row); None for the whole force."""
    if scope.scope is None:
        return select(PERSON.c.id).where(false())
    if scope.scope is Scope.ALL:
        return None
    if scope.scope is Scope.ASSIGNED:
        return select(PERSON.c.id).where(PERSON.c.vlo_user_id == scope.user_id)
    return select(PERSON_SUPPORT.c.person_id).where(PERSON_SUPPORT.c.user_id == scope.user_id)


def record_scope(conn: Connection, person_id: int) -> RecordScope | None:
    """The person's assigned VLO and supporting Navigators; None when the person is not in the register.

    A person merged into another has that person's scope (their records moved there)."""
    seen: set[int] = set()
    while True:
        vlo = conn.execute(
            select(PERSON.c.vlo_user_id, PERSON.c.merged_into_id).where(PERSON.c.id == person_id)
        ).one_or_none()
        if vlo is None:
            return None
        if vlo.merged_into_id is None or person_id in seen:
            break
        seen.add(person_id)
        person_id = vlo.merged_into_id
    navigators = conn.execute(select(PERSON_SUPPORT.c.user_id).where(PERSON_SUPPORT.c.person_id == person_id))
    return RecordScope(frozenset({vlo.vlo_user_id} - {None}), frozenset(n.user_id for n in navigators))
