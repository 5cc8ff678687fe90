"""The COM summary on a fixture built for it: the seed's 129 arrests plus a handful of victims whose
every figure is worked out by hand below; the public version, regeneration, the PDF and the run record."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, select

from mshtdesk.domain.disclosure import SUPPRESSED, is_small
from mshtdesk.domain.roles import Role
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest, sha256
from mshtdesk.store.database import Database
from mshtdesk.store.tables import (
    ARREST,
    AUDIT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    PERSON,
    REPORT_RUN,
    VLO_CONTACT,
)
from tests.both_engines import sqlite_only
from tests.conftest import SEED_EXPORT

FROM, TO, AS_AT = date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)
SEED_ROWS = [
    ["Charge", 6, 1, 1, 0, 3, 1],
    ["Other Warrant", 1, 1, 0, 0, 0, 0],
    ["Other Transfer", 3, 1, 0, 0, 2, 0],
    ["Other", 0, 0, 0, 0, 0, 0],
    ["No further action", 67, 12, 15, 13, 19, 8],
    ["Bail", 11, 2, 1, 1, 3, 4],
    ["Released under investigation", 41, 17, 12, 2, 7, 3],
    ["Total arrests", 129, 34, 29, 16, 34, 16],
]
NAMES = "Paweł Żółtowski, Ștefan Țăranu, Dritë Çela, Jiří Řezníček, Nguyễn Thị Hồng"


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def com_db(database: Database, backend_for: Callable[[Role], Backend]) -> Database:
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    fill_victims(database)
    return database


def fill_victims(database: Database) -> None:
    """The victims behind every figure the tests below expect (written straight to the tables)."""
    with database.engine.begin() as conn:
        people = {}
        for i, nat in enumerate(
            ["Polish", "Romanian", "British", "Albanian", "Polish", "", "Czech", "Polish"]
        ):
            people[i + 1] = conn.execute(
                insert(PERSON).values(person_ref=f"P{i + 1}", nationality=nat, surname=f"Test{i}")
            ).inserted_primary_key[0]

        def referral(n: int, route: str, age: str, label: str, crime: str, submitted: date) -> int:
            return int(
                conn.execute(
                    insert(NRM_REFERRAL).values(
                        referral_ref=f"NRM-{n}",
                        person_id=people[n],
                        route=route,
                        submitted_date=submitted,
                        age_at_referral=age,
                        age_at_exploitation=age,
                        exploitation_label=label,
                        crime_ref=crime,
                        no_crime_reason="" if crime else "exploited overseas",
                    )
                ).inserted_primary_key[0]
            )

        r1 = referral(1, "nrm", "adult", "Labour", "13/1", date(2021, 5, 3))
        r2 = referral(2, "nrm", "adult", "Sexual & Criminal", "13/2", date(2021, 6, 1))
        r3 = referral(3, "nrm", "child", "Criminal", "", date(2021, 9, 1))
        referral(4, "dtn", "adult", "Labour", "13/4", date(2021, 10, 1))
        r5 = referral(5, "nrm", "adult", "Labour", "13/5", date(2022, 4, 20))
        r6 = referral(6, "nrm", "unknown", "Not specified or unknown", "", date(2022, 2, 1))
        referral(7, "nrm", "adult", "Labour", "13/7", date(2022, 5, 2))  # after the period
        r8 = referral(8, "nrm", "adult", "Labour", "13/8", date(2021, 11, 1))

        def decide(rid: int, kind: str, outcome: str, on: date, **extra: object) -> int:
            return int(
                conn.execute(
                    insert(NRM_DECISION).values(
                        referral_id=rid, kind=kind, outcome=outcome, decided_on=on, **extra
                    )
                ).inserted_primary_key[0]
            )

        decide(r1, "rg", "positive", date(2021, 5, 7))  # 4 working days
        decide(r1, "cg", "positive-trafficking", date(2022, 1, 10))
        decide(r2, "rg", "negative", date(2021, 7, 1))  # 22 working days
        decide(r3, "rg", "positive", date(2021, 9, 6))  # 3 working days; awaiting CG since
        decide(r5, "rg", "positive", date(2022, 6, 1))  # after the as-at date: not yet known
        decide(r6, "withdrawal", "", date(2022, 3, 1))
        wrong = decide(r8, "rg", "negative", date(2021, 11, 3))
        decide(
            r8, "rg", "negative", date(2021, 11, 3), supersedes_id=wrong, is_void=True, reason="wrong case"
        )

        nav = [
            dict(person_id=people[1], referral_date=date(2021, 6, 10), consent=True,
                 support_plan_opened=date(2021, 6, 20), engaged_at_start=True, closed_date=date(2022, 1, 1)),
            dict(person_id=people[2], referral_date=date(2022, 3, 1), consent=False,
                 support_plan_opened=date(2022, 6, 1), engaged_at_start=False),
            dict(person_id=people[3], referral_date=date(2022, 5, 10), consent=True),
        ]  # fmt: skip
        for row in nav:
            conn.execute(insert(NAVIGATOR_CASE).values(**row))
        b1 = conn.execute(insert(HAVEN_BED).values(label="B1")).inserted_primary_key[0]
        b2 = conn.execute(insert(HAVEN_BED).values(label="B2")).inserted_primary_key[0]
        conn.execute(
            insert(HAVEN_STAY).values(
                bed_id=b1,
                person_id=people[1],
                admitted_at=_utc(2021, 7, 1, 10),
                discharged_at=_utc(2021, 7, 4, 9),
                discharge_destination="friends-family",
                nrm_decision_at_reception="consented",
                adults=1,
                children=2,
            )
        )
        conn.execute(
            insert(HAVEN_STAY).values(
                bed_id=b2,
                admitted_at=_utc(2022, 4, 29, 20),
                discharged_at=_utc(2022, 6, 1, 9),  # after the as-at date: still in on it
                discharge_destination="msvcc-safe-house",
                nrm_decision_at_reception="declined-dtn",
            )
        )
        for at, purpose, on_time in (
            (_utc(2021, 8, 2, 10), "welfare", None),
            (_utc(2021, 8, 3, 10), "decision-notification", True),
            (_utc(2022, 5, 1, 10), "welfare", None),  # after the period
        ):
            conn.execute(
                insert(VLO_CONTACT).values(
                    person_id=people[1],
                    contact_at=at,
                    method="phone",
                    purpose=purpose,
                    notified_on_time=on_time,
                )
            )
    return database


def _request(public: bool = False, kind: ReportKind = ReportKind.COM) -> ReportRequest:
    return ReportRequest(kind, FROM, TO, AS_AT, public)


def _value(table: dict[str, object], label: str, col: int = 1) -> object:
    for row in table["rows"]:  # type: ignore[attr-defined]
        if row[0] == label:
            return row[col]
    raise KeyError(label)


def test_every_table_on_the_fixture(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    report = backend_for(Role.MANAGER).reports.build(_request())
    t = report.as_json()["tables"]
    assert list(t) == [
        "headline", "disposals", "arrests_by_month", "offences_by_legislation", "nrm_referrals",
        "nrm_by_exploitation", "nrm_decisions", "navigator", "vlo", "haven_house",
        "engagement", "outcomes", "people_charged",
    ]  # fmt: skip
    assert t["disposals"]["columns"] == ["Disposal Type", "Disposals", "BD", "CD", "KD", "LD", "WD"]
    assert t["disposals"]["rows"] == SEED_ROWS
    h = t["headline"]
    # The seed export holds 4 arrests from before the period (March 2021): the previous period's.
    assert _value(h, "Arrests") == 129 and _value(h, "Arrests", 2) == 4 and _value(h, "Arrests", 3) == 125
    assert _value(h, "Arrests resulting in charge") == 6
    assert _value(h, "NRM referrals") == 6
    assert _value(h, "NRM referrals: adult (18 or over)") == 4
    assert _value(h, "NRM referrals: child (17 or under)") == 1
    assert _value(h, "NRM referrals: age not specified or unknown") == 1
    assert _value(h, "Duty to Notify reports") == 1
    assert _value(h, "Victims referred to the Victim Navigator") == 2
    assert _value(h, "Haven House admissions") == 2
    months = t["arrests_by_month"]
    assert len(months["rows"]) == 14 and months["rows"][-1][0] == "Total" and months["rows"][-1][-1] == 129
    assert months["rows"][-1][1:-1] == [34, 29, 16, 34, 16]
    n = t["nrm_referrals"]
    # No referral of the fixture records its district: every one is under "Not recorded".
    assert n["columns"] == ["Referrals", "NRM referral", "Duty to Notify", "Total",
                            "BD", "CD", "KD", "LD", "WD", "Not recorded"]  # fmt: skip
    assert n["rows"][:4] == [
        ["Adult (18 or over)", 4, 1, 5, 0, 0, 0, 0, 0, 5],
        ["Child (17 or under)", 1, 0, 1, 0, 0, 0, 0, 0, 1],
        ["Not specified or unknown", 1, 0, 1, 0, 0, 0, 0, 0, 1],
        ["All referrals", 6, 1, 7, 0, 0, 0, 0, 0, 7],
    ]
    assert _value(n, "With a crime reference", 3) == 5
    assert _value(n, "With a crime reference (%)", 3) == 71.4
    assert _value(n, "Nationality: Polish", 3) == 3
    assert _value(n, "Nationality: not recorded", 3) == 1
    e = t["nrm_by_exploitation"]
    assert e["columns"] == ["Exploitation type", "Adult (18 or over)", "Child (17 or under)",
                            "Not specified or unknown", "Total"]  # fmt: skip
    assert e["rows"] == [
        ["Labour", 4, 0, 0, 4],
        ["Criminal", 0, 1, 0, 1],
        ["Sexual & Criminal", 1, 0, 0, 1],
        ["Not specified or unknown", 0, 0, 1, 1],
        ["Total", 5, 1, 1, 7],
    ]
    d = t["nrm_decisions"]
    assert d["columns"] == ["Measure", "Value"]
    expected = {
        "NRM referrals made in the period": 6,
        "Awaiting RG": 2,  # one decided after the as-at date, one whose only decision was withdrawn in error
        "Withdrawn before an RG decision": 1,
        "RG decisions": 3,
        "RG positive": 2,
        "RG negative": 1,
        "RG within 5 working days": 2,
        "RG within 5 working days (%)": 66.7,
        "CG positive - trafficking": 1,
        "CG positive - slavery, servitude or forced labour": 0,
        "CG negative": 0,
        "Awaiting CG": 1,
        "Awaiting CG: 6 to 12 months since referral": 1,
    }
    for label, value in expected.items():
        assert _value(d, label) == value, label
    nav = t["navigator"]
    assert _value(nav, "Referrals to the Victim Navigator") == 2
    assert _value(nav, "Consented to support") == 1
    assert _value(nav, "Support plan opened") == 1  # the other plan opened after the as-at date
    assert _value(nav, "Engaged with police at the start (%)") == 50.0
    assert _value(nav, "Cases closed by the as-at date") == 1
    assert _value(nav, "Cases open on the as-at date") == 1
    v = t["vlo"]
    assert _value(v, "Victims contacted by a VLO") == 1
    assert _value(v, "Contacts") == 2
    assert _value(v, "Contacts: Welfare") == 1
    assert _value(v, "Decisions notified on time (%)") == 100.0
    hh = t["haven_house"]
    assert _value(hh, "Admissions") == 2
    assert _value(hh, "Discharged by the as-at date") == 1
    assert _value(hh, "Still at Haven House on the as-at date") == 1
    assert _value(hh, "Discharged to: Friends or family") == 1
    assert _value(hh, "Children in the parties admitted") == 2
    assert _value(hh, "Bed nights of the stays admitted") == 3 + 26
    for table in t.values():
        assert any("24/05/2022" in note for note in table["notes"]), table["title"]


def test_public_version_suppresses_small_counts_of_people_only(
    com_db: Database, backend_for: Callable[[Role], Backend]
) -> None:
    reports = backend_for(Role.MANAGER).reports
    internal = reports.build(_request()).as_json()["tables"]
    public = reports.build(_request(public=True)).as_json()["tables"]
    assert public["disposals"] == internal["disposals"]
    assert public["arrests_by_month"] == internal["arrests_by_month"]
    assert _value(public["headline"], "Arrests") == 129
    hidden = 0
    for key in ("nrm_referrals", "nrm_by_exploitation", "nrm_decisions", "navigator", "vlo", "haven_house"):
        for pub_row, int_row in zip(public[key]["rows"], internal[key]["rows"], strict=True):
            for shown, true in zip(pub_row[1:], int_row[1:], strict=True):
                if isinstance(true, int) and not isinstance(true, bool) and "(%)" not in str(int_row[0]):
                    assert not is_small(true) or shown == SUPPRESSED, (key, int_row)
                if true == 0:
                    assert shown == 0, (key, int_row)
                hidden += shown == SUPPRESSED
        assert any("[c]" in note for note in public[key]["notes"])
    assert hidden > 10


def test_regenerating_gives_identical_json(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    manager = backend_for(Role.MANAGER)
    first = manager.reports.render(_request(public=True))
    run = manager.reports.disclose(first, OutputFormat.JSON, "com.json", "COM meeting papers")
    # Later work that the as-at date does not see: a decision dated after it, an arrest after the period.
    with com_db.engine.begin() as conn:
        rid = conn.execute(select(NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.referral_ref == "NRM-3")).scalar()
        conn.execute(
            insert(NRM_DECISION).values(
                referral_id=rid, kind="cg", outcome="negative", decided_on=date(2022, 9, 1)
            )
        )
    again = manager.reports.regenerate(run.id, "checking the published figures")
    assert again.identical
    assert again.rendered.json == first.json
    assert again.run.id != run.id and again.run.sha256 == run.sha256  # JSON bytes are the file


def _later_corrections(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    """After a run: the period's first arrest withdrawn, a back-dated charge on another one."""
    officer = backend_for(Role.HTT_OFFICER)
    with com_db.engine.connect() as conn:
        first, second = conn.execute(
            select(ARREST.c.id)
            .where(ARREST.c.arrest_date >= FROM, ARREST.c.arrest_date <= TO)
            .order_by(ARREST.c.id)
            .limit(2)
        ).scalars()
    officer.corrections.withdraw_arrest(first, "Duplicate of another custody record")
    offence = officer.register.get(second).offences[0].id
    officer.register.append_event(offence, "CHARGE", date(2022, 5, 1))


