"""Deliberate keyboard order: one call per form instead of a chain of setTabOrder pairs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QWidget


def set_tab_order(widgets: Sequence[QWidget]) -> None:
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)
