from datetime import date

import pytest

from mshtdesk.domain.exploitation import ExploitationType
from mshtdesk.domain.nrm import (
    OUTCOMES,
    AgeAtExploitation,
    AgeAtReferral,
    Check,
    Decision,
    DecisionKind,
    Outcome,
    Problem,
    ReferralFacts,
    Route,
    check_crime_reference,
    check_decision,
    check_exploitation,
    check_history,
    check_referral,
    check_route,
    replay,
    suggested_route,
)

D = date
A = AgeAtReferral
K = DecisionKind
O = Outcome  # noqa: E741
NRM, DTN = Route.NRM, Route.DUTY_TO_NOTIFY


def rg(on: date, outcome: Outcome = O.POSITIVE) -> Decision:
    return Decision(K.RG, on, outcome)


def cg(on: date, outcome: Outcome = O.POSITIVE_TRAFFICKING) -> Decision:
    return Decision(K.CG, on, outcome)


def recon(on: date) -> Decision:
    return Decision(K.RECONSIDERATION_REQUESTED, on)


def refused(on: date) -> Decision:
    return Decision(K.RECONSIDERATION_REFUSED, on)


def withdrawal(on: date) -> Decision:
    return Decision(K.WITHDRAWAL, on)


# Routes --------------------------------------------------------------------------------------------


def test_age_labels_are_the_home_office_words() -> None:
    assert A.ADULT.label == "Adult (18 or over)"
    assert A.CHILD.label == "Child (17 or under)"
    assert A.UNKNOWN.label == "Not specified or unknown"
    assert A.DISPUTED.label == "Age disputed"
    assert AgeAtExploitation.CHILD.label == "Child (17 or under)"
    assert [a.value for a in AgeAtExploitation] == ["adult", "child", "unknown"]


@pytest.mark.parametrize(
    ("age", "child"), [(A.ADULT, False), (A.CHILD, True), (A.DISPUTED, True), (A.UNKNOWN, True)]
)
def test_anyone_who_may_be_under_18_is_a_child(age: AgeAtReferral, child: bool) -> None:
    assert age.may_be_child is child


@pytest.mark.parametrize(
    ("age", "consents", "route"),
    [
        (A.CHILD, None, NRM),
        (A.CHILD, False, NRM),  # a child is referred whether or not they agree
        (A.DISPUTED, False, NRM),
        (A.UNKNOWN, None, NRM),
        (A.ADULT, True, NRM),
        (A.ADULT, False, DTN),
        (A.ADULT, None, None),  # not asked yet
    ],
)
def test_suggested_route(age: AgeAtReferral, consents: bool | None, route: Route | None) -> None:
    assert suggested_route(age, consents) is route


def fields(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ReferralFacts(NRM, A.CHILD), []),  # consent not required
        (ReferralFacts(NRM, A.CHILD, consent=False), []),
        (ReferralFacts(NRM, A.DISPUTED), []),
        (ReferralFacts(NRM, A.UNKNOWN, name_or_contact_kept=True), []),
        (ReferralFacts(DTN, A.CHILD), ["route"]),
        (ReferralFacts(DTN, A.DISPUTED, consent=False), ["route"]),
        (ReferralFacts(DTN, A.UNKNOWN), ["route"]),
        (ReferralFacts(NRM, A.ADULT, consent=True, name_or_contact_kept=True), []),
        (ReferralFacts(NRM, A.ADULT), ["consent"]),  # consent not recorded
        (ReferralFacts(NRM, A.ADULT, consent=False), ["consent"]),
        (ReferralFacts(DTN, A.ADULT, consent=False), []),  # anonymous DtN
        (ReferralFacts(DTN, A.ADULT), []),
        (ReferralFacts(DTN, A.ADULT, consent=True), ["route"]),
        (ReferralFacts(DTN, A.ADULT, consent=False, name_or_contact_kept=True), ["name"]),
        (ReferralFacts(DTN, A.ADULT, consent=False, name_or_contact_kept=True, cooperates=True), []),
        (ReferralFacts(DTN, A.CHILD, name_or_contact_kept=True), ["route", "name"]),
    ],
)
def test_check_route(facts: ReferralFacts, expected: list[str]) -> None:
    assert fields(check_route(facts)) == expected


