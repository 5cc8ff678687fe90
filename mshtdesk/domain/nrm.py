"""NRM referrals and decisions: routes, age bands, outcomes and the rules a record must keep.

Validators return problems (field, message) instead of raising, so a form can show them all beside their
fields and an import can list them per row. Sources: domain.md "NRM"; domain-research.md §1.3, §1.6–1.9,
§1.13 and invariants 8–12.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from mshtdesk.domain.clocks import (
    RECONSIDERATION_WINDOW_DAYS,
    in_recovery_period,
    reconsideration_window_end,
    recovery_period_days,
    recovery_period_end,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.exploitation import ExploitationType, normalise_flags


class Route(StrEnum):
    NRM = "nrm"
    DUTY_TO_NOTIFY = "dtn"

    @property
    def label(self) -> str:
        return "NRM referral" if self is Route.NRM else "Duty to Notify"


class AgeAtReferral(StrEnum):
    """How old the person is (or may be) when referred; decides the route."""

    ADULT = "adult"
    CHILD = "child"
    DISPUTED = "disputed"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _REFERRAL_AGE_LABELS[self]

    @property
    def may_be_child(self) -> bool:
        """Anyone who may be under 18 is treated as a child until their age is decided.

        "Unknown" counts: the live referral form sends "not sure" down the child route, as it does "yes".
        """
        return self is not AgeAtReferral.ADULT


class AgeAtExploitation(StrEnum):
    """Age when exploited, the band the Home Office tables use; separate from age at referral."""

    ADULT = "adult"
    CHILD = "child"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _EXPLOITATION_AGE_LABELS[self]


# Home Office table wording. Two maps: members of two StrEnums with the same value are equal keys.
_EXPLOITATION_AGE_LABELS = {
    AgeAtExploitation.ADULT: "Adult (18 or over)",
    AgeAtExploitation.CHILD: "Child (17 or under)",
    AgeAtExploitation.UNKNOWN: "Not specified or unknown",
}
_REFERRAL_AGE_LABELS = {
    AgeAtReferral.ADULT: "Adult (18 or over)",
    AgeAtReferral.CHILD: "Child (17 or under)",
    AgeAtReferral.DISPUTED: "Age disputed",
    AgeAtReferral.UNKNOWN: "Not specified or unknown",
}


class DecisionKind(StrEnum):
    """A dated event in a referral's decision history.

    The outcome of an accepted reconsideration is recorded as a new decision of the reconsidered kind
    (RG or CG); a request the competent authority turns down is RECONSIDERATION_REFUSED.
    """

    RG = "rg"
    CG = "cg"
    RECONSIDERATION_REQUESTED = "reconsideration-requested"
    RECONSIDERATION_REFUSED = "reconsideration-refused"
    WITHDRAWAL = "withdrawal"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    DecisionKind.RG: "Reasonable Grounds decision",
    DecisionKind.CG: "Conclusive Grounds decision",
    DecisionKind.RECONSIDERATION_REQUESTED: "reconsideration request",
    DecisionKind.RECONSIDERATION_REFUSED: "reconsideration refusal",
    DecisionKind.WITHDRAWAL: "withdrawal",
}


class Outcome(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    POSITIVE_TRAFFICKING = "positive-trafficking"
    POSITIVE_SLAVERY = "positive-slavery"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def is_positive(self) -> bool:
        return self is not Outcome.NEGATIVE


_OUTCOME_LABELS = {
    Outcome.POSITIVE: "Positive",
    Outcome.NEGATIVE: "Negative",
    Outcome.POSITIVE_TRAFFICKING: "Positive: human trafficking",
    Outcome.POSITIVE_SLAVERY: "Positive: slavery, servitude or forced or compulsory labour",
}

#: Which outcomes each kind of event may carry (an empty set: it carries none).
OUTCOMES: Mapping[DecisionKind, frozenset[Outcome]] = MappingProxyType(
    {
        DecisionKind.RG: frozenset({Outcome.POSITIVE, Outcome.NEGATIVE}),
        DecisionKind.CG: frozenset(
            {Outcome.POSITIVE_TRAFFICKING, Outcome.POSITIVE_SLAVERY, Outcome.NEGATIVE}
        ),
        DecisionKind.RECONSIDERATION_REQUESTED: frozenset(),
        DecisionKind.RECONSIDERATION_REFUSED: frozenset(),
        DecisionKind.WITHDRAWAL: frozenset(),
    }
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong, named by the form field (or import column) it concerns."""

    field: str
    message: str


