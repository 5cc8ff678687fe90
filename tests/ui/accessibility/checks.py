"""What a screen reader needs from a window, checked on real widgets: :func:`problems` lists each gap.

A gap is one of: an interactive widget with neither an accessible name nor a label whose buddy it is
(a button's own text is its name), a table or tree whose columns have no header, an icon-only button
without a name, or a status said by colour alone (a cell or label in a colour that carries meaning,
without a word saying the same). Each problem is one line naming the widget by its class, object name
and the nearest named ancestor, so the fix is easy to find.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

from ui import palette

# Words that say a status in text; a row shown in the alert colour must carry one of them.
ALERT_WORDS = re.compile(
    r"overdue|late|fail|refus|broken|full|missing|expired|withdrawn|error|invalid|locked|concern",
    re.IGNORECASE,
)
MEANING_HEX = {palette.ALERT_HEX.lower(), palette.GOOD_HEX.lower(), palette.WARNING_HEX.lower()}
MAX_ROWS = 200  # rows of a model looked at for colour-only status (the first page is representative)

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QAbstractSlider,
    QTabBar,
)


def describe(widget: QWidget) -> str:
    """``QLineEdit 'reason' in ContactDialog 'contactDialog'``: enough to find the widget in the code."""
    name = widget.objectName()
    here = type(widget).__name__ + (f" {name!r}" if name else "")
    text = ""
    if isinstance(widget, QAbstractButton | QLabel):
        text = widget.text()
    if text:
        here += f" [{text[:30]}]"
    parent = widget.parentWidget()
    while parent is not None and not parent.objectName():
        parent = parent.parentWidget()
    window = widget.window()
    where = f" in {type(parent).__name__} {parent.objectName()!r}" if parent is not None else ""
    return f"{here}{where} ({type(window).__name__})"


def _internal(widget: QWidget) -> bool:
    """Parts of a compound widget that its own accessible interface speaks for."""
    if isinstance(widget, QHeaderView | QScrollBar):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QLineEdit | QCalendarWidget | QTabBar):
            return True
        if isinstance(parent, QAbstractItemView) and not isinstance(widget, QAbstractItemView):
            return isinstance(widget, QAbstractButton) and not widget.text()  # the corner button
        if isinstance(parent, QAbstractScrollArea) and isinstance(widget, QAbstractSlider):
            return True  # a scroll bar
        parent = parent.parentWidget()
    return False


def buddies(top: QWidget) -> set[int]:
    """The widgets that a label in ``top`` names (its buddy), by id."""
    found: set[int] = set()
    for label in top.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text().strip():
            found.add(id(buddy))
    return found


def has_name(widget: QWidget, named_by_label: set[int]) -> bool:
    if widget.accessibleName().strip():
        return True
    if id(widget) in named_by_label:
        return True
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().replace("&", "").strip())
    parent = widget.parentWidget()
    if isinstance(parent, QGroupBox) and parent.title().strip():  # Qt reads the box's title as its name
        return not isinstance(widget, QComboBox)
    return False


def _visible(widget: QWidget, top: QWidget) -> bool:
    return widget is top or widget.isVisibleTo(top)


def name_problems(top: QWidget) -> list[str]:
    named = buddies(top)
    found: list[str] = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not _visible(widget, top) or _internal(widget):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(widget, QAbstractButton):
            continue  # a read-only display that takes no focus is read as text, not as a control
        if has_name(widget, named):
            continue
        if isinstance(widget, QAbstractButton) and not widget.icon().isNull():
            found.append(f"icon-only button without a name: {describe(widget)}")
        else:
            found.append(f"no accessible name and no label: {describe(widget)}")
    return found


def header_problems(top: QWidget) -> list[str]:
    found: list[str] = []
    for view in top.findChildren(QAbstractItemView):
        if not _visible(view, top) or _internal(view):
            continue
        model = view.model()
        if model is None:
            continue
        if isinstance(view, QTableView | QTreeView):
            header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
            columns = [c for c in range(column_count(model)) if not header.isSectionHidden(c)]
            if len(columns) > 1 or isinstance(view, QTableView):
                if header.isHidden():
                    found.append(f"table without a header: {describe(view)}")
                    continue
                blank = [c for c in columns if not str(model.headerData(c, Qt.Orientation.Horizontal) or "")]
                if blank:
                    found.append(f"table column(s) {blank} without a header text: {describe(view)}")
        if isinstance(view, QListView | QTableView | QTreeView):
            found += [f"{p}: {describe(view)}" for p in colour_only_cells(model)]
    return found


def column_count(model: QAbstractItemModel) -> int:
    """A list model's columnCount is private in Qt for Python: a list has one column."""
    if isinstance(model, QAbstractListModel):
        return 1
    return model.columnCount()


def _hex(value: object) -> str | None:
    if isinstance(value, QBrush):
        value = value.color()
    if isinstance(value, QColor):
        return value.name().lower()
    return None


def colour_only_cells(model: QAbstractItemModel) -> list[str]:
    """A cell painted in the alert colour must say why in words, in itself or in its row (``overdue by 3
    days``), not by the red alone."""
    found: list[str] = []
    columns = column_count(model)

    def walk(parent: QModelIndex, budget: list[int]) -> None:
        for row in range(model.rowCount(parent)):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            cells = [model.index(row, c, parent) for c in range(columns)]
            row_words = " ".join(str(model.data(c, Qt.ItemDataRole.DisplayRole) or "") for c in cells)
            for cell in cells:
                if palette.ALERT_HEX.lower() not in (
                    _hex(model.data(cell, Qt.ItemDataRole.ForegroundRole)),
                    _hex(model.data(cell, Qt.ItemDataRole.BackgroundRole)),
                ):
                    continue
                words = f"{row_words} {model.data(cell, Qt.ItemDataRole.ToolTipRole) or ''}"
                if not ALERT_WORDS.search(words):
                    found.append(f"a cell in the alert colour says no status in words ({words[:60]!r})")
            if not isinstance(model, QAbstractListModel) and model.rowCount(cells[0]) > 0:
                walk(cells[0], budget)

    walk(QModelIndex(), [MAX_ROWS])
    return found[:3]


def label_problems(top: QWidget) -> list[str]:
    """A label coloured for meaning (a style sheet naming a meaning colour) must have words in it."""
    found: list[str] = []
    for label in top.findChildren(QLabel):
        if not _visible(label, top):
            continue
        sheet = label.styleSheet().lower()
        if any(h in sheet for h in MEANING_HEX) and not re.sub(r"<[^>]+>", "", label.text()).strip():
            found.append(f"a coloured status with no words: {describe(label)}")
    return found


def problems(top: QWidget) -> list[str]:
    """Every gap in ``top`` (a window, page or dialog) and its visible children."""
    return name_problems(top) + header_problems(top) + label_problems(top)
