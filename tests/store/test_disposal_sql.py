"""The SQL as-at rule agrees with the plain-Python reference on arbitrary histories."""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from mshtdesk.domain.disposals import DEFAULT_DISPOSALS, Event, arrest_disposal_as_at
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.queries.disposals import disposal_counts
from mshtdesk.store.tables import ARREST, DISPOSAL_TYPE, EVENT, OFFENCE, OFFENCE_TYPE

CODES = [k.code for k in DEFAULT_DISPOSALS]
BASE = date(2022, 1, 1)

days = st.integers(min_value=0, max_value=30)
offence = st.lists(st.tuples(st.sampled_from(CODES), days), max_size=4)
arrest = st.tuples(days, st.integers(min_value=1, max_value=5), st.lists(offence, min_size=0, max_size=3))


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path: Path = tmp_path_factory.mktemp("prop") / "p.db"
    db = open_database(str(path))
    yield db
    db.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    arrests=st.lists(arrest, max_size=12),
    window=st.tuples(days, days),
    as_at=days,
    ranking=st.permutations(CODES),
)
def test_sql_matches_reference(
    shared_db: Database, arrests: list, window: tuple[int, int], as_at: int, ranking: list[str]
) -> None:
    """Each example writes inside a transaction that is rolled back, so examples never see each other."""
    rank = {c: i for i, c in enumerate(ranking, start=1)}
    lo, hi = sorted(window)
    d_from, d_to, d_as_at = BASE + timedelta(lo), BASE + timedelta(hi), BASE + timedelta(as_at)
    expected: dict[tuple[int, str | None], int] = {}
    with shared_db.engine.connect() as conn, conn.begin() as tx:
        for code, r in rank.items():
            conn.execute(DISPOSAL_TYPE.update().where(DISPOSAL_TYPE.c.code == code).values(rank=r))
        type_id = dict(conn.execute(select(DISPOSAL_TYPE.c.code, DISPOSAL_TYPE.c.id)).all())
        offence_type = conn.execute(select(OFFENCE_TYPE.c.id)).scalars().first()
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
        code_of_rank = {r: c for c, r in rank.items()}
        actual = {
            (d, None if r is None else code_of_rank[r]): n
            for d, r, n in disposal_counts(conn, d_from, d_to, d_as_at)
        }
        tx.rollback()
    assert actual == expected
