"""The global search's index inside the SQLite file: one folded row per searchable record, and FTS5.

``search_entry`` holds, for each person, arrest, NRM referral and contact in force, its reference, name
and other searchable text folded by ``domain.names.fold`` (case, diacritics, script), through the SQL
function ``msht_fold`` that ``store.engine`` registers on every connection. ``search_fts`` is an FTS5
index over it with the trigram tokenizer, so any three letters of a name, a reference or a note are
found through the index; B-tree indexes on the folded reference and name answer exact and prefix matches.

Triggers on the source tables keep it in step with every write, whoever makes it: a correction or an
erasure (fields blanked by an UPDATE) changes the entry in the same statement, and a superseded or
withdrawn contact leaves it. Everything lives in the (encrypted) database file itself.

SQLite drops a table's triggers when a later batch migration copies the table, so ``ensure`` (run by
``store.migrate`` after every upgrade) puts back what is missing and rebuilds the entries then. On
PostgreSQL there is no such table: the search reads the tables themselves (``queries/search.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

FOLD_FUNCTION = "msht_fold"

#: (kind, source table, the person it belongs to, reference, name, other text) as SQL over ``new``.
_SOURCES: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "person",
        "person",
        "{r}.id",
        "{r}.person_ref",
        "trim({r}.surname || ' ' || {r}.forenames)",
        "{r}.aliases",
    ),
    ("arrest", "arrest", "NULL", "{r}.custody_ref", "''", "{r}.detainee_ref || ' ' || {r}.operation"),
    (
        "referral",
        "nrm_referral",
        "{r}.person_id",
        "{r}.referral_ref",
        "''",
        "{r}.crime_ref || ' ' || {r}.operation",
    ),
    ("contact", "vlo_contact", "{r}.person_id", "''", "''", "{r}.summary"),
)
#: The source columns whose change re-folds the entry (an erasure blanks some of them).
_WATCHED = {
    "person": "person_ref, surname, forenames, aliases",
    "arrest": "custody_ref, detainee_ref, operation",
    "referral": "referral_ref, crime_ref, operation, person_id",
    "contact": "summary, person_id",
}

TABLE_DDL = (
    "CREATE TABLE IF NOT EXISTS search_entry ("
    " id INTEGER PRIMARY KEY,"
    " kind VARCHAR(8) NOT NULL,"
    " record_id INTEGER NOT NULL,"
    " person_id INTEGER,"
    " ref TEXT NOT NULL DEFAULT '',"
    " name TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '')",
    "CREATE UNIQUE INDEX IF NOT EXISTS ux_search_entry_record ON search_entry (kind, record_id)",
    "CREATE INDEX IF NOT EXISTS ix_search_entry_ref ON search_entry (ref) WHERE ref != ''",
    "CREATE INDEX IF NOT EXISTS ix_search_entry_name ON search_entry (name) WHERE name != ''",
    "CREATE INDEX IF NOT EXISTS ix_search_entry_person ON search_entry (person_id, kind)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "ref, name, body, content='search_entry', content_rowid='id', tokenize='trigram')",
    # Contact notes apart: a million notes would otherwise stand between a VLO's search and the arrests
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_note_fts USING fts5("
    "body, content='search_entry', content_rowid='id', tokenize='trigram')",
)
#: Each FTS table, the entries it holds and its columns.
FTS_TABLES = (
    ("search_fts", "kind != 'contact'", ("ref", "name", "body")),
    ("search_note_fts", "kind = 'contact'", ("body",)),
)


def _fts_triggers() -> dict[str, str]:
    triggers: dict[str, str] = {}
    for table, which, columns in FTS_TABLES:
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        add = f"INSERT INTO {table} (rowid, {cols}) VALUES (new.id, {new});"
        drop = f"INSERT INTO {table} ({table}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        short = table.removesuffix("_fts")
        triggers[f"{short}_ai"] = f"AFTER INSERT ON search_entry WHEN new.{which} BEGIN {add} END"
        triggers[f"{short}_ad"] = f"AFTER DELETE ON search_entry WHEN old.{which} BEGIN {drop} END"
        triggers[f"{short}_au"] = f"AFTER UPDATE ON search_entry WHEN old.{which} BEGIN {drop} {add} END"
    return triggers


_FTS_TRIGGERS = _fts_triggers()


def _folded(expr: str, row: str) -> str:
    return expr if expr == "''" else f"{FOLD_FUNCTION}({expr.format(r=row)})"


def _source_triggers() -> dict[str, str]:
    triggers: dict[str, str] = {}
    for kind, table, person, ref, name, body in _SOURCES:
        values = (
            f"'{kind}', new.id, {person.format(r='new')}, "
            f"{_folded(ref, 'new')}, {_folded(name, 'new')}, {_folded(body, 'new')}"
        )
        when = {"contact": " WHEN new.is_void = 0", "person": " WHEN new.merged_into_id IS NULL"}.get(
            kind, ""
        )
        triggers[f"search_{kind}_ai"] = (
            f"AFTER INSERT ON {table}{when} BEGIN INSERT INTO search_entry "
            f"(kind, record_id, person_id, ref, name, body) VALUES ({values}); END"
        )
        triggers[f"search_{kind}_au"] = (
            f"AFTER UPDATE OF {_WATCHED[kind]} ON {table} BEGIN UPDATE search_entry SET "
            f"person_id = {person.format(r='new')}, ref = {_folded(ref, 'new')}, "
            f"name = {_folded(name, 'new')}, body = {_folded(body, 'new')} "
            f"WHERE kind = '{kind}' AND record_id = new.id; END"
        )
        triggers[f"search_{kind}_ad"] = (
            f"AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM search_entry WHERE kind = '{kind}' AND record_id = old.id; END"
        )
    # A person merged into another (``people merge``) is found no more: their records moved to the
    # other person, whose entry stands for them; undoing the merge brings the entry back.
    person_source = _SOURCES[0]
    triggers["search_person_merged"] = (
        "AFTER UPDATE OF merged_into_id ON person WHEN new.merged_into_id IS NOT NULL BEGIN "
        "DELETE FROM search_entry WHERE kind = 'person' AND record_id = new.id; END"
    )
    values = (
        f"'person', new.id, new.id, {_folded(person_source[3], 'new')}, "
        f"{_folded(person_source[4], 'new')}, {_folded(person_source[5], 'new')}"
    )
    triggers["search_person_unmerged"] = (
        "AFTER UPDATE OF merged_into_id ON person WHEN new.merged_into_id IS NULL "
        "AND old.merged_into_id IS NOT NULL BEGIN "
        "DELETE FROM search_entry WHERE kind = 'person' AND record_id = new.id; "
        f"INSERT INTO search_entry (kind, record_id, person_id, ref, name, body) VALUES ({values}); END"
    )
    # A correction or a withdrawal supersedes a contact: only the contact in force is found.
    triggers["search_contact_superseded"] = (
        "AFTER INSERT ON vlo_contact WHEN new.supersedes_id IS NOT NULL BEGIN "
        "DELETE FROM search_entry WHERE kind = 'contact' AND record_id = new.supersedes_id; END"
    )
    return triggers


TRIGGERS: dict[str, str] = {**_FTS_TRIGGERS, **_source_triggers()}


def _entries_of(conn: Connection, source: tuple[str, str, str, str, str, str], above: int = 0) -> None:
    """Fold the records of one source above an id into ``search_entry``, in one statement."""
    kind, table, person, ref, name, body = source
    where = f" WHERE t.id > {int(above)}"
    if kind == "person":
        where += " AND t.merged_into_id IS NULL"
    if kind == "contact":
        where += (
            " AND t.is_void = 0 AND NOT EXISTS (SELECT 1 FROM vlo_contact s WHERE s.supersedes_id = t.id)"
        )
    conn.exec_driver_sql(
        "INSERT INTO search_entry (kind, record_id, person_id, ref, name, body) "
        f"SELECT '{kind}', t.id, {person.format(r='t')}, {_folded(ref, 't')}, {_folded(name, 't')}, "
        f"{_folded(body, 't')} FROM {table} t{where}"
    )


def _index_entries(conn: Connection, above: int = 0) -> None:
    """Index the entries above an id in the FTS tables, one statement each (not row by row)."""
    for table, which, columns in FTS_TABLES:
        cols = ", ".join(columns)
        conn.exec_driver_sql(
            f"INSERT INTO {table} (rowid, {cols}) SELECT id, {cols} FROM search_entry "
            f"WHERE id > {int(above)} AND {which}"
        )


def _fill(conn: Connection) -> None:
    """Every record in force, folded, into the emptied index; the FTS index rebuilt from it at once."""
    conn.exec_driver_sql("DELETE FROM search_entry")
    for source in _SOURCES:
        _entries_of(conn, source)
    for table, _which, _columns in FTS_TABLES:
        conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    _index_entries(conn)


@contextmanager
def bulk(conn: Connection, *tables: str) -> Iterator[None]:
    """Around a bulk insert into ``tables`` (a custody import's arrests; the demo's people, referrals and
    contacts): the rows are indexed together at the end instead of by a trigger each. A trigger's insert
    into FTS5 flushes its pending terms row by row, which made an import of 30,000 arrests half as slow
    again. The triggers are dropped and put back inside the caller's transaction, so a failure rolls them
    back with everything else; another connection never sees them missing. A no-op on PostgreSQL."""
    if conn.dialect.name != "sqlite":
        yield
        return
    sources = [s for s in _SOURCES if s[1] in tables]
    assert len(sources) == len(set(tables)), f"no search source among {tables}"
    names = [f"search_{s[0]}_ai" for s in sources]
    names += [f"{t.removesuffix('_fts')}_ai" for t, _w, _c in FTS_TABLES]
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if not set(names) <= present:  # no index here (a database being migrated): nothing to keep
        yield
        return
    above_record = {
        s[1]: conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {s[1]}").scalar_one() for s in sources
    }
    above_entry = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM search_entry").scalar_one()
    for name in names:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for source in sources:
        _entries_of(conn, source, above_record[source[1]])
    _index_entries(conn, above_entry)
    for name in names:
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {TRIGGERS[name]}")


def install(conn: Connection) -> None:
    """Create the index, fill it from the tables, then add the triggers that keep it in step (SQLite)."""
    for ddl in TABLE_DDL:
        conn.exec_driver_sql(ddl)
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    _fill(conn)
    for name, body in TRIGGERS.items():
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {body}")


def ensure(conn: Connection) -> bool:
    """Put back a missing table or trigger (a batch migration copying a source table drops its
    triggers) and rebuild the entries; True when something was missing. SQLite only."""
    present = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE 'search%'"
        )
    }
    if {"search_entry", *(t for t, _w, _c in FTS_TABLES), *TRIGGERS} <= present:
        return False
    install(conn)
    return True


def purge(conn: Connection) -> None:
    """Rewrite the FTS indexes without what was deleted from them (SQLite). An FTS5 delete only records
    a tombstone: the erased record's trigrams stay in the older segments, from which its words could be
    pieced together, until the segments are merged. An erasure calls this before the file is rebuilt."""
    if conn.dialect.name != "sqlite":
        return
    for table, _which, _columns in FTS_TABLES:
        conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


def uninstall(conn: Connection) -> None:
    for name in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    for table, _which, _columns in FTS_TABLES:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    conn.exec_driver_sql("DROP TABLE IF EXISTS search_entry")
