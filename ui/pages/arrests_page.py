"""The arrests register page: a filter bar over a lazily paged, SQL-sorted table (a :class:`ListPage`).

Several rows may be selected, to copy them (a disclosure, recorded with its reason). Any announced
change may move an arrest's current disposal, so the page re-reads on every one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.reports.csv_safety import to_tsv
from mshtdesk.services.register import NO_DISPOSAL, ArrestQuery
from ui import error_report
from ui.context import AppContext
from ui.models.arrests_model import COLUMNS, HEADERS, ArrestsModel, Column
from ui.models.columns import samples
from ui.pages.list_page import ListPage
from ui.widgets.dates import OptionalDateEdit
from ui.wording import plural


class ArrestsPage(ListPage):
    shows = frozenset({Data.ARREST, Data.DISPOSAL, Data.RANKING})
    heading = "Arrests"
    noun = ("arrest", "arrests")
    export_entity = Entity.ARREST  # Copy and Export CSV of the current filter (managers)
    search_hint = "Reference, detainee or operation"
    no_match_title = "No arrests match these filters"
    no_match_text = "Try a shorter reference or a wider period."
    empty_name = "emptyRegister"
    has_pathway = False  # an arrest names a detainee, not a person on the victim pathway
    multi_select = True
    table_padding = 44

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ArrestsModel(ctx.backend.register), parent)
        self.setObjectName("arrestsPage")
        self.can_copy = ctx.may(Action.EXPORT, Entity.ARREST)  # rows of personal data leave the app
        self.can_create = ctx.may(Action.CREATE, Entity.ARREST)
        self._build_filters()
        self.new_button = QPushButton("New arrest\u2026")
        self.new_button.setToolTip("Add an arrest with its offences (Ctrl+N)")
        self.new_button.setVisible(self.can_create)
        self.add_command(self.new_button, gap=12)
        self.finish(
            "arrestsTable",
            samples(COLUMNS),
            empty_title="No arrests yet",
            empty_text="Import a custody export (Ctrl+I) or add an arrest (Ctrl+N)."
            if self.can_create
            else "Arrests appear here once the HTT has added or imported them.",
            sort_column=Column.ARREST_DATE,
            descending=True,
        )
        self.empty_register = self.empty_panel
        if self.can_create:
            self.empty_panel.add_button("Import custody export\u2026", self.import_custody, default=True)
            self.empty_panel.add_button("New arrest\u2026", self.new_arrest)
        self.new_button.clicked.connect(self.new_arrest)

    def _build_filters(self) -> None:
        self.district = QComboBox()
        self.district.setObjectName("districtFilter")
        self.district.addItem("All districts", None)
        for d in self.ctx.reference.districts:
            self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.date_from = OptionalDateEdit("Any date")
        self.date_to = OptionalDateEdit("Any date")
        self.date_from.setToolTip("Arrested on or after this date")
        self.date_to.setToolTip("Arrested on or before this date")
        self.disposal = QComboBox()
        self.disposal.setObjectName("disposalFilter")
        self.disposal.addItem("Any disposal", None)
        for t in self.ctx.reference.disposal_types:
            self.disposal.addItem(t.label, t.code)
        self.disposal.addItem("No disposal recorded", NO_DISPOSAL)
        self.disposal.setToolTip("The arrest's current disposal: the highest-ranked of its offences'")
        self.add_filter("&District:", self.district, gap=0, chars=13)
        self.add_filter("A&rrested:", self.date_from, gap=16)
        self.add_filter("&to", self.date_to, gap=0)
        self.add_filter("Di&sposal:", self.disposal, gap=16, chars=16)

    # ----- what the filters mean ---------------------------------------------------------------
    def current_query(self) -> ArrestQuery:
        return ArrestQuery(
            text=self.search.text().strip(),
            district_code=self.district.currentData(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            disposal_code=self.disposal.currentData(),
        )

    def default_query(self) -> ArrestQuery:
        return ArrestQuery()

    def reset_filters(self) -> None:
        self.district.setCurrentIndex(0)
        self.disposal.setCurrentIndex(0)
        self.date_from.clear_value()
        self.date_to.clear_value()

    # ----- reading -----------------------------------------------------------------------------
    def on_changes(self, changes: Changes) -> None:
        saved = None if self.ctx.tasks.elsewhere else changes.ids_of(Data.ARREST)
        one = next(iter(saved)) if saved is not None and len(saved) == 1 else None
        self.refresh(select=one)  # show the arrest this user just saved; another user's leaves it be

    # ----- selection and commands --------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def copy(self) -> None:
        """Ask why, record the disclosure, then copy the selected rows (tab-separated, with a header);
        with no row selected, every row of the current filter, as on the other list pages."""
        rows = self.selected_rows()
        if not self.can_copy:
            return
        if not rows:
            super().copy()
            return
        from ui.dialogs.reason_dialog import ReasonDialog

        header = [HEADERS[c] for c in Column]
        cells = [[str(self.model.index(r, c).data() or "") for c in Column] for r in rows]
        text = to_tsv([header, *cells])  # every cell guarded and kept whole: "=..." stays text
        ids = [self.model.row_at(r).id for r in rows]
        dialog = ReasonDialog(
            self,
            title="Copy arrests",
            what=f"{plural(len(ids), 'arrest')} will be copied to the clipboard.",
            ok_text="Copy",
        )
        dialog.reason_given.connect(lambda reason: self.copy_with_reason(ids, text, reason))
        dialog.open()

    def copy_with_reason(self, ids: list[int], text: str, reason: str) -> None:
        register = self.ctx.backend.register
        self.ctx.tasks.run(
            lambda _job: register.disclose(ids, reason),
            done=lambda _result: QGuiApplication.clipboard().setText(text),
            failed=self._copy_failed,
            owner=self,
            context="copying arrests",
        )

    def _copy_failed(self, exc: BaseException) -> None:
        error_report.report(self, exc, "copying arrests")

    def open_row(self, row: Any) -> None:
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, row.id, self)

    def new_arrest(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.arrest_dialog import ArrestDialog

        ArrestDialog.start(self.ctx, None, self)

    def import_custody(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self)
