"""The NRM service's pure rules: a referral's problems by form field, its status and clocks from its
effective decisions, and the stored form of exploitation flags. Shared by the service, the import, the
pathway view and the Today page; no storage here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from mshtdesk.domain.clocks import (
    days_waiting,
    reconsideration_window_end,
    recovery_period_end,
    rg_decision_expected,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.exploitation import ExploitationType, flags_with_sub_types
from mshtdesk.domain.nrm import (
    Decision,
    DecisionKind,
    DecisionState,
    Outcome,
    ReferralFacts,
    Route,
    check_referral,
)
from mshtdesk.domain.text import add_text_problems
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.nrm_types import ReferralClocks, ReferralInput, ReferralStatus

NRM_START = date(2009, 4, 1)  # the NRM began on 1 April 2009: an earlier submission is a typing error
LIMITS = {
    "referral_ref": 32,
    "first_responder": 120,
    "first_responder_org": 120,
    "crime_ref": 64,
    "no_crime_reason": 1000,
    "operation": 120,
    "notes": 4000,
}
#: Fields that may hold several lines (and tabs); every other text field is one line.
MULTILINE = ("notes", "no_crime_reason")
_SHORT_KIND = {
    DecisionKind.RG: "RG",
    DecisionKind.CG: "CG",
    DecisionKind.RECONSIDERATION_REQUESTED: "Reconsideration requested",
    DecisionKind.RECONSIDERATION_REFUSED: "Reconsideration refused",
    DecisionKind.WITHDRAWAL: "Withdrawn",
}
_SHORT_OUTCOME = {
    Outcome.POSITIVE: "Positive",
    Outcome.NEGATIVE: "Negative",
    Outcome.POSITIVE_TRAFFICKING: "Positive (trafficking)",
    Outcome.POSITIVE_SLAVERY: "Positive (slavery)",
}


def exploitation_codes(flags: Iterable[ExploitationType]) -> str:
    """The flags as stored: codes in Home Office order, joined by ';'."""
    found = set(flags)
    return ";".join(t.value for t in ExploitationType if t in found)


def parse_exploitation_codes(text: str) -> frozenset[ExploitationType]:
    return frozenset(ExploitationType(c) for c in text.split(";") if c)


def name_or_contact_kept(surname: str, forenames: str, aliases: str = "", contact: str = "") -> bool:
    """Whether a person row identifies someone: what a Duty to Notify may not keep without co-operation."""
    return any(s.strip() for s in (surname, forenames, aliases, contact))


def last_decision_text(kind: DecisionKind | None, outcome: Outcome | None, on: date | None) -> str:
    """ "Positive RG 03/02/2024": the latest effective entry, short enough for a table cell."""
    if kind is None or on is None:
        return ""
    short = _SHORT_KIND[kind]
    if outcome is not None:
        return f"{_SHORT_OUTCOME[outcome]} {short} {uk(on)}"
    return f"{short} {uk(on)}"


def referral_problems(
    data: ReferralInput,
    *,
    today: date,
    name_kept: bool,
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    texts_checked: bool = False,
) -> tuple[dict[str, str], frozenset[ExploitationType]]:
    """Every rule a referral must keep, by form field, and its exploitation flags (sub-types included).

    Pure: the form and the import both ask it. ``name_kept``: the person referred has a name or contact
    details (a Duty to Notify may keep them only if the person agrees to co-operate). ``date_of_birth``
    and ``estimated_age``: the person's, if known (a child at referral is never an adult, on either age
    band, and never goes by Duty to Notify). ``texts_checked``: the caller has refused control and bidi
    characters in every text already (an import checks each cell as it reads it).
    """
    problems: dict[str, str] = {}

    def add(name: str, message: str) -> None:
        problems[name] = f"{problems[name]} {message}" if name in problems else message

    for name, limit in LIMITS.items():
        if len(getattr(data, name).strip()) > limit:
            add(name, f"At most {limit} characters.")
    if data.submitted_date is None:
        add("submitted_date", "Enter the date the referral was submitted.")
    elif data.submitted_date > today:
        add("submitted_date", f"The submission date {uk(data.submitted_date)} is in the future.")
    elif data.submitted_date < NRM_START:
        add("submitted_date", f"The NRM began on {uk(NRM_START)}; check the year.")
    flags: frozenset[ExploitationType] = frozenset()
    try:
        flags = flags_with_sub_types(data.exploitation, data.sub_types)
    except ValueError as exc:
        add("exploitation", str(exc)[:1].upper() + str(exc)[1:] + ".")
    facts = ReferralFacts(
        route=data.route,
        age_at_referral=data.age_at_referral,
        consent=data.consents,
        name_or_contact_kept=name_kept,
        cooperates=bool(data.cooperates),
        crime_ref=data.crime_ref,
        no_crime_reason=data.no_crime_reason,
        exploitation=flags,
        date_of_birth=date_of_birth,
        referred_on=data.submitted_date,
        estimated_age=estimated_age,
        age_at_exploitation=data.age_at_exploitation,
    )
    for p in check_referral(facts):
        if p.field != "exploitation" or "exploitation" not in problems:
            add(p.field, p.message + ".")
    if not texts_checked:
        add_text_problems(problems, vars(data), multiline=MULTILINE)
    return problems, flags


def status_of(
    route: Route, state: DecisionState, submitted: date, calendar: WorkingCalendar, today: date
) -> ReferralStatus:
    """The status from the effective decisions (the same rule as the list's SQL)."""
    last = state.last
    if route is Route.DUTY_TO_NOTIFY:
        return ReferralStatus.DUTY_TO_NOTIFY
    if last is None:
        overdue = rg_decision_expected(submitted, calendar) < today
        return ReferralStatus.RG_OVERDUE if overdue else ReferralStatus.AWAITING_RG
    if last.kind is DecisionKind.WITHDRAWAL:
        return ReferralStatus.WITHDRAWN
    if last.kind is DecisionKind.RG and last.outcome is Outcome.POSITIVE:
        return ReferralStatus.AWAITING_CG
    if last.kind is DecisionKind.RECONSIDERATION_REQUESTED:
        return ReferralStatus.AWAITING_CG if state.cg is not None else ReferralStatus.AWAITING_RG
    return ReferralStatus.CONCLUDED


def overdue_cutoff(calendar: WorkingCalendar, today: date) -> date:
    """The latest submission date whose RG decision was expected before ``today``.

    The expected date never moves backwards as the submission date moves forwards, so "RG overdue" is
    ``submitted_date <= cutoff``: a plain comparison the list can run in SQL.
    """
    day = today - timedelta(days=1)
    while rg_decision_expected(day, calendar) >= today:
        day -= timedelta(days=1)
    return day


def clocks_of(
    route: Route, state: DecisionState, submitted: date, calendar: WorkingCalendar, today: date
) -> ReferralClocks:
    if route is Route.DUTY_TO_NOTIFY:
        return ReferralClocks(None, False, "", None, None, None)
    expected = rg_decision_expected(submitted, calendar)

    def waited(since: date) -> int:
        return days_waiting(since, today) if since <= today else 0

    waiting_for, since = "", None
    if state.withdrawal is not None:
        pass
    elif state.pending_reconsideration is not None:
        waiting_for, since = "reconsideration", state.pending_reconsideration.on
    elif state.rg is None:
        waiting_for, since = "RG", submitted
    elif state.rg.outcome is Outcome.POSITIVE and state.cg is None:
        waiting_for, since = "CG", state.rg.on
    rg_positive = state.rg if state.rg is not None and state.rg.outcome is Outcome.POSITIVE else None
    standing = state.standing
    window = None
    if (
        standing is not None
        and standing.outcome is Outcome.NEGATIVE
        and state.withdrawal is None
        and state.pending_reconsideration is None
        and state.last is not None
        and state.last.kind is not DecisionKind.RECONSIDERATION_REFUSED
    ):
        window = reconsideration_window_end(standing.on)
    return ReferralClocks(
        rg_expected=expected,
        rg_overdue=state.rg is None and state.withdrawal is None and expected < today,
        waiting_for=waiting_for,
        days_waiting=None if since is None else waited(since),
        recovery_period_end=None if rg_positive is None else recovery_period_end(rg_positive.on),
        reconsideration_window_end=window,
    )


def effective(rows: Iterable[tuple[int, str, str, date, bool, int | None]]) -> list[Decision]:
    """The decisions in force, oldest first, from (id, kind, outcome, decided_on, is_void, supersedes_id)
    rows in id order: void markers and the entries they withdrew are left out."""
    rows = list(rows)
    withdrawn = {s for (_, _, _, _, _, s) in rows if s is not None}
    kept = [r for r in rows if not r[4] and r[0] not in withdrawn]
    kept.sort(key=lambda r: (r[3], r[0]))
    return [Decision(DecisionKind(k), on, Outcome(o) if o else None) for (_, k, o, on, _, _) in kept]