@dataclass(frozen=True)
class Check:
    """Errors refuse the change; warnings are shown and the user may go on."""

    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def suggested_route(age: AgeAtReferral, consents: bool | None) -> Route | None:
    """The route the rules lead to; None while an adult has not yet said whether they consent."""
    if age.may_be_child or consents:
        return Route.NRM
    return None if consents is None else Route.DUTY_TO_NOTIFY


@dataclass(frozen=True)
class ReferralFacts:
    """What the route and crime-recording rules look at, independent of how a referral is stored.

    ``consent``: an adult's informed consent to enter the NRM (None: not recorded).
    ``name_or_contact_kept``: a name or contact details are held for the person.
    ``cooperates``: for Duty to Notify, the person agreed to co-operate with the authorities.
    ``date_of_birth`` (or, without one, ``estimated_age``) and ``referred_on`` (the submission date), when
    known, let the age be checked against the route and both age bands.
    """

    route: Route
    age_at_referral: AgeAtReferral
    consent: bool | None = None
    name_or_contact_kept: bool = False
    cooperates: bool = False
    crime_ref: str | None = None
    no_crime_reason: str | None = None
    exploitation: frozenset[ExploitationType] = field(default_factory=frozenset)
    date_of_birth: date | None = None
    referred_on: date | None = None
    estimated_age: int | None = None
    age_at_exploitation: AgeAtExploitation = AgeAtExploitation.UNKNOWN


ADULT_AGE = 18
#: The rule, in the words the forms and the import show (Home Office statutory guidance on the NRM).
CHILD_RULE = (
    "a child, or anyone who may be under 18, is always referred into the NRM, without needing consent; "
    "Duty to Notify is for adults only"
)


