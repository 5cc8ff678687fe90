"""``referral_awaiting``: the NRM referrals with no decision in force, kept in step by triggers.

Today lists the NRM referrals (not Duty to Notify reports) that have waited past their Reasonable Grounds
deadline with no decision in force. Asking that of every referral costs two probes per referral: 0.1 s
at 50,000 referrals and 0.8 s at 500,000 on the encrypted file, however few are waiting (about 4,000 of
the 500,000). This table holds just the waiting ones, so Today reads a few thousand rows.

"In force" is that of ``queries/due.py`` and the rule it stands for (``services/nrm_rules.effective``):
a decision row that is not a withdrawal marker (``is_void``) and that no row supersedes. Whatever can
change that for a referral re-derives the referral's row, in the same statement as the write:

* on ``nrm_referral``: an INSERT (a new referral waits until its first decision), an UPDATE of its
  route (an NRM referral re-entered as a Duty to Notify report, or back) or of its submission date (kept
  here, so Today's cut-off is applied to this table's few rows), a DELETE (a hand-made repair);
* on ``nrm_decision``: an INSERT (a decision; a correction or withdrawal also takes the row it
  supersedes out of force, so that row's referral is re-derived too), an UPDATE of a column the answer
  depends on, a DELETE (the app never deletes a decision but with its referral; a hand-made repair may).

On PostgreSQL each re-derivation first locks the referral's row (``FOR NO KEY UPDATE``, which a new
decision's foreign key check does not wait for), then reads the decisions in a fresh snapshot, so two
writers of one referral's decisions take turns and neither leaves its row stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from mshtdesk.domain.nrm import Route
from mshtdesk.store.derived import DerivedTable

TABLE = "referral_awaiting"
COLUMNS = "referral_id, submitted_date"
#: Columns of ``nrm_referral`` and of ``nrm_decision`` whose change can change a referral's row.
REFERRAL_WATCHED = ("id", "route", "submitted_date")
WATCHED = ("referral_id", "is_void", "supersedes_id")
TRIGGERS = (
    ("referral_awaiting_ri", "nrm_referral"),
    ("referral_awaiting_ru", "nrm_referral"),
    ("referral_awaiting_rd", "nrm_referral"),
    ("referral_awaiting_di", "nrm_decision"),
    ("referral_awaiting_dc", "nrm_decision"),
    ("referral_awaiting_du", "nrm_decision"),
    ("referral_awaiting_dd", "nrm_decision"),
)
NRM = Route.NRM.value
#: A decision row written as a new decision, which is in force from its insert: its referral stops waiting.
FRESH = "{row}.is_void IS {false} AND {row}.supersedes_id IS NULL"


def _in_force(referral: str, false: str) -> str:
    """Referral ``referral`` (an SQL expression for its id) has a decision in force."""
    return (
        f"EXISTS (SELECT 1 FROM nrm_decision d WHERE d.referral_id = {referral} AND d.is_void = {false} "
        "AND NOT EXISTS (SELECT 1 FROM nrm_decision s WHERE s.supersedes_id = d.id))"
    )


def _waiting(alias: str, false: str) -> str:
    """Referral ``alias`` is an NRM referral with no decision in force."""
    return f"{alias}.route = '{NRM}' AND NOT {_in_force(f'{alias}.id', false)}"


def derived_sql(false: str) -> str:
    """Every waiting referral, derived from scratch."""
    return f"SELECT r.id, r.submitted_date FROM nrm_referral r WHERE {_waiting('r', false)}"


# ----- SQLite --------------------------------------------------------------------------------------


def sqlite_refresh(referrals: str) -> list[str]:
    """The statements re-deriving the rows of the referrals ``referrals`` (a SELECT of ``rid``). The
    CROSS JOIN keeps SQLite's join order: from the few referrals to each one's row by its id. Left to
    the planner, "route = 'nrm'" took the route index, and every decision written scanned every referral
    (an NRM import of 100,000 rows ran for minutes instead of seconds)."""
    return [
        f"DELETE FROM {TABLE} WHERE referral_id IN (SELECT rid FROM ({referrals}))",
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT r.id, r.submitted_date "
        f"FROM ({referrals}) p CROSS JOIN nrm_referral r ON r.id = p.rid WHERE {_waiting('r', '0')}",
    ]


def _body(referrals: str) -> str:
    """A trigger's BEGIN … END re-deriving ``referrals``."""
    return "BEGIN " + "".join(f"{s}; " for s in sqlite_refresh(referrals)) + "END"


#: The triggers of the inserts an import makes by the thousand, which ``appended`` holds back.
APPEND_TRIGGERS = ("referral_awaiting_ri", "referral_awaiting_di", "referral_awaiting_dc")


