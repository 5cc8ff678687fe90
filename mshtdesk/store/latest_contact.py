"""``latest_contact``: each person's latest contact in force, kept in step with ``vlo_contact`` by triggers.

Today and the Contacts page's overdue filter need, for every person, the latest contact in force and the
next contact it set. Walking each person's contacts for it costs a probe per person (~1.2 s at a million
contacts on the encrypted file, ~2.4 s on PostgreSQL); this table answers it from one row per person and
an index on ``next_contact_due``.

"In force" and "latest" are exactly those of ``queries/contacts.live`` and the query this replaces: not a
withdrawal marker (``is_void``), superseded by no row (``supersedes_id``), the greatest
``(contact_at, id)``. Whatever changes that for a person re-derives the person's row from their contacts
(one probe of ``ix_vlo_contact_person_due`` from its newest entry), in the same statement as the write:

* an INSERT (a new contact; a correction or withdrawal also takes the contact it supersedes out of force,
  so the superseded contact's person is re-derived too);
* an UPDATE of a column the answer depends on (a merge moves contacts to another ``person_id`` and undoing
  it moves them back; an erasure blanks only free text, so it touches nothing here);
* a DELETE (the app never deletes a contact; a hand-made repair may).

People themselves need no trigger: a merge or an erasure changes ``person``'s own columns, none of which
the latest contact depends on (Today narrows by scope through ``person`` at read time).

SQLite drops a table's triggers when a later batch migration copies it, so ``ensure`` (run by
``store.migrate`` after every upgrade) puts them back and re-derives the table when it disagrees.
On PostgreSQL each re-derivation first locks the person's row (``FOR NO KEY UPDATE``, which a new
contact's foreign key check does not wait for), then reads the contacts in a fresh snapshot: two writers
of one person's contacts take turns, and the second sees the first's contact, so neither leaves the row
stale. The functions are ``SECURITY DEFINER`` (owned by the schema's owner role): the application role
only reads the table (``server_roles.DERIVED``).
"""

from __future__ import annotations

from mshtdesk.store.derived import DerivedTable

TABLE = "latest_contact"
COLUMNS = "person_id, contact_id, contact_at, next_contact_due"
#: Columns of ``vlo_contact`` whose change can change a person's latest contact in force.
WATCHED = ("person_id", "contact_at", "is_void", "next_contact_due", "supersedes_id")
TRIGGERS = ("latest_contact_ai", "latest_contact_au", "latest_contact_ad")


def _live(alias: str, false: str) -> str:
    """``queries/contacts.live`` in SQL text, on ``alias``."""
    return (
        f"{alias}.is_void = {false} AND NOT EXISTS "
        f"(SELECT 1 FROM vlo_contact s WHERE s.supersedes_id = {alias}.id)"
    )


def latest_id_sql(person: str, false: str) -> str:
    """The id of person ``person``'s latest contact in force (NULL when none): the old query's order."""
    return (
        f"SELECT m.id FROM vlo_contact m WHERE m.person_id = {person} AND {_live('m', false)} "
        "ORDER BY m.contact_at DESC, m.id DESC LIMIT 1"
    )


def derived_sql(false: str) -> str:
    """Every person's row, derived from scratch from their contacts."""
    return (
        f"SELECT c.person_id, c.id, c.contact_at, c.next_contact_due FROM vlo_contact c WHERE c.id IN "
        f"(SELECT ({latest_id_sql('p.person_id', false)}) "
        "FROM (SELECT DISTINCT person_id FROM vlo_contact) p)"
    )


# ----- SQLite --------------------------------------------------------------------------------------


def _sqlite_refresh(persons: str) -> str:
    """Statements re-deriving the rows of the people ``persons`` (a SELECT of ``pid``)."""
    return (
        f"DELETE FROM latest_contact WHERE person_id IN (SELECT pid FROM ({persons})); "
        f"INSERT INTO latest_contact ({COLUMNS}) "
        "SELECT c.person_id, c.id, c.contact_at, c.next_contact_due FROM vlo_contact c WHERE c.id IN "
        f"(SELECT ({latest_id_sql('p.pid', '0')}) FROM ({persons}) p);"
    )


