"""COM table ``engagement`` and the Navigator table's closing rows on a small crafted dataset, every
figure worked out by hand below: who had a charge decision, who had a Navigator on its day, and which
milestones stood on the as-at date (one recorded after it, one withdrawn before it, one withdrawn
after it)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, select

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST, ENGAGEMENT, NAVIGATOR_CASE, PERSON, PERSON_LINK

FROM, TO, AS_AT = date(2024, 4, 1), date(2025, 3, 31), date(2025, 4, 30)
EXPORT = """arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date
A1,2024-05-01,LD,D1,O1,Modern Slavery Act 2015 s.1,Charge,2024-06-01
A2,2024-07-01,BD,D2,O1,Modern Slavery Act 2015 s.2,Released under investigation,2024-07-02
A2,2024-07-01,BD,D2,O1,Modern Slavery Act 2015 s.2,NFA,2024-09-01
A3,2024-08-01,KD,D3,O1,Modern Slavery Act 2015 s.2,Bail,2024-08-02
A4,2025-04-10,WD,D4,O1,Modern Slavery Act 2015 s.2,Charge,2025-04-15
A5,2024-10-01,CD,D5,O1,Modern Slavery Act 2015 s.4,Charge,2025-05-10
"""
D1, D2 = date(2024, 6, 1), date(2024, 9, 1)  # the decisions on A1 and A2; A3 has none, A4 is after
# the period, A5's charge is after the as-at date


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def crafted(database: Database, backend_for: Callable[[Role], Backend], tmp_path: Path) -> Database:
    path = tmp_path / "custody.csv"
    path.write_text(EXPORT, encoding="utf-8")
    backend_for(Role.HTT_OFFICER).import_file(str(path))
    with database.engine.begin() as conn:
        arrest = {r.custody_ref: r.id for r in conn.execute(select(ARREST.c.custody_ref, ARREST.c.id))}

        def person(
            n: int, ref: str, role: str = "confirmed_victim", nav: tuple[date, date | None] | None = None
        ) -> int:
            pid = conn.execute(
                insert(PERSON).values(person_ref=f"P{n}", surname=f"Test{n}")
            ).inserted_primary_key[0]
            if nav is not None:
                conn.execute(
                    insert(NAVIGATOR_CASE).values(person_id=pid, referral_date=nav[0], closed_date=nav[1])
                )
            return int(
                conn.execute(
                    insert(PERSON_LINK).values(
                        person_id=pid, arrest_id=arrest[ref], role=role, created_at=_utc(2024, 5, 1)
                    )
                ).inserted_primary_key[0]
            )

        def milestone(
            link: int,
            code: str,
            on: date,
            recorded: datetime | None = None,
            withdrawn: datetime | None = None,
        ) -> None:
            conn.execute(
                insert(ENGAGEMENT).values(
                    link_id=link,
                    milestone=code,
                    milestone_date=on,
                    reason="moved away" if code == "disengaged" else "",
                    recorded_at=recorded or _utc(on.year, on.month, on.day, 12),
                    withdrawn_at=withdrawn,
                    withdraw_reason="entered in error" if withdrawn else "",
                )
            )

        # With a Navigator on the day of the decision: 5 victims, 3 engaged.
        p1 = person(1, "A1", nav=(date(2024, 5, 15), None))
        milestone(p1, "engaged_at_charge", D1)  # engaged
        p5 = person(5, "A2", "potential_victim", nav=(date(2024, 7, 1), None))
        milestone(p5, "engaged_at_charge", D2)
        milestone(p5, "disengaged", date(2024, 12, 1))  # after the decision: still engaged at it
        p6 = person(6, "A1", nav=(date(2024, 5, 1), None))
        milestone(p6, "engaged_at_charge", D1, recorded=_utc(2025, 5, 5, 9))  # recorded after the as-at date
        p7 = person(7, "A1", nav=(date(2024, 5, 1), date(2024, 12, 31)))  # closed after the decision
        milestone(p7, "engaged_at_charge", D1, withdrawn=_utc(2024, 7, 1, 9))  # withdrawn before it
        p11 = person(11, "A2", nav=(date(2024, 3, 1), None))
        milestone(p11, "engaged_first_account", date(2024, 7, 1))
        milestone(p11, "engaged_at_charge", D2)  # engaged
        # Without a Navigator: 4 victims, 2 engaged.
        p2 = person(2, "A1")
        milestone(p2, "engaged_first_account", date(2024, 5, 1))  # first account only: not engaged
        p3 = person(3, "A2", nav=(date(2024, 10, 1), None))  # referred after the decision
        milestone(p3, "engaged_at_charge", D2)  # engaged
        p4 = person(4, "A2", nav=(date(2024, 1, 1), date(2024, 8, 1)))  # closed before the decision
        milestone(p4, "engaged_at_charge", date(2024, 8, 15))
        milestone(p4, "disengaged", date(2024, 8, 20))  # before the decision: not engaged
        p10 = person(10, "A2")
        milestone(p10, "engaged_at_charge", D2, withdrawn=_utc(2025, 5, 10, 9))  # withdrawn after: engaged
        # Not counted: a witness, a victim whose arrest has no decision, one after the period, one whose
        # charge is after the as-at date.
        milestone(person(8, "A1", "witness", nav=(date(2024, 1, 1), None)), "engaged_at_charge", D1)
        milestone(person(9, "A3"), "engaged_at_charge", date(2024, 8, 2))
        milestone(person(12, "A4"), "engaged_at_charge", date(2025, 4, 15))
        milestone(person(13, "A5"), "engaged_first_account", date(2024, 10, 1))
    return database


def _tables(backend: Backend, public: bool = False, as_at: date = AS_AT) -> dict[str, dict[str, object]]:
    report = backend.reports.build(ReportRequest(ReportKind.COM, FROM, TO, as_at, public))
    tables: dict[str, dict[str, object]] = report.as_json()["tables"]
    return tables


def _row(table: dict[str, object], label: str) -> list[object]:
    return next(r[1:] for r in table["rows"] if r[0] == label)  # type: ignore[attr-defined,index]


def test_engagement_with_and_without_a_navigator(
    crafted: Database, backend_for: Callable[[Role], Backend]
) -> None:
    tables = _tables(backend_for(Role.MANAGER))
    assert list(tables)[-3:] == ["engagement", "outcomes", "people_charged"]
    t = tables["engagement"]
    assert t["title"] == "Engagement with the investigation at the charge decision"
    assert t["columns"] == ["Measure", "With a Navigator", "Without a Navigator", "All victims"]
    assert t["rows"] == [
        ["Victims in investigations with a charge decision", 5, 4, 9],
        ["Engaged at the charge decision", 3, 2, 5],
        ["Not engaged at the charge decision", 2, 2, 4],
        ["Engaged at the charge decision (%)", 60.0, 50.0, 55.6],
    ]
    notes = " ".join(t["notes"])  # type: ignore[arg-type]
    assert "disengaged before the decision" in notes and "after the as-at date do not count" in notes
    nav = tables["navigator"]
    assert _row(nav, "Victims with a charge decision, with a Navigator") == [5]
    assert _row(nav, "Engaged at the charge decision, with a Navigator") == [3]
    assert _row(nav, "Engaged at the charge decision, with a Navigator (%)") == [60.0]
    assert _row(nav, "Victims with a charge decision, without a Navigator") == [4]
    assert _row(nav, "Engaged at the charge decision, without a Navigator (%)") == [50.0]
    # The Navigator table keeps its own rows first, unchanged
    assert nav["rows"][0][0] == "Referrals to the Victim Navigator"  # type: ignore[index]


def test_a_later_as_at_date_sees_the_later_milestone_and_withdrawal(
    crafted: Database, backend_for: Callable[[Role], Backend]
) -> None:
    # On 31/05/2025: P6's milestone recorded on 05/05 counts, P10's withdrawn on 10/05 no longer does,
    # and A5's charge of 10/05 brings P13 in (first account only: not engaged).
    t = _tables(backend_for(Role.MANAGER), as_at=date(2025, 5, 31))["engagement"]
    assert t["rows"][:2] == [
        ["Victims in investigations with a charge decision", 5, 5, 10],
        ["Engaged at the charge decision", 4, 1, 5],
    ]


def test_public_version_suppresses_the_small_counts(
    crafted: Database, backend_for: Callable[[Role], Backend]
) -> None:
    tables = _tables(backend_for(Role.MANAGER), public=True)
    t = tables["engagement"]
    cells = [c for r in t["rows"] for c in r[1:]]  # type: ignore[attr-defined]
    assert "[c]" in cells
    for row in t["rows"][:3]:  # type: ignore[attr-defined]
        for c in row[1:]:
            assert c == "[c]" or c == 0 or c >= 5, row
    assert _row(t, "Engaged at the charge decision (%)") == ["[c]", "[c]", "[c]"]
    nav = tables["navigator"]
    assert _row(nav, "Engaged at the charge decision, with a Navigator") == ["[c]"]
    assert _row(nav, "Engaged at the charge decision, with a Navigator (%)") == ["[c]"]


def test_the_table_renders_in_the_pdf_and_the_html(
    crafted: Database, backend_for: Callable[[Role], Backend]
) -> None:
    rendered = backend_for(Role.MANAGER).reports.render(ReportRequest(ReportKind.COM, FROM, TO, AS_AT))
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(rendered.pdf)).pages]
    (flat,) = [p for p in pages if "Table 11. Engagement with the investigation" in p and "55.6%" in p]
    assert "Victims in investigations with a charge decision 5 4 9" in flat, flat
    assert "Engaged at the charge decision (%) 60.0% 50.0% 55.6%" in flat
    html = rendered.data(OutputFormat.HTML).decode("utf-8")
    assert ">Table 11. Engagement with the investigation at the charge decision</caption>" in html
    assert '<th scope="col">Without a Navigator</th>' in html
