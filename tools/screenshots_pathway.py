"""Screenshots of the victim-pathway lists and forms: NRM, Navigator, Haven House, contacts, and the
administrators' beds and calendar. Called by ``tools.screenshots`` with its helpers; the data is made up
(invented names, in a throwaway encrypted database of its own)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

SIZE = (1280, 800)

NAMES = (
    ("Kowalczyk", "Agnieszka"),
    ("Popescu", "Ionut"),
    ("Hoxha", "Arben"),
    ("Nguyen", "Van Minh"),
    ("Balogh", "Zsofia"),
    ("Morris", "Kyle"),
    ("Dumitru", "Elena"),
    ("Berisha", "Dritan"),
    ("Okafor", "Chiamaka"),
    ("Lewandowski", "Pawel"),
    ("Tran", "Thi Lan"),
    ("Ahmadi", "Reza"),
)
NATIONALITIES = (
    "Polish",
    "Romanian",
    "Albanian",
    "Vietnamese",
    "Hungarian",
    "British",
    "Romanian",
    "Albanian",
    "Nigerian",
    "Polish",
    "Vietnamese",
    "Iranian",
)


def render_pathway(
    work: Path,
    shot: Callable[..., None],
    close: Callable[..., None],
    settle: Callable[..., None],
    window_for: Callable[[Any], Any],
    context: Callable[[Any], Any],
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from mshtdesk.demo.users import DEMO_USERS
    from mshtdesk.domain.clocks import LONDON
    from mshtdesk.domain.exploitation import ExploitationType
    from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, DecisionKind, Outcome, Route
    from mshtdesk.domain.roles import Role
    from mshtdesk.domain.support import (
        ContactMethod,
        ContactPurpose,
        DischargeDestination,
        HavenServiceGiven,
        NavigatorCloseReason,
        NavigatorNeed,
        NotifiableDecision,
        ReceptionDecision,
    )
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.contacts import ContactInput
    from mshtdesk.services.haven import StayInput
    from mshtdesk.services.navigator import NavigatorCaseInput
    from mshtdesk.services.nrm import ExploitationLocation, ReferralInput, ReferralQuery
    from mshtdesk.services.people import LinkRole, PersonInput
    from ui.dialogs.beds_dialog import BedsDialog
    from ui.dialogs.calendar_dialog import CalendarDialog
    from ui.dialogs.navigator_dialog import NavigatorCaseDialog
    from ui.dialogs.referral_dialog import ReferralDialog
    from ui.dialogs.stay_dialogs import StayDialog
    from ui.pages.contacts_page import ContactsPage
    from ui.pages.haven_page import HavenPage
    from ui.pages.navigator_page import NavigatorPage
    from ui.pages.nrm_page import NrmPage

    users = {u.role: u for u in DEMO_USERS}
    admin_user = users[Role.ADMINISTRATOR]
    admin = Backend.create(str(work / "pathway.db"), admin_user.username, admin_user.password)
    for u in DEMO_USERS[1:]:
        admin.users.add_user(u.username, f"Demo {u.role.label}", u.role, u.password)
    as_role = {role: Backend.as_user(admin.db, u.username) for role, u in users.items()}
    officer, vlo, nav, haven = (
        as_role[Role.HTT_OFFICER],
        as_role[Role.VLO],
        as_role[Role.NAVIGATOR],
        as_role[Role.HAVEN_HOUSE],
    )
    today = date.today()
    now = datetime.now(LONDON).replace(second=0, microsecond=0)

    # ----- made-up data --------------------------------------------------------------------------
    beds = [admin.haven.add_bed(f"Bed {i}", f"Room {(i + 1) // 2}") for i in range(1, 7)]
    people = [
        officer.people.create(
            PersonInput(surname=s, forenames=f, nationality=n, gender="female" if i % 3 else "male")
        )
        for i, ((s, f), n) in enumerate(zip(NAMES, NATIONALITIES, strict=True))
    ]
    flags = (
        {ExploitationType.LABOUR},
        {ExploitationType.SEXUAL},
        {ExploitationType.CRIMINAL},
        {ExploitationType.SEXUAL, ExploitationType.CRIMINAL},
        {ExploitationType.DOMESTIC},
        {ExploitationType.LABOUR, ExploitationType.CRIMINAL},
    )
    referrals = []
    for i, pid in enumerate(people[:10]):
        child = i in (2, 5, 8)
        referrals.append(
            officer.nrm.create(
                ReferralInput(
                    route=Route.NRM,
                    age_at_referral=AgeAtReferral.CHILD if child else AgeAtReferral.ADULT,
                    submitted_date=today - timedelta(days=[2, 9, 15, 40, 75, 120, 200, 3, 30, 60][i]),
                    person_id=pid,
                    consents=None if child else True,
                    first_responder="DC 4512 Patel",
                    first_responder_org="West Yorkshire Police",
                    age_at_exploitation=AgeAtExploitation.CHILD if child else AgeAtExploitation.ADULT,
                    exploitation=frozenset(flags[i % len(flags)]),
                    sub_types=("county-lines",) if i == 2 else (),
                    exploitation_location=ExploitationLocation.UK,
                    crime_ref=f"1322{i:03d}45{i:02d}",
                    district=("BD", "LD", "KD", "WD", "CD")[i % 5],
                )
            )
        )
    for dtn_days in (12, 50):
        officer.nrm.create(
            ReferralInput(
                route=Route.DUTY_TO_NOTIFY,
                age_at_referral=AgeAtReferral.ADULT,
                submitted_date=today - timedelta(days=dtn_days),
                new_person=PersonInput(nationality="Albanian"),
                consents=False,
                exploitation=frozenset({ExploitationType.LABOUR}),
                no_crime_reason="Exploited overseas; reported to the Home Office only",
            )
        )
    n = officer.nrm
    n.add_decision(referrals[3], DecisionKind.RG, Outcome.POSITIVE, today - timedelta(days=30))
    n.add_decision(referrals[4], DecisionKind.RG, Outcome.POSITIVE, today - timedelta(days=60))
    n.add_decision(referrals[5], DecisionKind.RG, Outcome.POSITIVE, today - timedelta(days=110))
    n.add_decision(
        referrals[5],
        DecisionKind.CG,
        Outcome.POSITIVE_TRAFFICKING,
        today - timedelta(days=10),
        "SCA ref 22-0456",
    )
    n.add_decision(referrals[6], DecisionKind.RG, Outcome.NEGATIVE, today - timedelta(days=150))
    n.add_decision(referrals[6], DecisionKind.RECONSIDERATION_REQUESTED, None, today - timedelta(days=140))
    n.add_decision(referrals[9], DecisionKind.RG, Outcome.NEGATIVE, today - timedelta(days=20))
    wrong = n.add_decision(referrals[8], DecisionKind.RG, Outcome.NEGATIVE, today - timedelta(days=25))
    n.void_decision(wrong, "Entered against the wrong referral")
    n.add_decision(referrals[8], DecisionKind.RG, Outcome.POSITIVE, today - timedelta(days=25))

    for pid in people[:6]:
        officer.people.assign_vlo(pid, users[Role.VLO].username)
    for pid in people[3:8]:
        officer.people.add_supporter(pid, users[Role.NAVIGATOR].username)
    for i, pid in enumerate(people[3:8]):
        case = nav.navigator.create(
            pid,
            NavigatorCaseInput(
                referral_date=today - timedelta(days=70 - i * 9),
                referral_source=("HTT officer", "Haven House", "Salvation Army")[i % 3],
                consent=True,
                support_plan_opened=today - timedelta(days=60 - i * 9) if i < 3 else None,
                needs=frozenset(list(NavigatorNeed)[i : i + 3]),
                engaged_at_start=i != 1,
                engaged_now=None if i == 4 else i % 2 == 0,
                statement_date=today - timedelta(days=20) if i == 0 else None,
            ),
        )
        if i == 2:
            nav.navigator.close(case, 1, today - timedelta(days=3), NavigatorCloseReason.SUPPORT_COMPLETE)

    def contact(pid: int, days: int, purpose: ContactPurpose, **kw: Any) -> None:
        vlo.contacts.add(
            ContactInput(
                person_id=pid,
                contact_at=now - timedelta(days=days, hours=3),
                method=ContactMethod.PHONE if days % 2 else ContactMethod.IN_PERSON,
                purpose=purpose,
                summary=kw.pop("summary", f"{purpose.label}: spoke with the victim, no new concerns."),
                **kw,
            )
        )

    contact(people[0], 35, ContactPurpose.INITIAL, interpreter_language="Polish")
    contact(people[0], 6, ContactPurpose.WELFARE)
    contact(
        people[1],
        4,
        ContactPurpose.DECISION_NOTIFICATION,
        decision_notified=NotifiableDecision.CHARGE,
        decision_date=today - timedelta(days=5),
        summary="Told of the charge of two suspects; next hearing date given.",
    )
    contact(
        people[2],
        40,
        ContactPurpose.SAFEGUARDING,
        safeguarding_concern=True,
        summary="Concern raised with CSC.",
    )
    contact(people[3], 2, ContactPurpose.INVESTIGATION_UPDATE)

    stays = [
        haven.haven.admit(
            StayInput(
                bed_id=beds[0],
                admitted_at=now - timedelta(days=6, hours=4),
                person_id=people[10],
                referring_district="LD",
                operation="Op Kestrel",
                adults=1,
                children=1,
                services=frozenset({HavenServiceGiven.ACCOMMODATION, HavenServiceGiven.INTERPRETER}),
                nrm_decision_at_reception=ReceptionDecision.CONSENTED,
            )
        ),
        haven.haven.admit(
            StayInput(bed_id=beds[1], admitted_at=now - timedelta(hours=9), operation="Op Kestrel")
        ),
        haven.haven.admit(
            StayInput(
                bed_id=beds[3],
                admitted_at=now - timedelta(days=2, hours=1),
                person_id=people[11],
                referring_district="BD",
                nrm_decision_at_reception=ReceptionDecision.DECLINED_DTN,
            )
        ),
        haven.haven.admit(
            StayInput(bed_id=beds[2], admitted_at=now - timedelta(days=20), person_id=people[9])
        ),
    ]
    haven.haven.discharge(stays[3], 1, now - timedelta(days=13), DischargeDestination.MSVCC_SAFE_HOUSE)

    # ----- NRM ------------------------------------------------------------------------------------
    w = window_for(officer)
    page = w.page_of(NrmPage)
    w.go_to(w.pages.index(page))
    shot(w, "40-nrm", SIZE)
    page.show_overdue()
    shot(w, "40b-nrm-rg-overdue", SIZE)
    page.clear_filters()
    d = page.new_referral()
    shot(d, "42-referral-new")
    d.consent.set_value(False)
    shot(d, "42b-referral-new-dtn-anonymous")
    d.age.setCurrentIndex(d.age.findData(AgeAtReferral.CHILD))
    d.flag_boxes[ExploitationType.SEXUAL].setChecked(True)
    d.sub_boxes["county-lines"].setChecked(True)
    shot(d, "42c-referral-new-child")
    d.submit()
    settle()
    shot(d, "42d-referral-new-errors")
    close(d)
    overdue = next(
        r for r in officer.nrm.list(ReferralQuery()) if r.referral_ref.endswith(f"{referrals[8]:06d}")
    )
    d = ReferralDialog(w.ctx, overdue.id, w)
    shot(d, "43-referral-with-decisions")
    dec = d.record_decision()
    assert dec is not None
    shot(dec, "44-decision")
    dec.kind.setCurrentIndex(dec.kind.findData(DecisionKind.CG))
    dec.outcome.setCurrentIndex(dec.outcome.findData(Outcome.NEGATIVE))
    dec.submit()
    settle()
    if dec.confirmation is not None:
        shot(dec.confirmation, "44c-decision-recovery-warning")
        dec.confirmation.done(QMessageBox.StandardButton.No.value)
        settle()
    shot(dec, "44d-decision-warning-beside-field")
    close(dec)
    void = d.void_latest()
    shot(void, "45-withdraw-decision")
    close(void, d)
    awaiting = ReferralDialog(w.ctx, referrals[0], w)
    settle()
    dec = awaiting.record_decision()
    assert dec is not None
    dec.kind.setCurrentIndex(dec.kind.findData(DecisionKind.CG))
    dec.outcome.setCurrentIndex(dec.outcome.findData(Outcome.POSITIVE_SLAVERY))
    dec.submit()
    settle()
    shot(dec, "44b-decision-refused")
    close(dec, awaiting)
    close(w)

    w = window_for(vlo)
    page = w.page_of(NrmPage)
    w.go_to(w.pages.index(page))
    shot(w, "40c-nrm-vlo-scope", SIZE)
    page.table.selectRow(0)
    page.open_current()
    settle()
    dialogs = [x for x in page.findChildren(ReferralDialog) if x.isVisible()]
    if dialogs:
        shot(dialogs[0], "43b-referral-read-only")
        close(dialogs[0])
    page = w.page_of(ContactsPage)
    w.go_to(w.pages.index(page))
    shot(w, "52-contacts-vlo", SIZE)
    close(w)

    # ----- Navigator ------------------------------------------------------------------------------
    w = window_for(nav)
    page = w.page_of(NavigatorPage)
    w.go_to(w.pages.index(page))
    shot(w, "46-navigator", SIZE)
    page.status.setCurrentIndex(2)
    shot(w, "46b-navigator-all", SIZE)
    page.clear_filters()
    d = page.new_case()
    shot(d, "47-navigator-case-new")
    close(d)
    page.table.selectRow(0)
    page.open_current()
    settle()
    d = next(x for x in page.findChildren(NavigatorCaseDialog) if x.isVisible())
    shot(d, "47b-navigator-case")
    c = d.close_case()
    if c is not None:
        c.reason.setCurrentIndex(c.reason.findData(NavigatorCloseReason.OTHER))
        c.submit()
        settle()
        shot(c, "47c-close-case-errors")
        close(c)
    close(d)
    close(w)

    # ----- Haven House ------------------------------------------------------------------------------
    w = window_for(haven)
    page = w.page_of(HavenPage)
    w.go_to(w.pages.index(page))
    shot(w, "48-haven-in-house", SIZE)
    page.show_filter.setCurrentIndex(1)
    shot(w, "48b-haven-history", SIZE)
    page.clear_filters()
    d = page.admit()
    shot(d, "49-admit")
    close(d)
    page.table.selectRow(0)
    d = page.discharge_selected()
    if d is not None:
        d.submit()
        settle()
        shot(d, "49c-discharge-errors")
        close(d)
    for bed in (beds[2], beds[4], beds[5]):
        haven.haven.admit(StayInput(bed_id=bed, admitted_at=now - timedelta(hours=1)))
    page.refresh()
    shot(w, "48c-haven-full", SIZE)
    d = page.admit()
    shot(d, "49b-admit-refused-full")
    close(d)
    page.table.selectRow(0)
    page.open_current()
    settle()
    d = next((x for x in page.findChildren(StayDialog) if x.isVisible()), None)
    if d is not None:
        shot(d, "49d-stay")
        close(d)
    close(w)

    # ----- merging a duplicate person ---------------------------------------------------------------
    from ui.pages.people_page import PeoplePage

    born = date(1994, 7, 12)
    twin = officer.people.create(
        PersonInput(surname="Popescu", forenames="Ştefan", date_of_birth=born, nationality="Romanian")
    )
    officer.people.create(PersonInput(surname="POPESCU", forenames="Stefan", date_of_birth=born))
    officer.people.link(twin, LinkRole.POTENTIAL_VICTIM, None, "Op Kestrel")
    w = window_for(officer)
    page = w.page_of(PeoplePage)
    w.go_to(w.pages.index(page))
    page.find_duplicates()
    settle()
    d = page.merge_dialog
    settle()
    d.reason.setPlainText("Same man: passport seen, date of birth and photograph match")
    shot(d, "52-merge-dialog")
    close(d, w)

    # ----- readers and empty lists ------------------------------------------------------------------
    w = window_for(as_role[Role.MANAGER])
    page = w.page_of(HavenPage)
    w.go_to(w.pages.index(page))
    shot(w, "48d-haven-manager-read-only", SIZE)
    close(w)

    # ----- administration ---------------------------------------------------------------------------
    w = window_for(admin)
    d = BedsDialog(w.ctx, w)
    shot(d, "50-beds")
    d.label.setText("Bed 1")
    d.submit()
    settle()
    shot(d, "50b-beds-duplicate")
    close(d)
    admin.calendar.add(today + timedelta(days=((4 - today.weekday()) % 7) + 7), label="Force training day")
    d = CalendarDialog(w.ctx, w)
    shot(d, "51-calendar")
    close(d, w)
    admin.close()  # the other roles' backends share its database


def render_empty_pathway(
    empty: Any, shot: Callable[..., None], close: Callable[..., None], window_for: Callable[[Any], Any]
) -> None:
    """The pathway pages of a database with nothing in it yet (as an HTT officer): a hint in each."""
    from ui.pages.contacts_page import ContactsPage
    from ui.pages.haven_page import HavenPage
    from ui.pages.navigator_page import NavigatorPage
    from ui.pages.nrm_page import NrmPage

    w = window_for(empty)
    for cls, name in (
        (NrmPage, "41-nrm-empty"),
        (NavigatorPage, "46c-navigator-empty"),
        (HavenPage, "48e-haven-empty"),
        (ContactsPage, "52b-contacts-empty"),
    ):
        page = w.page_of(cls)
        if page is not None:
            w.go_to(w.pages.index(page))
            shot(w, name, SIZE)
    close(w)


def render_demo_pathway(
    as_role: dict[Any, Any],
    shot: Callable[..., None],
    close: Callable[..., None],
    window_for: Callable[[Any], Any],
) -> None:
    """The pathway lists over the demo database (its synthetic victims at the seed's scale), per role."""
    from mshtdesk.domain.roles import Role
    from ui.pages.contacts_page import ContactsPage
    from ui.pages.haven_page import HavenPage
    from ui.pages.navigator_page import NavigatorPage
    from ui.pages.nrm_page import NrmPage

    for role, cls, name in (
        (Role.MANAGER, NrmPage, "53-demo-nrm-manager"),
        (Role.NAVIGATOR, NavigatorPage, "53b-demo-navigator"),
        (Role.HAVEN_HOUSE, HavenPage, "53c-demo-haven-house"),
        (Role.VLO, ContactsPage, "53d-demo-contacts-vlo"),
    ):
        w = window_for(as_role[role])
        page = w.page_of(cls)
        if page is not None:
            w.go_to(w.pages.index(page))
            shot(w, name, SIZE)
        close(w)
