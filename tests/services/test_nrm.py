"""NRM referrals: route rules, record scope (a VLO sees only referrals of people assigned to them),
decision sequences with warnings and voids, clocks from the database's calendar, optimistic locking and
the audit of every call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import (
    DecisionNeedsConfirmationError,
    NrmService,
    ReferralInput,
    ReferralQuery,
    ReferralStatus,
    overdue_cutoff,
)
from mshtdesk.services.people import PersonInput

Backends = Callable[[Role], Backend]
TODAY = date(2024, 6, 3)  # a Monday


def nrm(b: Backend, today: date = TODAY) -> NrmService:
    return NrmService(b.db, b.actor, today=today)


def adult(**kw: object) -> ReferralInput:
    base = ReferralInput(
        route=Route.NRM,
        age_at_referral=AgeAtReferral.ADULT,
        submitted_date=date(2024, 5, 1),
        new_person=PersonInput(surname="Nowakowska", forenames="Zofia", nationality="Polish"),
        consents=True,
        exploitation=frozenset({ExploitationType.SEXUAL, ExploitationType.CRIMINAL}),
        crime_ref="13/123456/24",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_create_stores_the_label_and_generates_references(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(adult())
    d = s.get(rid)
    assert d.referral_ref == f"NRM-{rid:06d}" and d.person_ref.startswith("P-")
    assert d.exploitation_label == "Sexual & Criminal"
    assert d.person_name == "Nowakowska, Zofia"
    assert d.data.exploitation == {ExploitationType.SEXUAL, ExploitationType.CRIMINAL}
    assert d.status is ReferralStatus.RG_OVERDUE and d.clocks.rg_expected == date(2024, 5, 9)
    # a second referral of the same person links to them
    rid2 = s.create(adult(new_person=None, person_id=d.person_id, referral_ref="R-2"))
    assert s.get(rid2).person_id == d.person_id and s.get(rid2).referral_ref == "R-2"


def test_second_referral_needs_crime_ref_or_reason(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(adult())
    person = s.get(rid).person_id
    with pytest.raises(ValidationError) as e:
        s.create(adult(new_person=None, person_id=person, crime_ref=""))
    assert "crime_ref" in e.value.fields
    rid2 = s.create(
        adult(new_person=None, person_id=person, crime_ref="", no_crime_reason="Exploited overseas")
    )
    assert s.get(rid2).person_id == person


def test_sub_types_imply_their_home_office_type(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(adult(exploitation=frozenset(), sub_types=("county-lines",)))
    assert s.get(rid).exploitation_label == "Criminal"
    rid = s.create(adult(exploitation=frozenset()))
    assert s.get(rid).exploitation_label == "Not specified or unknown"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age_at_referral": AgeAtReferral.CHILD, "route": Route.DUTY_TO_NOTIFY}, "route"),
        ({"age_at_referral": AgeAtReferral.UNKNOWN, "route": Route.DUTY_TO_NOTIFY}, "route"),
        ({"consents": None}, "consent"),
        ({"consents": False}, "consent"),
        ({"route": Route.DUTY_TO_NOTIFY, "consents": False}, "name"),
        ({"crime_ref": "", "no_crime_reason": " "}, "crime_ref"),
        ({"submitted_date": date(2024, 7, 1)}, "submitted_date"),
        ({"submitted_date": None}, "submitted_date"),
        ({"district": "Nowhere"}, "district"),
        (
            {"exploitation": frozenset({ExploitationType.NOT_SPECIFIED, ExploitationType.LABOUR})},
            "exploitation",
        ),
    ],
)
def test_rules_refuse_with_the_field_named(backend: Backend, change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as e:
        nrm(backend).create(adult(**change))
    assert field in e.value.fields, e.value.fields
    assert nrm(backend).count() == 0


def test_children_need_no_consent_and_dtn_keeps_no_name_unless_cooperating(backend: Backend) -> None:
    s = nrm(backend)
    child = s.create(adult(age_at_referral=AgeAtReferral.CHILD, consents=None))
    assert s.get(child).status is ReferralStatus.RG_OVERDUE
    anon = s.create(
        adult(route=Route.DUTY_TO_NOTIFY, consents=False, new_person=PersonInput(nationality="Albanian"))
    )
    d = s.get(anon)
    assert d.status is ReferralStatus.DUTY_TO_NOTIFY and d.clocks.rg_expected is None
    assert d.person_name == ""
    named = s.create(adult(route=Route.DUTY_TO_NOTIFY, consents=False, cooperates=True))
    assert s.get(named).person_name == "Nowakowska, Zofia"
    with pytest.raises(ValidationError, match="no NRM decisions"):
        s.add_decision(anon, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 8))


def test_decision_sequence_warnings_and_voids(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(adult())
    with pytest.raises(ValidationError, match="positive Reasonable Grounds decision first"):
        s.add_decision(rid, DecisionKind.CG, Outcome.POSITIVE_TRAFFICKING, date(2024, 5, 20))
    with pytest.raises(ValidationError, match="before the referral was submitted"):
        s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 4, 20))
    with pytest.raises(ValidationError, match="future"):
        s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 6, 4))
    with pytest.raises(ValidationError) as e:
        s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE_SLAVERY, date(2024, 5, 7))
    assert "outcome" in e.value.fields
    rg = s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 7))
    d = s.get(rid)
    assert d.status is ReferralStatus.AWAITING_CG
    assert d.clocks.recovery_period_end == date(2024, 6, 6)
    assert d.clocks.waiting_for == "CG" and d.clocks.days_waiting == 27
    with pytest.raises(DecisionNeedsConfirmationError, match="recovery period") as w:
        s.add_decision(rid, DecisionKind.CG, Outcome.POSITIVE_TRAFFICKING, date(2024, 5, 30))
    assert "decision_date" in w.value.warnings
    assert len(s.get(rid).decisions) == 1
    cg = s.add_decision(
        rid, DecisionKind.CG, Outcome.POSITIVE_TRAFFICKING, date(2024, 5, 30), confirm_warnings=True
    )
    assert s.get(rid).status is ReferralStatus.CONCLUDED
    # only the latest entry may be withdrawn; the void row supersedes it and keeps the reason
    with pytest.raises(ValidationError, match="later entries first"):
        s.void_decision(rg, "typed on the wrong referral")
    with pytest.raises(ValidationError, match="reason"):
        s.void_decision(cg, "  ")
    void = s.void_decision(cg, "CG was for another person")
    d = s.get(rid)
    assert [(x.id, x.superseded, x.is_void) for x in d.decisions] == [
        (rg, False, False),
        (cg, True, False),
        (void, False, True),
    ]
    assert d.decisions[2].reason == "CG was for another person"
    assert d.status is ReferralStatus.AWAITING_CG
    with pytest.raises(ValidationError, match="already been withdrawn"):
        s.void_decision(cg, "again")


def test_negative_rg_reconsideration_window_and_withdrawal(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(adult())
    s.add_decision(rid, DecisionKind.RG, Outcome.NEGATIVE, date(2024, 5, 9))
    d = s.get(rid)
    assert d.status is ReferralStatus.CONCLUDED
    assert d.clocks.reconsideration_window_end == date(2024, 6, 8)
    s.add_decision(rid, DecisionKind.RECONSIDERATION_REQUESTED, None, date(2024, 5, 20))
    d = s.get(rid)
    assert d.status is ReferralStatus.AWAITING_RG and d.clocks.waiting_for == "reconsideration"
    assert d.clocks.reconsideration_window_end is None
    s.add_decision(rid, DecisionKind.WITHDRAWAL, None, date(2024, 5, 21))
    assert s.get(rid).status is ReferralStatus.WITHDRAWN
    with pytest.raises(ValidationError, match="withdrew"):
        s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 22))


def test_rg_clock_uses_bank_holidays_and_the_admin_calendar(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    # Submitted Thursday 2 May 2024; Monday 6 May is the Early May bank holiday: 5th working day = 10 May.
    rid = nrm(officer, date(2024, 5, 10)).create(adult(submitted_date=date(2024, 5, 2)))
    assert nrm(officer, date(2024, 5, 10)).get(rid).clocks.rg_expected == date(2024, 5, 10)
    assert nrm(officer, date(2024, 5, 10)).get(rid).status is ReferralStatus.AWAITING_RG
    assert nrm(officer, date(2024, 5, 13)).get(rid).status is ReferralStatus.RG_OVERDUE
    backend_for(Role.ADMINISTRATOR).calendar.add(date(2024, 5, 8), label="Force closure day")
    d = nrm(officer, date(2024, 5, 13)).get(rid)
    assert d.clocks.rg_expected == date(2024, 5, 13) and not d.clocks.rg_overdue
    assert d.status is ReferralStatus.AWAITING_RG
    # the list's SQL agrees with the detail's Python
    rows = nrm(officer, date(2024, 5, 14)).list(ReferralQuery(status=ReferralStatus.RG_OVERDUE))
    assert [r.id for r in rows] == [rid] and rows[0].rg_expected == date(2024, 5, 13)
    assert nrm(officer, date(2024, 5, 13)).count(ReferralQuery(status=ReferralStatus.RG_OVERDUE)) == 0


def test_overdue_cutoff_matches_the_clock() -> None:
    from mshtdesk.domain.clocks import rg_decision_expected
    from mshtdesk.domain.working_days import WorkingCalendar

    cal = WorkingCalendar()
    for today in (date(2022, 12, 28), date(2023, 5, 9), date(2022, 9, 20), date(2024, 1, 2)):
        cut = overdue_cutoff(cal, today)
        assert (
            rg_decision_expected(cut, cal)
            < today
            <= rg_decision_expected(date.fromordinal(cut.toordinal() + 1), cal)
        )


def test_list_filters_sorts_and_pages_in_sql(backend: Backend) -> None:
    s = nrm(backend)
    a = s.create(adult(referral_ref="A-1", submitted_date=date(2024, 1, 10)))
    b = s.create(
        adult(
            referral_ref="B-2",
            submitted_date=date(2024, 5, 30),
            age_at_referral=AgeAtReferral.CHILD,
            consents=None,
            new_person=PersonInput(surname="Hoxha", forenames="Arben"),
        )
    )
    c = s.create(
        adult(
            referral_ref="C-3",
            route=Route.DUTY_TO_NOTIFY,
            consents=False,
            new_person=PersonInput(),
            submitted_date=date(2024, 3, 1),
        )
    )
    s.add_decision(a, DecisionKind.RG, Outcome.POSITIVE, date(2024, 1, 15))
    assert [r.id for r in s.list()] == [b, c, a]
    assert [r.id for r in s.list(sort="referral_ref", descending=False)] == [a, b, c]
    assert [r.id for r in s.list(sort="person", descending=False)] == [c, b, a]
    assert [r.id for r in s.list(offset=1, limit=1)] == [c]
    assert s.count() == 3
    assert [r.id for r in s.list(ReferralQuery(text="hoxha"))] == [b]
    assert [r.id for r in s.list(ReferralQuery(text="c-3"))] == [c]
    assert [r.id for r in s.list(ReferralQuery(route=Route.DUTY_TO_NOTIFY))] == [c]
    assert [r.id for r in s.list(ReferralQuery(age_at_referral=AgeAtReferral.CHILD))] == [b]
    assert [r.id for r in s.list(ReferralQuery(status=ReferralStatus.AWAITING_CG))] == [a]
    assert [r.id for r in s.list(ReferralQuery(status=ReferralStatus.AWAITING_RG))] == [b]
    q = ReferralQuery(submitted_from=date(2024, 2, 1), submitted_to=date(2024, 3, 1))
    assert [r.id for r in s.list(q)] == [c] and s.count(q) == 1
    row = s.list(ReferralQuery(text="A-1"))[0]
    assert row.last_decision == "Positive RG 15/01/2024" and row.status is ReferralStatus.AWAITING_CG
    statuses = [r.status for r in s.list(sort="status", descending=False)]
    assert statuses == sorted(statuses, key=lambda x: x.value)


def test_a_vlo_sees_only_referrals_of_people_assigned_to_them(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    s = nrm(officer)
    mine = s.create(adult())
    other = s.create(adult(new_person=PersonInput(surname="Hoxha")))
    officer.people.assign_vlo(s.get(mine).person_id, "vlo")
    vlo = nrm(backend_for(Role.VLO))
    assert [r.id for r in vlo.list()] == [mine] and vlo.count() == 1
    assert vlo.get(mine).id == mine
    assert vlo.find_id(s.get(other).referral_ref) is None
    with pytest.raises(PermissionDeniedError, match="not been assigned"):
        vlo.get(other)
    with pytest.raises(PermissionDeniedError):
        vlo.add_decision(mine, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 7))
    with pytest.raises(PermissionDeniedError):
        vlo.create(adult())
    manager = nrm(backend_for(Role.MANAGER))
    assert manager.count() == 2
    with pytest.raises(PermissionDeniedError):
        manager.update(mine, 1, adult(new_person=None))
    for role in (Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError):
            nrm(backend_for(role)).list()


def test_update_with_optimistic_lock_and_audit(backend_for: Backends) -> None:
    backend = backend_for(Role.HTT_OFFICER)
    s = nrm(backend)
    rid = s.create(adult())
    d = s.get(rid)
    v2 = s.update(rid, d.version, replace(d.data, first_responder="DC Example", notes="seen at the station"))
    assert v2 == 2 and s.get(rid).data.first_responder == "DC Example"
    with pytest.raises(ConflictError):
        s.update(rid, d.version, d.data)
    with pytest.raises(ValidationError, match="cannot be changed"):
        s.update(rid, v2, replace(d.data, person_id=d.person_id + 1))
    s.add_decision(rid, DecisionKind.RG, Outcome.POSITIVE, date(2024, 5, 7))
    with pytest.raises(ValidationError, match="cannot become a Duty to Notify"):
        s.update(rid, v2, replace(d.data, route=Route.DUTY_TO_NOTIFY, consents=False, cooperates=True))
    with pytest.raises(NotFoundError):
        s.get(rid + 100)
    auditor = backend_for(Role.AUDITOR)
    events = auditor.audit.list(AuditQuery(entity="nrm_referral", record_id=str(rid)))
    actions = sorted(e.action for e in events)
    assert actions == ["alter", "collect", "collect", "consult", "consult"]
    alter = next(e for e in events if e.action == "alter")
    assert set(alter.fields.split(",")) == {"first_responder", "notes"}
    assert "DC Example" not in "".join(e.fields + e.reason for e in events)


def test_reference_must_be_unique(backend: Backend) -> None:
    s = nrm(backend)
    s.create(adult(referral_ref="X-1"))
    with pytest.raises(ValidationError) as e:
        s.create(adult(referral_ref="X-1"))
    assert "referral_ref" in e.value.fields


def test_what_get_returns_saves_back_unchanged(backend: Backend) -> None:
    s = nrm(backend)
    rid = s.create(
        adult(
            district="bradford",
            sub_types=("cuckooing",),
            first_responder_org="West Yorkshire Police",
            operation="Op Larch",
        )
    )
    d = s.get(rid)
    assert d.data.district == "BD" and d.data.sub_types == ("cuckooing",)
    s.update(rid, d.version, d.data)
    again = s.get(rid)
    assert again.data == d.data and again.version == d.version + 1
    assert again.exploitation_label == "Sexual & Criminal"
