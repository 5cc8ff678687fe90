"""A list's count stops at COUNT_CAP ("10,000+"), and the rows past it still come as the view scrolls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from ui.models import paged_model
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.wording import plural_upto


@dataclass(frozen=True)
class Row:
    id: int


def test_plural_upto_says_plus_only_at_the_cap() -> None:
    assert plural_upto(10_000, 10_000, "contact") == "10,000+ contacts"
    assert plural_upto(12_000, 10_000, "person", "people") == "10,000+ people"
    assert plural_upto(9_999, 10_000, "contact") == "9,999 contacts"
    assert plural_upto(1, 10_000, "contact") == "1 contact"
    assert plural_upto(10_000, None, "contact") == "10,000 contacts"


@pytest.mark.parametrize("rows", [25, 24, 10, 9])
def test_rows_past_a_capped_count_are_fetched_to_the_end(
    qapp: Any, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    monkeypatch.setattr(paged_model, "COUNT_CAP", 10)
    monkeypatch.setattr(paged_model, "PAGE_SIZE", 4)
    data = [Row(i) for i in range(rows)]
    asked: list[int | None] = []

    def count(_q: Any, at_most: int | None) -> int:
        asked.append(at_most)
        return len(data) if at_most is None else min(len(data), at_most)

    def fetch(_q: Any, _key: Any, _desc: bool, offset: int, limit: int) -> Sequence[Row]:
        return data[offset : offset + limit]

    model: PagedModel[None] = PagedModel([ColumnSpec("Id", lambda r: str(r.id))], count, fetch, None)
    model.reload()
    assert asked == [10]
    assert model.total == min(rows, 10) and model.capped is (rows >= 10)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == rows == model.total
    assert [model.row_at(i).id for i in range(rows)] == list(range(rows))
    assert not model.capped
    assert model.count_of(None) == rows and asked[-1] is None


def test_the_arrests_page_says_plus_past_the_cap(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    demo_backend: Any,
    make_ctx: Any,
    tmp_path: Any,
) -> None:
    """130 demo arrests under a cap of 50: "50+ arrests" until the rows are all read, then exact."""
    from tests.ui.helpers import idle
    from ui.pages import list_page
    from ui.pages.arrests_page import ArrestsPage

    monkeypatch.setattr(paged_model, "COUNT_CAP", 50)
    monkeypatch.setattr(list_page, "COUNT_CAP", 50)
    monkeypatch.setattr(paged_model, "PAGE_SIZE", 40)
    page = ArrestsPage(make_ctx(demo_backend))
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    idle(qtbot, page)
    assert page.count_label.text() == "50+ arrests"
    page.grab().save(str(tmp_path / "arrests-capped.png"))
    while page.model.canFetchMore(QModelIndex()):
        page.model.fetchMore(QModelIndex())
        idle(qtbot, page)
    page.refresh()  # a refresh keeps the rows read; the label then reads the count again
    idle(qtbot, page)
    assert page.model.rowCount() == 130