def age_on(born: date, on: date) -> int:
    """Whole years between ``born`` and ``on`` (someone born on 29 February turns a year older on 1 March)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def child_when_referred(born: date | None, estimated_age: int | None, on: date) -> str | None:
    """Why the person was (or may have been) under 18 on ``on``, in words; None when nothing says so.

    A known date of birth decides. Without one, an estimated age under 18 does: the record keeps no date
    for the estimate, so it is the person's age now, and someone under 18 now was under 18 at any earlier
    referral. An estimate of 18 or more proves nothing about an earlier date, so it never refuses.
    Who may be under 18 is treated as a child until their age is decided (an age dispute keeps the child
    route: the band "disputed" is never refused here).
    """
    if born is not None:
        years = age_on(born, on)
        return (
            f"Born {uk(born)}, the person was {years} when referred ({uk(on)})" if years < ADULT_AGE else None
        )
    if estimated_age is not None and estimated_age < ADULT_AGE:
        return (
            f"With an estimated age of {estimated_age}, the person may have been under 18 when referred "
            f"({uk(on)})"
        )
    return None


def check_age(facts: ReferralFacts) -> list[Problem]:
    """The person's age against the referral: nobody is born after it, and a child by it is never an adult.

    Why: the age bands and the route are typed separately from the person's date of birth, so a register
    row said "adult, Duty to Notify" for someone born in 2015. A child at referral goes into the NRM
    (Duty to Notify is for adults only), and was a child when exploited too, since the exploitation came
    before the referral. The record holds no exploitation date, so the referral date is the one checked:
    someone exploited as a child and referred as an adult is referred as an adult (with consent), as the
    statutory guidance says, so a child band at exploitation alone refuses nothing.
    """
    born, on = facts.date_of_birth, facts.referred_on
    if on is None:
        return []
    if born is not None and born > on:
        return [
            Problem(
                "date_of_birth",
                f"The date of birth {uk(born)} is after the referral ({uk(on)}); check the year",
            )
        ]
    why = child_when_referred(born, facts.estimated_age, on)
    if why is None:
        return []
    problems: list[Problem] = []
    if facts.age_at_referral is AgeAtReferral.ADULT:
        problems.append(Problem("age_at_referral", f"{why}: a child, not an adult; {CHILD_RULE}"))
    if facts.route is Route.DUTY_TO_NOTIFY and not facts.age_at_referral.may_be_child:
        problems.append(Problem("route", f"{why}: {CHILD_RULE}"))
    if facts.age_at_exploitation is AgeAtExploitation.ADULT:
        problems.append(
            Problem(
                "age_at_exploitation",
                f"{why}, so under 18 when exploited too (the exploitation came before the referral): "
                "a child, not an adult",
            )
        )
    return problems


def age_against_referral(ref: str, facts: ReferralFacts) -> str | None:
    """One sentence when a person's date of birth or estimated age contradicts a referral already stored
    (``facts`` holding the new age); None when they agree. For a person edit, or an import that gives a
    stored person a date of birth: the referral says what it says until someone corrects it, so the new
    age is refused rather than the referral silently turned into a child's."""
    born, on = facts.date_of_birth, facts.referred_on
    found = {p.field for p in check_age(facts)}
    if not found or on is None:
        return None
    if "date_of_birth" in found and born is not None:
        return f"The date of birth {uk(born)} is after referral {ref} ({uk(on)}); check the year"
    says = [
        what
        for name, what in (
            ("age_at_referral", "an adult at referral"),
            ("route", "a Duty to Notify"),
            ("age_at_exploitation", "an adult when exploited"),
        )
        if name in found
    ]
    listed = says[0] if len(says) == 1 else ", ".join(says[:-1]) + " and " + says[-1]
    why = child_when_referred(born, facts.estimated_age, on)
    return f"{why}, but referral {ref} records {listed}: {CHILD_RULE}"


def check_route(facts: ReferralFacts) -> list[Problem]:
    """Children never go by Duty to Notify; adults go into the NRM only with consent; DtN is anonymous."""
    problems: list[Problem] = []
    age = facts.age_at_referral
    if age.may_be_child:
        if facts.route is Route.DUTY_TO_NOTIFY:
            problems.append(
                Problem(
                    "route",
                    f"The age at referral is {age.label}: {CHILD_RULE[:1].upper()}{CHILD_RULE[1:]}",
                )
            )
    elif facts.route is Route.NRM:
        if facts.consent is None:
            problems.append(Problem("consent", "Record the adult's informed consent to an NRM referral"))
        elif not facts.consent:
            problems.append(
                Problem(
                    "consent",
                    "An adult who does not consent cannot be referred into the NRM; use Duty to Notify",
                )
            )
    elif facts.consent:
        problems.append(
            Problem("route", "An adult who consents is referred into the NRM, not by Duty to Notify")
        )
    if facts.route is Route.DUTY_TO_NOTIFY and facts.name_or_contact_kept and not facts.cooperates:
        problems.append(
            Problem(
                "name",
                "A Duty to Notify is anonymous: remove the name and contact details, or record that the "
                "person agrees to co-operate with the authorities",
            )
        )
    return problems


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def check_crime_reference(crime_ref: str | None, no_crime_reason: str | None) -> list[Problem]:
    """Home Office Counting Rules: every referral the police make is crime-recorded, or says why not."""
    if _blank(crime_ref) and _blank(no_crime_reason):
        return [
            Problem(
                "crime_ref",
                "Give the crime reference, or record why there is none (for example, exploited overseas "
                "or recorded by another force)",
            )
        ]
    return []


