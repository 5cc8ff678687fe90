"""COM table ``offences_by_legislation`` on the seed custody export (129 arrests, 153 offences), every
figure counted by hand from the CSV; corrections as recorded at a moment; old "other" rows placed by
their text; the public version leaves it as it is (offences, not people)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select, update

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST, OFFENCE, OFFENCE_TYPE
from tests.conftest import SEED_EXPORT

FROM, TO, AS_AT = date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)
COLUMNS = ["Legislation", "Offences", "Arrests", "Share of offences (%)"]
# From the CSV: s.1 = "Modern Slavery Act 2015 s.1" 8 + "MSA s.1" 9 + "Hold person in slavery or
# servitude" 13; s.2 = 14 + 12 ("MSA s.2") + 16 ("s.2 MSA 2015") + 12 ("Arrange or facilitate travel...")
# on 49 arrests; s.4 = 14; earlier = "Sexual Offences Act 2003 s.59A" 10; other = controlling 19 +
# causing or inciting 8 + breach of an STRO 18.
SEED = [
    ["Modern Slavery Act 2015 s.1", 30, 30, 19.6],
    ["Modern Slavery Act 2015 s.2", 54, 49, 35.3],
    ["Modern Slavery Act 2015 s.4", 14, 14, 9.2],
    ["Earlier legislation", 10, 10, 6.5],
    ["Other", 45, 45, 29.4],
    ["Total", 153, 129, 100.0],
]


def _table(backend: Backend, public: bool = False, recorded_at: datetime | None = None) -> dict[str, object]:
    report = backend.reports.build(ReportRequest(ReportKind.COM, FROM, TO, AS_AT, public), recorded_at)
    table: dict[str, object] = report.as_json()["tables"]["offences_by_legislation"]
    return table


def test_the_seed_by_legislation(database: Database, backend_for: Callable[[Role], Backend]) -> None:
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    manager = backend_for(Role.MANAGER)
    table = _table(manager)
    assert table["title"] == "Offences by legislation"
    assert table["columns"] == COLUMNS
    assert table["rows"] == SEED
    notes = " ".join(table["notes"])  # type: ignore[arg-type]
    assert "counts once in each row" in notes and "Coroners and Justice Act 2009 s.71" in notes
    # Offences and arrests are not counts of people: the public version publishes them as they are.
    assert _table(manager, public=True)["rows"] == SEED
    keys = list(manager.reports.build(ReportRequest(ReportKind.COM, FROM, TO, AS_AT)).as_json()["tables"])
    assert keys.index("offences_by_legislation") == keys.index("arrests_by_month") + 1


def test_offences_stored_as_other_are_placed_by_their_text(
    database: Database, backend_for: Callable[[Role], Backend]
) -> None:
    """An export imported before the recogniser knew "Hold person in slavery or servitude" stored it as
    an "other offence": the table reads the text again and counts it under s.1."""
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    with database.engine.begin() as conn:
        other = conn.execute(select(OFFENCE_TYPE.c.id).where(OFFENCE_TYPE.c.code == "OTHER_MS")).scalar_one()
        changed = conn.execute(
            update(OFFENCE)
            .where(OFFENCE.c.offence_text.in_(["Hold person in slavery or servitude", "MSA s.2"]))
            .values(offence_type_id=other)
        ).rowcount
    assert changed > 20
    assert _table(backend_for(Role.MANAGER))["rows"] == SEED


def test_corrections_count_as_recorded_at_a_moment(
    database: Database, backend_for: Callable[[Role], Backend]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    officer.import_file(str(SEED_EXPORT))
    manager = backend_for(Role.MANAGER)
    before = datetime.now(UTC)
    with database.engine.connect() as conn:
        ids = (
            conn.execute(
                select(ARREST.c.id)
                .where(ARREST.c.arrest_date >= FROM, ARREST.c.arrest_date <= TO)
                .order_by(ARREST.c.id)
            )
            .scalars()
            .all()
        )
    # One arrest whose only offence is s.4 is withdrawn; an s.1 offence (alone on its arrest) is
    # corrected to the older Act; on an arrest with two offences under different rows, one is withdrawn.
    details = [officer.register.get(i) for i in ids]
    s4_only = next(d for d in details if [o.type_code for o in d.offences] == ["MSA-4"])
    s1_only = next(d for d in details if [o.type_code for o in d.offences] == ["MSA-1"])
    pair = next(
        d
        for d in details
        if [o.type_code for o in d.offences] in (["OTHER_MS", "MSA-2"], ["MSA-2", "OTHER_MS"])
    )
    gone = next(o for o in pair.offences if o.type_code == "OTHER_MS")
    officer.corrections.withdraw_arrest(s4_only.id, "Duplicate custody record")
    officer.corrections.correct_offence(
        s1_only.offences[0].id, "Coroners and Justice Act 2009 s.71", "Offence pre-dates the Act"
    )
    officer.corrections.withdraw_offence(gone.id, "Entered in error")
    assert _table(manager)["rows"] == [
        ["Modern Slavery Act 2015 s.1", 29, 29, 19.2],  # 29/151
        ["Modern Slavery Act 2015 s.2", 54, 49, 35.8],
        ["Modern Slavery Act 2015 s.4", 13, 13, 8.6],
        ["Earlier legislation", 11, 11, 7.3],
        ["Other", 44, 44, 29.1],
        ["Total", 151, 128, 100.0],
    ]
    assert _table(manager, recorded_at=before)["rows"] == SEED
