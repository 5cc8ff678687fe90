"""The Today page names everyone it lists in one reading, however many people that is (a force-wide
manager's page at a million arrests names some 20,000): more ids than PostgreSQL takes as parameters of
one statement (65,535) still come back named. On both engines."""

from __future__ import annotations

from sqlalchemy import select

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway
from mshtdesk.store.database import Database
from mshtdesk.store.queries.due import person_names
from mshtdesk.store.tables import PERSON
from tests.both_engines import database, db_address

__all__ = ["database", "db_address"]


def test_more_people_than_one_statement_takes_are_all_named(database: Database) -> None:
    fill_demo(database, arrests=40)
    fill_pathway(database, seed=2)
    with database.engine.connect() as conn:
        people = {int(i): ref for i, ref in conn.execute(select(PERSON.c.id, PERSON.c.person_ref))}
        asked = list(range(1, 70_001))  # every person's id among 70,000, most of them no one's
        named = person_names(conn, asked)
    assert len(people) > 20
    assert {n.id: n.person_ref for n in named} == {i: ref for i, ref in people.items() if i <= 70_000}
    assert len(named) == len({n.id for n in named})  # each once
