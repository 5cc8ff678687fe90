"""One declarative column: :class:`ColumnSpec` says what a table column shows and how, once.

A table model is a tuple of specs over its rows (the services' frozen dataclasses): the header and its
tooltip, how a row reads in the cell, what it sorts by, its alignment, and when the cell is muted
(nothing recorded yet) or an alert (overdue). :func:`cell_data` and :func:`header_data` answer Qt's
roles from a spec, so every model that uses specs looks and sorts the same way. Colours come from
:mod:`ui.palette`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from ui import palette

R = TypeVar("R")

ROW_ROLE = Qt.ItemDataRole.UserRole  # the row's dataclass
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value the column sorts by

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class ColumnSpec(Generic[R]):
    """One column: ``text`` is what the cell shows; ``raw`` what it sorts by (default: the text).

    ``sample`` is a value as wide as the column should be; ``sort_key`` names the service's SQL sort
    for this column (None: the column does not sort in SQL). ``muted`` cells show in grey, and in
    italics unless ``muted_italic`` is False (nothing recorded yet); ``alert`` cells show red bold
    (overdue).
    """

    header: str
    text: Callable[[R], str]
    sample: str = ""
    sort_key: str | None = None
    raw: Callable[[R], Any] | None = None
    right: bool = False
    tip: str = ""
    cell_tip: Callable[[R], str] | None = None
    muted: Callable[[R], bool] | None = None
    alert: Callable[[R], bool] | None = None
    muted_italic: bool = True
    struck: Callable[[R], str] | None = None

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return RIGHT if self.right else LEFT


def _font(*, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    return font


_BOLD: QFont | None = None
_ITALIC: QFont | None = None
_STRUCK: QFont | None = None


def _fonts() -> tuple[QFont, QFont]:
    """The bold and italic cell fonts, made once (a QFont needs the application to exist)."""
    global _BOLD, _ITALIC
    if _BOLD is None or _ITALIC is None:
        _BOLD, _ITALIC = _font(bold=True), _font(italic=True)
    return _BOLD, _ITALIC


def _struck_font() -> QFont:
    global _STRUCK
    if _STRUCK is None:
        _STRUCK = QFont()
        _STRUCK.setStrikeOut(True)
    return _STRUCK


def cell_data(col: ColumnSpec[Any], row: Any, role: int) -> Any:
    """What a cell of ``col`` holds for ``row`` in ``role`` (None: Qt's default)."""
    if role == Qt.ItemDataRole.DisplayRole:
        return col.text(row)
    if role == ROW_ROLE:
        return row
    if role == SORT_ROLE:
        return col.raw(row) if col.raw is not None else col.text(row)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return col.alignment
    struck = col.struck(row) if col.struck is not None else ""
    if role == Qt.ItemDataRole.ToolTipRole:
        if struck:
            return struck
        return (col.cell_tip(row) or None) if col.cell_tip is not None else None
    if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
        foreground = role == Qt.ItemDataRole.ForegroundRole
        if struck:
            return palette.WITHDRAWN if foreground else _struck_font()
        bold, italic = _fonts()
        if col.alert is not None and col.alert(row):
            return palette.ALERT if foreground else bold
        if col.muted is not None and col.muted(row):
            if foreground:
                return palette.MUTED
            return italic if col.muted_italic else None
    return None


def header_data(col: ColumnSpec[Any], role: int) -> Any:
    """What the header of ``col`` holds in ``role``."""
    if role == Qt.ItemDataRole.DisplayRole:
        return col.header
    if role == Qt.ItemDataRole.ToolTipRole:
        return col.tip or None
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return col.alignment
    return None


def samples(columns: tuple[ColumnSpec[Any], ...] | list[ColumnSpec[Any]]) -> dict[int, str]:
    """The sample width of each column that has one (for ``record_table``)."""
    return {i: c.sample for i, c in enumerate(columns) if c.sample}


def headers(columns: tuple[ColumnSpec[Any], ...] | list[ColumnSpec[Any]]) -> dict[int, str]:
    return {i: c.header for i, c in enumerate(columns)}
