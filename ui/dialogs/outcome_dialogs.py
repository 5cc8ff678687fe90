"""The court outcome of one offence: record it, correct it, withdraw it (from the arrest dialog).

Like disposal events, outcomes are never edited in place: a correction is a new row superseding the old
one and a withdrawal a void row, each with a reason; the original stays on record.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from mshtdesk.domain.dates import uk
from mshtdesk.domain.outcomes import Outcome, describe
from mshtdesk.services.outcomes import OutcomeRow
from mshtdesk.services.register import ArrestDetail, OffenceRow
from ui.context import AppContext
from ui.dialogs.disposal_dialogs import _ArrestChild, offence_caption

CUSTODIAL_CHOICES = (("Not given", None), ("Yes \u2014 custodial", True), ("No \u2014 not custodial", False))


def outcome_caption(row: OutcomeRow) -> str:
    return f"{describe(row.outcome, row.sentence_months, row.custodial)} on {uk(row.outcome_date)}"


class CourtOutcomeDialog(_ArrestChild):
    """Record the selected offence's outcome at court, or, when it has one in force, correct it (with a
    reason): one dialog, so the officer never has to know which of the two the register needs."""

    def __init__(
        self,
        ctx: AppContext,
        detail: ArrestDetail,
        offence: OffenceRow,
        current: OutcomeRow | None,
        parent: QWidget | None = None,
    ) -> None:
        correcting = current is not None
        title = "Correct court outcome" if correcting else "Record court outcome"
        super().__init__(
            ctx,
            detail,
            f"{title} \u2014 {detail.custody_ref}",
            parent,
            "Record correction" if correcting else "Record",
        )
        self.setObjectName("courtOutcomeDialog")
        self.offence = offence
        self.current = current
        if current is not None:
            self._intro(
                f"Offence <b>{offence_caption(offence)}</b>: the court outcome on record is "
                f"<b>{outcome_caption(current)}</b>. A correction is added with your reason; the original "
                "stays on record."
            )
        else:
            self._intro(f"Offence <b>{offence_caption(offence)}</b><br>Its outcome at court, after charge.")
        self.outcome = QComboBox()
        self.outcome.setPlaceholderText("Choose an outcome")
        for o in Outcome:
            self.outcome.addItem(o.label, o.value)
        self.outcome_date = self._date(current.outcome_date if current else None)
        self.sentence = QLineEdit()
        self.sentence.setPlaceholderText("Whole months; empty if none")
        self.sentence.setMaximumWidth(200)
        self.custodial = QComboBox()
        for label, value in CUSTODIAL_CHOICES:
            self.custodial.addItem(label, value)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: court, case number or other detail")
        self.add_field("outcome", "&Outcome:", self.outcome)
        self.add_field("outcome_date", "D&ate:", self.outcome_date)
        self.add_field("sentence_months", "&Sentence (months):", self.sentence)
        self.add_field("custodial", "&Custodial:", self.custodial)
        if current is not None:
            self.outcome.setCurrentIndex(self.outcome.findData(current.outcome.value))
            if current.sentence_months is not None:
                self.sentence.setText(str(current.sentence_months))
            self.custodial.setCurrentIndex(
                next(i for i, (_, v) in enumerate(CUSTODIAL_CHOICES) if v == current.custodial)
            )
            self.reason = self._reason("Required: why the recorded outcome was wrong")
            self.add_field("reason", "&Reason:", self.reason)
        else:
            self.outcome.setCurrentIndex(-1)
            self.add_field("note", "&Note:", self.note)
        self.outcome.setFocus()

    def submit(self) -> None:
        text = self.sentence.text().strip()
        if text and not (text.isascii() and text.isdigit()):
            self.show_errors({"sentence_months": "A whole number of months, or empty."})
            return
        months = int(text) if text else None
        custodial = self.custodial.currentData()
        chosen = self.outcome.currentData() or ""
        on = self.outcome_date.value()
        service = self.ctx.backend.outcomes
        if self.current is None:
            offence_id, note = self.offence.id, self.note.text()
            self.save(
                lambda: service.record_outcome(
                    offence_id, chosen, on, sentence_months=months, custodial=custodial, note=note
                ),
                self._saved,
                context="recording a court outcome",
            )
            return
        outcome_id, reason = self.current.id, self.reason.toPlainText()
        self.save(
            lambda: service.correct_outcome(
                outcome_id, chosen, on, sentence_months=months, custodial=custodial, reason=reason
            ),
            self._saved,
            context="correcting a court outcome",
        )


class WithdrawOutcomeDialog(_ArrestChild):
    def __init__(
        self,
        ctx: AppContext,
        detail: ArrestDetail,
        offence: OffenceRow,
        current: OutcomeRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx, detail, f"Withdraw court outcome \u2014 {detail.custody_ref}", parent, "Withdraw outcome"
        )
        self.setObjectName("withdrawOutcomeDialog")
        self.current = current
        self._intro(
            f"Withdrawing <b>{outcome_caption(current)}</b> of offence <b>{offence_caption(offence)}</b>, "
            "recorded in error. It stays on record, marked \u201cwithdrawn\u201d, and no longer counts; the "
            "offence is then awaiting its outcome again."
        )
        self.reason = self._reason("Required: why this outcome should not have been recorded")
        self.add_field(("reason", "outcome"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        reason = self.reason.toPlainText()
        service, outcome_id = self.ctx.backend.outcomes, self.current.id
        self.save(
            lambda: service.withdraw_outcome(outcome_id, reason),
            self._saved,
            context="withdrawing a court outcome",
        )
