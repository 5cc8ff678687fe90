"""The SQL as-at rule agrees with the plain-Python reference on arbitrary histories, on SQLite and on
PostgreSQL (the PostgreSQL half skips with the reason when ``MSHTDESK_TEST_PG_URL`` is not set)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, insert, select

from mshtdesk.domain.disposals import DEFAULT_DISPOSALS, Event, arrest_disposal_as_at
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.queries.disposals import Plan, disposal_counts, refresh_current_rank
from mshtdesk.store.tables import ARREST, CORRECTION, DISPOSAL_TYPE, EVENT, OFFENCE, OFFENCE_TYPE

CODES = [k.code for k in DEFAULT_DISPOSALS]
BASE = date(2022, 1, 1)

days = st.integers(min_value=0, max_value=30)
offence = st.lists(st.tuples(st.sampled_from(CODES), days), max_size=4)
arrest = st.tuples(days, st.integers(min_value=1, max_value=5), st.lists(offence, min_size=0, max_size=3))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def either_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated database per engine for the module: every example writes inside a transaction that
    is rolled back, so examples never see each other (and the module needs no per-test copy)."""
    if request.param == "sqlite":
        db = open_database(str(tmp_path_factory.mktemp("plans") / "p.db"))
    else:
        from tests.postgres import fresh_server

        db = open_database(fresh_server())
    yield db
    db.close()


def _an_offence_type(conn: Connection) -> int:
    """The first offence type by id (any one does: the as-at rule reads no offence type), chosen the
    same way on both engines."""
    return int(conn.execute(select(OFFENCE_TYPE.c.id).order_by(OFFENCE_TYPE.c.id).limit(1)).scalar_one())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    arrests=st.lists(arrest, max_size=12),
    window=st.tuples(days, days),
    as_at=days,
    ranking=st.permutations(CODES),
)
def test_sql_matches_reference(
    either_db: Database, arrests: list, window: tuple[int, int], as_at: int, ranking: list[str]
) -> None:
    """Each example writes inside a transaction that is rolled back, so examples never see each other."""
    rank = {c: i for i, c in enumerate(ranking, start=1)}
    lo, hi = sorted(window)
    d_from, d_to, d_as_at = BASE + timedelta(lo), BASE + timedelta(hi), BASE + timedelta(as_at)
    expected: dict[tuple[int, str | None], int] = {}
    with either_db.engine.connect() as conn, conn.begin() as tx:
        for code, r in rank.items():
            conn.execute(DISPOSAL_TYPE.update().where(DISPOSAL_TYPE.c.code == code).values(rank=r))
        type_id = dict(conn.execute(select(DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.id)).all())
        offence_type = _an_offence_type(conn)
        for n, (day, district, offences) in enumerate(arrests):
            arrested = BASE + timedelta(day)
            aid = conn.execute(
                insert(ARREST).returning(ARREST.c.id),
                {"custody_ref": f"A{n}", "arrest_date": arrested, "district_id": district},
            ).scalar_one()
            for k, events in enumerate(offences):
                oid = conn.execute(
                    insert(OFFENCE).returning(OFFENCE.c.id),
                    {"arrest_id": aid, "offence_ref": f"O{k}", "offence_type_id": offence_type},
                ).scalar_one()
                for code, d in events:
                    conn.execute(
                        insert(EVENT),
                        {
                            "offence_id": oid,
                            "disposal_type_id": type_id[code],
                            "event_date": BASE + timedelta(d),
                        },
                    )
            if d_from <= arrested <= d_to:
                got = arrest_disposal_as_at(
                    [[Event(c, BASE + timedelta(d)) for c, d in evs] for evs in offences], d_as_at, rank
                )
                key = (district, got)
                expected[key] = expected.get(key, 0) + 1
        # every writer of events keeps each arrest's stored current rank (the plan as at today reads it)
        refresh_current_rank(conn)
        code_of_rank = {r: c for c, r in rank.items()}
        actual = {
            (d, None if r is None else code_of_rank[r]): n
            for d, r, n in disposal_counts(conn, d_from, d_to, d_as_at)
        }
        tx.rollback()
    assert actual == expected


# ----- the stored-rank plan (issue 15) -----------------------------------------------------------------
# A table as at a day no event is dated after, from events none of which was recorded after its moment,
# reads each uncorrected arrest's ``current_rank`` instead of probing its offences' events. These check
# that the two plans give the same table on random histories with event corrections and retractions,
# arrest withdrawals, district corrections and withdrawn offences, on SQLite and PostgreSQL, and that
# the statement really switches plan (a table that cannot tell the plans apart would prove nothing).

T0 = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)  # every row of a history is recorded at or after this moment

event_op = st.tuples(st.sampled_from(CODES), days, st.sampled_from(["keep", "correct", "retract"]))
offence_ops = st.tuples(st.lists(event_op, max_size=3), st.booleans())  # (events, withdrawn)
arrest_ops = st.tuples(
    days, st.integers(min_value=1, max_value=5), st.lists(offence_ops, max_size=3),
    st.sampled_from(["none", "withdraw", "district"]),
)  # fmt: skip