@contextmanager
def appended(conn: Connection) -> Iterator[None]:
    """Around an import's inserts of new referrals and decisions (SQLite): the rows of the referrals they
    touch are derived together at the end, in two statements, instead of by a trigger each (the
    triggers cost a first NRM import of 100,000 rows 0.8 s). Only the insert triggers go, and they are
    put back, inside the caller's transaction: a failure rolls everything back, and another connection
    never sees them missing. A no-op on PostgreSQL, whose application role may not drop them."""
    if conn.dialect.name != "sqlite" or not DERIVED.triggers_present(conn):
        yield
        return
    referral_above, decision_above = (
        int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one())
        for table in ("nrm_referral", "nrm_decision")
    )
    for name in APPEND_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    touched = (  # new referrals, and those of new decisions and of the rows they supersede
        f"SELECT id AS rid FROM nrm_referral WHERE id > {referral_above} "
        f"UNION SELECT referral_id FROM nrm_decision WHERE id > {decision_above} "
        "UNION SELECT s.referral_id FROM nrm_decision n JOIN nrm_decision s ON s.id = n.supersedes_id "
        f"WHERE n.id > {decision_above}"
    )
    for statement in sqlite_refresh(touched):
        conn.exec_driver_sql(statement)
    bodies = _sqlite_triggers()
    for name in APPEND_TRIGGERS:
        conn.exec_driver_sql(f"CREATE TRIGGER {name} {bodies[name]}")


def _decided(*rows: str) -> str:
    """The referrals of the decision rows ``rows`` (``new``/``old``) and of the rows they supersede."""
    parts = []
    for r in rows:
        parts.append(f"SELECT {r}.referral_id AS rid")
        parts.append(f"SELECT referral_id AS rid FROM nrm_decision WHERE id = {r}.supersedes_id")
    return " UNION ".join(parts)


def _sqlite_triggers() -> dict[str, str]:
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in WATCHED)
    moved = " OR ".join(f"old.{c} IS NOT new.{c}" for c in REFERRAL_WATCHED)
    fresh = FRESH.format(row="new", false="0")
    # The two inserts an import makes by the hundred thousand take a short way (a first NRM import of
    # 100,000 rows paid 1.7 s of CPU for the general one): a new referral has no decisions yet, so it
    # waits if it is an NRM referral; a new decision (neither void nor superseding) is in force, so its
    # referral waits no more. Every other write re-derives its referrals.
    return {
        "referral_awaiting_ri": (
            f"AFTER INSERT ON nrm_referral BEGIN INSERT OR REPLACE INTO {TABLE} ({COLUMNS}) "
            "SELECT r.id, r.submitted_date FROM nrm_referral r "
            f"WHERE r.id = new.id AND {_waiting('r', '0')}; END"
        ),
        "referral_awaiting_ru": (
            f"AFTER UPDATE OF {', '.join(REFERRAL_WATCHED)} ON nrm_referral WHEN {moved} "
            f"{_body('SELECT old.id AS rid UNION SELECT new.id')}"
        ),
        "referral_awaiting_rd": (
            f"AFTER DELETE ON nrm_referral BEGIN DELETE FROM {TABLE} WHERE referral_id = old.id; END"
        ),
        "referral_awaiting_di": (
            f"AFTER INSERT ON nrm_decision WHEN {fresh} "
            f"BEGIN DELETE FROM {TABLE} WHERE referral_id = new.referral_id; END"
        ),
        "referral_awaiting_dc": (f"AFTER INSERT ON nrm_decision WHEN NOT ({fresh}) {_body(_decided('new'))}"),
        "referral_awaiting_du": (
            f"AFTER UPDATE OF {', '.join(WATCHED)} ON nrm_decision WHEN {changed} "
            f"{_body(_decided('old', 'new'))}"
        ),
        "referral_awaiting_dd": f"AFTER DELETE ON nrm_decision {_body(_decided('old'))}",
    }


# ----- PostgreSQL ----------------------------------------------------------------------------------

_PG_REFRESH = f"""
CREATE OR REPLACE FUNCTION referral_awaiting_refresh(ref integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan
AS $fn$
DECLARE
    found_route text;
    found_date date;
BEGIN
    -- Writers of one referral's decisions take turns here; the read below then sees the previous one's.
    -- The referral is read by its id alone: with "route = 'nrm'" in the same statement, a database
    -- without statistics yet scanned the route index for every row written. Each call is planned
    -- afresh: a plan cached while the tables were nearly empty (a first import into a new server)
    -- made a 20,000-row import's decisions take 20 s instead of 2.
    SELECT route, submitted_date INTO found_route, found_date FROM nrm_referral WHERE id = ref
        FOR NO KEY UPDATE;
    DELETE FROM {TABLE} WHERE referral_id = ref;
    IF found_route = '{NRM}' AND NOT {_in_force("ref", "false")} THEN
        INSERT INTO {TABLE} ({COLUMNS}) VALUES (ref, found_date);
    END IF;
END $fn$
"""


