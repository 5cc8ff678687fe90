"""District columns on the victim tables (NRM referrals, VLO contacts, Haven House) and the headline's
same period last year: the fixture of test_com with districts recorded, counted by hand; the public
version hides every small district count so that no row or column sum gives it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert, select, update

from mshtdesk.domain.disclosure import SUPPRESSED, is_small
from mshtdesk.domain.roles import Role
from mshtdesk.reports.com import same_period_last_year
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest
from mshtdesk.store.database import Database
from mshtdesk.store.tables import DISTRICT, HAVEN_STAY, NRM_REFERRAL
from tests.conftest import SEED_EXPORT
from tests.reports.test_com import _request, fill_victims

DISTRICTS = ["BD", "CD", "KD", "LD", "WD"]


@pytest.fixture
def com_db(database: Database, backend_for: Callable[[Role], Backend]) -> Database:
    """test_com's fixture: the seed's arrests and the victims worked out by hand there."""
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    fill_victims(database)
    return database


def _place(database: Database) -> None:
    """Referrals NRM-1..3 in Leeds, NRM-4 in Bradford, the rest without a district; the first stay
    referred by Leeds, the other by Bradford."""
    with database.engine.begin() as conn:
        ids = {c: i for c, i in conn.execute(select(DISTRICT.c.code, DISTRICT.c.id))}
        for ref, code in (("NRM-1", "LD"), ("NRM-2", "LD"), ("NRM-3", "LD"), ("NRM-4", "BD")):
            conn.execute(
                update(NRM_REFERRAL).where(NRM_REFERRAL.c.referral_ref == ref).values(district_id=ids[code])
            )
        stays = conn.execute(select(HAVEN_STAY.c.id).order_by(HAVEN_STAY.c.id)).scalars().all()
        for stay, code in zip(stays, ("LD", "BD"), strict=True):
            conn.execute(
                update(HAVEN_STAY).where(HAVEN_STAY.c.id == stay).values(referring_district_id=ids[code])
            )


def _cols(table: dict[str, object], first: int) -> dict[str, int]:
    columns = list(table["columns"])  # type: ignore[call-overload]
    return {c: i for i, c in enumerate(columns) if i >= first}


def test_district_columns_in_the_profile_order(
    com_db: Database,
    backend_for: Callable[[Role], Backend],
) -> None:
    _place(com_db)
    t = backend_for(Role.MANAGER).reports.build(_request()).as_json()["tables"]
    n = t["nrm_referrals"]
    assert n["columns"][4:] == [*DISTRICTS, "Not recorded"]
    with com_db.engine.connect() as conn:
        rows = conn.execute(
            select(
                NRM_REFERRAL.c.referral_ref, NRM_REFERRAL.c.age_at_exploitation, NRM_REFERRAL.c.district_id
            )
        ).all()
    assert len(rows) >= 7
    for row in n["rows"][:4]:  # every count row adds up across the districts
        assert row[3] == sum(row[4:]), row
    all_row = n["rows"][3]
    assert all_row[4:] == [1, 0, 0, 3, 0, 3]
    v = t["vlo"]
    # The contacted victim (P1) is counted under the district of their referral NRM-1: Leeds.
    assert v["columns"] == ["Measure", "Value", *DISTRICTS]
    assert v["rows"][:2] == [["Victims contacted by a VLO", 1, 0, 0, 0, 1, 0], ["Contacts", 2, 0, 0, 0, 2, 0]]
    for row in v["rows"]:
        if "(%)" not in row[0]:
            assert row[1] == sum(row[2:]), row
    h = t["haven_house"]
    assert h["columns"] == ["Measure", "Value", *DISTRICTS]  # both stays have one: no "Not recorded"
    admissions = next(r for r in h["rows"] if r[0] == "Admissions")
    assert admissions == ["Admissions", 2, 1, 0, 0, 1, 0]
    bed_nights = next(r for r in h["rows"] if r[0].startswith("Bed nights"))
    assert bed_nights[2:] == [None] * 5  # statistics are not split by district
    assert any("referring district" in note for note in h["notes"])
    # A period without contacts has no victim contacted (not one row of nothing).
    quiet = backend_for(Role.MANAGER).reports.build(
        ReportRequest(ReportKind.COM, date(2019, 1, 1), date(2019, 6, 30), date(2019, 7, 1))
    )
    assert quiet.table("vlo").rows[0] == ("Victims contacted by a VLO", 0, 0, 0, 0, 0, 0)


def test_public_district_cells_cannot_be_worked_out(
    com_db: Database,
    backend_for: Callable[[Role], Backend],
) -> None:
    _place(com_db)
    reports = backend_for(Role.MANAGER).reports
    internal = reports.build(_request()).as_json()["tables"]
    public = reports.build(_request(public=True)).as_json()["tables"]
    for key, first, total_col in (("nrm_referrals", 4, 3), ("vlo", 2, 1), ("haven_house", 2, 1)):
        for pub, true in zip(public[key]["rows"], internal[key]["rows"], strict=True):
            if "(%)" in str(true[0]) or true[first] is None:
                continue
            cells = [true[total_col], *true[first:]]
            shown = [pub[total_col], *pub[first:]]
            for s, v in zip(shown, cells, strict=True):
                assert (s == SUPPRESSED) if is_small(v) else True, (key, true)
                assert s == 0 if v == 0 else True
            # A row sum with exactly one hidden cell would give it back.
            assert sum(1 for s in shown if s == SUPPRESSED) != 1, (key, pub)


def test_same_period_last_year_in_the_headline(
    com_db: Database,
    backend_for: Callable[[Role], Backend],
) -> None:
    assert same_period_last_year(date(2026, 4, 1), date(2026, 9, 30)) == (date(2025, 4, 1), date(2025, 9, 30))
    assert same_period_last_year(date(2024, 2, 1), date(2024, 2, 29)) == (date(2023, 2, 1), date(2023, 2, 28))
    # The 13-month period's year-earlier span (01/04/2020-30/04/2021) overlaps it: a referral of
    # 15/04/2021 is in this period and the year's, not in the previous period (to 31/03/2021).
    with com_db.engine.begin() as conn:
        person = conn.execute(
            select(NRM_REFERRAL.c.person_id).where(NRM_REFERRAL.c.referral_ref == "NRM-1")
        ).scalar_one()
        conn.execute(
            insert(NRM_REFERRAL).values(
                referral_ref="NRM-YEAR",
                person_id=person,
                route="nrm",
                age_at_exploitation="adult",
                age_at_referral="adult",
                submitted_date=date(2021, 4, 15),
                created_at=datetime(2021, 4, 15, tzinfo=UTC),
            )
        )
    h = backend_for(Role.MANAGER).reports.build(_request()).as_json()["tables"]["headline"]
    assert h["columns"] == [
        "Measure", "This period", "Previous period", "Change", "Same period last year", "Change on last year"
    ]  # fmt: skip
    rows = {r[0]: r for r in h["rows"]}
    # The seed holds 15 arrests dated 01/04/2020-30/04/2021, 4 of them in March 2021 (the previous period).
    assert rows["Arrests"][1:] == [129, 4, 125, 15, 114]
    assert rows["NRM referrals"][1:] == [7, 0, 7, 1, 6]
    assert rows["NRM referrals: adult (18 or over)"][1:] == [5, 0, 5, 1, 4]
    assert any("same period last year 01/04/2020 to 30/04/2021" in n for n in h["notes"])
