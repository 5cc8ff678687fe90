"""The one look of a read-only list of records: whole-row selection, alternating rows, no editing,
columns sized from sample values so nothing is clipped on first show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def record_table(
    name: str,
    accessible_name: str,
    model: QAbstractItemModel,
    samples: Mapping[Any, str],
    headers: Mapping[Any, str],
    *,
    multi_select: bool = False,
    padding: int = 28,
) -> QTableView:
    """A table view over ``model``; each column in ``samples`` is as wide as its sample or header."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi_select
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    fm = table.fontMetrics()
    for col, sample in samples.items():
        header.resizeSection(
            col, max(fm.horizontalAdvance(sample), fm.horizontalAdvance(headers[col])) + padding
        )
    return table
