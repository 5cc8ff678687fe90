"""Issue 10 item 11 and issue 12 item 6: the age rule (``domain.nrm.check_age``) is kept by the NRM import,
the referral form and the person form alike. Someone who was (or may have been) under 18 at referral, by
their date of birth or their estimated age, is never an adult on either age band and never goes by Duty to
Notify; a date of birth after the referral is refused; an age dispute keeps the child route; and a person
edit that would make a stored adult referral a child's is refused with the rule's words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import text

from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, Route
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ImportRejectedError, ValidationError
from mshtdesk.imports.nrm import COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput

HEADER = ",".join(COLUMNS) + "\n"
RULE = "is always referred into the NRM, without needing consent; Duty to Notify is for adults only"
Backends = Callable[[Role], Backend]


def dtn(**kw: object) -> ReferralInput:
    """An adult's Duty to Notify of 1 March 2023 (kw: person_id or new_person, and any change)."""
    base = ReferralInput(
        Route.DUTY_TO_NOTIFY,
        AgeAtReferral.ADULT,
        date(2023, 3, 1),
        consents=False,
        crime_ref="13/1/23",
        age_at_exploitation=AgeAtExploitation.ADULT,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def errors(backend: Backend, rows: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejectedError) as info:
        backend.import_nrm((HEADER + rows).encode(), "ages.csv")
    return [(e.line, e.column, e.reason) for e in info.value.errors]


# ----- the import -----------------------------------------------------------------------------------
def test_the_import_refuses_a_child_routed_as_an_adult_duty_to_notify(backend: Backend) -> None:
    rows = (
        "R1,P1,,,2015-06-01,,,DtN,2023-03-01,adult,adult,Labour,UK,13/1/23,,,,,\n"  # line 2: born 2015
        "R2,P2,,,2023-05-01,,,NRM,2023-03-01,child,child,Labour,UK,13/2/23,,,,,\n"  # line 3: born after
        "R3,P3,,,2014-01-01,,,NRM,2023-03-01,child,child,Labour,UK,13/3/23,,,,,\n"  # line 4: fine
        "R4,P3,,,,,,DtN,2023-04-01,adult,adult,Labour,UK,13/4/23,,,,,\n"  # line 5: P3 born 2014 (line 4)
        "R5,P5,,,1990-01-01,,,DtN,2023-03-01,adult,adult,Labour,UK,13/5/23,,,,,\n"  # line 6: fine
    )
    found = errors(backend, rows)
    assert [(line, column) for line, column, _ in found] == [
        (2, "age_at_referral"),
        (2, "route"),
        (2, "age_at_exploitation"),
        (3, "date_of_birth"),
        (5, "age_at_referral"),
        (5, "route"),
        (5, "age_at_exploitation"),
    ]
    reasons = [reason for _, _, reason in found]
    assert "the person was 7 when referred" in reasons[1] and RULE in reasons[1]
    assert "under 18 when exploited too" in reasons[2]
    assert "is after the referral (01/03/2023)" in reasons[3]
    assert reasons[5].endswith("(date of birth on line 4)")
    assert backend.nrm.count() == 0


def test_a_date_of_birth_on_a_later_row_is_checked_against_an_earlier_referral(backend: Backend) -> None:
    rows = (
        "L1,P7,,,,,,DtN,2023-03-01,adult,unknown,Labour,UK,13/1/23,,,,,\n"  # line 2: no date of birth
        "L2,P7,,,2012-02-02,,,NRM,2023-06-01,child,child,Labour,UK,13/2/23,,,,,\n"  # line 3: born 2012
    )
    found = errors(backend, rows)
    assert [(line, column) for line, column, _ in found] == [(2, "age_at_referral"), (2, "route")]
    assert all(r.endswith("(date of birth on line 3)") and "was 11 when referred" in r for _, _, r in found)


def test_the_stored_estimated_age_of_a_person_is_checked(backend: Backend) -> None:
    pid = backend.people.create(PersonInput(estimated_age=15))
    ref = backend.people.get(pid).person_ref
    found = errors(backend, f"E1,{ref},,,,,,DtN,2023-03-01,adult,adult,Labour,UK,13/1/23,,,,,\n")
    assert [(line, column) for line, column, _ in found] == [
        (2, "age_at_referral"),
        (2, "route"),
        (2, "age_at_exploitation"),
    ]
    assert f"(the stored estimated age of person {ref})" in found[1][2] and RULE in found[1][2]


def test_a_date_of_birth_filled_in_for_a_stored_adult_referral_is_refused(backend: Backend) -> None:
    pid = backend.people.create(PersonInput())  # anonymous: a Duty to Notify's person
    stored = backend.nrm.get(backend.nrm.create(dtn(person_id=pid))).referral_ref
    ref = backend.people.get(pid).person_ref
    found = errors(backend, f"F1,{ref},,,2012-02-02,,,NRM,2023-06-01,child,child,Labour,UK,13/2/23,,,,,\n")
    assert [(line, column) for line, column, _ in found] == [(2, "date_of_birth")]
    reason = found[0][2]
    assert (
        f"but referral {stored} records an adult at referral, a Duty to Notify and an adult when exploited"
        in (reason)
    )
    assert RULE in reason and "correct the referral in the app first" in reason
    assert backend.people.get(pid).data.date_of_birth is None


def test_an_age_dispute_keeps_the_child_route_in_the_import(backend: Backend) -> None:
    fine = "D1,P1,,,1990-01-01,,,NRM,2023-03-01,disputed,unknown,Labour,UK,13/1/23,,,,,\n"
    assert backend.import_nrm((HEADER + fine).encode(), "disputed.csv").referrals_added == 1
    found = errors(backend, "D2,P2,,,1990-01-01,,,DtN,2023-03-01,disputed,unknown,Labour,UK,13/2/23,,,,,\n")
    assert [(line, column) for line, column, _ in found] == [(2, "route")]
    assert "Age disputed" in found[0][2]


# ----- the referral form ----------------------------------------------------------------------------
def test_the_referral_form_refuses_the_same(backend: Backend) -> None:
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(dtn(new_person=PersonInput(date_of_birth=date(2015, 6, 1))))
    assert set(info.value.fields) == {"age_at_referral", "route", "age_at_exploitation"}
    assert RULE in info.value.fields["route"]
    later = backend.people.create(PersonInput(surname="Lungu", date_of_birth=date(2023, 5, 1)))
    nrm = ReferralInput(
        Route.NRM, AgeAtReferral.CHILD, date(2023, 3, 1), person_id=later, crime_ref="13/1/23"
    )
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(nrm)
    assert set(info.value.fields) == {"date_of_birth"}
    adult = backend.people.create(PersonInput(date_of_birth=date(1990, 1, 1)))
    referral_id = backend.nrm.create(dtn(person_id=adult))
    assert backend.nrm.get(referral_id).data.route is Route.DUTY_TO_NOTIFY


def test_the_form_reads_an_estimated_age_when_there_is_no_date_of_birth(backend: Backend) -> None:
    young = backend.people.create(PersonInput(estimated_age=16))
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(dtn(person_id=young))
    assert "estimated age of 16" in info.value.fields["route"] and RULE in info.value.fields["route"]
    adult_nrm = dtn(route=Route.NRM, consents=True, person_id=young)
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(adult_nrm)
    assert set(info.value.fields) == {"age_at_referral", "age_at_exploitation"}
    with pytest.raises(ValidationError):  # a new person's estimate counts too
        backend.nrm.create(dtn(new_person=PersonInput(estimated_age=17)))
    older = backend.people.create(PersonInput(estimated_age=30))
    assert backend.nrm.create(dtn(person_id=older))  # 30 now: nothing says a child
    # a date of birth decides over an estimate
    dated = backend.people.create(PersonInput(date_of_birth=date(1990, 1, 1), estimated_age=16))
    assert backend.nrm.create(dtn(person_id=dated))


def test_an_age_dispute_keeps_the_child_route_in_the_form(backend: Backend) -> None:
    grown = backend.people.create(PersonInput(surname="Hoxha", date_of_birth=date(1990, 1, 1)))
    disputed = dtn(
        route=Route.NRM,
        age_at_referral=AgeAtReferral.DISPUTED,
        consents=None,
        age_at_exploitation=AgeAtExploitation.UNKNOWN,
        person_id=grown,
    )
    assert backend.nrm.create(disputed)  # an adult date of birth never refuses the child route
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(replace(disputed, route=Route.DUTY_TO_NOTIFY, cooperates=True))
    assert set(info.value.fields) == {"route"} and "Age disputed" in info.value.fields["route"]


# ----- the person form ------------------------------------------------------------------------------
def test_a_person_edit_that_makes_an_adult_referral_a_childs_is_refused(backend: Backend) -> None:
    pid = backend.people.create(PersonInput())
    referral_id = backend.nrm.create(dtn(person_id=pid))
    ref = backend.nrm.get(referral_id).referral_ref
    version = backend.people.get(pid).version
    with pytest.raises(ValidationError) as info:
        backend.people.update(pid, version, PersonInput(date_of_birth=date(2015, 6, 1)))
    message = info.value.fields["date_of_birth"]
    assert message.startswith("Born 01/06/2015, the person was 7 when referred (01/03/2023)")
    assert (
        f"referral {ref} records an adult at referral, a Duty to Notify and an adult when exploited"
        in message
    )
    assert RULE in message and "Correct the referral first" in message
    with pytest.raises(ValidationError) as info:
        backend.people.update(pid, version, PersonInput(estimated_age=16))
    assert (
        set(info.value.fields) == {"estimated_age"}
        and "estimated age of 16" in info.value.fields["estimated_age"]
    )
    with pytest.raises(ValidationError) as info:
        backend.people.update(pid, version, PersonInput(date_of_birth=date(2023, 6, 1)))
    assert f"after referral {ref} (01/03/2023)" in info.value.fields["date_of_birth"]
    after = backend.people.get(pid)
    assert (after.version, after.data.date_of_birth, after.data.estimated_age) == (version, None, None)
    # an adult's date of birth or estimate is fine
    version = backend.people.update(pid, version, PersonInput(date_of_birth=date(1990, 1, 1)))
    # corrected on purpose, the referral becomes a child's NRM referral; then the date of birth may follow
    detail = backend.nrm.get(referral_id)
    child = replace(
        detail.data,
        route=Route.NRM,
        age_at_referral=AgeAtReferral.CHILD,
        age_at_exploitation=AgeAtExploitation.CHILD,
        consents=None,
        cooperates=None,
    )
    backend.nrm.update(referral_id, detail.version, child)
    backend.people.update(pid, version, PersonInput(date_of_birth=date(2015, 6, 1)))
    assert backend.people.get(pid).data.date_of_birth == date(2015, 6, 1)


def test_an_unchanged_age_does_not_block_another_edit(backend: Backend) -> None:
    """Only a change of age is checked: a record older than the rule still takes other corrections."""
    pid = backend.people.create(PersonInput(estimated_age=30))
    backend.nrm.create(dtn(person_id=pid))
    with backend.db.engine.begin() as conn:  # a record from before the rule: estimate typed as 16
        conn.execute(text("UPDATE person SET estimated_age = 16 WHERE id = :p"), {"p": pid})
    version = backend.people.get(pid).version
    backend.people.update(pid, version, PersonInput(estimated_age=16, facts="Seen at the car wash"))
    assert backend.people.get(pid).data.facts == "Seen at the car wash"


def test_a_liaison_officer_is_told_to_ask_an_htt_officer(backend_for: Backends) -> None:
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    pid = officer.people.create(PersonInput())
    officer.people.assign_vlo(pid, "vlo")
    officer.nrm.create(dtn(person_id=pid))
    version = vlo.people.get(pid).version
    with pytest.raises(ValidationError) as info:
        vlo.people.update(pid, version, PersonInput(estimated_age=14))
    assert "Ask an HTT officer to correct the referral first" in info.value.fields["estimated_age"]