@pytest.mark.parametrize(
    ("kind", "fmt"), [(ReportKind.COM, OutputFormat.PDF), (ReportKind.DISPOSALS, OutputFormat.PDF)]
)
def test_regenerating_after_corrections_reproduces_the_published_file(
    com_db: Database, backend_for: Callable[[Role], Backend], kind: ReportKind, fmt: OutputFormat
) -> None:
    manager = backend_for(Role.MANAGER)
    run, data = manager.reports.produce(ReportRequest(kind, FROM, TO, AS_AT), fmt, "r.pdf", "COM papers")
    _later_corrections(com_db, backend_for)
    now = manager.reports.render(ReportRequest(kind, FROM, TO, AS_AT))
    assert (
        now.json != manager.reports.render(ReportRequest(kind, FROM, TO, AS_AT), produced=run.created_at).json
    )
    again = manager.reports.regenerate(run.id, "checking the published figures")
    assert again.rendered.data(fmt) == data
    assert again.run.sha256 == run.sha256 and again.identical


def test_revisions_list_every_changed_cell_and_are_audited(
    com_db: Database, backend_for: Callable[[Role], Backend]
) -> None:
    manager = backend_for(Role.MANAGER)
    run, _ = manager.reports.produce(_request(), OutputFormat.JSON, "com.json", "COM papers")
    assert manager.reports.revisions(run.id).cells == ()
    published = manager.reports.build(_request())
    _later_corrections(com_db, backend_for)
    current = manager.reports.build(_request())
    cells = manager.reports.revisions(run.id).cells
    expected = {
        (t.title, str(row[0]), column, old, new)
        for t, now in zip(published.tables, current.tables, strict=True)
        for row, row_now in zip(t.rows, now.rows, strict=True)
        for column, old, new in zip(t.columns[1:], row[1:], row_now[1:], strict=True)
        if old != new
    }
    assert {(c.table, c.row, c.column, c.published, c.current) for c in cells} == expected
    arrests = next(
        c for c in cells if (c.table, c.row, c.column) == ("Headline figures", "Arrests", "This period")
    )
    assert (arrests.published, arrests.current) == (129, 128)
    assert [c.table for c in cells][0] == "Headline figures"  # in the published order
    with com_db.engine.connect() as conn:
        consults = conn.execute(
            select(AUDIT.c.fields).where(
                AUDIT.c.action == "consult", AUDIT.c.entity == "report_run", AUDIT.c.record_id == str(run.id)
            )
        ).all()
    assert len(consults) == 2
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.VLO).reports.revisions(run.id)


