"""Someone else saved the record while you were editing it: both versions side by side, you choose.

Shown when a save raises ``ConflictError`` carrying ``mine`` (what was typed) and ``theirs`` (the record
as now stored). Fields that differ get a choice between the two (your version is chosen at first, since
it is what you were doing); fields that agree are shown once. "Save my choices" saves the mix against the
version just read, so it overwrites nothing unseen; "Keep the saved version" drops what you typed (it is
still shown here until you choose); Cancel goes back to the form with your typing intact. Any form can
use it: build ``FieldVersions`` for its fields, then read :meth:`ConflictDialog.choices`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import palette

SHOWN_CHARS = 240  # a long note is shown clipped; the whole text is in the tooltip


@dataclass(frozen=True)
class FieldVersions:
    name: str  # the service's field name
    label: str  # as on the form
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


class Outcome(Enum):
    SAVE_CHOICES = "save"
    KEEP_THEIRS = "theirs"
    CANCELLED = "cancel"


def _shown(text: str) -> str:
    if not text:
        return "(empty)"
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "\u2026"


class ConflictDialog(QDialog):
    decided = Signal(object)  # the Outcome

    def __init__(self, what: str, fields: Sequence[FieldVersions], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Someone else saved this record")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.fields = tuple(fields)
        self.outcome = Outcome.CANCELLED
        self._groups: dict[str, tuple[QRadioButton, QRadioButton]] = {}

        intro = QLabel(
            f"<b>{what} was changed by someone else while you were editing it.</b><br>"
            "Nothing of yours has been saved yet. For each field that differs, choose the version to keep; "
            "fields that are the same in both are shown once, in grey."
        )
        intro.setWordWrap(True)
        intro.setObjectName("conflictIntro")

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        for col, title in enumerate(("Field", "Your version", "Saved by someone else")):
            head = QLabel(f"<b>{title}</b>")
            grid.addWidget(head, 0, col)
        row = 1
        for f in self.fields:
            label = QLabel(f.label)
            grid.addWidget(label, row, 0)
            top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            if f.differs:
                mine, theirs = QRadioButton(_shown(f.mine)), QRadioButton(_shown(f.theirs))
                for button, full, whose in ((mine, f.mine, "your"), (theirs, f.theirs, "their")):
                    button.setToolTip(full or "(empty)")
                    button.setAccessibleName(f"{f.label}: keep {whose} version")
                    button.setStyleSheet("QRadioButton { font-weight: 600; }")
                group = QButtonGroup(self)
                group.addButton(mine)
                group.addButton(theirs)
                mine.setChecked(True)
                label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(mine, row, 1)
                grid.addWidget(theirs, row, 2)
                self._groups[f.name] = (mine, theirs)
            else:
                label.setAlignment(top)
                same = QLabel(_shown(f.mine))
                same.setAlignment(top)
                same.setToolTip("The same in both versions")
                same.setWordWrap(True)
                same.setStyleSheet(f"color: {palette.QUIET_HEX};")
                grid.addWidget(same, row, 1, 1, 2)
            row += 1
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        body = QWidget()
        body.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.buttons = QDialogButtonBox()
        self.save_button: QPushButton = self.buttons.addButton(
            "&Save my choices", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.theirs_button: QPushButton = self.buttons.addButton(
            "&Keep the saved version", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.cancel_button: QPushButton = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText("Back to editing")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self._finish(Outcome.SAVE_CHOICES))
        self.theirs_button.clicked.connect(lambda: self._finish(Outcome.KEEP_THEIRS))
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self.resize(720, min(560, grid.sizeHint().height() + 170))

    def choose(self, name: str, mine: bool) -> None:
        """Pick a version of field ``name`` (keyboard users and tests)."""
        buttons = self._groups[name]
        (buttons[0] if mine else buttons[1]).setChecked(True)

    def theirs_chosen(self) -> set[str]:
        """The names of the fields where the saved (other person's) version was chosen."""
        return {name for name, (_, theirs) in self._groups.items() if theirs.isChecked()}

    def choices(self) -> dict[str, str]:
        """Each field's chosen value (fields that agree: the common value)."""
        out = {}
        for f in self.fields:
            buttons = self._groups.get(f.name)
            out[f.name] = f.theirs if buttons is not None and buttons[1].isChecked() else f.mine
        return out

    def _finish(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.accept()
        self.decided.emit(outcome)

    def reject(self) -> None:
        self.outcome = Outcome.CANCELLED
        super().reject()
        self.decided.emit(Outcome.CANCELLED)