def test_route_messages_say_what_to_do() -> None:
    (child,) = check_route(ReferralFacts(DTN, A.DISPUTED))
    assert "always referred into the NRM" in child.message
    assert "Age disputed" in child.message
    (declined,) = check_route(ReferralFacts(NRM, A.ADULT, consent=False))
    assert "use Duty to Notify" in declined.message
    (named,) = check_route(ReferralFacts(DTN, A.ADULT, name_or_contact_kept=True))
    assert "anonymous" in named.message
    assert "agrees to co-operate" in named.message


# Crime reference and exploitation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crime_ref", "reason", "expected"),
    [
        ("13/123456/24", None, []),
        (None, "Exploited overseas; no offence in England and Wales", []),
        ("13/123456/24", "also a reason", []),
        (None, None, ["crime_ref"]),
        ("", "", ["crime_ref"]),
        ("   ", "\t", ["crime_ref"]),
    ],
)
def test_crime_reference_or_a_reason(crime_ref: str | None, reason: str | None, expected: list[str]) -> None:
    assert fields(check_crime_reference(crime_ref, reason)) == expected


def test_check_exploitation() -> None:
    e = ExploitationType
    assert check_exploitation([]) == []
    assert check_exploitation([e.SEXUAL, e.CRIMINAL]) == []
    (problem,) = check_exploitation([e.NOT_SPECIFIED, e.LABOUR])
    assert problem.field == "exploitation"
    assert problem.message.startswith("'Not specified or unknown' cannot be combined")


def test_check_referral_reports_every_problem_in_form_order() -> None:
    facts = ReferralFacts(
        DTN,
        A.CHILD,
        name_or_contact_kept=True,
        exploitation=frozenset({ExploitationType.NOT_SPECIFIED, ExploitationType.CRIMINAL}),
    )
    assert fields(check_referral(facts)) == ["route", "name", "exploitation", "crime_ref"]
    good = ReferralFacts(NRM, A.ADULT, consent=True, crime_ref="13/1/24")
    assert check_referral(good) == []


# Decisions ------------------------------------------------------------------------------------------


def test_outcomes_per_kind() -> None:
    assert OUTCOMES[K.RG] == {O.POSITIVE, O.NEGATIVE}
    assert OUTCOMES[K.CG] == {O.POSITIVE_TRAFFICKING, O.POSITIVE_SLAVERY, O.NEGATIVE}
    assert O.POSITIVE_SLAVERY.label == "Positive: slavery, servitude or forced or compulsory labour"
    assert O.POSITIVE_TRAFFICKING.is_positive and not O.NEGATIVE.is_positive


R1 = D(2024, 1, 10)  # a referral's RG date used below; recovery period ends 09/02/2024
AFTER = D(2024, 6, 3)