def test_every_run_is_recorded_with_its_hash_and_a_disclosure(
    com_db: Database, backend_for: Callable[[Role], Backend]
) -> None:
    manager = backend_for(Role.MANAGER)
    run, data = manager.reports.produce(_request(), OutputFormat.PDF, "com.pdf", "COM 8 January")
    assert run.sha256 == sha256(data) and run.size_bytes == len(data)
    assert run.classification == "OFFICIAL-SENSITIVE" and run.username == manager.actor.username
    assert run.kind is ReportKind.COM and (run.date_from, run.date_to, run.as_at) == (FROM, TO, AS_AT)
    with com_db.engine.connect() as conn:
        params = json.loads(conn.execute(select(REPORT_RUN.c.parameters)).scalar_one())
        event = (
            conn.execute(
                select(AUDIT).where(AUDIT.c.action == "disclose").order_by(AUDIT.c.id.desc()).limit(1)
            )
            .mappings()
            .one()
        )  # the latest disclosure: by id, not by whichever row the engine returns last
    assert params["format"] == "pdf" and params["public"] is False and len(params["json_sha256"]) == 64
    assert event["entity"] == "report_run" and event["record_id"] == str(run.id)
    assert event["reason"] == "COM 8 January"
    assert [r.id for r in manager.reports.history()] == [run.id]
    with pytest.raises(ValidationError):
        manager.reports.produce(_request(), OutputFormat.PDF, "com.pdf", "  ")


