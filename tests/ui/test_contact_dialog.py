"""The contact form: sensible defaults, Enter saves, decision notifications timed on the spot, and
victims who opted out of updates protected beside the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactFilter
from mshtdesk.services.pathway import Pathway, TimelineEntry, TimelineKind
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from tests.ui.helpers import Track, is_closed
from ui.context import AppContext
from ui.dialogs.contact_dialog import OPTED_OUT_REFUSAL, ContactDialog


@pytest.fixture
def victim(backend_for: Callable[[Role], Backend]) -> Callable[..., Pathway]:
    """A victim assigned to the demo VLO, as a pathway with no entries (or one earlier contact)."""

    def make(*, opted_out: bool = False, contacted: bool = False) -> Pathway:
        officer = backend_for(Role.HTT_OFFICER)
        person_id = officer.people.create(
            PersonInput(
                surname="Berisha",
                forenames="Drita",
                interpreter_language="Albanian",
                opted_out_of_updates=opted_out,
            )
        )
        officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
        entries = []
        if contacted:
            at = datetime.now(LONDON) - timedelta(days=10)
            entries.append(
                TimelineEntry(TimelineKind.CONTACT, at, at.date(), "Welfare", "", "vlo_contact", 1)
            )
        return Pathway(
            person_id, f"P-{person_id:06d}", "BERISHA, Drita", "vlo", opted_out, [], entries, "Albanian"
        )

    return make


@pytest.fixture
def vlo(backend_for: Callable[[Role], Backend]) -> Backend:
    return backend_for(Role.VLO)


@pytest.fixture
def vlo_ctx(vlo: Backend, make_ctx: Callable[[Backend], AppContext]) -> AppContext:
    return make_ctx(vlo)


def _open(track: Track, ctx: AppContext, pathway: Pathway, wait_idle: Callable[..., None]) -> ContactDialog:
    dialog = ContactDialog.start(ctx, pathway, None)
    track(dialog)
    wait_idle()
    return dialog


def test_defaults_and_enter_saves(
    qtbot: QtBot,
    track: Track,
    vlo_ctx: AppContext,
    vlo: Backend,
    victim: Callable[..., Pathway],
    wait_idle: Callable[..., None],
) -> None:
    pathway = victim()
    changes: list[Changes] = []
    vlo_ctx.tasks.changed.connect(changes.append)
    dialog = _open(track, vlo_ctx, pathway, wait_idle)
    assert dialog.interpreter.text() == "Albanian"  # from the person's record, via the pathway
    now = datetime.now(LONDON)
    assert abs((dialog.contact_moment() - now).total_seconds()) < 120
    assert dialog.method.currentData() == ContactMethod.PHONE
    assert dialog.purpose.currentData() == ContactPurpose.INITIAL  # no contact yet
    assert dialog.next_due.value() == now.date() + timedelta(days=28)
    assert "28 days" in dialog.next_due_hint.text()
    assert not dialog.decision.isVisibleTo(dialog)
    assert dialog.focusWidget() is dialog.purpose
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    wait_idle()
    assert is_closed(dialog)
    assert dialog.result_saved is not None
    assert changes == [Changes.of(Data.CONTACT, dialog.result_saved.id)]
    assert dialog.result_saved.next_contact_due == now.date() + timedelta(days=28)
    (row,) = vlo.contacts.list(ContactFilter(person_id=pathway.person_id))
    assert row.purpose == ContactPurpose.INITIAL and row.interpreter_language == "Albanian"
    assert row.method == ContactMethod.PHONE


def test_a_second_contact_defaults_to_welfare_and_keeps_a_chosen_next_date(
    qtbot: QtBot,
    track: Track,
    vlo_ctx: AppContext,
    vlo: Backend,
    victim: Callable[..., Pathway],
    wait_idle: Callable[..., None],
) -> None:
    pathway = victim(contacted=True)
    dialog = _open(track, vlo_ctx, pathway, wait_idle)
    assert dialog.purpose.currentData() == ContactPurpose.WELFARE
    chosen = date.today() + timedelta(days=7)
    dialog.next_due.set_value(chosen)
    dialog.method.setCurrentIndex(dialog.method.findData(ContactMethod.IN_PERSON))
    dialog.safeguarding.setChecked(True)
    dialog.summary.setPlainText("Visited at the safe house; well.")
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    (row,) = vlo.contacts.list(ContactFilter(person_id=pathway.person_id))
    assert row.next_contact_due == chosen
    assert row.safeguarding_concern and row.summary == "Visited at the safe house; well."


def test_a_decision_notification_says_whether_it_is_on_time(
    qtbot: QtBot,
    track: Track,
    vlo_ctx: AppContext,
    vlo: Backend,
    victim: Callable[..., Pathway],
    wait_idle: Callable[..., None],
) -> None:
    pathway = victim()
    dialog = _open(track, vlo_ctx, pathway, wait_idle)
    dialog.purpose.setCurrentIndex(dialog.purpose.findData(ContactPurpose.DECISION_NOTIFICATION))
    assert dialog.decision.isVisibleTo(dialog) and dialog.decision_date.isVisibleTo(dialog)
    dialog.submit()  # no decision chosen
    wait_idle()
    assert dialog.error_text("decision_notified") == "Choose the decision you told them of."
    dialog.decision.setCurrentIndex(dialog.decision.findData(NotifiableDecision.CHARGE))
    dialog.decision_date.set_value(date.today())
    assert "on time" in dialog.on_time_hint.text()
    dialog.decision_date.set_value(date.today() - timedelta(days=20))
    assert "late" in dialog.on_time_hint.text()
    dialog.enhanced.setChecked(False)  # 5 working days: still late after 20 days
    assert "late" in dialog.on_time_hint.text()
    dialog.decision_date.set_value(date.today())
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    saved = dialog.result_saved
    assert saved is not None and saved.notified_on_time is True
    (row,) = vlo.contacts.list(ContactFilter(person_id=pathway.person_id))
    assert row.decision_notified == NotifiableDecision.CHARGE and row.decision_date == date.today()


def test_an_opted_out_victim_is_not_sent_updates(
    qtbot: QtBot,
    track: Track,
    vlo_ctx: AppContext,
    vlo: Backend,
    victim: Callable[..., Pathway],
    wait_idle: Callable[..., None],
) -> None:
    pathway = victim(opted_out=True)
    dialog = _open(track, vlo_ctx, pathway, wait_idle)
    assert dialog.opted_out_banner.isVisibleTo(dialog)
    assert "Opted out of updates" in dialog.opted_out_banner.text()
    dialog.purpose.setCurrentIndex(dialog.purpose.findData(ContactPurpose.INVESTIGATION_UPDATE))
    assert dialog.error_text("purpose") == OPTED_OUT_REFUSAL
    assert not dialog.ok_button.isEnabled()
    dialog.submit()  # Ctrl+S goes through the same check
    wait_idle()
    assert dialog.isVisible()
    assert vlo.contacts.count(ContactFilter(person_id=pathway.person_id)) == 0
    dialog.purpose.setCurrentIndex(dialog.purpose.findData(ContactPurpose.WELFARE))
    assert dialog.error_text("purpose") == "" and dialog.ok_button.isEnabled()
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    assert vlo.contacts.count(ContactFilter(person_id=pathway.person_id)) == 1


def test_service_errors_appear_beside_their_fields(
    track: Track,
    vlo_ctx: AppContext,
    vlo: Backend,
    victim: Callable[..., Pathway],
    wait_idle: Callable[..., None],
) -> None:
    pathway = victim()
    dialog = _open(track, vlo_ctx, pathway, wait_idle)
    dialog.summary.setPlainText("z" * 4001)
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert dialog.error_text("summary") == "At most 4000 characters."
    dialog.next_due.set_value(date.today())
    dialog.summary.setPlainText("ok")
    dialog.submit()
    wait_idle()
    assert dialog.error_text("next_contact_due") == "The next contact is due after this one."
    assert vlo.contacts.count(ContactFilter(person_id=pathway.person_id)) == 0