#: (history, new, error fields, warning fields)
SEQUENCES: list[tuple[str, list[Decision], Decision, list[str], list[str]]] = [
    ("first RG positive", [], rg(R1), [], []),
    ("first RG negative", [], rg(R1, O.NEGATIVE), [], []),
    ("CG after positive RG", [rg(R1)], cg(AFTER), [], []),
    ("CG slavery", [rg(R1)], cg(AFTER, O.POSITIVE_SLAVERY), [], []),
    ("CG negative", [rg(R1)], cg(AFTER, O.NEGATIVE), [], []),
    ("CG with no RG", [], cg(AFTER), ["decision_kind"], []),
    ("CG after negative RG", [rg(R1, O.NEGATIVE)], cg(AFTER), ["decision_kind"], []),
    (
        "CG while RG reconsideration pending",
        [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20))],
        cg(AFTER),
        ["decision_kind"],
        [],
    ),
    ("CG inside recovery period", [rg(R1)], cg(D(2024, 2, 8)), [], ["decision_date"]),
    ("CG on the day recovery ends", [rg(R1)], cg(D(2024, 2, 9)), [], []),
    ("CG the same day as RG", [rg(R1)], cg(R1), [], ["decision_date"]),
    ("second RG without reconsideration", [rg(R1)], rg(AFTER), ["decision_kind"], []),
    (
        "second RG after negative without reconsideration",
        [rg(R1, O.NEGATIVE)],
        rg(AFTER, O.POSITIVE),
        ["decision_kind"],
        [],
    ),
    ("reconsidered RG", [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20))], rg(D(2024, 3, 1)), [], []),
    (
        "RG after refused reconsideration",
        [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20)), refused(D(2024, 2, 1))],
        rg(AFTER),
        ["decision_kind"],
        [],
    ),
    (
        "RG after a CG",
        [rg(R1), cg(AFTER, O.NEGATIVE), recon(D(2024, 6, 10))],
        rg(D(2024, 7, 1)),
        ["decision_kind"],
        [],
    ),
    (
        "second CG without reconsideration",
        [rg(R1), cg(AFTER, O.NEGATIVE)],
        cg(D(2024, 7, 1)),
        ["decision_kind"],
        [],
    ),
    ("reconsidered CG", [rg(R1), cg(AFTER, O.NEGATIVE), recon(D(2024, 6, 10))], cg(D(2024, 9, 1)), [], []),
    ("reconsider negative RG", [rg(R1, O.NEGATIVE)], recon(D(2024, 1, 20)), [], []),
    ("reconsider negative RG on the last day", [rg(R1, O.NEGATIVE)], recon(D(2024, 2, 9)), [], []),
    ("reconsider negative RG late", [rg(R1, O.NEGATIVE)], recon(D(2024, 2, 10)), [], ["decision_date"]),
    ("reconsider negative CG", [rg(R1), cg(AFTER, O.NEGATIVE)], recon(D(2024, 6, 10)), [], []),
    ("reconsider positive RG", [rg(R1)], recon(D(2024, 1, 20)), ["decision_kind"], []),
    ("reconsider positive CG", [rg(R1), cg(AFTER)], recon(D(2024, 6, 10)), ["decision_kind"], []),
    ("reconsider nothing", [], recon(R1), ["decision_kind"], []),
    (
        "reconsider twice",
        [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20))],
        recon(D(2024, 1, 21)),
        ["decision_kind"],
        [],
    ),
    (
        "request again after a refusal",
        [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20)), refused(D(2024, 2, 1))],
        recon(D(2024, 2, 5)),
        [],
        [],
    ),
    ("refuse a pending request", [rg(R1, O.NEGATIVE), recon(D(2024, 1, 20))], refused(D(2024, 2, 1)), [], []),
    ("refuse with nothing pending", [rg(R1, O.NEGATIVE)], refused(D(2024, 2, 1)), ["decision_kind"], []),
    ("withdraw before any decision", [], withdrawal(R1), [], []),
    ("withdraw after positive RG", [rg(R1)], withdrawal(D(2024, 3, 1)), [], []),
    ("RG after withdrawal", [withdrawal(R1)], rg(D(2024, 1, 12)), ["decision_kind"], []),
    ("CG after withdrawal", [rg(R1), withdrawal(D(2024, 3, 1))], cg(AFTER), ["decision_kind"], []),
    ("withdraw twice", [withdrawal(R1)], withdrawal(D(2024, 2, 1)), ["decision_kind"], []),
    (
        "reconsideration after withdrawal",
        [rg(R1, O.NEGATIVE), withdrawal(D(2024, 1, 12))],
        recon(D(2024, 1, 20)),
        ["decision_kind"],
        [],
    ),
    ("dated before the previous entry", [rg(R1)], cg(D(2024, 1, 9)), ["decision_date"], []),
    ("RG with a CG outcome", [], Decision(K.RG, R1, O.POSITIVE_TRAFFICKING), ["outcome"], []),
    ("RG with no outcome", [], Decision(K.RG, R1), ["outcome"], []),
    ("CG plain positive", [rg(R1)], Decision(K.CG, AFTER, O.POSITIVE), ["outcome"], []),
    ("withdrawal with an outcome", [], Decision(K.WITHDRAWAL, R1, O.NEGATIVE), ["outcome"], []),
]


@pytest.mark.parametrize(
    ("history", "new", "errors", "warnings"),
    [case[1:] for case in SEQUENCES],
    ids=[case[0] for case in SEQUENCES],
)
def test_decision_sequences(
    history: list[Decision], new: Decision, errors: list[str], warnings: list[str]
) -> None:
    assert check_history(history).ok, "the table's histories must themselves be valid"
    found = check_decision(history, new)
    assert fields(list(found.errors)) == errors
    assert fields(list(found.warnings)) == warnings
    assert found.ok is (not errors)


