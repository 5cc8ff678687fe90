"""Add a person to the victim pathway, or view and amend one.

The record is the most sensitive in the app, so the form keeps what is known (facts) visibly apart from
what is judged (safeguarding notes), and shows only what the role may change: a liaison officer can be
assigned only by a role that may update anyone's record; a role that may only read gets the same form,
read-only. A save carries the version it was read at; if someone else saved first, the user chooses to
keep their own text (saved over the other) or to see the other version, and nothing typed is lost
silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.dates import uk
from mshtdesk.domain.nationalities import NATIONALITY_NAMES, parse_nationality
from mshtdesk.domain.roles import Action, Entity, may_everywhere
from mshtdesk.errors import MshtError, NotFoundError, ValidationError
from mshtdesk.services.people import GENDERS, LIMITS, PersonDetail, PersonInput
from ui import error_report, palette
from ui.context import AppContext
from ui.dialogs.conflict_dialog import ConflictDialog, FieldVersions, Outcome
from ui.dialogs.form import FormDialog
from ui.dialogs.merge_dialog import may_merge
from ui.dialogs.subject_access import BUTTON_TEXT, SubjectAccessFlow
from ui.widgets.dates import OptionalDateEdit, to_qdate
from ui.widgets.field_error import FieldError, hint_label
from ui.widgets.tab_order import set_tab_order

#: Languages most often needed by the team, offered as completions (any other may be typed).
COMMON_LANGUAGES = (
    "Albanian",
    "Amharic",
    "Arabic",
    "Bengali",
    "British Sign Language",
    "Bulgarian",
    "Cantonese",
    "Czech",
    "English",
    "Eritrean Tigrinya",
    "Farsi",
    "French",
    "Hungarian",
    "Kurdish Sorani",
    "Lithuanian",
    "Mandarin",
    "Pashto",
    "Polish",
    "Portuguese",
    "Punjabi",
    "Romanian",
    "Romani",
    "Russian",
    "Slovak",
    "Somali",
    "Spanish",
    "Tigrinya",
    "Turkish",
    "Ukrainian",
    "Urdu",
    "Vietnamese",
)
GENDER_LABELS = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not known"}
NOT_KNOWN = "Not known"
INACTIVE_VLO = "A liaison officer no longer active (choose another)"


def may_assign_vlo(ctx: AppContext) -> bool:
    """Whether this role may update anyone's record (not only its own victims'): it may assign VLOs."""
    return may_everywhere(ctx.backend.actor.role, Action.UPDATE, Entity.PERSON)


class NationalityCombo(QComboBox):
    """A nationality from the shipped list: type part of it ("pol", "alb") and pick; blank = not known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("")
        self.addItems(list(NATIONALITY_NAMES))
        edit = self.lineEdit()
        if edit is not None:
            edit.setPlaceholderText(NOT_KNOWN)
        completer = QCompleter(list(NATIONALITY_NAMES), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setMaxVisibleItems(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(22)

    def value(self) -> str | None:
        """The listed name, "" when blank, None when the text is not a listed nationality."""
        text = self.currentText().strip()
        if not text:
            return ""
        return parse_nationality(text)

    def set_value(self, name: str) -> None:
        index = self.findText(name, Qt.MatchFlag.MatchFixedString)
        if index < 0 and name:  # an older value no longer on the list: still shown as it was stored
            self.addItem(name)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0))


