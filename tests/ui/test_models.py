"""The item models, without a window: Qt's model tester, paging, SQL sorting and filtering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.users import DEMO_USERS
from mshtdesk.domain.roles import Role
from mshtdesk.errors import RowError
from mshtdesk.services.audit import AuditQuery, AuditRow
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import NO_DISPOSAL, ArrestInput, ArrestQuery, ArrestRow
from tests.ui.helpers import SEED_EXPORT
from ui.models.arrests_model import PAGE_SIZE, ROW_ROLE, SORT_ROLE, ArrestsModel, Column
from ui.models.audit_model import ROW_ROLE as AUDIT_ROW_ROLE
from ui.models.audit_model import AuditColumn, AuditModel
from ui.models.demo_users_model import DemoUsersModel
from ui.models.disposal_table_model import DisposalTableModel
from ui.models.history_model import HistoryColumn, HistoryModel
from ui.models.row_errors_model import RowErrorsModel
from ui.models.users_model import UserColumn, UsersModel


def test_arrests_model_passes_the_model_tester(qtmodeltester: ModelTester, demo_backend: Backend) -> None:
    model = ArrestsModel(demo_backend.register)
    model.reload()
    qtmodeltester.check(model, force_py=True)  # the thorough Python port, run on every change below
    model.sort(Column.CUSTODY_REF, Qt.SortOrder.AscendingOrder)
    model.set_query(ArrestQuery(district_code="BD"))
    model.set_query(ArrestQuery(text="no such reference"))
    model.set_query(ArrestQuery())


def test_arrests_model_passes_qts_own_tester(qtmodeltester: ModelTester, demo_backend: Backend) -> None:
    model = ArrestsModel(demo_backend.register)
    model.reload()
    qtmodeltester.check(model, force_py=False)
    model.sort(Column.DISPOSAL, Qt.SortOrder.DescendingOrder)


def test_arrests_model_fetches_in_pages_of_200(backend: Backend) -> None:
    fill_demo(backend.db, arrests=450)
    model = ArrestsModel(backend.register)
    model.reload()
    assert model.total == 450
    assert model.rowCount() == PAGE_SIZE == 200
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    ids = [model.row_at(r).id for r in range(model.rowCount())]
    assert len(set(ids)) == 450  # no row twice across pages


def test_sorting_is_done_in_sql_over_the_whole_register(backend: Backend) -> None:
    fill_demo(backend.db, arrests=300)
    model = ArrestsModel(backend.register)
    model.reload()
    model.sort(Column.CUSTODY_REF, Qt.SortOrder.AscendingOrder)
    first_page = [model.row_at(r).custody_ref for r in range(model.rowCount())]
    all_refs = sorted(r.custody_ref for r in backend.register.page(ArrestQuery(), limit=1000))
    assert first_page == all_refs[:PAGE_SIZE]  # the first 200 of all 300, not a sort of 200 loaded rows
    model.sort(Column.CUSTODY_REF, Qt.SortOrder.DescendingOrder)
    assert model.row_at(0).custody_ref == all_refs[-1]


def test_display_sort_and_row_roles(demo_backend: Backend) -> None:
    model = ArrestsModel(demo_backend.register)
    model.reload()
    row = model.index(0, Column.ARREST_DATE).data(ROW_ROLE)
    assert isinstance(row, ArrestRow)
    shown = model.index(0, Column.ARREST_DATE).data()
    assert shown == row.arrest_date.strftime("%d/%m/%Y")
    raw = model.index(0, Column.ARREST_DATE).data(SORT_ROLE)
    assert raw == row.arrest_date, type(raw)
    align = model.index(0, Column.OFFENCES).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(align) & Qt.AlignmentFlag.AlignRight
    assert model.headerData(Column.DISPOSAL, Qt.Orientation.Horizontal) == "Current disposal"
    # newest first by default
    dates = [model.row_at(r).arrest_date for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)


def test_filters_are_sql_queries(demo_backend: Backend) -> None:
    model = ArrestsModel(demo_backend.register)
    model.reload()
    everything = model.total
    model.set_query(ArrestQuery(district_code="BD"))
    assert 0 < model.total < everything
    assert {model.row_at(r).district for r in range(model.rowCount())} == {"BD"}
    model.set_query(ArrestQuery(disposal_code=NO_DISPOSAL))
    assert all(model.row_at(r).disposal_code is None for r in range(model.rowCount()))


def _arrest_with_history(backend: Backend) -> int:
    reg = backend.register
    arrest_id = reg.create_arrest(
        ArrestInput("WY/24/900001", date(2024, 6, 3), "LD"),
        [("O1", "Modern Slavery Act 2015 s.2"), ("O2", "Controlling prostitution for gain")],
    )
    o1, o2 = reg.get(arrest_id).offences
    first = reg.append_event(o1.id, "RUI", date(2024, 6, 3))
    reg.correct_event(first, "BAIL", date(2024, 6, 3), "Custody record showed bail")
    wrong = reg.append_event(o2.id, "NFA", date(2024, 6, 4))
    reg.retract_event(wrong, "Wrong offence")
    return arrest_id


@pytest.mark.parametrize("python_port", [True, False], ids=["python-tester", "qt-tester"])
def test_history_model_passes_the_model_tester(
    qtmodeltester: ModelTester, backend: Backend, python_port: bool
) -> None:
    model = HistoryModel()
    qtmodeltester.check(model, force_py=python_port)
    model.set_detail(backend.register.get(_arrest_with_history(backend)))
    model.set_detail(None)


def test_history_model_marks_corrections_and_withdrawals(backend: Backend) -> None:
    model = HistoryModel()
    model.set_detail(backend.register.get(_arrest_with_history(backend)))
    assert model.rowCount() == 2
    o1, o2 = model.index(0, 0), model.index(1, 0)
    assert "O1" in o1.data() and "Current disposal: Bail" in o1.data()
    status = [model.index(r, HistoryColumn.STATUS, o1).data() for r in range(model.rowCount(o1))]
    assert status == ["corrected", "correction"]
    status = [model.index(r, HistoryColumn.STATUS, o2).data() for r in range(model.rowCount(o2))]
    assert status == ["withdrawn", "withdrawal"]
    struck = model.index(0, HistoryColumn.DISPOSAL, o1).data(Qt.ItemDataRole.FontRole)
    assert struck.strikeOut()
    assert model.index(1, HistoryColumn.NOTE, o1).data() == "Custody record showed bail"
    live = model.event_at(model.index(1, 0, o1))
    assert live is not None and model.is_live(live)
    assert not model.is_live(model.event_at(model.index(0, 0, o1)))  # type: ignore[arg-type]


def test_disposal_table_model_lays_out_the_published_table(
    qtmodeltester: ModelTester, backend: Backend
) -> None:
    backend.import_file(str(SEED_EXPORT))
    table = backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    model = DisposalTableModel()
    qtmodeltester.check(model, force_py=True)
    model.set_table(table)
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["Disposal Type", "Disposals", "BD", "CD", "KD", "LD", "WD"]
    last = model.rowCount() - 1
    assert model.index(last, 0).data() == "Total arrests"
    assert model.index(last, 1).data() == "129"
    assert model.index(last, 2).data() == "34"
    assert model.index(last, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert not model.index(0, 0).data(Qt.ItemDataRole.FontRole)
    tsv = model.as_tsv().splitlines()
    assert tsv[0] == "Disposal Type\tDisposals\tBD\tCD\tKD\tLD\tWD"
    assert tsv[-1] == "Total arrests\t129\t34\t29\t16\t34\t16"


def test_row_errors_model(qtmodeltester: ModelTester) -> None:
    model = RowErrorsModel()
    qtmodeltester.check(model, force_py=True)
    model.set_errors([RowError(3, "arrest_date", "'31/02/2022' is not a real calendar date")])
    assert model.index(0, 0).data() == "3"
    lines = model.as_tsv().splitlines()
    assert lines == ["Line\tColumn\tProblem", "3\tarrest_date\t'31/02/2022' is not a real calendar date"]


def test_audit_model_passes_the_model_tester(
    qtmodeltester: ModelTester, backend_for: Callable[[Role], Backend]
) -> None:
    auditor = backend_for(Role.AUDITOR)
    auditor.audit.list(AuditQuery())  # at least one event: this consultation
    model = AuditModel()
    qtmodeltester.check(model, force_py=True)
    rows = auditor.audit.list(AuditQuery())
    model.set_rows(rows)
    assert model.rowCount() == len(rows) > 0
    assert model.index(0, AuditColumn.USER).data() == rows[0].username
    assert model.index(0, AuditColumn.WHEN).data(SORT_ROLE) == rows[0].id
    assert model.index(0, 0).data(AUDIT_ROW_ROLE) == rows[0]
    model.set_rows([])


def test_audit_model_sorts_record_ids_as_numbers(qapp: object) -> None:
    from datetime import UTC, datetime

    from PySide6.QtCore import QSortFilterProxyModel

    at = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        AuditRow(i, at, "u", "", "consult", "arrest", rid, "", "", "")
        for i, rid in enumerate(["10", "9", "x"])
    ]
    model = AuditModel()
    model.set_rows(rows)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(AuditColumn.RECORD, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, AuditColumn.RECORD).data() for r in range(3)] == ["9", "10", "x"]


def test_users_model_passes_the_model_tester(
    qtmodeltester: ModelTester, backend_for: Callable[[Role], Backend]
) -> None:
    model = UsersModel()
    qtmodeltester.check(model, force_py=True)
    model.set_users(backend_for(Role.ADMINISTRATOR).users.list_users())
    assert model.rowCount() == 7
    assert model.index(model.row_of("auditor"), UserColumn.ROLE).data() == "Auditor"


def test_demo_users_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = DemoUsersModel(DEMO_USERS)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 7 and model.columnCount() == 3
    assert model.index(2, 1).data() == "HTT officer"