def test_who_may_produce_it(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    officer = backend_for(Role.HTT_OFFICER).reports
    officer.build(_request())  # may read the figures
    with pytest.raises(PermissionDeniedError):
        officer.produce(_request(), OutputFormat.PDF, "x.pdf", "reason")
    officer.produce(_request(kind=ReportKind.DISPOSALS), OutputFormat.PDF, "d.pdf", "reason")
    for role in (Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.AUDITOR):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).reports.build(_request())


def test_the_as_at_date_cannot_precede_the_period_end(backend_for: Callable[[Role], Backend]) -> None:
    with pytest.raises(ValidationError):
        backend_for(Role.MANAGER).reports.build(ReportRequest(ReportKind.COM, FROM, TO, date(2022, 4, 1)))


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    """Table cells come out one per line: compare with single spaces."""
    return " ".join(text.split())


def test_pdf_is_marked_on_every_page_and_names_print_as_written(
    com_db: Database, backend_for: Callable[[Role], Backend], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mshtdesk.reports import pdf

    monkeypatch.chdir(tmp_path)  # the font comes from the package, never the working directory
    manager = backend_for(Role.MANAGER)
    for public, marking in ((False, "OFFICIAL-SENSITIVE"), (True, "OFFICIAL")):
        report = manager.reports.build(_request(public=public))
        data = pdf.com_pdf(report, prepared_by=NAMES, produced=datetime(2022, 5, 25, 9, tzinfo=UTC))
        reader = PdfReader(io.BytesIO(data))
        assert reader.metadata is not None
        assert reader.metadata.subject == marking
        assert "Community Outcomes Meeting" in (reader.metadata.title or "")
        pages = _pages(data)
        assert len(pages) >= 5
        for number, text in enumerate(pages, start=1):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            assert lines.count(marking) >= 2, f"page {number}: marking at head and foot"
            if public:
                assert "OFFICIAL-SENSITIVE" not in text
            assert f"Page {number} of {len(pages)}" in text
        everything = _flat("\n".join(pages))
        for name in NAMES.split(", "):
            assert name in everything
        assert "Table 2. Arrests by highest-ranked disposal and district" in everything
        assert "Released under investigation 41 17 12 2 7 3" in everything
        assert "Total arrests 129 34 29 16 34 16" in everything
        assert (SUPPRESSED in everything) == public


def test_disposal_table_pdf_is_one_page_with_the_published_numbers(
    com_db: Database, backend_for: Callable[[Role], Backend]
) -> None:
    rendered = backend_for(Role.MANAGER).reports.render(_request(kind=ReportKind.DISPOSALS))
    pages = _pages(rendered.pdf)
    assert len(pages) == 1
    text = _flat(pages[0])
    for label, *numbers in SEED_ROWS:
        assert f"{label} {' '.join(map(str, numbers))}" in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2 and "Page 1 of 1" in text
    assert json.loads(rendered.json)["tables"]["disposals"]["rows"] == SEED_ROWS


def test_cli_writes_both_versions(
    com_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_address: str
) -> None:
    from mshtdesk.cli import main
    from tests.conftest import USERS

    com_db.close()
    monkeypatch.setenv("MSHTDESK_USER", USERS[Role.MANAGER].username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[Role.MANAGER].password)
    common = ["--db", db_address, "report", "com", "--from", "2021-04-01", "--to", "2022-04-30",
              "--as-at", "2022-05-24", "--reason", "COM papers"]  # fmt: skip
    assert main([*common, "--public", "--format", "json", "-o", str(tmp_path / "public.json")]) == 0
    assert main([*common, "-o", str(tmp_path / "internal.pdf")]) == 0
    data = json.loads((tmp_path / "public.json").read_text(encoding="utf-8"))
    assert data["public"] is True and data["period"] == {
        "from": "2021-04-01",
        "to": "2022-04-30",
        "as_at": "2022-05-24",
    }
    assert data["tables"]["disposals"]["rows"] == SEED_ROWS
    assert (tmp_path / "internal.pdf").read_bytes().startswith(b"%PDF")
    out = tmp_path / "disposals.pdf"
    args = ["--db", db_address, "report", "disposals", "--from", "2021-04-01", "--to", "2022-04-30",
            "--as-at", "2022-05-24", "--format", "pdf", "--reason", "x", "-o", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "Total arrests 129 34 29 16 34 16" in _flat(_pages(out.read_bytes())[0])


def test_only_the_pdf_modules_import_reportlab() -> None:
    """Typesetting stays in reports/pdf.py and the pathway print built on its page template, so the rest
    of the app never pays for ReportLab."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root))
        for folder in ("mshtdesk", "ui")
        for p in (root / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) reportlab", p.read_text(encoding="utf-8"), re.M)
    ]
    assert sorted(offenders) == [
        os.path.join("mshtdesk", "reports", "pathway_print.py"),
        os.path.join("mshtdesk", "reports", "pdf.py"),
    ]


PG_URL = os.environ.get("MSHTDESK_TEST_PG_URL")


@pytest.mark.skipif(not PG_URL, reason="set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL database")
@sqlite_only("compares the file's report with a server's filled here (every other test runs on both)")
def test_the_same_report_on_postgresql(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    from sqlalchemy import create_engine, text

    from tests.conftest import USERS

    assert PG_URL
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(PG_URL, admin.username, admin.password)
    for role in (Role.HTT_OFFICER, Role.MANAGER):
        created.users.add_user(USERS[role].username, "", role, USERS[role].password)
    Backend.as_user(created.db, USERS[Role.HTT_OFFICER].username).import_file(str(SEED_EXPORT))
    fill_victims(created.db)
    pg = Backend.as_user(created.db, USERS[Role.MANAGER].username)
    try:
        for public in (False, True):
            expected = backend_for(Role.MANAGER).reports.build(_request(public=public)).json_bytes()
            assert pg.reports.build(_request(public=public)).json_bytes() == expected
    finally:
        pg.close()
