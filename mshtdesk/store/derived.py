"""Tables derived from others and kept in step with them by triggers, and what every such table needs.

A derived table answers a question that would otherwise cost a probe per record on every read (each
person's latest contact; each referral still waiting for a decision). Its triggers re-derive the rows a
write touches in the same statement as the write, so the table can never lag its source; the
application never writes it. What is the same for every such table lives here: putting the triggers
back after a SQLite batch migration dropped them, checking the table against a derivation from scratch,
pausing the triggers around a bulk load that rebuilds the table after it. Each table's own SQL lives in
its module (``store/latest_contact.py``, ``store/awaiting_decision.py``).

On PostgreSQL the triggers call ``SECURITY DEFINER`` functions owned by the schema's owner role: the
application role only reads the tables (``server_roles.DERIVED``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection


def false_of(conn: Connection) -> str:
    """The dialect's literal false, for SQL text compared with a boolean column."""
    return "false" if conn.dialect.name == "postgresql" else "0"


@dataclass(frozen=True)
class DerivedTable:
    name: str
    columns: str  # the table's columns, in the order ``derived`` selects them
    triggers: tuple[tuple[str, str], ...]  # (trigger, the table it is on)
    pg_functions: tuple[str, ...]  # their signatures, dropped in this order
    derived: Callable[[str], str]  # every row from scratch, given the dialect's false
    sqlite_triggers: Callable[[], dict[str, str]]  # trigger -> "AFTER … ON … BEGIN … END"
    pg_statements: Callable[[], list[str]]  # the functions and triggers, replacing any there

    def install_triggers(self, conn: Connection) -> None:
        """(Re)create the triggers (and on PostgreSQL their functions); the table must exist."""
        if conn.dialect.name == "postgresql":
            for stmt in self.pg_statements():
                conn.exec_driver_sql(stmt)
            return
        for name, body in self.sqlite_triggers().items():
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")

    def uninstall_triggers(self, conn: Connection) -> None:
        """Drop the triggers (and functions): before the table goes, or around a bulk load that
        ``rebuild`` follows."""
        postgres = conn.dialect.name == "postgresql"
        for name, table in self.triggers:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            for signature in self.pg_functions:
                conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature}")

    @contextmanager
    def paused(self, conn: Connection) -> Iterator[None]:
        """Around a bulk copy into the source tables that ``rebuild`` follows (PostgreSQL, the laptop's
        rows into a new team database): the triggers are disabled inside the caller's transaction, so a
        million rows do not each re-derive theirs, and a failure rolls the change back with everything
        else. Needs the tables' owner (the set-up's administrator is a member of the owner role); no
        other connection can write meanwhile (the ``ALTER TABLE`` locks the table until the commit)."""
        if conn.dialect.name != "postgresql":
            yield
            return
        for name, table in self.triggers:
            conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
        yield
        for name, table in self.triggers:
            conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {name}")

    @contextmanager
    def bulk(self, conn: Connection) -> Iterator[None]:
        """Around a bulk insert on SQLite (the demo's victim pathway: a benchmark asks for millions of
        rows): the triggers go for the insert and the table is derived once at the end, instead of each
        row re-deriving its own (half the time of a million-contact fill). All of it inside the caller's
        transaction, so a failure rolls it back. On PostgreSQL the triggers stay: the application role
        may not disable them (``paused`` is for the set-up's administrator)."""
        if conn.dialect.name != "sqlite" or not self.triggers_present(conn):
            yield
            return
        self.uninstall_triggers(conn)
        yield
        self.rebuild(conn)
        self.install_triggers(conn)

    def rebuild(self, conn: Connection) -> int:
        """Empty the table and derive every row afresh; the number of rows."""
        conn.exec_driver_sql(f"DELETE FROM {self.name}")
        derived = self.derived(false_of(conn))
        return conn.exec_driver_sql(f"INSERT INTO {self.name} ({self.columns}) {derived}").rowcount

    def disagreements(self, conn: Connection) -> int:
        """How many rows the table and a from-scratch derivation do not share (0: in step)."""
        derived = self.derived(false_of(conn))
        stored = f"SELECT {self.columns} FROM {self.name}"
        return int(
            conn.exec_driver_sql(
                f"SELECT (SELECT COUNT(*) FROM ({stored} EXCEPT {derived}) a) "
                f"+ (SELECT COUNT(*) FROM ({derived} EXCEPT {stored}) b)"
            ).scalar_one()
        )

    def triggers_present(self, conn: Connection) -> bool:
        """Every trigger there (and on PostgreSQL enabled)."""
        pairs = "VALUES " + ", ".join(f"('{table}', '{name}')" for name, table in self.triggers)
        if conn.dialect.name == "postgresql":
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                f"WHERE (c.relname::text, t.tgname::text) IN ({pairs}) AND t.tgenabled <> 'D'"
            ).scalar_one()
        else:
            found = conn.exec_driver_sql(
                f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND (tbl_name, name) IN ({pairs})"
            ).scalar_one()
        return int(found) == len(self.triggers)

    def ensure(self, conn: Connection) -> bool:
        """Put back missing triggers (a SQLite batch migration copying a source table drops them) and
        re-derive the table when it disagrees with its source; True when something was put right."""
        repaired = False
        if not self.triggers_present(conn):
            self.install_triggers(conn)
            repaired = True
        if repaired or self.disagreements(conn):
            self.rebuild(conn)
            repaired = True
        return repaired


def every() -> tuple[DerivedTable, ...]:
    """Every derived table, for the upgrade, the set-up and the copy to a server (imported here, not at
    the top: each table's module builds on this one)."""
    from mshtdesk.store import awaiting_decision, latest_contact

    return (latest_contact.DERIVED, awaiting_decision.DERIVED)


@contextmanager
def paused_every(conn: Connection) -> Iterator[None]:
    """``paused`` for every derived table, which the caller then rebuilds (``rebuild_every``)."""
    with ExitStack() as stack:
        for table in every():
            stack.enter_context(table.paused(conn))
        yield


def rebuild_every(conn: Connection) -> None:
    for table in every():
        table.rebuild(conn)


def ensure_every(conn: Connection) -> bool:
    """``ensure`` each derived table; True when any was put right."""
    return any([table.ensure(conn) for table in every()])
