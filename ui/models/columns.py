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
from PySide6.QtGui import QColor, QFont

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
    italics unless ``muted_italic`` is False (nothing recorded yet); ``alert`` cells show red, and bold
    unless ``alert_bold`` is False (overdue); ``struck`` cells show grey and struck through (an entry
    withdrawn as made in error); ``strong`` cells show bold (a total); ``ink`` gives a cell a colour of
    its own from the palette (a kind of entry), when none of those applies. ``header_aligned`` False leaves
    the header's alignment to the view (centred), as the short tables that predate the specs show it.
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
    alert_bold: bool = True
    struck: Callable[[R], bool] | None = None
    strong: Callable[[R], bool] | None = None
    ink: Callable[[R], QColor | None] | None = None
    header_aligned: bool = True

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


def _struck() -> QFont:
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
    if role == Qt.ItemDataRole.ToolTipRole:
        return (col.cell_tip(row) or None) if col.cell_tip is not None else None
    if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
        foreground = role == Qt.ItemDataRole.ForegroundRole
        bold, italic = _fonts()
        if col.struck is not None and col.struck(row):
            return palette.MUTED if foreground else _struck()
        if col.alert is not None and col.alert(row):
            if foreground:
                return palette.ALERT
            return bold if col.alert_bold else None
        if col.muted is not None and col.muted(row):
            if foreground:
                return palette.MUTED
            return italic if col.muted_italic else None
        if foreground:
            return col.ink(row) if col.ink is not None else None
        if col.strong is not None and col.strong(row):
            return bold
    return None


def header_data(col: ColumnSpec[Any], role: int) -> Any:
    """What the header of ``col`` holds in ``role``."""
    if role == Qt.ItemDataRole.DisplayRole:
        return col.header
    if role == Qt.ItemDataRole.ToolTipRole:
        return col.tip or None
    if role == Qt.ItemDataRole.TextAlignmentRole and col.header_aligned:
        return col.alignment
    return None


def samples(columns: tuple[ColumnSpec[Any], ...] | list[ColumnSpec[Any]]) -> dict[int, str]:
    """The sample width of each column that has one (for ``record_table``)."""
    return {i: c.sample for i, c in enumerate(columns) if c.sample}


def headers(columns: tuple[ColumnSpec[Any], ...] | list[ColumnSpec[Any]]) -> dict[int, str]:
    return {i: c.header for i, c in enumerate(columns)}