def check_exploitation(flags: Iterable[ExploitationType]) -> list[Problem]:
    """No flags means "Not specified or unknown"; that value cannot be combined with a type."""
    try:
        normalise_flags(flags)
    except ValueError as e:
        return [Problem("exploitation", str(e)[:1].upper() + str(e)[1:])]
    return []


def check_referral(facts: ReferralFacts) -> list[Problem]:
    """Every rule a referral record must keep, in form order."""
    return (
        check_route(facts)
        + check_age(facts)
        + check_exploitation(facts.exploitation)
        + check_crime_reference(facts.crime_ref, facts.no_crime_reason)
    )


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    on: date
    outcome: Outcome | None = None


@dataclass(frozen=True)
class DecisionState:
    """Where a referral stands after its history, for the rules and for "what is due next"."""

    rg: Decision | None = None  # the RG in force (a reconsidered one replaces the original)
    cg: Decision | None = None
    pending_reconsideration: Decision | None = None
    withdrawal: Decision | None = None
    last: Decision | None = None

    @property
    def standing(self) -> Decision | None:
        """The latest RG or CG decision, which a reconsideration request concerns."""
        return self.cg or self.rg


def replay(history: Iterable[Decision]) -> DecisionState:
    """Fold a history (already in order and valid) into its current state."""
    rg: Decision | None = None
    cg: Decision | None = None
    pending: Decision | None = None
    withdrawal: Decision | None = None
    last: Decision | None = None
    for d in history:
        if d.kind is DecisionKind.RG:
            rg, pending = d, None
        elif d.kind is DecisionKind.CG:
            cg, pending = d, None
        elif d.kind is DecisionKind.RECONSIDERATION_REQUESTED:
            pending = d
        elif d.kind is DecisionKind.RECONSIDERATION_REFUSED:
            pending = None
        else:
            withdrawal = d
        last = d
    return DecisionState(rg, cg, pending, withdrawal, last)


def _outcome_problem(new: Decision) -> Problem | None:
    allowed = OUTCOMES[new.kind]
    if not allowed:
        return None if new.outcome is None else Problem("outcome", f"A {new.kind.label} has no outcome")
    if new.outcome in allowed:
        return None
    choices = "; ".join(o.label for o in Outcome if o in allowed)
    return Problem("outcome", f"The outcome of a {new.kind.label} must be one of: {choices}")


