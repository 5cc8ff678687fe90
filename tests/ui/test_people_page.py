"""The People page and its model: SQL paging and filtering, record scope, empty states, opening."""

from __future__ import annotations

from collections.abc import Callable

from faker import Faker
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput, PersonRow
from tests.conftest import USERS
from ui.context import AppContext
from ui.models.people_model import NO_VLO, NOT_RECORDED, PAGE_SIZE, ROW_ROLE, PeopleModel, PersonColumn
from ui.pages.people_page import PeoplePage


def add_people(backend: Backend, n: int, *, seed: int = 4) -> list[int]:
    fake = Faker(["en_GB", "pl_PL", "ro_RO"])
    fake.seed_instance(seed)
    ids = []
    for i in range(n):
        ids.append(
            backend.people.create(
                PersonInput(
                    surname=fake.last_name(),
                    forenames=fake.first_name(),
                    nationality=("Polish", "Romanian", "British", "")[i % 4],
                    date_of_birth=fake.date_of_birth(minimum_age=16, maximum_age=60) if i % 3 else None,
                )
            )
        )
    return ids


def test_people_model_passes_the_model_testers(qtmodeltester: ModelTester, backend: Backend) -> None:
    add_people(backend, 30)
    model = PeopleModel(backend.people)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    model.set_text("a")
    model.set_text("no such name at all")
    model.set_text("")
    qtmodeltester.check(model, force_py=False)


def test_people_are_fetched_in_pages_and_filtered_in_sql(backend: Backend) -> None:
    ids = add_people(backend, 230)
    model = PeopleModel(backend.people)
    model.reload()
    assert model.total == 230
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 230 and not model.canFetchMore(QModelIndex())
    assert {model.row_at(r).id for r in range(230)} == set(ids)  # each once, across pages
    surnames = [(model.row_at(r).surname, model.row_at(r).forenames) for r in range(230)]
    assert surnames == sorted(surnames, key=lambda s: s)  # surname order, from SQL

    target = model.row_at(117)
    model.set_text(target.person_ref.lower())
    assert model.total == 1 and model.row_at(0).id == target.id


def test_cells_show_missing_values_in_words(backend: Backend) -> None:
    backend.people.create(PersonInput(surname="Nowak", forenames="Ewa"))
    model = PeopleModel(backend.people)
    model.reload()
    row = model.index(0, PersonColumn.DATE_OF_BIRTH)
    assert row.data() == NOT_RECORDED
    assert model.index(0, PersonColumn.NATIONALITY).data() == NOT_RECORDED
    assert model.index(0, PersonColumn.VLO).data() == NO_VLO
    assert isinstance(row.data(ROW_ROLE), PersonRow)
    assert model.index(0, PersonColumn.SURNAME).data(Qt.ItemDataRole.ForegroundRole) is None
    assert row.data(Qt.ItemDataRole.ForegroundRole) is not None  # muted


def test_a_liaison_officer_sees_only_the_victims_assigned_to_them(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    ids = add_people(officer, 12)
    for person_id in ids[:3]:
        officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
    page = PeoplePage(make_ctx(backend_for(Role.VLO)))
    qtbot.addWidget(page)
    wait_idle()
    assert page.model.total == 3
    assert {page.model.row_at(r).id for r in range(3)} == set(ids[:3])
    assert page.count_label.text() == "3 people"
    assert not page.new_button.isVisibleTo(page)  # a VLO does not add people


def test_an_empty_list_says_why_and_what_to_do(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = PeoplePage(make_ctx(backend_for(Role.HTT_OFFICER)))
    qtbot.addWidget(officer)
    wait_idle()
    assert officer.body.currentWidget() is officer.empty_list
    assert "New person" in officer.empty_list.text.text()
    vlo = PeoplePage(make_ctx(backend_for(Role.VLO)))
    qtbot.addWidget(vlo)
    wait_idle()
    assert vlo.body.currentWidget() is vlo.empty_list
    assert "assigns them to you" in vlo.empty_list.text.text()


def test_filtering_then_clearing_and_no_match(
    qtbot: QtBot, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    backend.people.create(PersonInput(surname="Zielinska", forenames="Marta", aliases="Maja"))
    add_people(backend, 5)
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.keyClicks(page.search, "maja")
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert page.model.row_at(0).surname == "Zielinska"
    assert page.count_label.text() == "1 of 6 people"
    assert page.clear_button.isEnabled()
    page.search.setText("nobody by this name")
    page.apply_filters()
    wait_idle()
    assert page.body.currentWidget() is page.no_match
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert page.model.total == 6 and page.body.currentWidget() is page.table


def test_a_saved_person_refreshes_the_list(
    qtbot: QtBot, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    wait_idle()
    assert page.model.total == 0
    person_id = backend.people.create(PersonInput(surname="Popescu", forenames="Ion"))
    ctx.tasks.publish(Changes.of(Data.PERSON, person_id))
    wait_idle()
    assert page.model.total == 1 and page.body.currentWidget() is page.table
    assert page.select_id(person_id) and page.has_selection()
    assert page.open_button.isEnabled()


def test_an_officer_finds_victims_by_liaison_officer_or_without_one(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    ids = add_people(officer, 7)
    for person_id in ids[:3]:
        officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
    page = PeoplePage(make_ctx(officer))
    qtbot.addWidget(page)
    assert page.vlo_filter.isVisibleTo(page)
    page.vlo_filter.setCurrentIndex(page.vlo_filter.findData(USERS[Role.VLO].username))
    wait_idle()
    assert page.model.total == 3 and page.count_label.text() == "3 of 7 people"
    assert {page.model.row_at(r).id for r in range(3)} == set(ids[:3])
    page.vlo_filter.setCurrentIndex(page.vlo_filter.findData(""))
    wait_idle()
    assert page.model.total == 4
    assert all(page.model.row_at(r).vlo == "" for r in range(4))
    page.clear_filters()
    wait_idle()
    assert page.model.total == 7 and page.vlo_filter.currentData() is None
    manager = PeoplePage(make_ctx(backend_for(Role.MANAGER)))
    qtbot.addWidget(manager)
    assert not manager.vlo_filter.isVisibleTo(manager)  # only a role that assigns liaison officers
