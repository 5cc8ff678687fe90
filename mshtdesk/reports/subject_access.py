"""A subject access response (DPA 2018 s.45) as plain data: every section of what is held about one
person, with the JSON handed over and the labelled text the PDF sets (``reports.pdf``). Runs no SQL.

The JSON keeps the stored values (ISO dates, UTC times, codes) under their column names, so nothing is
lost in translation; the PDF shows the same values labelled and in words. Ids that only join tables
(the person's own id, user ids, version counters) are left out of both: they say nothing about the
person. Every copy carries the marking OFFICIAL-SENSITIVE.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.engagement import Milestone
from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    NavigatorCloseReason,
    NavigatorNeed,
    NotifiableDecision,
    ReceptionDecision,
)
from mshtdesk.reports.com import OFFICIAL_SENSITIVE
from mshtdesk.store.queries.subject_access import Holdings

MARKING = OFFICIAL_SENSITIVE
TITLE = "Subject access request"
LAW = "Data Protection Act 2018, Part 3, section 45 (right of access by the data subject)"
NOT_RECORDED = "Not recorded"

#: Columns that only join tables or count versions: never shown.
INTERNAL = frozenset(
    {
        "person_id",
        "vlo_user_id",
        "navigator_user_id",
        "district_id",
        "referring_district_id",
        "bed_id",
        "referral_id",
        "recorded_by",
        "import_batch_id",
        "arrest_id",
        "version",
        "merged_into_id",  # shown as the reference of the record merged into ("merged_into")
        "merge_event_id",
    }
)

HANDLING = (
    "This document holds personal data about the person named, drawn from MSHT Desk for a request under "
    "section 45 of the Data Protection Act 2018. Before it is released, the disclosing officer checks "
    "whether any restriction under section 45(4) applies (to avoid prejudicing an investigation or "
    "prosecution, or to protect the rights of others) and redacts accordingly. Of arrests, only what "
    "concerns this person is included: the detainee's identity and the arrest notes are not."
)

LABELS = {
    "milestone": "Milestone",
    "milestone_date": "Date",
    "milestone_reason": "Reason given",
    "withdrawn_at": "Withdrawn",
    "withdrawn_by_name": "Withdrawn by",
    "withdraw_reason": "Reason for withdrawal",
    "person_ref": "Person reference",
    "surname": "Surname",
    "forenames": "Forenames",
    "aliases": "Aliases",
    "date_of_birth": "Date of birth",
    "estimated_age": "Estimated age",
    "gender": "Gender",
    "nationality": "Nationality",
    "second_nationality": "Second nationality",
    "first_language": "First language",
    "interpreter_language": "Interpreter language",
    "contact_details": "Contact details",
    "facts": "Facts",
    "assessments": "Safeguarding notes (assessment, not fact)",
    "vlo": "Victim liaison officer",
    "opted_out_of_updates": "Opted out of updates",
    "review_due": "Retention review due",
    "created_at": "Recorded",
    "updated_at": "Last changed",
    "id": "Record number",
    "referral_ref": "Referral reference",
    "route": "Route",
    "consents": "Consented to referral",
    "cooperates": "Agreed to co-operate",
    "first_responder": "First responder",
    "first_responder_org": "First responder organisation",
    "submitted_date": "Submitted",
    "age_at_referral": "Age at referral",
    "age_at_exploitation": "Age at exploitation",
    "exploitation": "Exploitation (codes)",
    "exploitation_label": "Exploitation",
    "sub_types": "Sub-types",
    "exploitation_location": "Where exploited",
    "crime_ref": "Crime reference",
    "no_crime_reason": "Reason no crime recorded",
    "district": "District",
    "operation": "Operation",
    "notes": "Notes",
    "kind": "Decision",
    "outcome": "Outcome",
    "decided_on": "Decided on",
    "note": "Note",
    "supersedes_id": "Corrects entry number",
    "merged_into": "Merged into (the same person's other record, which holds everything since)",
    "is_void": "Withdrawn entry",
    "reason": "Reason for correction",
    "source": "Source",
    "recorded_at": "Recorded",
    "recorded_by_name": "Recorded by",
    "navigator": "Victim Navigator",
    "referral_date": "Referred",
    "referral_source": "Referred by",
    "consent": "Consented to support",
    "support_plan_opened": "Support plan opened",
    "needs": "Needs",
    "engaged_at_start": "Engaged at start",
    "engaged_now": "Engaged now",
    "engaged_at_charge": "Engaged at charge",
    "statement_date": "Statement or interview",
    "attended_court": "Attended court",
    "gave_evidence": "Gave evidence",
    "repatriated": "Repatriated",
    "closed_date": "Closed",
    "closed_reason": "Reason closed",
    "bed": "Bed",
    "admitted_at": "Admitted",
    "discharged_at": "Discharged",
    "referring_district": "Referring district",
    "adults": "Adults",
    "children": "Children",
    "services": "Services given",
    "nrm_decision_at_reception": "NRM decision at reception",
    "discharge_destination": "Discharged to",
    "contact_at": "Contact",
    "method": "Method",
    "purpose": "Purpose",
    "decision_notified": "Decision notified",
    "decision_date": "Date of that decision",
    "notification_due": "Notification due",
    "notified_on_time": "Notified on time",
    "safeguarding_concern": "Safeguarding concern",
    "summary": "Summary",
    "next_contact_due": "Next contact due",
    "role": "Part played",
    "custody_ref": "Custody reference",
    "arrest_date": "Arrest date",
    "arrest_operation": "Arrest operation",
    "offences": "Offences",
    "supported_by": "Supported by (Victim Navigators)",
}

_LINK_ROLES = {
    "potential_victim": "Potential victim",
    "confirmed_victim": "Confirmed victim",
    "witness": "Witness",
}
_GENDERS = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not known"}


def _enum_label(kind: Any) -> Callable[[str], str]:
    def label(code: str) -> str:
        try:
            return str(kind(code).label)
        except ValueError:
            return code

    return label


def _needs(codes: str) -> str:
    return "; ".join(_enum_label(NavigatorNeed)(c) for c in codes.split(";") if c)


#: Fields stored as codes, shown in words in the PDF (the JSON keeps the code).
CODES: dict[str, Callable[[str], str]] = {
    "route": _enum_label(Route),
    "age_at_referral": _enum_label(AgeAtReferral),
    "age_at_exploitation": _enum_label(AgeAtExploitation),
    "kind": _enum_label(DecisionKind),
    "outcome": _enum_label(Outcome),
    "method": _enum_label(ContactMethod),
    "purpose": _enum_label(ContactPurpose),
    "decision_notified": _enum_label(NotifiableDecision),
    "nrm_decision_at_reception": _enum_label(ReceptionDecision),
    "discharge_destination": _enum_label(DischargeDestination),
    "closed_reason": _enum_label(NavigatorCloseReason),
    "milestone": _enum_label(Milestone),
    "needs": _needs,
    "role": lambda c: _LINK_ROLES.get(c, c),
    "gender": lambda c: _GENDERS.get(c, c),
}


class SectionKey(StrEnum):
    PERSON = "person"
    NRM_REFERRALS = "nrm_referrals"
    NRM_DECISIONS = "nrm_decisions"
    NAVIGATOR_CASES = "navigator_cases"
    HAVEN_STAYS = "haven_house_stays"
    VLO_CONTACTS = "vlo_contacts"
    LINKS = "links_to_arrests_and_operations"
    CONSULTATIONS = "who_consulted_the_record"
    ENGAGEMENT = "engagement_with_investigations"


SECTION_TITLES = {
    SectionKey.PERSON: "The person's record",
    SectionKey.NRM_REFERRALS: "National Referral Mechanism referrals and Duty to Notify",
    SectionKey.NRM_DECISIONS: "NRM decisions (every entry, corrections included)",
    SectionKey.NAVIGATOR_CASES: "Victim Navigator support",
    SectionKey.HAVEN_STAYS: "Stays at Haven House",
    SectionKey.VLO_CONTACTS: "Contacts with the victim liaison officer",
    SectionKey.LINKS: "Links to arrests and operations",
    SectionKey.CONSULTATIONS: "Who consulted or disclosed the record, and when",
    SectionKey.ENGAGEMENT: "Engagement with investigations (every milestone, withdrawn ones included)",
}

#: The consultation table's columns: (key, heading).
CONSULTATION_COLUMNS = (("at", "When"), ("name", "Who"), ("action", "What"), ("record", "Which record"))
_ACTIONS = {"consult": "Opened", "disclose": "Disclosed"}
_ENTITIES = {
    "person": "Person's record",
    "nrm_referral": "NRM referral",
    "navigator_case": "Navigator case",
    "haven_stay": "Haven House stay",
}


@dataclass(frozen=True)
class Record:
    """One stored record: its heading in the PDF and its fields, in order, as (column, stored value)."""

    title: str
    values: tuple[tuple[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {k: json_value(v) for k, v in self.values}


@dataclass(frozen=True)
class Section:
    key: SectionKey
    records: tuple[Record, ...]

    @property
    def title(self) -> str:
        return SECTION_TITLES[self.key]


@dataclass(frozen=True)
class SubjectAccess:
    """Everything held about one person, ready to be written as JSON or set as a PDF."""

    person_ref: str
    name: str  # "Surname, Forenames", or the reference when no name is kept
    force: str
    prepared_by: str
    produced: datetime
    sections: tuple[Section, ...]
    marking: str = MARKING

    def section(self, key: SectionKey) -> Section:
        return next(s for s in self.sections if s.key is key)

    def json_bytes(self) -> bytes:
        payload: dict[str, Any] = {
            "marking": self.marking,
            "document": TITLE,
            "law": LAW,
            "person_ref": self.person_ref,
            "force": self.force,
            "prepared_by": self.prepared_by,
            "produced": json_value(self.produced),
            "handling": HANDLING,
            "sections": {},
        }
        for s in self.sections:
            records = [r.as_json() for r in s.records]
            payload["sections"][s.key.value] = records[0] if s.key is SectionKey.PERSON else records
        return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ----- values --------------------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def label_of(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def text_of(key: str, value: Any) -> str:
    """A stored value as the PDF shows it: in words, dates the UK way, times in London."""
    if value is None or value == "":
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return _utc(value).astimezone(LONDON).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return uk(value)
    if isinstance(value, str) and key in CODES:
        return CODES[key](value)
    return str(value)


# ----- assembly ------------------------------------------------------------------------------------


def _shown(row: Mapping[str, Any], drop: Sequence[str] = ()) -> tuple[tuple[str, Any], ...]:
    return tuple((k, v) for k, v in row.items() if k not in INTERNAL and k not in drop)


def _consultation(row: Mapping[str, Any], refs: Mapping[tuple[str, str], str]) -> Record:
    entity, record_id = str(row["entity"]), str(row["record_id"])
    what = _ENTITIES.get(entity, entity)
    ref = refs.get((entity, record_id), "")
    return Record(
        "",
        (
            ("at", row["at"]),
            ("username", row["username"]),
            ("name", row["name"]),
            ("action", _ACTIONS.get(str(row["action"]), str(row["action"]))),
            ("record", f"{what} {ref}".strip()),
        ),
    )


def build_subject_access(
    holdings: Holdings, *, force: str, prepared_by: str, produced: datetime
) -> SubjectAccess:
    """Assemble the document from the sections read by ``store.queries.subject_access``."""
    person: Mapping[str, Any] = holdings.person
    ref = str(person["person_ref"])
    name = ", ".join(p for p in (str(person["surname"]).strip(), str(person["forenames"]).strip()) if p)
    supporters = "; ".join(str(s["navigator"]) for s in holdings.supporters)
    person_values = (*_shown(person, ("id",)), ("supported_by", supporters))

    referrals = tuple(Record(f"Referral {r['referral_ref']}", _shown(r, ("id",))) for r in holdings.referrals)
    decisions = tuple(
        Record(
            f"{text_of('kind', d['kind'])} on referral {d['referral_ref']}, entry {d['id']}",
            _shown(d),
        )
        for d in holdings.decisions
    )
    cases = tuple(Record(f"Navigator case {c['id']}", _shown(c)) for c in holdings.navigator_cases)
    stays = tuple(
        Record(f"Stay {s['id']}, admitted {text_of('admitted_at', s['admitted_at'])}", _shown(s))
        for s in holdings.stays
    )
    contacts = tuple(
        Record(f"Contact on {text_of('contact_at', c['contact_at'])}", _shown(c)) for c in holdings.contacts
    )
    by_arrest: dict[Any, list[str]] = {}
    for o in holdings.offences:
        title = f"{o['offence']} ({o['legislation']} {o['section']})".replace(" ()", "").strip()
        by_arrest.setdefault(o["arrest_id"], []).append(f"{o['offence_ref']}: {title}")
    links = tuple(
        Record(
            f"Arrest {link['custody_ref']}" if link["custody_ref"] else f"Operation {link['operation']}",
            (*_shown(link, ("id",)), ("offences", "; ".join(by_arrest.get(link["arrest_id"], [])))),
        )
        for link in holdings.links
    )
    refs: dict[tuple[str, str], str] = {("person", str(person["id"])): ref}
    refs.update({("nrm_referral", str(r["id"])): str(r["referral_ref"]) for r in holdings.referrals})
    refs.update({("navigator_case", str(c["id"])): str(c["id"]) for c in holdings.navigator_cases})
    refs.update({("haven_stay", str(s["id"])): str(s["id"]) for s in holdings.stays})
    consultations = tuple(_consultation(row, refs) for row in holdings.consultations)
    milestones = tuple(
        Record(
            f"{text_of('milestone', m['milestone'])} on {text_of('milestone_date', m['milestone_date'])}",
            _shown(m),
        )
        for m in holdings.milestones
    )
    return SubjectAccess(
        person_ref=ref,
        name=name or ref,
        force=force,
        prepared_by=prepared_by,
        produced=produced,
        sections=(
            Section(SectionKey.PERSON, (Record(name or ref, person_values),)),
            Section(SectionKey.NRM_REFERRALS, referrals),
            Section(SectionKey.NRM_DECISIONS, decisions),
            Section(SectionKey.NAVIGATOR_CASES, cases),
            Section(SectionKey.HAVEN_STAYS, stays),
            Section(SectionKey.VLO_CONTACTS, contacts),
            Section(SectionKey.LINKS, links),
            Section(SectionKey.ENGAGEMENT, milestones),
            Section(SectionKey.CONSULTATIONS, consultations),
        ),
    )
