"""An NRM referral or Duty to Notify: the form that makes the rules visible as they apply.

- Age at referral decides the route: anyone who may be under 18 is referred into the NRM, never by Duty
  to Notify, and needs no consent (the consent row goes and the Duty to Notify choice is disabled).
- An adult who consents goes into the NRM; one who declines is a Duty to Notify, which keeps no name
  unless the person agrees to co-operate (the name fields hide until that is ticked).
- Exploitation is a set of ticks; the Home Office label of the combination is shown as it changes, and
  each local sub-type ticks the type it rolls up into.
- Every police referral has a crime reference, or the reason there is none.

The core checks all of it again (``ValidationError.fields``), and its messages appear beside the fields.
An existing referral shows its decision history and clocks, with "Record decision…" and "Withdraw entry…".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.exploitation import (
    DEFAULT_SUB_TYPES,
    ExploitationType,
    flags_with_sub_types,
    home_office_label,
)
from mshtdesk.domain.nationalities import NATIONALITY_NAMES
from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, Route, suggested_route
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.nrm import ExploitationLocation, ReferralDetail, ReferralInput
from mshtdesk.services.people import GENDERS, PersonInput
from ui import palette
from ui.context import AppContext
from ui.dialogs.decision_dialog import DecisionDialog, VoidDecisionDialog
from ui.dialogs.navigator_dialog import person_combo
from ui.dialogs.record_form import RecordForm
from ui.models.decisions_model import DecisionColumn, DecisionsModel
from ui.widgets.choices import YesNo, enum_combo, enum_data, select_data, set_read_only
from ui.widgets.dates import DateEdit, OptionalDateEdit, to_qdate
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order

CHILD_RULE = (
    "A child, or anyone who may be under 18, is always referred into the NRM. No consent is needed, "
    "and Duty to Notify is not allowed."
)
ADULT_RULE = (
    "An adult enters the NRM only with informed consent. An adult who declines is notified to the "
    "Home Office by Duty to Notify instead."
)
DTN_RULE = (
    "A Duty to Notify is anonymous: no name or contact details are kept unless the person agrees to "
    "co-operate with the authorities."
)
CRIME_RULE = "Every referral the police make is crime-recorded, or records why not."


def nationality_combo() -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItem("", "")
    for name in NATIONALITY_NAMES:
        combo.addItem(name, name)
    completer = combo.completer()
    assert completer is not None  # an editable combo box has one
    completer.setFilterMode(completer.filterMode().MatchContains)
    completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
    edit = combo.lineEdit()
    assert edit is not None
    edit.setPlaceholderText("Type to find, e.g. Albanian")
    return combo


def _tight(grid: QGridLayout, owner: QWidget) -> None:
    """A grid of check boxes in aligned columns, as compact as a form row."""
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(18)
    grid.setVerticalSpacing(2)
    grid.setColumnStretch(grid.columnCount(), 1)
    owner.setLayout(grid)


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setVerticalSpacing(8)
    return form


class ReferralDialog(RecordForm):
    record_name = "referral"

    @classmethod
    def start(
        cls,
        ctx: AppContext,
        referral_id: int | None,
        parent: QWidget | None,
        *,
        person_id: int | None = None,
        person_name: str = "",
    ) -> ReferralDialog:
        """Open referral ``referral_id``, or a new one (for ``person_id``, shown as ``person_name``, when
        given: from a person's pathway)."""
        dialog = cls(ctx, referral_id, parent, person_id=person_id, person_name=person_name)
        dialog.open()
        return dialog

    def __init__(
        self,
        ctx: AppContext,
        referral_id: int | None,
        parent: QWidget | None = None,
        *,
        person_id: int | None = None,
        person_name: str = "",
    ) -> None:
        new = referral_id is None
        super().__init__(
            ctx,
            "New NRM referral" if new else "NRM referral",
            parent,
            ok_text="Add referral" if new else "Save",
        )
        self.setObjectName("referralDialog")
        self.referral_id = referral_id
        self.preset_person = person_id
        self.may_update = ctx.may(Action.CREATE if new else Action.UPDATE, Entity.NRM_REFERRAL)
        self.may_append = ctx.may(Action.APPEND, Entity.NRM_REFERRAL)
        self.may_create_person = ctx.may(Action.CREATE, Entity.PERSON)
        self._build(new)
        if person_name:
            self.person_label.setText(f"<b>{person_name}</b>")
        self._update_rules()
        if new:
            self.resize(1120, self.sizeHint().height())
            self.mark_clean()
        else:
            self._build_decisions()
            self.resize(1120, 860)
            # decisions take effect at once; only the details above wait for Save
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
            nrm = ctx.backend.nrm
            assert referral_id is not None
            self.open_record(lambda: nrm.get(referral_id), "opening an NRM referral")
            ctx.tasks.changed.connect(self._on_changes)
        if not self.may_update:
            self.make_read_only(self._inputs())

    # ----- layout ------------------------------------------------------------------------------
    def _build(self, new: bool) -> None:
        self._build_layout(new)
        self._connect()
        set_tab_order(self._inputs())
        self._update_label()
        QTimer.singleShot(0, self, lambda: (self.person or self.age).setFocus())

    def _build_layout(self, new: bool) -> None:
        """Two columns of fields: who and the route on the left, what happened on the right."""
        left, right = self.form, _form()
        self.left_form = left
        right.setLabelAlignment(left.labelAlignment())
        self.body.removeItem(left)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(24)
        columns.addLayout(right, 1)
        self.body.insertLayout(0, columns)
        self._build_left(new)
        self.form = right
        try:
            self._build_right()
        finally:
            self.form = left

    def _build_left(self, new: bool) -> None:
        """Who, the route and its rules, the submission."""
        today = self.ctx.backend.nrm.today
        self.person_mode_existing = QRadioButton("Someone already recorded")
        self.person_mode_new = QRadioButton("A new person")
        self.person_modes = QButtonGroup(self)
        self.person_modes.addButton(self.person_mode_existing)
        self.person_modes.addButton(self.person_mode_new)
        modes = QWidget()
        mode_row = QHBoxLayout(modes)
        mode_row.setContentsMargins(0, 0, 0, 0)
        mode_row.addWidget(self.person_mode_existing)
        mode_row.addWidget(self.person_mode_new)
        mode_row.addStretch(1)
        self.person_label = QLabel("")
        self.person_label.setObjectName("personName")
        self.person: QComboBox | None = None
        if new and self.preset_person is None:
            self.person = person_combo(self.ctx)
            self.add_field("person_mode", "Person:", modes)
            self.person_row = self.add_field("person", "", self.person)
            self.person_mode_new.setEnabled(self.may_create_person)
            self.person_mode_new.setChecked(self.may_create_person)
            self.person_mode_existing.setChecked(not self.may_create_person)
        else:
            self.add_field("person", "Person:", self.person_label)
        self.surname = QLineEdit()
        self.forenames = QLineEdit()
        self.date_of_birth = OptionalDateEdit("Not known")
        self.date_of_birth.setMaximumDate(to_qdate(today))
        self.gender = QComboBox()
        for g in GENDERS:
            self.gender.addItem(g.capitalize(), g)
        self.gender.setCurrentIndex(self.gender.findData("unknown"))
        self.nationality = nationality_combo()
        self.anonymous_note = hint_label(
            "Anonymous: no name or contact details are kept (Duty to Notify without co-operation)."
        )
        self.anonymous_note.setObjectName("anonymousNote")
        self.name_rows = [
            self.add_field("surname", "&Surname:", self.surname),
            self.add_field("forenames", "&Forenames:", self.forenames),
        ]
        self.anonymous_row = self.add_field("name", "", self.anonymous_note)
        self.person_rows = [
            self.add_field("date_of_birth", "Date of &birth:", self.date_of_birth),
            self.add_field("gender", "&Gender:", self.gender),
            self.add_field("nationality", "Nationalit&y:", self.nationality),
        ]

        self.age = enum_combo(AgeAtReferral)
        select_data(self.age, AgeAtReferral.ADULT)
        self.add_field("age_at_referral", "&Age at referral:", self.age)
        self.consent = YesNo("Not recorded yet")
        self.consent_caption = self.add_field("consent", "Adult &consents:", self.consent)
        self.route_nrm = QRadioButton(Route.NRM.label)
        self.route_dtn = QRadioButton(Route.DUTY_TO_NOTIFY.label)
        self.routes = QButtonGroup(self)
        self.routes.addButton(self.route_nrm)
        self.routes.addButton(self.route_dtn)
        self.route_nrm.setChecked(True)
        route_box = QWidget()
        route_row = QHBoxLayout(route_box)
        route_row.setContentsMargins(0, 0, 0, 0)
        route_row.addWidget(self.route_nrm)
        route_row.addWidget(self.route_dtn)
        route_row.addStretch(1)
        self.route_rule = hint_label(ADULT_RULE)
        self.route_rule.setObjectName("routeRule")
        self.add_field("route", "Ro&ute:", route_box, hint=self.route_rule)
        self.cooperates = QCheckBox("Agrees to co-operate with the authorities (name may be kept)")
        self.cooperates_caption = self.add_field("cooperates", "", self.cooperates)
        self.submitted = DateEdit(today)
        self.submitted.setMaximumDate(to_qdate(today))
        self.add_field("submitted_date", "Su&bmitted on:", self.submitted)
        self.referral_ref = QLineEdit()
        self.referral_ref.setPlaceholderText("Leave empty to number it NRM-000123")
        self.add_field("referral_ref", "Re&ference:", self.referral_ref)
        self.first_responder = QLineEdit()
        self.first_responder.setPlaceholderText("e.g. DC 4512 Patel")
        self.first_responder_org = QLineEdit()
        self.first_responder_org.setPlaceholderText("e.g. West Yorkshire Police")
        self.add_field("first_responder", "First res&ponder:", self.first_responder)
        self.add_field("first_responder_org", "Organisation:", self.first_responder_org)

    def _build_right(self) -> None:
        """What happened, where, and the crime record (``add_field`` adds to ``self.form``: the right)."""
        self.age_exploited = enum_combo(AgeAtExploitation)
        select_data(self.age_exploited, AgeAtExploitation.UNKNOWN)
        self.add_field("age_at_exploitation", "Age when e&xploited:", self.age_exploited)
        self.flag_boxes: dict[ExploitationType, QCheckBox] = {}
        flags, grid = QWidget(), QGridLayout()
        for i, t in enumerate(ExploitationType):
            box = QCheckBox(t.label)
            if t is ExploitationType.NOT_SPECIFIED:  # stands alone: a row of its own
                grid.addWidget(box, 2, 0, 1, 3)
            else:
                grid.addWidget(box, i // 3, i % 3)
            self.flag_boxes[t] = box
        _tight(grid, flags)
        self.label_preview = QLabel("")
        self.label_preview.setObjectName("homeOfficeLabel")
        self.label_preview.setWordWrap(True)
        self.add_field(("exploitation",), "&Exploitation:", flags, hint=self.label_preview)
        self.sub_boxes: dict[str, QCheckBox] = {}
        subs, sub_grid = QWidget(), QGridLayout()
        for i, sub in enumerate(DEFAULT_SUB_TYPES):
            box = QCheckBox(sub.label)
            box.setToolTip(f"Counts as {sub.parent.label}. {sub.reason}")
            sub_grid.addWidget(box, i // 2, i % 2)
            self.sub_boxes[sub.code] = box
        _tight(sub_grid, subs)
        self.add_field(
            "sub_types",
            "Sub-t&ypes:",
            subs,
            hint=hint_label("The force's own headings; each ticks the Home Office type it counts as."),
        )
        self.location = enum_combo(ExploitationLocation)
        select_data(self.location, ExploitationLocation.UNKNOWN)
        self.add_field("exploitation_location", "&Where exploited:", self.location)
        self.crime_ref = QLineEdit()
        self.crime_ref.setPlaceholderText("e.g. 13220145678")
        self.no_crime_reason = QLineEdit()
        self.no_crime_reason.setPlaceholderText("If none: e.g. exploited overseas; recorded by another force")
        self.add_field("crime_ref", "Cri&me ref:", self.crime_ref, hint=hint_label(CRIME_RULE))
        self.add_field("no_crime_reason", "Or why &none:", self.no_crime_reason)
        self.district = QComboBox()
        self.district.addItem("Not recorded", "")
        for d in self.ctx.reference.districts:
            if d.active:
                self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.add_field("district", "&District:", self.district)
        self.operation = QLineEdit()
        self.operation.setPlaceholderText("Optional, e.g. Op Kestrel")
        self.add_field("operation", "Operat&ion:", self.operation)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.add_field("notes", "N&otes:", self.notes)

    def _connect(self) -> None:
        """Wire the fields built by :meth:`_build_layout` to the rules and the label that follow them."""
        for t, box in self.flag_boxes.items():
            box.toggled.connect(lambda _c, t=t: self._flag_toggled(t))
        for box in self.sub_boxes.values():
            box.toggled.connect(lambda _c: self._update_label())
        for signal in (
            self.age.currentIndexChanged,
            self.consent.currentIndexChanged,
            self.route_nrm.toggled,
            self.cooperates.toggled,
        ):
            signal.connect(lambda *_: self._update_rules())
        if self.person is not None:  # else the person modes were never placed (and are gone)
            self.person_mode_new.toggled.connect(lambda *_: self._update_rules())
        self.consent.currentIndexChanged.connect(lambda _i: self._follow_consent())

    def _build_decisions(self) -> None:
        self.clocks = QLabel("")
        self.clocks.setObjectName("referralClocks")
        self.clocks.setWordWrap(True)
        self.decisions = DecisionsModel(self)
        self.decision_table = QTableView()
        self.decision_table.setObjectName("decisionTable")
        self.decision_table.setAccessibleName("Decision history")
        self.decision_table.setModel(self.decisions)
        self.decision_table.setAlternatingRowColors(True)
        self.decision_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.decision_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.decision_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.decision_table.verticalHeader().hide()
        header = self.decision_table.horizontalHeader()
        fm = self.fontMetrics()
        header.resizeSection(DecisionColumn.DATE, fm.horizontalAdvance("00/00/0000") + 24)
        header.resizeSection(
            DecisionColumn.DECISION,
            fm.horizontalAdvance("Conclusive Grounds decision: Positive: human traffick") + 24,
        )
        header.setSectionResizeMode(DecisionColumn.NOTE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(DecisionColumn.RECORDED, fm.horizontalAdvance("officer (demo data)") + 24)
        header.setStretchLastSection(False)
        self.decision_table.setMinimumHeight(fm.height() * 6 + 20)
        self.record_button = QPushButton("&Record decision\u2026")
        self.record_button.setToolTip("Add a dated RG, CG, reconsideration or withdrawal")
        self.void_button = QPushButton("&Withdraw entry\u2026")
        self.void_button.setToolTip("Mark the latest entry as made in error (a reason is required)")
        for b in (self.record_button, self.void_button):
            b.setAutoDefault(False)
            b.setVisible(self.may_append)
        self.record_button.clicked.connect(self.record_decision)
        self.void_button.clicked.connect(self.void_latest)
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.void_button)
        buttons.addStretch(1)
        box = QGroupBox("Decisions and clocks")
        lay = QVBoxLayout(box)
        lay.addWidget(self.clocks)
        lay.addWidget(self.decision_table, 1)
        lay.addLayout(buttons)
        self.body.addWidget(box, 1)

    def _inputs(self) -> list[QWidget]:
        """Every field, in tab order (also what a read-only form locks)."""
        widgets: list[QWidget] = []
        if self.person is not None:  # the choice of person exists only on a new referral
            widgets += [self.person_mode_existing, self.person_mode_new, self.person]
        return widgets + [
            self.surname,
            self.forenames,
            self.date_of_birth,
            self.gender,
            self.nationality,
            self.age,
            self.consent,
            self.route_nrm,
            self.route_dtn,
            self.cooperates,
            self.submitted,
            self.referral_ref,
            self.first_responder,
            self.first_responder_org,
            self.age_exploited,
            *self.flag_boxes.values(),
            *self.sub_boxes.values(),
            self.location,
            self.crime_ref,
            self.no_crime_reason,
            self.district,
            self.operation,
            self.notes,
        ]

    def show_errors(self, fields: dict[str, str]) -> None:
        """The anonymity rule's message sits under the anonymous note for a new person; for someone
        already recorded (their name is on their record) it goes under the route, which is on view. So
        does a recorded person's date of birth after the referral, under the submission date."""
        fields = dict(fields)
        for name, shown, beside in (
            ("name", self.anonymous_note, "route"),
            ("date_of_birth", self.date_of_birth, "submitted_date"),  # a recorded person's, off the form
        ):
            if name in fields and not shown.isVisible():
                message = fields.pop(name)
                fields[beside] = f"{fields[beside]} {message}" if beside in fields else message
        super().show_errors(fields)

    # ----- the rules, live -----------------------------------------------------------------------
    def route(self) -> Route:
        return Route.DUTY_TO_NOTIFY if self.route_dtn.isChecked() else Route.NRM

    def _follow_consent(self) -> None:
        """An adult's answer decides the route; the user sees it move."""
        age = enum_data(self.age, AgeAtReferral) or AgeAtReferral.UNKNOWN
        route = suggested_route(age, self.consent.value())
        if route is Route.NRM:
            self.route_nrm.setChecked(True)
        elif route is Route.DUTY_TO_NOTIFY:
            self.route_dtn.setChecked(True)

    def _update_rules(self) -> None:
        age = enum_data(self.age, AgeAtReferral) or AgeAtReferral.UNKNOWN
        child = age.may_be_child
        if child:
            self.route_nrm.setChecked(True)
        self.route_dtn.setEnabled(not child and not self.read_only)
        self.left_form.setRowVisible(self.consent_caption, not child)
        dtn = self.route() is Route.DUTY_TO_NOTIFY
        self.left_form.setRowVisible(self.cooperates_caption, dtn)
        self.route_rule.setText(CHILD_RULE if child else (DTN_RULE if dtn else ADULT_RULE))
        new_person = self.person is not None and self.person_mode_new.isChecked()
        if self.person is not None:
            self.left_form.setRowVisible(self.person_row, not new_person)
        else:
            new_person = False
        anonymous = dtn and not self.cooperates.isChecked()
        for caption in self.name_rows:
            self.left_form.setRowVisible(caption, new_person and not anonymous)
        for caption in self.person_rows:
            self.left_form.setRowVisible(caption, new_person)
        self.left_form.setRowVisible(self.anonymous_row, new_person and anonymous)

    def _flag_toggled(self, flag: ExploitationType) -> None:
        """ "Not specified or unknown" stands alone: ticking it clears the others, and the reverse."""
        box = self.flag_boxes[flag]
        if box.isChecked():
            clear = (
                [t for t in self.flag_boxes if t is not ExploitationType.NOT_SPECIFIED]
                if flag is ExploitationType.NOT_SPECIFIED
                else [ExploitationType.NOT_SPECIFIED]
            )
            for t in clear:
                other = self.flag_boxes[t]
                other.blockSignals(True)
                other.setChecked(False)
                other.blockSignals(False)
            if flag is ExploitationType.NOT_SPECIFIED:
                for sub in self.sub_boxes.values():
                    sub.setChecked(False)
        self._update_label()

    def _update_label(self) -> None:
        ticked = {t for t, b in self.flag_boxes.items() if b.isChecked()}
        subs = [code for code, b in self.sub_boxes.items() if b.isChecked()]
        if subs and ExploitationType.NOT_SPECIFIED in ticked:
            box = self.flag_boxes[ExploitationType.NOT_SPECIFIED]
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
            ticked.discard(ExploitationType.NOT_SPECIFIED)
        try:
            implied = flags_with_sub_types(ticked, subs)
        except ValueError as exc:
            self.label_preview.setText(str(exc))
            return
        for t in implied - ticked - {ExploitationType.NOT_SPECIFIED}:  # a sub-type implies its type
            box = self.flag_boxes[t]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
        self.label_preview.setText(f"Home Office label: <b>{home_office_label(implied)}</b>")

    # ----- the record ----------------------------------------------------------------------------
    def _new_person(self) -> PersonInput:
        anonymous = self.route() is Route.DUTY_TO_NOTIFY and not self.cooperates.isChecked()
        nationality = self.nationality.currentText().strip()
        if anonymous:
            return PersonInput(
                date_of_birth=self.date_of_birth.value(),
                gender=self.gender.currentData(),
                nationality=nationality,
            )
        return PersonInput(
            surname=self.surname.text().strip(),
            forenames=self.forenames.text().strip(),
            date_of_birth=self.date_of_birth.value(),
            gender=self.gender.currentData(),
            nationality=nationality,
        )

    def current_input(self) -> ReferralInput:
        age = enum_data(self.age, AgeAtReferral) or AgeAtReferral.UNKNOWN
        dtn = self.route() is Route.DUTY_TO_NOTIFY
        person_id: int | None = self.preset_person
        new_person: PersonInput | None = None
        if self.detail is not None:
            person_id = self.detail.person_id
        elif self.person is not None:
            if self.person_mode_new.isChecked():
                new_person = self._new_person()
            else:
                person_id = self.person.currentData() if self.person.currentIndex() >= 0 else None
        return ReferralInput(
            route=self.route(),
            age_at_referral=age,
            submitted_date=self.submitted.value(),
            person_id=person_id,
            new_person=new_person,
            referral_ref=self.referral_ref.text().strip(),
            consents=None if age.may_be_child else self.consent.value(),
            cooperates=self.cooperates.isChecked() if dtn else None,
            first_responder=self.first_responder.text().strip(),
            first_responder_org=self.first_responder_org.text().strip(),
            age_at_exploitation=enum_data(self.age_exploited, AgeAtExploitation) or AgeAtExploitation.UNKNOWN,
            exploitation=frozenset(t for t, b in self.flag_boxes.items() if b.isChecked())
            - {ExploitationType.NOT_SPECIFIED},
            sub_types=tuple(code for code, b in self.sub_boxes.items() if b.isChecked()),
            exploitation_location=enum_data(self.location, ExploitationLocation)
            or ExploitationLocation.UNKNOWN,
            crime_ref=self.crime_ref.text().strip(),
            no_crime_reason=self.no_crime_reason.text().strip(),
            district=self.district.currentData() or "",
            operation=self.operation.text().strip(),
            notes=self.notes.toPlainText().strip(),
        )

    def fill(self, detail: ReferralDetail) -> None:
        d = detail.data
        ro = " (read only)" if self.read_only else ""
        self.setWindowTitle(f"{d.route.label} {detail.referral_ref}{ro}")
        who = (
            f"<b>{detail.person_name}</b> ({detail.person_ref})"
            if detail.person_name
            else (f"<b>Anonymous</b> ({detail.person_ref})")
        )
        self.person_label.setText(who)
        select_data(self.age, d.age_at_referral)
        self.consent.set_value(d.consents)
        (self.route_dtn if d.route is Route.DUTY_TO_NOTIFY else self.route_nrm).setChecked(True)
        self.cooperates.setChecked(bool(d.cooperates))
        if d.submitted_date:
            self.submitted.set_value(d.submitted_date)
        self.referral_ref.setText(d.referral_ref)
        self.first_responder.setText(d.first_responder)
        self.first_responder_org.setText(d.first_responder_org)
        select_data(self.age_exploited, d.age_at_exploitation)
        for t, box in self.flag_boxes.items():
            box.blockSignals(True)
            box.setChecked(t in d.exploitation)
            box.blockSignals(False)
        for code, box in self.sub_boxes.items():
            box.blockSignals(True)
            box.setChecked(code in d.sub_types)
            box.blockSignals(False)
        select_data(self.location, d.exploitation_location)
        self.crime_ref.setText(d.crime_ref)
        self.no_crime_reason.setText(d.no_crime_reason)
        index = self.district.findData(d.district)
        self.district.setCurrentIndex(max(index, 0))
        self.operation.setText(d.operation)
        self.notes.setPlainText(d.notes)
        self._update_rules()
        self._update_label()
        if self.read_only:
            set_read_only(self._inputs())
        self.decisions.set_rows(detail.decisions)
        self.clocks.setText(clock_text(detail))
        latest = _latest_live(detail)
        self.record_button.setEnabled(d.route is Route.NRM and detail.status.value != "withdrawn")
        self.void_button.setEnabled(latest is not None)
        if d.route is Route.DUTY_TO_NOTIFY:
            self.record_button.setToolTip("A Duty to Notify receives no NRM decisions")

    def submit(self) -> None:
        if self.read_only:
            self.accept()
            return
        data = self.current_input()
        if (
            self.referral_id is None
            and self.person is not None
            and self.person_mode_existing.isChecked()
            and data.person_id is None
        ):
            self.show_errors({"person": "Choose the person referred from the list, or enter a new person."})
            return
        nrm = self.ctx.backend.nrm
        if self.referral_id is None:
            self.save(lambda: nrm.create(data), self.saved_record, context="adding an NRM referral")
            return
        self.save_changes(
            lambda referral_id, version: nrm.update(referral_id, version, data),
            context="saving an NRM referral",
        )

    # ----- decisions -----------------------------------------------------------------------------
    def record_decision(self) -> DecisionDialog | None:
        if self.detail is None or not self.may_append:
            return None
        dialog = DecisionDialog(self.ctx, self.detail, self)
        dialog.open()
        return dialog

    def void_latest(self) -> VoidDecisionDialog | None:
        if self.detail is None or not self.may_append:
            return None
        latest = _latest_live(self.detail)
        if latest is None:
            return None
        dialog = VoidDecisionDialog(self.ctx, latest, self)
        dialog.open()
        return dialog

    def _on_changes(self, changes: Changes) -> None:
        if self.busy or self.referral_id is None or not self.isVisible():
            return
        if not any(changes.touches_record(kind, self.referral_id) for kind in (Data.REFERRAL, Data.DECISION)):
            return
        referral_id = self.referral_id
        nrm = self.ctx.backend.nrm
        self.ctx.tasks.run(
            lambda _job: nrm.get(referral_id),
            done=self._decisions_reloaded,
            failed=self._load_failed,
            owner=self,
            context="reading an NRM referral",
        )

    def _decisions_reloaded(self, detail: ReferralDetail) -> None:
        """After a decision: the history, clocks and version are new; what the user typed stays."""
        keep = self.is_dirty()
        self.detail = detail
        self.decisions.set_rows(detail.decisions)
        self.clocks.setText(clock_text(detail))
        self.void_button.setEnabled(_latest_live(detail) is not None)
        self.record_button.setEnabled(detail.data.route is Route.NRM and detail.status.value != "withdrawn")
        if not keep:
            self.fill(detail)
            self.mark_clean()


def _latest_live(detail: ReferralDetail) -> Any:
    """The latest entry still in force (the only one that may be withdrawn)."""
    live = [d for d in detail.decisions if not d.is_void and not d.superseded]
    return live[-1] if live else None


def clock_text(detail: ReferralDetail) -> str:
    """What the clocks say today, in one line."""
    c = detail.clocks
    parts = [f"<b>{detail.status.label}</b>"]
    if c.rg_expected is not None and (c.waiting_for == "RG" or c.rg_overdue):
        late = (
            f" \u2014 <span style='color:{palette.ALERT_HEX}'><b>overdue</b></span>" if c.rg_overdue else ""
        )
        parts.append(f"RG expected by {uk(c.rg_expected)}{late}")
    if c.waiting_for and c.days_waiting is not None:
        parts.append(f"waiting {c.days_waiting} days for {c.waiting_for}")
    if c.recovery_period_end is not None:
        parts.append(f"recovery period ends {uk(c.recovery_period_end)}")
    if c.reconsideration_window_end is not None:
        parts.append(f"reconsideration window closes {uk(c.reconsideration_window_end)}")
    return " \u00b7 ".join(parts)