def language_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(LIMITS["first_language"])
    completer = QCompleter(list(COMMON_LANGUAGES), edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
    edit.setCompleter(completer)
    return edit


def notes_edit(lines: int, parent: QWidget) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(parent.fontMetrics().lineSpacing() * lines + 14)
    edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return edit


PERSON_FIELDS = (
    ("surname", "Surname"),
    ("forenames", "Forenames"),
    ("aliases", "Aliases"),
    ("date_of_birth", "Date of birth"),
    ("estimated_age", "Estimated age"),
    ("gender", "Gender"),
    ("nationality", "Nationality"),
    ("second_nationality", "Second nationality"),
    ("first_language", "First language"),
    ("interpreter_language", "Interpreter"),
    ("contact_details", "Contact details"),
    ("opted_out_of_updates", "Opted out of updates"),
    ("review_due", "Review due"),
    ("facts", "Facts"),
    ("assessments", "Safeguarding notes"),
)


def _person_text(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return uk(value)
    if name == "gender":
        return GENDER_LABELS.get(str(value), str(value))
    return str(value).strip()


def person_versions(mine: PersonInput, theirs: PersonInput) -> list[FieldVersions]:
    return [
        FieldVersions(
            name, label, _person_text(name, getattr(mine, name)), _person_text(name, getattr(theirs, name))
        )
        for name, label in PERSON_FIELDS
    ]


def merge_person(mine: PersonInput, theirs: PersonInput, take_theirs: set[str]) -> PersonInput:
    """What the user typed, with the fields they chose from the version saved by someone else."""
    return replace(mine, **{name: getattr(theirs, name) for name in take_theirs})


class PersonDialog(FormDialog):
    saved = Signal(int)  # the person's id, once added or saved

    @classmethod
    def start(cls, ctx: AppContext, person_id: int | None, parent: QWidget | None) -> PersonDialog:
        dialog = cls(ctx, person_id, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, person_id: int | None, parent: QWidget | None = None) -> None:
        new = person_id is None
        super().__init__(
            ctx, "New person" if new else "Person", parent, ok_text="Add person" if new else "Save"
        )
        self.setObjectName("personDialog")
        self.person_id = person_id
        self.may_edit = ctx.may(Action.CREATE if new else Action.UPDATE, Entity.PERSON)
        self.may_assign = may_assign_vlo(ctx)
        self.detail: PersonDetail | None = None
        self.saved_id: int | None = None
        self._vlos: list[tuple[int, str, str]] = []
        self._vlos_ready = False
        self._created_ids: list[int] = []
        self.conflict_dialog: ConflictDialog | None = None
        self.subject_access = SubjectAccessFlow(ctx, self, self._export_status, self.general_error.show_error)
        self._build()
        self.resize(self.sizeHint())
        if not self.may_edit:
            self._make_read_only()
        self._set_loading(not new or self.may_assign)
        if self.may_assign:
            people = ctx.backend.people
            ctx.tasks.run(
                lambda _job: people.vlo_choices(),
                done=self._vlos_loaded,
                failed=self._load_failed,
                owner=self,
                context="listing liaison officers",
            )
        if not new:
            self.reload()
        self.surname.setFocus()

    # ----- layout ------------------------------------------------------------------------------
    def _add(
        self, form: QFormLayout, names: str | Iterable[str], label: str, field: QWidget, **kw: object
    ) -> None:
        """``add_field`` into one of the dialog's columns (FormDialog adds to ``self.form``)."""
        keep, self.form = self.form, form
        try:
            self.add_field(names, label, field, **kw)  # type: ignore[arg-type]
        finally:
            self.form = keep

    @staticmethod
    def _new_form() -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(8)
        return form

    def _build(self) -> None:
        self._build_fields()
        self._build_columns()
        self._build_notes()
        self._build_subject_access()
        self._set_tab_order()
        self._connect()

    def _connect(self) -> None:
        """The one wire: no field drives another; what they hold is read when saving (``current_input``),
        the VLO list arrives from the worker and the record from ``reload``."""
        self.export_button.clicked.connect(self.export_for_subject_access)
        self.merge_button.clicked.connect(self.merge_with)

    def _build_fields(self) -> None:
        """Who: names, age, gender, nationalities (left); language, contact and case (right)."""
        self.surname = QLineEdit()
        self.surname.setMaxLength(LIMITS["surname"])
        self.forenames = QLineEdit()
        self.forenames.setMaxLength(LIMITS["forenames"])
        self.aliases = QLineEdit()
        self.aliases.setMaxLength(LIMITS["aliases"])
        self.aliases.setPlaceholderText("Other names used, separated by commas")
        self.date_of_birth = OptionalDateEdit(NOT_KNOWN)
        self.date_of_birth.setMaximumDate(to_qdate(date.today()))
        self.date_of_birth.setMinimumWidth(130)
        self.estimated_age = QSpinBox()
        self.estimated_age.setRange(-1, 120)
        self.estimated_age.setSpecialValueText(NOT_KNOWN)
        self.estimated_age.setSuffix(" years")
        self.estimated_age.setValue(-1)
        self.estimated_age.setMinimumWidth(130)
        self.gender = QComboBox()
        for code in GENDERS:
            self.gender.addItem(GENDER_LABELS[code], code)
        self.gender.setCurrentIndex(self.gender.findData("unknown"))
        self.nationality = NationalityCombo()
        self.second_nationality = NationalityCombo()

        self.first_language = language_edit("e.g. Romanian")
        self.interpreter_language = language_edit("Leave empty if no interpreter is needed")
        self.contact_details = notes_edit(3, self)
        self.contact_details.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.contact_details.setPlaceholderText("Phone, address or safe way to reach them")
        self.vlo = QComboBox()
        self.vlo.addItem("No liaison officer assigned", None)
        self.vlo.setMinimumContentsLength(24)
        self.vlo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.opted_out = QCheckBox("Has opted out of updates")
        self.opted_out.setToolTip(
            "No investigation updates or decision notifications are sent; welfare and safeguarding "
            "contacts go on"
        )
        self.review_due = OptionalDateEdit("No date set")
        self.review_due.setMinimumWidth(130)

    def _build_columns(self) -> None:
        """The fields in two columns, each with its error and hint beneath."""
        left, right = self._new_form(), self._new_form()
        self._add(left, "surname", "&Surname:", self.surname)
        self._add(left, "forenames", "&Forenames:", self.forenames)
        self._add(left, "aliases", "A&liases:", self.aliases)
        self._add(left, "date_of_birth", "Date of &birth:", self.date_of_birth)
        self._add(
            left,
            "estimated_age",
            "Estimated a&ge:",
            self.estimated_age,
            hint=hint_label("When the date of birth is not known. Anyone who may be under 18 is a child."),
        )
        self._add(left, "gender", "G&ender:", self.gender)
        self._add(left, "nationality", "&Nationality:", self.nationality)
        self._add(left, "second_nationality", "Se&cond nationality:", self.second_nationality)
        self._add(right, "first_language", "First lang&uage:", self.first_language)
        self._add(right, "interpreter_language", "&Interpreter:", self.interpreter_language)
        self._add(right, "contact_details", "Con&tact details:", self.contact_details)
        if self.may_assign:
            self._add(right, "vlo", "Liaison &officer:", self.vlo)
        self._add(right, "opted_out_of_updates", "Updates:", self.opted_out)
        self._add(
            right,
            "review_due",
            "Re&view due:",
            self.review_due,
            hint=hint_label("When this record is next reviewed for retention (DPA 2018 Part 3)."),
        )
        self.vlo.setVisible(self.may_assign)

        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.body.removeItem(self.form)  # FormDialog's own form stays unused: two columns instead
        self.body.addLayout(columns)

    def _build_notes(self) -> None:
        """Facts and safeguarding notes side by side, in boxes that say which is which."""
        self.facts = notes_edit(5, self)
        self.facts.setPlaceholderText("What happened, what was found, what they said: facts only")
        self.assessments = notes_edit(5, self)
        self.assessments.setPlaceholderText("Risks, vulnerabilities, concerns: opinion and judgement")
        # The box titles carry the mnemonics (Alt+T, Alt+G focus the text inside).
        facts_box = QGroupBox("Fac&ts \u2014 what is known")
        facts_box.setObjectName("factsBox")
        safeguarding_box = QGroupBox("Safeguardin&g notes \u2014 assessment, not fact")
        safeguarding_box.setObjectName("safeguardingBox")
        box_style = (
            "QGroupBox#{name} {{ background: {bg}; border: 1px solid {line}; border-radius: 4px;"
            " margin-top: 1.4em; padding: 10px 8px 6px 8px; }}"
            "QGroupBox#{name}::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px;"
            " color: {ink}; font-weight: 600; }}"
        )
        facts_box.setStyleSheet(
            box_style.format(name="factsBox", bg="palette(base)", line="palette(mid)", ink="palette(text)")
        )
        safeguarding_box.setStyleSheet(
            box_style.format(
                name="safeguardingBox",
                bg=palette.CAUTION_BACKGROUND_HEX,
                line=palette.CAUTION_LINE_HEX,
                ink=palette.CAUTION_INK_HEX,
            )
        )
        notes = QHBoxLayout()
        notes.setSpacing(16)
        for box, edit, name in (
            (facts_box, self.facts, "facts"),
            (safeguarding_box, self.assessments, "assessments"),
        ):
            error = FieldError(edit)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(4, 4, 4, 4)
            inner.setSpacing(2)
            inner.addWidget(edit, 1)
            inner.addWidget(error)
            self.add_error_target((name,), error, edit)
            edit.setAccessibleName(box.title().replace("&", ""))
            notes.addWidget(box, 1)
        self.body.addLayout(notes, 1)
        self.read_only_note = hint_label("You may read this record but not change it.")
        self.read_only_note.hide()
        self.body.addWidget(self.read_only_note)

    def _build_subject_access(self) -> None:
        """Subject access (DPA 2018 s.45): only for a saved record and a role that may answer a request."""
        self.export_note = hint_label("")
        self.export_note.setObjectName("exportNote")
        self.export_note.hide()
        self.body.addWidget(self.export_note)
        self.export_button = self.buttons.addButton(BUTTON_TEXT, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setObjectName("subjectAccessButton")
        self.export_button.setToolTip(
            "Save everything held about this person to a PDF or JSON file, for a subject access request"
        )
        self.export_button.setVisible(
            self.person_id is not None and self.ctx.backend.subject_access.may_export()
        )
        self.export_button.setEnabled(False)  # until the record has been read
        self.merge_button = self.buttons.addButton(
            "&Merge with\u2026", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.merge_button.setObjectName("mergeWithButton")
        self.merge_button.setToolTip("Merge another record of this same person into this one")
        self.merge_button.setVisible(self.person_id is not None and may_merge(self.ctx))

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.surname,
            self.forenames,
            self.aliases,
            self.date_of_birth,
            self.estimated_age,
            self.gender,
            self.nationality,
            self.second_nationality,
            self.first_language,
            self.interpreter_language,
            self.contact_details,
            *([self.vlo] if self.may_assign else []),
            self.opted_out,
            self.review_due,
            self.facts,
            self.assessments,
        ]
        set_tab_order(chain)

    def sizeHint(self) -> QSize:
        return QSize(1000, 720)

    def _make_read_only(self) -> None:
        self.ok_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setDefault(True)
        for edit in (
            self.surname,
            self.forenames,
            self.aliases,
            self.first_language,
            self.interpreter_language,
        ):
            edit.setReadOnly(True)
            edit.setPlaceholderText("")
        for text in (self.contact_details, self.facts, self.assessments):
            text.setReadOnly(True)
            text.setPlaceholderText("")  # a hint to type would mislead where nothing can be typed
        for w in (self.date_of_birth, self.estimated_age, self.review_due):
            w.setReadOnly(True)
        for widget in (self.gender, self.nationality, self.second_nationality, self.vlo, self.opted_out):
            widget.setEnabled(False)
        self.read_only_note.show()

    # ----- reading -----------------------------------------------------------------------------
    def _set_loading(self, loading: bool) -> None:
        self.ok_button.setEnabled(not loading and not self.busy and self.may_edit)

    def reload(self) -> None:
        person_id = self.person_id
        assert person_id is not None
        people = self.ctx.backend.people
        self.ctx.tasks.run(
            lambda _job: people.get(person_id),
            done=self._loaded,
            failed=self._load_failed,
            owner=self,
            context="opening a person",
        )

    def _loaded(self, detail: PersonDetail) -> None:
        self.detail = detail
        read_only = "" if self.may_edit else " (read only)"
        self.setWindowTitle(f"Person {detail.person_ref}{read_only}")
        self._fill(detail)
        self._set_loading(self.may_assign and not self._vlos_ready)
        self.export_button.setEnabled(True)

    # ----- merging another record of this person into this one ----------------------------------
    def merge_with(self) -> None:
        if self.person_id is None or not may_merge(self.ctx):
            return
        from ui.dialogs.merge_dialog import MergeDialog

        self.merge_dialog = MergeDialog(self.ctx, self, keep_id=self.person_id)
        self.merge_dialog.show()

    # ----- subject access ----------------------------------------------------------------------
    def export_for_subject_access(self) -> None:
        """Ask why and where, then export the saved record (not what is typed and unsaved)."""
        if self.detail is None or not self.export_button.isVisible():
            return
        self.general_error.clear()
        self.subject_access.start(self.detail.person_ref)

    def _export_status(self, text: str) -> None:
        self.export_note.setText(text)
        self.export_note.setVisible(bool(text))

    def _vlos_loaded(self, vlos: list[tuple[int, str, str]]) -> None:
        self._vlos = vlos
        current = self.vlo.currentData()
        self.vlo.clear()
        self.vlo.addItem("No liaison officer assigned", None)
        for _id, username, display in vlos:
            self.vlo.addItem(f"{display} ({username})" if display else username, username)
        self._vlos_ready = True
        if self.detail is not None:
            self._select_vlo(self.detail.vlo_user_id)
        elif current:
            self.vlo.setCurrentIndex(max(self.vlo.findData(current), 0))
        self._set_loading(self.person_id is not None and self.detail is None)

    def _select_vlo(self, vlo_user_id: int | None) -> None:
        username = next((u for i, u, _d in self._vlos if i == vlo_user_id), None)
        if vlo_user_id is not None and username is None:
            # assigned to an officer since deactivated: say so rather than show "none assigned"
            if self.vlo.findText(INACTIVE_VLO) < 0:
                self.vlo.addItem(INACTIVE_VLO, None)
            self.vlo.setCurrentIndex(self.vlo.findText(INACTIVE_VLO))
            return
        self.vlo.setCurrentIndex(max(self.vlo.findData(username), 0) if username else 0)

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotFoundError):
            error_report.show_message(self.parentWidget(), "MSHT Desk", str(exc))
            self.done(0)
        elif isinstance(exc, MshtError):
            self.general_error.show_error(str(exc))
        else:
            error_report.log_bug(exc, "opening a person")
            self.general_error.show_error(error_report.APOLOGY)

    def _fill(self, d: PersonDetail) -> None:
        p = d.data
        self.surname.setText(p.surname)
        self.forenames.setText(p.forenames)
        self.aliases.setText(p.aliases)
        self.date_of_birth.set_value(p.date_of_birth)
        self.estimated_age.setValue(-1 if p.estimated_age is None else p.estimated_age)
        self.gender.setCurrentIndex(max(self.gender.findData(p.gender), 0))
        self.nationality.set_value(p.nationality)
        self.second_nationality.set_value(p.second_nationality)
        self.first_language.setText(p.first_language)
        self.interpreter_language.setText(p.interpreter_language)
        self.contact_details.setPlainText(p.contact_details)
        self.opted_out.setChecked(p.opted_out_of_updates)
        self.review_due.set_value(p.review_due)
        self.facts.setPlainText(p.facts)
        self.assessments.setPlainText(p.assessments)
        if self._vlos_ready:
            self._select_vlo(d.vlo_user_id)

    # ----- the input ---------------------------------------------------------------------------
    def current_input(self) -> PersonInput:
        age = self.estimated_age.value()
        return PersonInput(
            surname=self.surname.text().strip(),
            forenames=self.forenames.text().strip(),
            aliases=self.aliases.text().strip(),
            date_of_birth=self.date_of_birth.value(),
            estimated_age=None if age < 0 else age,
            gender=self.gender.currentData() or "unknown",
            nationality=self.nationality.value() or "",
            second_nationality=self.second_nationality.value() or "",
            first_language=self.first_language.text().strip(),
            interpreter_language=self.interpreter_language.text().strip(),
            contact_details=self.contact_details.toPlainText().strip(),
            facts=self.facts.toPlainText().strip(),
            assessments=self.assessments.toPlainText().strip(),
            opted_out_of_updates=self.opted_out.isChecked(),
            review_due=self.review_due.value(),
        )

    def _local_problems(self) -> dict[str, str]:
        """What the form can tell before asking the service: a nationality not on the list."""
        problems: dict[str, str] = {}
        for name, combo in (
            ("nationality", self.nationality),
            ("second_nationality", self.second_nationality),
        ):
            if combo.value() is None:
                problems[name] = "Choose a nationality from the list (type part of it), or leave it empty."
        if self.nationality.value() and self.nationality.value() == self.second_nationality.value():
            problems["second_nationality"] = "The second nationality is the same as the first."
        return problems

    def chosen_vlo(self) -> str | None:
        return self.vlo.currentData() if self.may_assign else None

    def _saved_vlo(self) -> str | None:
        d = self.detail
        if d is None:
            return None
        return next((u for i, u, _d in self._vlos if i == d.vlo_user_id), None)

    def is_dirty(self) -> bool:
        d = self.detail
        if d is None:
            return self.person_id is None and self.has_typed()
        return self.current_input() != d.data or (self.may_assign and self.chosen_vlo() != self._saved_vlo())

    def has_typed(self) -> bool:
        now = self.current_input()
        return now != PersonInput()

    def submit(self) -> None:
        if not self.may_edit:
            self.accept()
            return
        problems = self._local_problems()
        if problems:
            self.show_errors(problems)
            return
        people = self.ctx.backend.people
        data = self.current_input()
        vlo = self.chosen_vlo()
        change_vlo = self.may_assign and vlo != self._saved_vlo()
        if self.person_id is None:
            created: list[int] = []

            def create() -> int:
                person_id = people.create(data)
                created.append(person_id)
                if vlo:
                    people.assign_vlo(person_id, vlo)
                return person_id

            self._created_ids = created
            self.save(create, self._saved, context="adding a person")
            return
        detail = self.detail
        if detail is None:
            return
        if not self.is_dirty():
            self.accept()
            return
        person_id, version = detail.id, detail.version

        def update() -> int:
            if data != detail.data:
                people.update(person_id, version, data)
            if change_vlo:
                people.assign_vlo(person_id, vlo)
            return person_id

        self.save(update, self._saved, context="saving a person")

    def handle_error(self, exc: BaseException) -> bool:
        """A person added before their VLO could be assigned is not added twice on a second try."""
        if self.person_id is None and self._created_ids:
            self.person_id = self._created_ids[0]
            self.setWindowTitle("Person")
            self.ok_button.setText("Save")
            self.reload_after_partial_save(exc)
            return True
        return False

    def reload_after_partial_save(self, exc: BaseException) -> None:
        self.reload()
        message = str(exc) if isinstance(exc, MshtError) else error_report.APOLOGY
        if isinstance(exc, ValidationError):
            self.show_errors(exc.fields)
        else:
            self.general_error.show_error(f"The person was added, but: {message}")

    def _saved(self, person_id: int) -> None:
        self.person_id = person_id
        self.saved_id = person_id
        self.saved.emit(person_id)
        self.accept()

    # ----- conflicts and closing ---------------------------------------------------------------
    def on_conflict(self, exc: MshtError) -> None:
        """Someone saved first: read their version, then let the user choose field by field."""
        if isinstance(exc, NotFoundError) or self.person_id is None:
            error_report.show_message(self, "Person not saved", str(exc))
            self.done(0)
            return
        person_id = self.person_id
        people = self.ctx.backend.people
        self.ctx.tasks.run(
            lambda _job: people.get(person_id),
            done=lambda fresh: self._ask_conflict(fresh, str(exc)),
            failed=self._load_failed,
            owner=self,
            context="reading a person after a conflict",
        )

    def _ask_conflict(self, fresh: PersonDetail, message: str) -> None:
        """Both versions side by side (the shared conflict dialog); the chosen mix is saved against the
        version just read, so nothing unseen is overwritten; cancelling keeps the typing."""
        mine = self.current_input()
        dialog = ConflictDialog(f"The record of {fresh.person_ref}", person_versions(mine, fresh.data), self)
        self.conflict_dialog = dialog
        self.general_error.show_error(message)

        def decided(outcome: Outcome) -> None:
            if outcome is Outcome.CANCELLED:
                return  # back to the form; saving again shows the choice again
            self.general_error.clear()
            self.detail = fresh
            if outcome is Outcome.KEEP_THEIRS:
                self._fill(fresh)
                return
            merged = merge_person(mine, fresh.data, dialog.theirs_chosen())
            self._fill(PersonDetail(fresh.id, fresh.person_ref, merged, fresh.vlo_user_id, fresh.version))
            self.submit()

        dialog.decided.connect(decided)
        dialog.open()

    def reject(self) -> None:
        """Esc or Cancel: ask before throwing away what was typed."""
        if self.busy:
            return
        if self._discard_confirmed or not self.may_edit or not self.is_dirty():
            super().reject()
            return
        self.confirm_discard("What you typed about this person has not been saved.")