def _write_history(conn: Connection, arrests: list) -> None:
    """The arrests, offences and events, each recorded a minute after the one before; the corrections
    later, from T0 + 300 minutes (so a moment can fall after every event and before a correction)."""
    type_id = dict(conn.execute(select(DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.id)).all())
    offence_type = _an_offence_type(conn)
    clock = iter(T0 + timedelta(minutes=i) for i in range(10_000))
    later = iter(T0 + timedelta(minutes=300 + i) for i in range(10_000))
    touched = []
    for n, (day, district, offences, fate) in enumerate(arrests):
        aid = conn.execute(
            insert(ARREST).returning(ARREST.c.id),
            {"custody_ref": f"P{n}", "arrest_date": BASE + timedelta(day), "district_id": district,
             "created_at": next(clock)},
        ).scalar_one()  # fmt: skip
        touched.append(aid)
        for k, (events, offence_withdrawn) in enumerate(offences):
            oid = conn.execute(
                insert(OFFENCE).returning(OFFENCE.c.id),
                {"arrest_id": aid, "offence_ref": f"O{k}", "offence_type_id": offence_type},
            ).scalar_one()
            for code, d, then in events:
                on = BASE + timedelta(d)
                values = {"offence_id": oid, "disposal_type_id": type_id[code], "event_date": on}
                eid = conn.execute(
                    insert(EVENT).returning(EVENT.c.id), {**values, "recorded_at": next(clock)}
                ).scalar_one()
                if then != "keep":
                    fix = {"disposal_type_id": type_id["NFA"]} if then == "correct" else {"is_void": True}
                    conn.execute(
                        insert(EVENT), {**values, **fix, "supersedes_id": eid, "recorded_at": next(clock)}
                    )
            if offence_withdrawn:
                conn.execute(
                    insert(CORRECTION),
                    {"arrest_id": aid, "offence_id": oid, "kind": "offence_withdraw", "reason": "r",
                     "recorded_at": next(later)},
                )  # fmt: skip
        if fate != "none":
            conn.execute(
                insert(CORRECTION),
                {
                    "arrest_id": aid,
                    "kind": fate,
                    "district_id": district % 5 + 1 if fate == "district" else None,
                    "reason": "r",
                    "recorded_at": next(later),
                },
            )
    refresh_current_rank(conn, touched)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    arrests=st.lists(arrest_ops, max_size=10),
    window=st.tuples(days, days),
    as_at=st.integers(min_value=0, max_value=40),
    moment=st.integers(min_value=0, max_value=400),
)
def test_stored_rank_plan_matches_probe(
    either_db: Database, arrests: list, window: tuple[int, int], as_at: int, moment: int
) -> None:
    """Both plans, as at a day after every event (the stored rank answers) or not, as recorded now or at
    a moment part-way through the history (it must not answer then)."""
    lo, hi = sorted(window)
    d_from, d_to, d_as_at = BASE + timedelta(lo), BASE + timedelta(hi), BASE + timedelta(as_at)
    with either_db.engine.connect() as conn, conn.begin() as tx:
        _write_history(conn, arrests)
        for recorded_at in (None, T0 + timedelta(minutes=moment)):
            auto = disposal_counts(conn, d_from, d_to, d_as_at, recorded_at)
            probe = disposal_counts(conn, d_from, d_to, d_as_at, recorded_at, plan=Plan.PROBE)
            assert sorted(auto, key=str) == sorted(probe, key=str)
        tx.rollback()


def test_the_statement_switches_plan(either_db: Database) -> None:
    """A deliberately wrong stored rank shows which plan ran: read when no event is dated after the
    as-at day nor recorded after the moment, ignored as soon as one is."""
    with either_db.engine.connect() as conn, conn.begin() as tx:
        _write_history(conn, [(3, 1, [([("CHARGE", 5, "keep")], False)], "none")])
        conn.execute(ARREST.update().values(current_rank=99))
        late, early = BASE + timedelta(10), BASE + timedelta(4)
        window = (BASE, BASE + timedelta(30))
        assert disposal_counts(conn, *window, late) == [(1, 99, 1)]  # the stored rank, read
        probed = disposal_counts(conn, *window, late, plan=Plan.PROBE)
        assert probed != [(1, 99, 1)] and probed[0][2] == 1
        assert disposal_counts(conn, *window, early) == [(1, None, 1)]  # an event after as-at: probe
        before_event = T0 + timedelta(seconds=30)  # the arrest recorded, its event not yet
        assert disposal_counts(conn, *window, late, before_event) == [(1, None, 1)]
        # a correction recorded after the moment (an offence withdrawn since changes the stored rank)
        after_event = T0 + timedelta(minutes=1, seconds=30)
        assert disposal_counts(conn, *window, late, after_event) == [(1, 99, 1)]
        oid = conn.execute(select(OFFENCE.c.id)).scalar_one()  # the history's one offence
        conn.execute(
            insert(CORRECTION),
            {"arrest_id": conn.execute(select(ARREST.c.id)).scalar_one(), "offence_id": oid,
             "kind": "offence_withdraw", "reason": "r", "recorded_at": T0 + timedelta(minutes=5)},
        )  # fmt: skip
        assert disposal_counts(conn, *window, late, after_event) != [(1, 99, 1)]
        tx.rollback()
