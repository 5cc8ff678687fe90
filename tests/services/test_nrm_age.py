"""Issue 10, item 11: the age rule (``domain.nrm.check_age``) is kept by the NRM import and the referral
form alike: someone who was a child at referral never goes by Duty to Notify or under the adult band, and
a date of birth after the referral is refused."""

from __future__ import annotations

from datetime import date

import pytest

from mshtdesk.domain.nrm import AgeAtReferral, Route
from mshtdesk.errors import ImportRejectedError, ValidationError
from mshtdesk.imports.nrm import COLUMNS
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput

HEADER = ",".join(COLUMNS) + "\n"


def test_the_import_refuses_a_child_routed_as_an_adult_duty_to_notify(backend: Backend) -> None:
    rows = (
        "R1,P1,,,2015-06-01,,,DtN,2023-03-01,adult,adult,Labour,UK,13/1/23,,,,,\n"  # line 2: born 2015
        "R2,P2,,,2023-05-01,,,NRM,2023-03-01,child,child,Labour,UK,13/2/23,,,,,\n"  # line 3: born after
        "R3,P3,,,2014-01-01,,,NRM,2023-03-01,child,child,Labour,UK,13/3/23,,,,,\n"  # line 4: fine
        "R4,P3,,,,,,DtN,2023-04-01,adult,adult,Labour,UK,13/4/23,,,,,\n"  # line 5: P3 born 2014 (line 4)
        "R5,P5,,,1990-01-01,,,DtN,2023-03-01,adult,adult,Labour,UK,13/5/23,,,,,\n"  # line 6: fine
    )
    with pytest.raises(ImportRejectedError) as info:
        backend.import_nrm((HEADER + rows).encode(), "ages.csv")
    got = [(e.line, e.column) for e in info.value.errors]
    assert got == [
        (2, "age_at_referral"),
        (2, "route"),
        (3, "date_of_birth"),
        (5, "age_at_referral"),
        (5, "route"),
    ]
    reasons = [e.reason for e in info.value.errors]
    assert (
        "the person was 7 when referred" in reasons[1] and "Duty to Notify is for adults only" in reasons[1]
    )
    assert "is after the referral (01/03/2023)" in reasons[2]
    assert backend.nrm.count() == 0


def test_the_referral_form_refuses_the_same(backend: Backend) -> None:
    child = PersonInput(date_of_birth=date(2015, 6, 1))
    dtn = ReferralInput(
        Route.DUTY_TO_NOTIFY,
        AgeAtReferral.ADULT,
        date(2023, 3, 1),
        new_person=child,
        consents=False,
        crime_ref="1",
    )
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(dtn)
    assert set(info.value.fields) == {"age_at_referral", "route"}
    later = backend.people.create(PersonInput(surname="Lungu", date_of_birth=date(2023, 5, 1)))
    nrm = ReferralInput(
        Route.NRM, AgeAtReferral.CHILD, date(2023, 3, 1), person_id=later, crime_ref="13/1/23"
    )
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(nrm)
    assert set(info.value.fields) == {"date_of_birth"}
    adult = backend.people.create(PersonInput(date_of_birth=date(1990, 1, 1)))
    referral_id = backend.nrm.create(
        ReferralInput(
            Route.DUTY_TO_NOTIFY,
            AgeAtReferral.ADULT,
            date(2023, 3, 1),
            person_id=adult,
            consents=False,
            crime_ref="1",
        )
    )
    assert backend.nrm.get(referral_id).data.route is Route.DUTY_TO_NOTIFY
