"""Every list page reads its rows on the worker, never on the GUI thread, and a re-read keeps what the
user was looking at: the old rows stay until the new ones arrive (no empty moment), then the selection
and the scroll position are as they were; an answer overtaken by a newer filter is dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.ui.helpers import idle
from tests.ui.test_people_page import add_people
from ui.context import AppContext
from ui.pages.arrests_page import ArrestsPage
from ui.pages.contacts_page import ContactsPage
from ui.pages.haven_page import HavenPage
from ui.pages.list_page import ListPage
from ui.pages.navigator_page import NavigatorPage
from ui.pages.nrm_page import NrmPage
from ui.pages.people_page import PeoplePage

LIST_PAGES: Sequence[type[ListPage]] = (
    ArrestsPage,
    PeoplePage,
    NrmPage,
    NavigatorPage,
    HavenPage,
    ContactsPage,
)

#: a role that may read each list (the officer reads the others)
ROLES = {NavigatorPage: Role.NAVIGATOR, ContactsPage: Role.VLO, HavenPage: Role.HAVEN_HOUSE}


def _spy_threads(page: ListPage) -> list[threading.Thread]:
    """Record the thread of every count and fetch the page's model makes (the real service still
    answers)."""
    seen: list[threading.Thread] = []
    model: Any = page.model
    count, fetch = model._count, model._fetch_fn

    def counting(query: Any, at_most: int | None) -> int:
        seen.append(threading.current_thread())
        return int(count(query, at_most))

    def fetching(*args: Any) -> Sequence[Any]:
        seen.append(threading.current_thread())
        return fetch(*args)

    model._count, model._fetch_fn = counting, fetching
    return seen


@pytest.mark.parametrize("page_class", LIST_PAGES, ids=lambda c: c.__name__)
def test_every_list_page_reads_on_the_worker(
    qtbot: QtBot,
    page_class: type[ListPage],
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
) -> None:
    role = ROLES.get(page_class, Role.HTT_OFFICER)
    page = page_class(make_ctx(backend_for(role)))  # type: ignore[call-arg]
    qtbot.addWidget(page)
    idle(qtbot, page)
    seen = _spy_threads(page)
    page.refresh()
    assert page.model.loading  # the GUI thread only asked: the rows come back later
    idle(qtbot, page)
    page.search.setText("x")
    page.apply_filters()
    page.model.fetchMore(QModelIndex())
    idle(qtbot, page)
    assert seen and all(t is not threading.main_thread() for t in seen)


def test_a_refresh_keeps_rows_selection_and_scroll_with_no_empty_moment(
    qtbot: QtBot, ctx: AppContext, backend: Backend
) -> None:
    add_people(backend, 260)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 400)
    page.show()
    idle(qtbot, page)
    page.model.fetchMore(QModelIndex())
    idle(qtbot, page)
    assert page.model.rowCount() == 260
    target = page.model.row_at(230)
    assert page.select_id(target.id)
    bar = page.table.verticalScrollBar()
    assert bar.value() > 0
    scrolled = bar.value()
    shown: list[QWidget] = []
    page.body.currentChanged.connect(lambda _i: shown.append(page.body.currentWidget()))

    ctx.tasks.publish(Changes.of(Data.PERSON))
    assert page.model.rowCount() == 260 and page.selected_id() == target.id  # still the old rows
    idle(qtbot, page)
    assert page.model.rowCount() == 260  # as many rows as were loaded, read again
    assert page.selected_id() == target.id
    assert bar.value() == scrolled
    assert shown == []  # the table never gave way to the empty panel


def test_an_answer_overtaken_by_a_newer_filter_is_dropped(
    qtbot: QtBot, ctx: AppContext, backend: Backend
) -> None:
    add_people(backend, 30)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    idle(qtbot, page)
    loads: list[int] = []
    page.model.loaded.connect(lambda: loads.append(page.model.total))
    page.search.setText("a")
    page.apply_filters()
    page.search.setText("no such name at all")
    page.apply_filters()
    idle(qtbot, page)
    assert loads == [0]  # only the newer answer reached the screen
    assert page.body.currentWidget() is page.no_match


def test_a_row_added_above_the_selection_does_not_take_it_over(
    qtbot: QtBot, ctx: AppContext, backend: Backend
) -> None:
    from datetime import date, timedelta

    from mshtdesk.services.register import ArrestInput

    def add(ref: str, days_ago: int) -> int:
        when = date.today() - timedelta(days=days_ago)
        return backend.register.create_arrest(
            ArrestInput(ref, when, "BD", "N1234567", ""), [("O1", "MSA s.2")]
        )

    first = add("WY/26/000001", 40)
    add("WY/26/000002", 30)
    page = ArrestsPage(ctx)
    qtbot.addWidget(page)
    idle(qtbot, page)
    assert page.select_id(first)
    before = page.model.row_of_id(first)
    add("WY/26/000003", 1)  # another user's newer arrest: it sorts above, so every row moves down one
    ctx.tasks.publish(Changes.of(Data.ARREST))
    idle(qtbot, page)
    assert page.model.row_of_id(first) != before  # the rows did move
    assert page.selected_ids() == [first]
