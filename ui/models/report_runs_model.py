"""Past report runs, newest first, for the Reports page's history: one row per ``ReportRun``."""

from __future__ import annotations

from typing import Any

from mshtdesk.domain.dates import uk
from mshtdesk.services.com_report import ReportRun
from ui.models.columns import ROW_ROLE as ROW_ROLE  # the ReportRun (Qt.UserRole)
from ui.models.columns import ColumnSpec
from ui.models.paged_model import RowsModel


def _tip(run: ReportRun) -> str:
    return f"SHA-256 {run.sha256}\n{run.file_name}"


COLUMNS: tuple[ColumnSpec[ReportRun], ...] = tuple(
    ColumnSpec(header, text, cell_tip=_tip, header_aligned=False)
    for header, text in (
        ("Produced", lambda r: r.created_at.astimezone().strftime("%d/%m/%Y %H:%M")),
        ("Report", lambda r: r.kind.label),
        ("Period", lambda r: f"{uk(r.date_from)} to {uk(r.date_to)}"),
        ("As at", lambda r: uk(r.as_at)),
        ("Version", lambda r: "Public" if r.public else "Internal"),
        ("Format", lambda r: r.output_format.upper()),
        ("By", lambda r: r.username),
        ("Reason", lambda r: r.reason),
    )
)


class RunsModel(RowsModel):
    COLUMNS = tuple(c.header for c in COLUMNS)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def set_runs(self, runs: list[ReportRun]) -> None:
        self.set_rows(runs)

    @property
    def runs(self) -> list[ReportRun]:
        return list(self._rows)