def _pg_sync(name: str, collect: str) -> str:
    """A trigger function re-deriving, in id order (two writers lock the same rows in the same order),
    the referrals that the statements ``collect`` add to ``referrals`` for the NEW and OLD rows."""
    new, old = (collect.format(row=row) for row in ("NEW", "OLD"))
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
DECLARE
    referrals integer[] := ARRAY[]::integer[];
    ref integer;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {new}
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {old}
    END IF;
    FOR ref IN SELECT DISTINCT x FROM unnest(referrals) AS x WHERE x IS NOT NULL ORDER BY x LOOP
        PERFORM referral_awaiting_refresh(ref);
    END LOOP;
    RETURN NULL;
END $fn$
"""


#: The two inserts an import makes by the thousand, each its short way (as on SQLite): a new NRM
#: referral waits (it can have no decision yet; no one else sees it before it is committed), and a new
#: decision ends its referral's wait once the referral's lock is held (so a withdrawal another writer
#: committed meanwhile is behind it, not ahead).
_PG_SHORT = (
    f"""
CREATE OR REPLACE FUNCTION referral_awaiting_new_referral() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
BEGIN
    IF NEW.route = '{NRM}' THEN
        INSERT INTO {TABLE} ({COLUMNS}) VALUES (NEW.id, NEW.submitted_date)
        ON CONFLICT (referral_id) DO UPDATE SET submitted_date = EXCLUDED.submitted_date;
    END IF;
    RETURN NULL;
END $fn$
""",
    f"""
CREATE OR REPLACE FUNCTION referral_awaiting_new_decision() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
BEGIN
    PERFORM 1 FROM nrm_referral WHERE id = NEW.referral_id FOR NO KEY UPDATE;
    DELETE FROM {TABLE} WHERE referral_id = NEW.referral_id;
    RETURN NULL;
END $fn$
""",
)


def _pg_statements() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    # The superseded row is looked up only when there is one: "id = NULL" under a plan cached while the
    # table was empty would scan every decision.
    decided = (
        "referrals := referrals || {row}.referral_id; IF {row}.supersedes_id IS NOT NULL THEN "
        "referrals := referrals || (SELECT referral_id FROM nrm_decision WHERE id = {row}.supersedes_id); "
        "END IF;"
    )
    made = {  # trigger: (when it fires, the function it calls)
        "referral_awaiting_ri": ("AFTER INSERT ON nrm_referral", "referral_awaiting_new_referral"),
        "referral_awaiting_ru": (
            f"AFTER UPDATE OF {', '.join(REFERRAL_WATCHED)} ON nrm_referral",
            "referral_awaiting_referral_sync",
        ),
        "referral_awaiting_rd": ("AFTER DELETE ON nrm_referral", "referral_awaiting_referral_sync"),
        "referral_awaiting_di": ("AFTER INSERT ON nrm_decision", "referral_awaiting_new_decision"),
        "referral_awaiting_dc": ("AFTER INSERT ON nrm_decision", "referral_awaiting_decision_sync"),
        "referral_awaiting_du": (
            f"AFTER UPDATE OF {', '.join(WATCHED)} ON nrm_decision",
            "referral_awaiting_decision_sync",
        ),
        "referral_awaiting_dd": ("AFTER DELETE ON nrm_decision", "referral_awaiting_decision_sync"),
    }
    when = {
        "referral_awaiting_ru": " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in REFERRAL_WATCHED),
        "referral_awaiting_du": changed,
        "referral_awaiting_di": FRESH.format(row="NEW", false="false"),
        "referral_awaiting_dc": f"NOT ({FRESH.format(row='NEW', false='false')})",
    }
    statements = [
        _PG_REFRESH,
        *_PG_SHORT,
        _pg_sync("referral_awaiting_referral_sync", "referrals := referrals || {row}.id;"),
        _pg_sync("referral_awaiting_decision_sync", decided),
    ]
    for name, table in TRIGGERS:
        event, function = made[name]
        condition = f" WHEN ({when[name]})" if name in when else ""
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} {event} FOR EACH ROW{condition} EXECUTE FUNCTION {function}()",
        ]
    return [*statements, "REVOKE ALL ON FUNCTION referral_awaiting_refresh(integer) FROM PUBLIC"]


DERIVED = DerivedTable(
    name=TABLE,
    columns=COLUMNS,
    triggers=TRIGGERS,
    pg_functions=(
        "referral_awaiting_new_referral()",
        "referral_awaiting_new_decision()",
        "referral_awaiting_referral_sync()",
        "referral_awaiting_decision_sync()",
        "referral_awaiting_refresh(integer)",
    ),
    derived=derived_sql,
    sqlite_triggers=_sqlite_triggers,
    pg_statements=_pg_statements,
)
