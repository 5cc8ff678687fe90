"""Victim liaison officers' contacts in the user's scope: a VLO sees the contacts with the victims
assigned to them; managers and HTT officers every contact, read-only. Filter by victim, purpose, the
user's own contacts and victims whose next contact is overdue. A contact is logged from the
victim's pathway (Pathway, then Ctrl+Shift+N), where what is due next is in view.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.support import ContactPurpose, NotifiableDecision
from mshtdesk.services.contacts import ContactFilter, ContactRow
from ui.context import AppContext
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.pages.list_page import ListPage
from ui.widgets.choices import enum_data
from ui.widgets.moments import london_text

SHORT_DECISION = {
    NotifiableDecision.CHARGE: "Charge",
    NotifiableDecision.NFA: "NFA",
    NotifiableDecision.BAIL: "Bail",
    NotifiableDecision.RUI: "RUI",
}


def notified(r: ContactRow) -> str:
    """ "Charge 17/11/2026, late": the decision told of, its date, and whether the victim heard in time."""
    if r.decision_notified is None:
        return ""
    when = f" {uk(r.decision_date)}" if r.decision_date else ""
    timing = "" if r.notified_on_time is None else (", on time" if r.notified_on_time else ", late")
    return f"{SHORT_DECISION[r.decision_notified]}{when}{timing}"


def _struck(column: ColumnSpec[ContactRow]) -> ColumnSpec[ContactRow]:
    """The column, striking a corrected or withdrawn contact through with who, when and why as the tip
    (as the register shows a withdrawn arrest); the correction in force is its own row."""
    tip = column.cell_tip

    def cell_tip(r: ContactRow) -> str:
        return r.corrected or (tip(r) if tip is not None else "")

    return replace(column, struck=lambda r: bool(r.corrected), cell_tip=cell_tip)


def next_due(r: ContactRow, today: date) -> str:
    """The date, with the word "overdue" once it has passed: the red says it to the eye, the word to all."""
    if r.next_contact_due is None:
        return ""
    return uk(r.next_contact_due) + (" (overdue)" if r.next_contact_due < today else "")


def columns(today: date) -> tuple[ColumnSpec[ContactRow], ...]:
    return tuple(_struck(c) for c in _columns(today))


def _columns(today: date) -> tuple[ColumnSpec[ContactRow], ...]:
    return (
        ColumnSpec(
            "When", lambda r: london_text(r.contact_at), "00/00/0000 00:00", raw=lambda r: r.contact_at
        ),
        ColumnSpec(
            "Victim", lambda r: r.person_name, "Kowalczyk, Agnieszka", cell_tip=lambda r: r.person_ref
        ),
        ColumnSpec("Purpose", lambda r: r.purpose.label, "Decision notification"),
        ColumnSpec("Method", lambda r: r.method.label, "Via Navigator"),
        ColumnSpec(
            "Next due",
            lambda r: next_due(r, today),
            "00/00/0000 (overdue)",
            raw=lambda r: r.next_contact_due,
            alert=lambda r: r.next_contact_due is not None and r.next_contact_due < today,
            tip="The next contact this one set (overdue, in red: the date has passed)",
        ),
        ColumnSpec(
            "Decision notified",
            notified,
            "Charge 00/00/0000, on time",
            alert=lambda r: r.notified_on_time is False,
            cell_tip=lambda r: r.decision_notified.label if r.decision_notified else "",
            tip="The police decision the victim was told of; on time within 1 working day (enhanced "
            "rights) or 5",
        ),
        ColumnSpec(
            "Safeguarding",
            lambda r: "Concern" if r.safeguarding_concern else "",
            "Safeguarding",
            alert=lambda r: r.safeguarding_concern,
            tip="A safeguarding concern was raised at this contact",
        ),
        ColumnSpec("By", lambda r: r.vlo, "vlo.user"),
        ColumnSpec(
            "Summary",
            lambda r: (f"{r.corrected} \u2014 " if r.corrected else "") + r.summary.replace("\n", " "),
            cell_tip=lambda r: r.summary,
        ),
    )


class ContactsPage(ListPage):
    heading = "Contacts"
    noun = ("contact", "contacts")
    export_entity = Entity.VLO_CONTACT  # Copy and Export CSV of the current filter (managers)
    can_find = False  # filtered by victim and purpose, not by free text
    shows = frozenset({Data.CONTACT, Data.PERSON})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        service = ctx.backend.contacts
        cols = columns(date.today())
        model: PagedModel[ContactFilter] = PagedModel(
            cols,
            service.count,
            lambda q, _key, _desc, offset, limit: service.list(q, offset=offset, limit=limit),
            ContactFilter(corrected=True),
        )
        super().__init__(ctx, model, parent)
        self.setObjectName("contactsPage")
        self.can_log = ctx.may(Action.CREATE, Entity.VLO_CONTACT)
        self.person = QComboBox()
        self.person.setObjectName("personFilter")
        self.person.addItem("All victims", None)
        if ctx.may(Action.READ, Entity.PERSON):
            for p in ctx.backend.people.list("", limit=500):
                name = ", ".join(x for x in (p.surname, p.forenames) if x)
                self.person.addItem(f"{name} ({p.person_ref})" if name else p.person_ref, p.id)
        self.purpose = QComboBox()
        self.purpose.setObjectName("purposeFilter")
        self.purpose.addItem("Any purpose", None)
        for purpose in ContactPurpose:
            self.purpose.addItem(purpose.label, purpose)
        self.mine = QCheckBox("Only contacts I logged")
        self.mine.setVisible(self.can_log)
        self.overdue = QCheckBox("Next contact overdue")
        self.overdue.setToolTip("Victims whose latest contact set a next contact date that has passed")
        self.add_filter("&Victim:", self.person, gap=0, chars=24)
        self.add_filter("&Purpose:", self.purpose, chars=18)
        self.add_filter("", self.mine)
        self.add_filter("", self.overdue)
        samples = {i: c.sample for i, c in enumerate(cols) if c.sample}
        if ctx.backend.actor.role is Role.VLO:
            empty = (
                "No contacts logged yet",
                "Open a victim's pathway (from Today or People) and press Ctrl+Shift+N to log a contact.",
            )
        else:
            empty = ("No contacts logged yet", "Contacts appear here once liaison officers log them.")
        self.finish("contactsTable", samples, empty_title=empty[0], empty_text=empty[1])
        self.pathway_button.setToolTip(
            "Open the selected victim's pathway"
            + (", where Ctrl+Shift+N logs a contact" if self.can_log else "")
        )

    def current_query(self) -> ContactFilter:
        return ContactFilter(
            person_id=self.person.currentData(),
            mine=self.mine.isChecked(),
            purpose=enum_data(self.purpose, ContactPurpose),
            overdue=self.overdue.isChecked(),
            corrected=True,  # struck through, with who corrected or withdrew them, when and why
        )

    def default_query(self) -> ContactFilter:
        return ContactFilter(corrected=True)

    def reset_filters(self) -> None:
        self.person.setCurrentIndex(0)
        self.purpose.setCurrentIndex(0)
        self.mine.setChecked(False)
        self.overdue.setChecked(False)

    def open_row(self, row: Any) -> None:
        """A contact is read in its victim's pathway, beside everything else that happened."""
        self.open_pathway(row.person_id)
