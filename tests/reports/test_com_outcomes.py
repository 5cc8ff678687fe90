"""The COM tables ``outcomes`` and ``people_charged`` on the seed custody export with four court outcomes
imported: in the JSON at the end of the table list, and in the PDF, the HTML page and the CSV ZIP as
their generic renderers set them out."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest
from tests.conftest import DATA, SEED_EXPORT
from tests.reports.test_com import AS_AT, FROM, TO

OUTCOMES = DATA / "outcomes_seed.csv"


def _manager(backend_for: Callable[[Role], Backend]) -> Backend:
    officer = backend_for(Role.HTT_OFFICER)
    officer.import_file(str(SEED_EXPORT))
    assert officer.import_outcomes_file(str(OUTCOMES)).outcomes_added == 4
    return backend_for(Role.MANAGER)


def test_the_seed_with_outcomes(backend_for: Callable[[Role], Backend], tmp_path: Path) -> None:
    manager = _manager(backend_for)
    report = manager.reports.build(ReportRequest(ReportKind.COM, FROM, TO, AS_AT))
    keys = [t.key for t in report.tables]
    assert keys[-2:] == ["outcomes", "people_charged"]
    rows = {r[0]: r[1:] for r in report.table("outcomes").rows}
    # The seed's published table has 6 arrests resulting in charge; the four outcomes of the file are
    # dated in the period (WY/21/000352 convicted, 48 months custodial; 000462 convicted of a lesser
    # offence, 10 months, not custodial; 000640 acquitted; 000669 discontinued).
    assert rows["Outcomes in the period"][0] == 4
    assert rows["Convicted"][0] == 1 and rows["Convicted of a lesser offence"][0] == 1
    assert rows["Acquitted"][0] == 1 and rows["Discontinued"][0] == 1 and rows["Other outcome"][0] == 0
    assert rows["Custodial sentences"][0] == 1 and rows["Custodial years"][0] == 4.0
    assert rows["Offences charged in the period"][0] >= 4

    # PDF: both tables, their rows, read back from the file.
    _, pdf = manager.reports.produce(
        ReportRequest(ReportKind.COM, FROM, TO, AS_AT), OutputFormat.PDF, "com.pdf", "COM papers"
    )
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(pages)
    for words in (
        "Court outcomes of offences charged",
        "Awaiting outcome on the as-at date",
        "Convicted of a lesser offence",
        "Custodial years",
        "Persons arrested and charged",
        "Repeat arrestees",
    ):
        assert words in text, words
    if os.environ.get("MSHTDESK_SHOTS"):
        (Path(os.environ["MSHTDESK_SHOTS"]) / "com.pdf").write_bytes(pdf)

    # HTML and the CSV ZIP: the same tables, in the same generic form as the others.
    _, html = manager.reports.produce(
        ReportRequest(ReportKind.COM, FROM, TO, AS_AT, True), OutputFormat.HTML, "com.html", "publish"
    )
    page = html.decode("utf-8")
    assert "<caption>" in page and "Court outcomes of offences charged" in page
    assert "Persons charged in the period" in page
    _, zipped = manager.reports.produce(
        ReportRequest(ReportKind.COM, FROM, TO, AS_AT, True), OutputFormat.CSV, "com.zip", "publish"
    )
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        names = z.namelist()
        [outcomes_csv] = [n for n in names if "outcomes" in n]
        got = list(csv.reader(io.StringIO(z.read(outcomes_csv).decode("utf-8-sig"))))
    assert got[0] == ["Measure", "Total", "BD", "CD", "KD", "LD", "WD"]
    assert got[2][0] == "Outcomes in the period" and got[2][1] == "4"
