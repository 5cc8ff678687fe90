"""Screenshots of the Today and People pages, a pathway and the person and contact forms (called by
``tools.screenshots``, which owns the throwaway databases, the worker and the ``shot`` helper)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Shot = Callable[..., None]


def render_today_people(
    as_role: Mapping[Any, Any],
    empty: Any,
    shot: Shot,
    close: Callable[..., None],
    settle: Callable[..., None],
    window_for: Callable[[Any], Any],
    size: tuple[int, int],
) -> None:
    """``as_role``: a backend per role over the demo database; ``empty``: an officer on an empty one."""
    from mshtdesk.domain.roles import Role
    from mshtdesk.domain.support import ContactPurpose, NotifiableDecision
    from mshtdesk.services.people import PersonInput
    from ui.dialogs.pathway_view import PathwayView
    from ui.dialogs.person_dialog import PersonDialog
    from ui.pages.people_page import PeoplePage
    from ui.pages.today_page import TodayPage

    def go(window: Any, cls: type) -> Any:
        page = window.page_of(cls)
        window.go_to(window.pages.index(page))
        settle()  # a page re-reads its rows on the worker when shown
        return page

    # A liaison officer's landing page, their victim's pathway, and the contact form.
    w = window_for(as_role[Role.VLO])
    shot(w, "60-today-vlo", size)
    today = w.page_of(TodayPage)
    item = today.selected_item() if today is not None else None
    if item is not None and item.person_id is not None:
        view = PathwayView.start(w.ctx, item.person_id, w)
        settle()
        shot(view, "61-pathway")
        dialog = view.add_contact()
        if dialog is not None:
            settle()
            shot(dialog, "62-contact")
            dialog.purpose.setCurrentIndex(dialog.purpose.findData(ContactPurpose.DECISION_NOTIFICATION))
            dialog.decision.setCurrentIndex(dialog.decision.findData(NotifiableDecision.CHARGE))
            shot(dialog, "62b-contact-decision")
            close(dialog)
        close(view)
    close(w)
    if item is not None and item.person_id is not None:
        # The same victim as an HTT officer sees them: referral and Navigator commands in the header.
        w = window_for(as_role[Role.HTT_OFFICER])
        view = PathwayView.start(w.ctx, item.person_id, w)
        settle()
        shot(view, "61c-pathway-officer")
        engagement = view.record_engagement()  # the victim's engagement with the investigation
        if engagement is not None:
            settle()
            shot(engagement, "61d-engagement")
            close(engagement)
        close(view, w)

    # A victim who opted out of updates: the form refuses an investigation update beside the field.
    officer = as_role[Role.HTT_OFFICER]
    opted_out = officer.people.create(
        PersonInput(
            surname="Kaya", forenames="Deniz", interpreter_language="Turkish", opted_out_of_updates=True
        )
    )
    officer.people.assign_vlo(opted_out, "vlo")
    w = window_for(as_role[Role.VLO])
    view = PathwayView.start(w.ctx, opted_out, w)
    settle()
    shot(view, "63-pathway-empty-opted-out")
    dialog = view.add_contact()
    if dialog is not None:
        settle()
        dialog.purpose.setCurrentIndex(dialog.purpose.findData(ContactPurpose.INVESTIGATION_UPDATE))
        shot(dialog, "63b-contact-opted-out")
        close(dialog)
    close(view, w)

    # People, as an HTT officer: the list, the forms, an error beside its field.
    w = window_for(officer)
    people = go(w, PeoplePage)
    assert isinstance(people, PeoplePage)
    named = next(r for r in range(people.model.rowCount()) if people.model.row_at(r).surname)
    people.table.selectRow(named)
    shot(w, "64-people", size)
    person_id = people.selected_id()
    form = PersonDialog(w.ctx, None, w)
    shot(form, "65-person-new")
    form.surname.setText("Nowak")
    form.nationality.setEditText("Atlantean")
    form.submit()
    settle()
    shot(form, "65b-person-new-errors")
    close(form)
    if person_id is not None:
        form = PersonDialog(w.ctx, person_id, w)
        settle()
        shot(form, "66-person")  # with "Export for subject access..." beside Save
        if form.detail is not None:
            asked = form.subject_access.start(form.detail.person_ref)
            shot(asked, "66b-subject-access-reason")
            close(asked)
        close(form)
    people.search.setText("no such name")
    people.apply_filters()
    shot(w, "67-people-no-match", size)
    close(w)

    # Read only for a manager; Haven House staff's Today; empty pages.
    if person_id is not None:
        w = window_for(as_role[Role.MANAGER])
        form = PersonDialog(w.ctx, person_id, w)
        settle()
        shot(form, "68-person-read-only")
        close(form, w)
    w = window_for(as_role[Role.HAVEN_HOUSE])
    shot(w, "69-today-haven-house", size)
    close(w)
    w = window_for(empty)
    shot(w, "70-today-nothing-due", size)
    go(w, PeoplePage)
    shot(w, "71-people-empty", size)
    close(w)