def test_cg_without_positive_rg_says_so() -> None:
    (e,) = check_decision([], cg(AFTER)).errors
    assert e.message == "A Conclusive Grounds decision needs a positive Reasonable Grounds decision first"
    (e,) = check_decision([rg(R1, O.NEGATIVE)], cg(AFTER)).errors
    assert e.message.endswith("(the one of 10/01/2024 was negative)")


def test_recovery_period_warning_names_the_dates() -> None:
    (w,) = check_decision([rg(R1)], cg(D(2024, 2, 1))).warnings
    assert "recovery period" in w.message
    assert "09/02/2024" in w.message
    assert "30 days after the positive Reasonable Grounds decision of 10/01/2024" in w.message


def test_recovery_period_was_45_days_before_30_january_2023() -> None:
    old = D(2023, 1, 2)  # 45 days: ends 16/02/2023
    assert check_decision([rg(old)], cg(D(2023, 2, 15))).warnings
    assert not check_decision([rg(old)], cg(D(2023, 2, 16))).warnings
    new = D(2023, 2, 1)  # 30 days: ends 03/03/2023
    assert check_decision([rg(new)], cg(D(2023, 3, 2))).warnings
    assert not check_decision([rg(new)], cg(D(2023, 3, 3))).warnings


def test_a_warning_does_not_refuse() -> None:
    found = check_decision([rg(R1)], cg(D(2024, 1, 20)))
    assert found.ok and found.warnings and not found.errors


def test_outcome_messages_list_the_choices() -> None:
    (e,) = check_decision([rg(R1)], Decision(K.CG, AFTER, O.POSITIVE)).errors
    assert e.message == (
        "The outcome of a Conclusive Grounds decision must be one of: Negative; "
        "Positive: human trafficking; Positive: slavery, servitude or forced or compulsory labour"
    )
    (e,) = check_decision([], Decision(K.WITHDRAWAL, R1, O.NEGATIVE)).errors
    assert e.message == "A withdrawal has no outcome"


def test_withdrawal_message() -> None:
    (e,) = check_decision([withdrawal(R1)], rg(AFTER)).errors
    assert e.message.startswith("The person withdrew from the NRM on 10/01/2024")


def test_reconsideration_of_a_positive_decision_says_which() -> None:
    (e,) = check_decision([rg(R1), cg(AFTER)], recon(D(2024, 6, 10))).errors
    assert e.message == (
        "Only a negative decision can be reconsidered; "
        "the Conclusive Grounds decision of 03/06/2024 was positive"
    )


def test_full_pathways_are_valid() -> None:
    negative_then_reconsidered = [
        rg(D(2023, 3, 1), O.NEGATIVE),
        recon(D(2023, 3, 20)),
        rg(D(2023, 5, 2)),
        cg(D(2024, 10, 9), O.NEGATIVE),
        recon(D(2024, 10, 30)),
        cg(D(2025, 2, 3), O.POSITIVE_SLAVERY),
    ]
    assert check_history(negative_then_reconsidered) == Check()
    state = replay(negative_then_reconsidered)
    assert state.rg == rg(D(2023, 5, 2))
    assert state.cg == cg(D(2025, 2, 3), O.POSITIVE_SLAVERY)
    assert state.standing is state.cg
    assert state.pending_reconsideration is None and state.withdrawal is None


def test_check_history_names_each_bad_entry() -> None:
    found = check_history([cg(D(2024, 2, 1)), rg(R1)])
    assert [p.message.split(": ", 1) for p in found.errors] == [
        [
            "Conclusive Grounds decision of 01/02/2024",
            "A Conclusive Grounds decision needs a positive Reasonable Grounds decision first",
        ],
        [
            "Reasonable Grounds decision of 10/01/2024",
            "The Reasonable Grounds decision is dated 10/01/2024, before the previous entry "
            "(the Conclusive Grounds decision of 01/02/2024)",
        ],
        [
            "Reasonable Grounds decision of 10/01/2024",
            "The case already has a Conclusive Grounds decision (01/02/2024); "
            "a Reasonable Grounds decision cannot follow it",
        ],
    ]


def test_replay_tracks_a_pending_request() -> None:
    state = replay([rg(R1, O.NEGATIVE), recon(D(2024, 1, 20))])
    assert state.pending_reconsideration == recon(D(2024, 1, 20))
    assert state.standing == rg(R1, O.NEGATIVE)
    assert replay([]) == replay(())
    assert replay([]).standing is None
