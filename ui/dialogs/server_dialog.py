"""Connect to a team server: the PostgreSQL server the whole team works on, chosen once per user.

Only the address is remembered (in the user's own settings file); the database password never is. It
comes from the user's pgpass or service file as libpq finds it, or is typed here and kept in memory
until MSHT Desk closes. A server that is not this computer is reached with its certificate checked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.errors import MshtError, ValidationError
from ui.widgets.field_error import FieldError, hint_label, with_error
from ui.widgets.password import password_edit
from ui.widgets.tab_order import set_tab_order

# Builds the checked address from the fields (``mshtdesk.services.team.team_address``).
MakeAddress = Callable[[str, str, int | None, str], str]

INTRO = (
    "Your team keeps its records on one PostgreSQL server. Its database administrator gives you the "
    "server\u2019s name and the database; MSHT Desk remembers them for you on this computer."
)
PASSWORD_HINT = (
    "Only if the server asks for one and your pgpass or service file does not hold it. It is kept "
    "until MSHT Desk closes, never saved."
)
SECURITY_NOTE = (
    "The connection is encrypted and the server\u2019s certificate checked against your force\u2019s "
    "certificate authority. Nothing but window settings is kept on this computer in team mode."
)


class ServerDialog(QDialog):
    """Emits ``chosen(address, password)`` on Connect, or ``use_file`` to go back to this computer's file."""

    chosen = Signal(str, str)
    use_file = Signal()

    def __init__(
        self,
        make_address: MakeAddress,
        *,
        current: tuple[str, str, str, str] = ("", "", "", ""),
        on_server: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle("Connect to a team server \u2014 MSHT Desk")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._make_address = make_address
        host, port, database, user = current

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.host = QLineEdit(host)
        self.host.setObjectName("serverHost")
        self.host.setPlaceholderText("e.g. htt-db.force.police.uk")
        self.host.setMinimumWidth(300)
        self.port = QLineEdit(port or "5432")
        self.port.setObjectName("serverPort")
        self.port.setValidator(QIntValidator(1, 65535, self.port))
        self.port.setMaximumWidth(90)
        self.database = QLineEdit(database or "mshtdesk")
        self.database.setObjectName("serverDatabase")
        self.user = QLineEdit(user)
        self.user.setObjectName("serverUser")
        self.user.setPlaceholderText("your Windows user name, unless you were given another")
        self.password = password_edit("serverPassword", "Database password")
        self.password.setPlaceholderText("usually left empty")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QLineEdit] = {}
        for name, text, field, hint in (
            ("host", "&Server:", self.host, None),
            ("port", "P&ort:", self.port, None),
            ("database", "&Database:", self.database, None),
            ("user", "Database &user:", self.user, None),
            ("password", "Database pass&word:", self.password, hint_label(PASSWORD_HINT)),
        ):
            box, error = with_error(field, hint)
            label = QLabel(text)
            label.setBuddy(field)
            label.setFixedHeight(field.sizeHint().height())  # level with its field, not its message
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(label, box)
            self.errors[name] = error
            self.fields[name] = field
        self.error = FieldError()
        self.error.setObjectName("serverError")
        note = hint_label(SECURITY_NOTE)

        self.buttons = QDialogButtonBox()
        self.connect_button = QPushButton("&Connect")
        self.connect_button.setDefault(True)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.file_button = QPushButton("Use this computer\u2019s &file")
        self.file_button.setAutoDefault(False)
        self.file_button.setToolTip("Work on the encrypted database file on this computer instead")
        self.buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.file_button.setVisible(on_server)  # after addButton, which shows it
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button.clicked.connect(self.submit)
        self.file_button.clicked.connect(self._use_file)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        set_tab_order([self.host, self.port, self.database, self.user, self.password])
        self.setMinimumWidth(560)
        (self.user if host else self.host).setFocus()

    def submit(self) -> None:
        for error in (*self.errors.values(), self.error):
            error.clear()
        port_text = self.port.text().strip()
        try:
            port = int(port_text) if port_text else None
            address = self._make_address(self.host.text(), self.database.text(), port, self.user.text())
        except ValidationError as exc:
            for name, message in exc.fields.items():
                (self.errors.get(name) or self.error).show_error(message)
            first = next((self.fields[n] for n in self.fields if n in exc.fields), None)
            if first is not None:
                first.setFocus()
            return
        except MshtError as exc:
            self.error.show_error(str(exc))
            return
        self.accept()
        self.chosen.emit(address, self.password.text())

    def _use_file(self) -> None:
        self.accept()
        self.use_file.emit()

    def error_text(self) -> str:
        return " ".join(e.text() for e in (*self.errors.values(), self.error) if e.isVisibleTo(self))