def _persons(*rows: str) -> str:
    """The people of the contact rows ``rows`` (``new``/``old``) and of the contacts they supersede."""
    parts = []
    for r in rows:
        parts.append(f"SELECT {r}.person_id AS pid")
        parts.append(f"SELECT person_id AS pid FROM vlo_contact WHERE id = {r}.supersedes_id")
    return " UNION ".join(parts)


def _sqlite_triggers() -> dict[str, str]:
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)
    return {
        "latest_contact_ai": f"AFTER INSERT ON vlo_contact BEGIN {_sqlite_refresh(_persons('new'))} END",
        "latest_contact_au": (
            f"AFTER UPDATE OF {', '.join(WATCHED)} ON vlo_contact WHEN {changed} "
            f"BEGIN {_sqlite_refresh(_persons('old', 'new'))} END"
        ),
        "latest_contact_ad": f"AFTER DELETE ON vlo_contact BEGIN {_sqlite_refresh(_persons('old'))} END",
    }


# ----- PostgreSQL ----------------------------------------------------------------------------------

_PG_REFRESH = f"""
CREATE OR REPLACE FUNCTION latest_contact_refresh(p integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    found_id integer;
    found_at timestamptz;
    found_due date;
BEGIN
    -- Writers of one person's contacts take turns here; the read below then sees the previous one's row.
    PERFORM 1 FROM person WHERE id = p FOR NO KEY UPDATE;
    SELECT m.id, m.contact_at, m.next_contact_due INTO found_id, found_at, found_due
        FROM vlo_contact m WHERE m.person_id = p AND {_live("m", "false")}
        ORDER BY m.contact_at DESC, m.id DESC LIMIT 1;
    IF found_id IS NULL THEN
        DELETE FROM latest_contact WHERE person_id = p;
    ELSE
        INSERT INTO latest_contact ({COLUMNS}) VALUES (p, found_id, found_at, found_due)
        ON CONFLICT (person_id) DO UPDATE SET contact_id = EXCLUDED.contact_id,
            contact_at = EXCLUDED.contact_at, next_contact_due = EXCLUDED.next_contact_due;
    END IF;
END $fn$
"""

_PG_SYNC = """
CREATE OR REPLACE FUNCTION latest_contact_sync() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    people integer[] := ARRAY[]::integer[];
    p integer;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        people := people || NEW.person_id
            || (SELECT person_id FROM vlo_contact WHERE id = NEW.supersedes_id);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        people := people || OLD.person_id
            || (SELECT person_id FROM vlo_contact WHERE id = OLD.supersedes_id);
    END IF;
    -- In id order, so two writers touching the same two people lock them in the same order.
    FOR p IN SELECT DISTINCT x FROM unnest(people) AS x WHERE x IS NOT NULL ORDER BY x LOOP
        PERFORM latest_contact_refresh(p);
    END LOOP;
    RETURN NULL;
END $fn$
"""


def _pg_statements() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return [
        _PG_REFRESH,
        _PG_SYNC,
        "DROP TRIGGER IF EXISTS latest_contact_ai ON vlo_contact",
        "DROP TRIGGER IF EXISTS latest_contact_au ON vlo_contact",
        "DROP TRIGGER IF EXISTS latest_contact_ad ON vlo_contact",
        "CREATE TRIGGER latest_contact_ai AFTER INSERT ON vlo_contact "
        "FOR EACH ROW EXECUTE FUNCTION latest_contact_sync()",
        f"CREATE TRIGGER latest_contact_au AFTER UPDATE OF {', '.join(WATCHED)} ON vlo_contact "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION latest_contact_sync()",
        "CREATE TRIGGER latest_contact_ad AFTER DELETE ON vlo_contact "
        "FOR EACH ROW EXECUTE FUNCTION latest_contact_sync()",
        "REVOKE ALL ON FUNCTION latest_contact_refresh(integer) FROM PUBLIC",
    ]


# ----- both ----------------------------------------------------------------------------------------

DERIVED = DerivedTable(
    name=TABLE,
    columns=COLUMNS,
    triggers=tuple((name, "vlo_contact") for name in TRIGGERS),
    pg_functions=("latest_contact_sync()", "latest_contact_refresh(integer)"),
    derived=derived_sql,
    sqlite_triggers=_sqlite_triggers,
    pg_statements=_pg_statements,
)
