"""The NRM page, the referral form and the decision dialogs: the model under Qt's tester, filters and
sorting in SQL, scope (a VLO sees only the referrals of victims assigned to them, read-only), the route
rules made visible, errors beside their fields, sequence refusals and the recovery-period confirmation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput, ReferralQuery, ReferralStatus
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from tests.ui.helpers import Track, close_message_boxes, idle, is_closed, settle, visible_message_boxes
from ui.context import AppContext
from ui.dialogs.decision_dialog import DecisionDialog, VoidDecisionDialog
from ui.dialogs.referral_dialog import CHILD_RULE, DTN_RULE, ReferralDialog
from ui.main_window import MainWindow
from ui.models.decisions_model import DecisionsModel
from ui.models.paged_model import texts
from ui.pages.nrm_page import NrmPage
from ui.widgets.choices import select_data

TODAY = date.today()


def _referral(
    officer: Backend,
    surname: str,
    submitted: date,
    *,
    age: AgeAtReferral = AgeAtReferral.ADULT,
    dtn: bool = False,
) -> int:
    return officer.nrm.create(
        ReferralInput(
            route=Route.DUTY_TO_NOTIFY if dtn else Route.NRM,
            age_at_referral=age,
            submitted_date=submitted,
            new_person=PersonInput() if dtn else PersonInput(surname=surname, forenames="Ana"),
            consents=(not dtn) if age is AgeAtReferral.ADULT else None,
            crime_ref=f"CR-{surname}",
            exploitation=frozenset({ExploitationType.LABOUR}),
        )
    )


def _several(officer: Backend) -> list[int]:
    return [
        _referral(officer, "Old", TODAY - timedelta(days=40)),  # RG overdue
        _referral(officer, "Recent", TODAY),  # awaiting RG
        _referral(officer, "Young", TODAY - timedelta(days=3), age=AgeAtReferral.CHILD),
        _referral(officer, "", TODAY - timedelta(days=10), dtn=True),
    ]


def _page(qtbot: QtBot, ctx: AppContext) -> NrmPage:
    page = NrmPage(ctx)
    qtbot.addWidget(page)
    idle(qtbot, page)
    return page


def test_the_model_passes_qts_tester_filters_and_sorts_in_sql(
    qtbot: QtBot, qtmodeltester: ModelTester, backend: Backend, make_ctx: Callable[[Backend], AppContext]
) -> None:
    _several(backend)
    page = _page(qtbot, make_ctx(backend))
    idle(qtbot, page)
    qtmodeltester.check(page.model, force_py=True)
    assert page.count_label.text() == "4 referrals"
    assert texts(page.model, 1)[0] == "Recent, Ana"  # newest submission first
    assert texts(page.model, 2).count("DtN") == 1 and "Anonymous" in texts(page.model, 1)
    page.show_overdue()
    idle(qtbot, page)
    assert texts(page.model, 1) == ["Old, Ana"]
    assert page.count_label.text() == "1 of 4 referrals"
    assert page.model.index(0, 7).data() == "RG overdue"
    assert page.model.index(0, 7).data(Qt.ItemDataRole.ForegroundRole) is not None  # shown in red
    assert page.model.index(0, 6).data() == "40 d"
    page.clear_filters()
    idle(qtbot, page)
    page.route.setCurrentIndex(page.route.findData(Route.DUTY_TO_NOTIFY))
    idle(qtbot, page)
    assert page.model.rowCount() == 1 and page.model.index(0, 5).data() == "\u2013"  # no RG clock
    page.clear_filters()
    idle(qtbot, page)
    page.age.setCurrentIndex(page.age.findData(AgeAtReferral.CHILD))
    idle(qtbot, page)
    assert texts(page.model, 1) == ["Young, Ana"]
    page.clear_filters()
    idle(qtbot, page)
    page.submitted_from.set_value(TODAY - timedelta(days=5))
    idle(qtbot, page)
    assert sorted(texts(page.model, 1)) == ["Recent, Ana", "Young, Ana"]
    page.clear_filters()
    idle(qtbot, page)
    page.search.setText("cr-old")
    idle(qtbot, page)
    page.apply_filters()
    idle(qtbot, page)
    assert texts(page.model, 1) == ["Old, Ana"]
    page.search.setText("nobody at all")
    idle(qtbot, page)
    page.apply_filters()
    idle(qtbot, page)
    assert page.body.currentWidget() is page.no_match
    page.clear_filters()
    idle(qtbot, page)
    page.model.sort(1, Qt.SortOrder.AscendingOrder)
    idle(qtbot, page)
    assert texts(page.model, 1)[-1] == "Young, Ana"
    page.model.set_query(ReferralQuery(status=ReferralStatus.DUTY_TO_NOTIFY))
    idle(qtbot, page)
    assert page.model.rowCount() == 1


def test_empty_page_has_a_hint_and_the_command(
    qtbot: QtBot, backend: Backend, make_ctx: Callable[[Backend], AppContext]
) -> None:
    page = _page(qtbot, make_ctx(backend))
    idle(qtbot, page)
    assert page.body.currentWidget() is page.empty_panel
    assert "New referral" in page.empty_panel.text.text()


def test_a_vlo_sees_only_assigned_victims_read_only(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    ids = _several(officer)
    assigned = officer.nrm.get(ids[0]).person_id
    officer.people.assign_vlo(assigned, USERS[Role.VLO].username)
    page = _page(qtbot, make_ctx(vlo))
    idle(qtbot, page)
    assert texts(page.model, 1) == ["Old, Ana"]
    assert not page.new_button.isVisibleTo(page) and page.new_referral() is None
    page.open_row(page.model.row_at(0))
    wait_idle()
    dialog = next(w for w in page.findChildren(ReferralDialog))
    track(dialog)
    assert dialog.read_only and "(read only)" in dialog.windowTitle()
    assert dialog.crime_ref.isReadOnly() and not dialog.age.isEnabled()
    assert not dialog.record_button.isVisible() and not dialog.ok_button.isVisible()
    assert dialog.decisions.rowCount() == 0 and "RG overdue" in dialog.clocks.text()


def test_a_referral_outside_the_users_scope_is_refused_in_words(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    referral_id = _referral(officer, "Elsewhere", TODAY - timedelta(days=2))  # not assigned to the VLO
    dialog = ReferralDialog(make_ctx(backend_for(Role.VLO)), referral_id)
    track(dialog)
    dialog.show()
    wait_idle()
    settle(qtbot)
    boxes = visible_message_boxes()
    assert boxes and "not been assigned" in boxes[0].text()
    assert is_closed(dialog)
    assert dialog.detail is None  # nothing of the record was shown
    close_message_boxes()


def test_the_route_rules_are_visible_as_they_apply(
    qtbot: QtBot, backend: Backend, make_ctx: Callable[[Backend], AppContext], track: Track
) -> None:
    dialog = ReferralDialog(make_ctx(backend), None)
    track(dialog)
    dialog.show()
    assert dialog.person_mode_new.isChecked() and dialog.surname.isVisible()
    dialog.age.setCurrentIndex(dialog.age.findData(AgeAtReferral.CHILD))
    assert not dialog.route_dtn.isEnabled() and dialog.route_nrm.isChecked()
    assert not dialog.consent.isVisible()
    assert dialog.route_rule.text() == CHILD_RULE
    dialog.age.setCurrentIndex(dialog.age.findData(AgeAtReferral.UNKNOWN))  # may be a child: the same
    assert not dialog.route_dtn.isEnabled()
    dialog.age.setCurrentIndex(dialog.age.findData(AgeAtReferral.ADULT))
    assert dialog.route_dtn.isEnabled() and dialog.consent.isVisible()
    dialog.consent.set_value(False)  # an adult who declines: Duty to Notify, anonymous
    assert dialog.route_dtn.isChecked() and dialog.route_rule.text() == DTN_RULE
    assert dialog.cooperates.isVisible()
    assert not dialog.surname.isVisible() and not dialog.forenames.isVisible()
    assert dialog.anonymous_note.isVisible() and dialog.nationality.isVisible()  # not identifying
    dialog.cooperates.setChecked(True)
    assert dialog.surname.isVisible() and not dialog.anonymous_note.isVisible()
    dialog.consent.set_value(True)
    assert dialog.route_nrm.isChecked() and not dialog.cooperates.isVisible()

    # exploitation: the Home Office label, live; sub-types tick their type; "not specified" stands alone
    dialog.flag_boxes[ExploitationType.SEXUAL].setChecked(True)
    assert "Sexual" in dialog.label_preview.text()
    dialog.sub_boxes["county-lines"].setChecked(True)
    assert dialog.flag_boxes[ExploitationType.CRIMINAL].isChecked()
    assert (
        "Sexual &amp; Criminal" in dialog.label_preview.text()
        or "Sexual & Criminal" in dialog.label_preview.text()
    )
    dialog.flag_boxes[ExploitationType.NOT_SPECIFIED].setChecked(True)
    assert not dialog.flag_boxes[ExploitationType.SEXUAL].isChecked()
    assert not dialog.sub_boxes["county-lines"].isChecked()
    assert "Not specified or unknown" in dialog.label_preview.text()


def test_adding_a_referral_shows_errors_beside_fields_then_saves(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    page = _page(qtbot, make_ctx(backend))
    dialog = page.new_referral()
    assert dialog is not None
    track(dialog)
    dialog.surname.setText("Nowak")
    dialog.consent.set_value(True)
    dialog.submit()
    wait_idle()
    assert "crime reference" in dialog.error_text("crime_ref")
    assert not is_closed(dialog)
    dialog.crime_ref.setText("13220145678")
    dialog.nationality.setEditText("Polish")
    dialog.flag_boxes[ExploitationType.LABOUR].setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    assert page.model.rowCount() == 1 and page.selected_id() == dialog.saved_id
    detail = backend.nrm.get(dialog.saved_id or 0)
    assert detail.person_name == "Nowak" and detail.data.crime_ref == "13220145678"
    assert detail.exploitation_label == "Labour"


def test_a_duty_to_notify_keeps_no_name_without_cooperation(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    dialog = ReferralDialog(make_ctx(backend), None)
    track(dialog)
    dialog.surname.setText("Hidden")  # typed, then the person declines: the name is not sent
    dialog.consent.set_value(False)
    dialog.no_crime_reason.setText("Exploited overseas")
    assert dialog.current_input().new_person is not None
    assert dialog.current_input().new_person.surname == ""  # type: ignore[union-attr]
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    detail = backend.nrm.get(dialog.saved_id or 0)
    assert detail.data.route is Route.DUTY_TO_NOTIFY and detail.person_name == ""


def test_decisions_sequence_refusals_and_the_recovery_period_warning(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    referral_id = _referral(backend, "Kaur", TODAY - timedelta(days=20))
    dialog = ReferralDialog(make_ctx(backend), referral_id)
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.void_button.isVisible() and not dialog.void_button.isEnabled()

    decision = dialog.record_decision()
    assert isinstance(decision, DecisionDialog)
    track(decision)
    assert decision.kind.currentData() == DecisionKind.RG
    decision.kind.setCurrentIndex(decision.kind.findData(DecisionKind.CG))
    decision.outcome.setCurrentIndex(decision.outcome.findData(Outcome.POSITIVE_TRAFFICKING))
    decision.submit()
    wait_idle()
    assert "needs a positive Reasonable Grounds decision first" in decision.error_text("decision_kind")
    assert not is_closed(decision)

    decision.kind.setCurrentIndex(decision.kind.findData(DecisionKind.RG))
    assert decision.outcome.count() == 2
    decision.submit()
    assert decision.error_text("outcome") == "Choose the outcome of the decision."
    decision.outcome.setCurrentIndex(decision.outcome.findData(Outcome.POSITIVE))
    decision.decided_on.set_value(TODAY - timedelta(days=10))
    decision.submit()
    wait_idle()
    settle(qtbot)
    assert is_closed(decision)
    assert dialog.decisions.rowCount() == 1 and "recovery period ends" in dialog.clocks.text()
    assert dialog.void_button.isEnabled()

    cg = dialog.record_decision()
    assert isinstance(cg, DecisionDialog)
    track(cg)
    assert cg.kind.currentData() == DecisionKind.CG  # what is due next
    cg.outcome.setCurrentIndex(cg.outcome.findData(Outcome.NEGATIVE))
    cg.submit()
    wait_idle()
    assert cg.confirmation is not None and cg.confirmation.isVisible()
    assert "recovery period" in cg.confirmation.text()
    assert "recovery period" in cg.error_text("decision_date")
    assert len(backend.nrm.get(referral_id).decisions) == 1  # nothing written yet
    cg.confirmation.button(QMessageBox.StandardButton.Yes).click()
    wait_idle()
    settle(qtbot)
    assert is_closed(cg)
    assert dialog.decisions.rowCount() == 2

    void = dialog.void_latest()
    assert isinstance(void, VoidDecisionDialog)
    track(void)
    assert void.decision.kind is DecisionKind.CG  # the latest entry in force
    void.submit()
    wait_idle()
    assert "reason" in void.error_text("reason")
    void.reason.setPlainText("Entered against the wrong referral")
    void.submit()
    wait_idle()
    settle(qtbot)
    assert is_closed(void)
    assert dialog.decisions.rowCount() == 3
    struck = dialog.decisions.index(1, 1).data(Qt.ItemDataRole.FontRole)
    assert struck is not None and struck.strikeOut()
    assert not visible_message_boxes()


def test_the_decisions_model_passes_qts_tester(qtmodeltester: ModelTester, backend: Backend) -> None:
    referral_id = _referral(backend, "Model", TODAY - timedelta(days=30))
    backend.nrm.add_decision(referral_id, DecisionKind.RG, Outcome.NEGATIVE, TODAY - timedelta(days=20))
    model = DecisionsModel()
    qtmodeltester.check(model, force_py=True)
    model.set_rows(backend.nrm.get(referral_id).decisions)
    assert model.rowCount() == 1 and model.index(0, 1).data() == "Reasonable Grounds decision: Negative"


def test_the_window_lists_nrm_for_the_roles_that_read_it(window_as: Callable[[Role], MainWindow]) -> None:
    assert window_as(Role.VLO).page_of(NrmPage) is not None
    assert window_as(Role.NAVIGATOR).page_of(NrmPage) is None


def test_a_named_person_cannot_go_by_anonymous_duty_to_notify(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    backend.people.create(PersonInput(surname="Named", forenames="Person"))
    dialog = ReferralDialog(make_ctx(backend), None)
    track(dialog)
    dialog.show()
    dialog.person_mode_existing.setChecked(True)
    assert dialog.person is not None and dialog.person.isVisible() and not dialog.surname.isVisible()
    dialog.person.setCurrentIndex(0)
    dialog.consent.set_value(False)
    dialog.no_crime_reason.setText("Exploited overseas")
    dialog.submit()
    wait_idle()
    assert "Duty to Notify is anonymous" in dialog.error_text("route")
    assert not is_closed(dialog)
    dialog.cooperates.setChecked(True)  # agreeing to co-operate lets the name be kept
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)


def test_the_list_pages_in_sql_200_rows_at_a_time(
    qtbot: QtBot, backend: Backend, make_ctx: Callable[[Backend], AppContext]
) -> None:
    for i in range(205):
        _referral(backend, f"Paged{i:03d}", TODAY - timedelta(days=i % 50))
    page = _page(qtbot, make_ctx(backend))
    idle(qtbot, page)
    assert page.model.total == 205 and page.model.rowCount() == 200
    assert page.count_label.text() == "205 referrals"
    assert page.model.canFetchMore(QModelIndex())
    page.model.fetchMore(QModelIndex())
    idle(qtbot, page)
    assert page.model.rowCount() == 205 and not page.model.canFetchMore(QModelIndex())
    assert len({page.model.row_at(r).id for r in range(205)}) == 205  # no row twice across pages
    page.model.sort(0, Qt.SortOrder.AscendingOrder)  # the whole list, in SQL
    idle(qtbot, page)
    assert page.model.row_at(0).referral_ref == "NRM-000001" and page.model.rowCount() == 200


def test_a_referral_for_a_person_chosen_elsewhere(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    """The pathway view starts a referral for its person: no choice of person, the name shown."""
    person = backend.people.create(PersonInput(surname="Chosen", forenames="Ana"))
    dialog = ReferralDialog.start(make_ctx(backend), None, None, person_id=person, person_name="Chosen, Ana")
    track(dialog)
    assert dialog.person is None and "Chosen, Ana" in dialog.person_label.text()
    assert not dialog.surname.isVisible()
    dialog.consent.set_value(True)
    dialog.crime_ref.setText("CR-1")
    dialog.submit()
    wait_idle()
    assert is_closed(dialog) and backend.nrm.get(dialog.saved_id or 0).person_id == person


def test_saving_over_someone_elses_change_is_refused_and_their_version_shown(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    mine, theirs = backend_for(Role.HTT_OFFICER), backend_for(Role.HTT_OFFICER)
    referral_id = _referral(mine, "Shared", TODAY - timedelta(days=4))
    dialog = ReferralDialog(make_ctx(mine), referral_id)
    track(dialog)
    dialog.show()
    wait_idle()
    dialog.operation.setText("Op Mine")
    other = theirs.nrm.get(referral_id)
    theirs.nrm.update(referral_id, other.version, dataclasses.replace(other.data, operation="Op Theirs"))
    dialog.submit()
    wait_idle()
    settle(qtbot)
    boxes = visible_message_boxes()
    assert boxes and boxes[0].windowTitle() == "Referral not saved"
    close_message_boxes()
    wait_idle()
    assert not is_closed(dialog) and dialog.operation.text() == "Op Theirs"
    assert not dialog.is_dirty()


def test_the_age_rule_for_a_recorded_person_shows_on_the_form(
    qtbot: QtBot,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    """Issue 12 item 6: a recorded person's estimated age or date of birth refuses the adult route; the
    messages sit beside fields on view (the person's own fields are not on this form)."""
    young = backend.people.create(PersonInput(surname="Young", forenames="Ana", estimated_age=15))
    dialog = ReferralDialog.start(make_ctx(backend), None, None, person_id=young, person_name="Young, Ana")
    track(dialog)
    dialog.consent.set_value(True)
    dialog.crime_ref.setText("CR-1")
    select_data(dialog.age_exploited, AgeAtExploitation.ADULT)
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert "estimated age of 15" in dialog.error_text("age_at_referral")
    assert "under 18 when exploited too" in dialog.error_text("age_at_exploitation")
    assert dialog._errors["age_at_referral"].isVisible() and dialog._errors["age_at_exploitation"].isVisible()
    later = backend.people.create(
        PersonInput(surname="Later", forenames="Ion", date_of_birth=date(2023, 5, 1))
    )
    dialog = ReferralDialog.start(make_ctx(backend), None, None, person_id=later, person_name="Later, Ion")
    track(dialog)
    dialog.submitted.set_value(date(2023, 3, 1))
    select_data(dialog.age, AgeAtReferral.CHILD)
    dialog.crime_ref.setText("CR-2")
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert "is after the referral (01/03/2023)" in dialog.error_text("submitted_date")
    assert dialog._errors["submitted_date"].isVisible()
    assert backend.nrm.count() == 0