def check_decision(history: Sequence[Decision], new: Decision) -> Check:
    """Whether ``new`` may follow ``history`` (oldest first, itself valid).

    Refused: a decision after a withdrawal, or dated before the previous entry; a CG without a positive
    RG in force; a second RG or CG without a reconsideration request; reconsideration of anything but a
    negative decision. Warned: a CG inside the recovery period; a reconsideration requested late.
    """
    state = replay(history)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    wrong_outcome = _outcome_problem(new)
    if wrong_outcome:
        errors.append(wrong_outcome)
    if state.withdrawal is not None:
        errors.append(
            Problem(
                "decision_kind",
                f"The person withdrew from the NRM on {uk(state.withdrawal.on)}; nothing can be recorded "
                "after a withdrawal (a new referral starts again)",
            )
        )
        return Check(tuple(errors), ())
    if state.last is not None and new.on < state.last.on:
        errors.append(
            Problem(
                "decision_date",
                f"The {new.kind.label} is dated {uk(new.on)}, before the previous entry "
                f"(the {state.last.kind.label} of {uk(state.last.on)})",
            )
        )
    pending = state.pending_reconsideration
    if new.kind is DecisionKind.RG:
        if state.cg is not None:
            errors.append(
                Problem(
                    "decision_kind",
                    f"The case already has a Conclusive Grounds decision ({uk(state.cg.on)}); "
                    "a Reasonable Grounds decision cannot follow it",
                )
            )
        elif state.rg is not None and pending is None:
            errors.append(
                Problem(
                    "decision_kind",
                    f"A Reasonable Grounds decision was already made on {uk(state.rg.on)}; "
                    "a second one needs a reconsideration request first",
                )
            )
    elif new.kind is DecisionKind.CG:
        if state.rg is None or state.rg.outcome is not Outcome.POSITIVE:
            why = "" if state.rg is None else f" (the one of {uk(state.rg.on)} was negative)"
            errors.append(
                Problem(
                    "decision_kind",
                    f"A Conclusive Grounds decision needs a positive Reasonable Grounds decision first{why}",
                )
            )
        elif state.cg is not None and pending is None:
            errors.append(
                Problem(
                    "decision_kind",
                    f"A Conclusive Grounds decision was already made on {uk(state.cg.on)}; "
                    "a second one needs a reconsideration request first",
                )
            )
        elif in_recovery_period(state.rg.on, new.on):
            warnings.append(
                Problem(
                    "decision_date",
                    f"This Conclusive Grounds decision falls inside the recovery period: none is expected "
                    f"before {uk(recovery_period_end(state.rg.on))}, {recovery_period_days(state.rg.on)} "
                    f"days after the positive Reasonable Grounds decision of {uk(state.rg.on)}",
                )
            )
    elif new.kind is DecisionKind.RECONSIDERATION_REQUESTED:
        standing = state.standing
        if standing is None:
            errors.append(Problem("decision_kind", "There is no decision to reconsider yet"))
        elif pending is not None:
            errors.append(
                Problem(
                    "decision_kind",
                    f"A reconsideration was requested on {uk(pending.on)} and has no outcome yet",
                )
            )
        elif standing.outcome is not Outcome.NEGATIVE:
            errors.append(
                Problem(
                    "decision_kind",
                    f"Only a negative decision can be reconsidered; the {standing.kind.label} of "
                    f"{uk(standing.on)} was positive",
                )
            )
        elif new.on > reconsideration_window_end(standing.on):
            warnings.append(
                Problem(
                    "decision_date",
                    f"Requested after the {RECONSIDERATION_WINDOW_DAYS}-day window closed on "
                    f"{uk(reconsideration_window_end(standing.on))}; a late request is accepted only in "
                    "exceptional circumstances",
                )
            )
    elif new.kind is DecisionKind.RECONSIDERATION_REFUSED and pending is None:
        errors.append(Problem("decision_kind", "There is no reconsideration request awaiting an outcome"))
    return Check(tuple(errors), tuple(warnings))


def check_history(history: Sequence[Decision]) -> Check:
    """Check a whole history entry by entry (an import); each message names the entry it concerns."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for i, new in enumerate(history):
        found = check_decision(history[:i], new)
        where = f"{new.kind.label[:1].upper()}{new.kind.label[1:]} of {uk(new.on)}: "
        errors += [Problem(p.field, where + p.message) for p in found.errors]
        warnings += [Problem(p.field, where + p.message) for p in found.warnings]
    return Check(tuple(errors), tuple(warnings))


class ReferralStatus(StrEnum):
    """Where a referral stands today, from its effective decisions (what the NRM page filters on)."""

    AWAITING_RG = "awaiting-rg"
    RG_OVERDUE = "rg-overdue"  # awaiting RG and past the 5th working day after submission
    AWAITING_CG = "awaiting-cg"
    CONCLUDED = "concluded"  # a CG, a negative RG, or a refused reconsideration
    WITHDRAWN = "withdrawn"
    DUTY_TO_NOTIFY = "dtn"  # a Duty to Notify: the Home Office makes no decision, no clock runs

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ReferralStatus.AWAITING_RG: "Awaiting RG",
    ReferralStatus.RG_OVERDUE: "RG overdue",
    ReferralStatus.AWAITING_CG: "Awaiting CG",
    ReferralStatus.CONCLUDED: "Concluded",
    ReferralStatus.WITHDRAWN: "Withdrawn",
    ReferralStatus.DUTY_TO_NOTIFY: "Duty to Notify (no decision)",
}
