"""NRM format: a team's NRM register (the spreadsheet kept before MSHT Desk), one CSV row per referral.

Columns (any order, header names case-insensitive): referral_ref, person_ref, surname, forenames,
date_of_birth, gender, nationality, route, submitted_date, age_at_referral, age_at_exploitation,
exploitation, exploitation_location, crime_ref, no_crime_reason, rg_outcome, rg_date, cg_outcome, cg_date.
Values are case-insensitive. The same rules as the custody import: every row is checked against the file
and the database before anything is written; any problem rejects the whole file, each named by physical
line, column and reason; a referral is identified by its reference and a person by ``person_ref``, so a
file imported twice, or a later cumulative register, adds only what is new. A value that contradicts
another row or what is stored is an error, never silently overwritten; a person's detail the database
lacks is filled in. Decisions from the RG and CG columns keep the sequence rules of ``domain.nrm``.

Its row rules are the NRM service's own (``services.nrm_rules``: the referral form's checks), which is
why ``mshtdesk.imports`` sits in the services layer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.dates import parse_date, uk
from mshtdesk.domain.exploitation import ExploitationType, home_office_label, parse_exploitation_type
from mshtdesk.domain.nationalities import parse_nationality
from mshtdesk.domain.nrm import (
    AgeAtExploitation,
    AgeAtReferral,
    Decision,
    DecisionKind,
    Outcome,
    ReferralFacts,
    Route,
    age_against_referral,
    check_age,
    check_decision,
)
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.imports.pipeline import Batch, ImportFormat, SummaryText, Ticker
from mshtdesk.imports.pipeline import clip as _clip
from mshtdesk.services.nrm_rules import effective, exploitation_codes, referral_problems
from mshtdesk.services.nrm_types import ExploitationLocation, ReferralInput
from mshtdesk.services.people import GENDERS
from mshtdesk.store.queries import imports as q
from mshtdesk.store.queries.nrm import referral_ages
from mshtdesk.store.tables import NRM_REFERRAL, PERSON, utcnow

__all__ = ["COLUMNS", "NrmImport", "NrmImportSummary"]

COLUMNS = (
    "referral_ref",
    "person_ref",
    "surname",
    "forenames",
    "date_of_birth",
    "gender",
    "nationality",
    "route",
    "submitted_date",
    "age_at_referral",
    "age_at_exploitation",
    "exploitation",
    "exploitation_location",
    "crime_ref",
    "no_crime_reason",
    "rg_outcome",
    "rg_date",
    "cg_outcome",
    "cg_date",
)
MAX_LEN = {
    "referral_ref": 32,
    "person_ref": 16,
    "surname": 120,
    "forenames": 120,
    "crime_ref": 64,
    "no_crime_reason": 1000,
}
#: Which import column a problem found by ``referral_problems`` (named by form field) belongs to.
FIELD_COLUMN = {"consent": "route", "name": "surname", "cooperates": "route"}
#: Referral columns an import compares with what is stored (and stores for a new referral).
COMPARED = (
    "route",
    "submitted_date",
    "age_at_referral",
    "age_at_exploitation",
    "exploitation",
    "exploitation_location",
    "crime_ref",
    "no_crime_reason",
)
PERSON_FIELDS = ("surname", "forenames", "date_of_birth", "gender", "nationality")
#: What an import writes on a new referral (the other columns take their defaults) and a decision.
REFERRAL_COLUMNS = (
    "referral_ref",
    "person_id",
    *COMPARED,
    "consents",
    "cooperates",
    "exploitation_label",
    "import_batch_id",
    "version",
    "created_at",
    "updated_at",
)
DECISION_COLUMNS = (
    "referral_id",
    "kind",
    "outcome",
    "decided_on",
    "note",
    "supersedes_id",
    "is_void",
    "reason",
    "source",
    "import_batch_id",
    "recorded_by",
    "recorded_at",
)
#: Columns whose cells may hold line breaks and tabs (a reason written in a spreadsheet cell).
MULTILINE = frozenset({"no_crime_reason"})
EARLIEST_BIRTH = date(1900, 1, 1)


def _key(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()


ROUTES = {"nrm": Route.NRM, "dtn": Route.DUTY_TO_NOTIFY, "duty to notify": Route.DUTY_TO_NOTIFY}
LOCATIONS = {_key(loc.label): loc for loc in ExploitationLocation} | {
    _key(loc.value): loc for loc in ExploitationLocation
}
GENDER_CHOICES = {g: g for g in GENDERS}
AGES_AT_REFERRAL = {a.value: a for a in AgeAtReferral}
AGES_AT_EXPLOITATION = {a.value: a for a in AgeAtExploitation}
RG_OUTCOMES = {"positive": Outcome.POSITIVE, "negative": Outcome.NEGATIVE}
CG_OUTCOMES = {
    "positive trafficking": Outcome.POSITIVE_TRAFFICKING,
    "positive slavery": Outcome.POSITIVE_SLAVERY,
    "negative": Outcome.NEGATIVE,
}


@dataclass(frozen=True)
class NrmImportSummary(SummaryText):
    file_name: str
    rows_read: int
    referrals_added: int
    people_added: int
    people_completed: int  # stored people given a detail they lacked (a blank filled, never a change)
    decisions_added: int
    referrals_already_present: int
    warnings: tuple[str, ...]  # accepted as recorded (e.g. a CG inside the recovery period)
    batch_id: int | None  # None for a dry run or a file that added nothing
    dry_run: bool = False
    # referrals of people erased since (``services/retention.py``): left out whole, so an NRM register
    # exported again never brings an erased name back, and never a reason to refuse the file
    erased_left_out: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.referrals_added or self.people_added or self.people_completed or self.decisions_added
        )

    def counts(self) -> str:
        return (
            f"{self.referrals_added} new referrals, {self.people_added} new people and "
            f"{self.decisions_added} new decisions from {self.rows_read} rows "
            f"({self.referrals_already_present} referrals are already recorded"
            + (f"; {self.people_completed} people given details they lacked" if self.people_completed else "")
            + (
                f"; {self.erased_left_out} referral{'s' if self.erased_left_out != 1 else ''} of erased "
                "people left out, their data stays erased"
                if self.erased_left_out
                else ""
            )
            + ")"
        )

    def note(self) -> str:
        if not self.warnings:
            return ""
        n = len(self.warnings)
        note = f" {n} decision{'s' if n != 1 else ''} accepted with a warning: " + "; ".join(
            self.warnings[:5]
        )
        return note + ("." if n <= 5 else f"; and {n - 5} more.")


@dataclass
class _Person:
    line: int
    values: dict[str, Any]  # PERSON_FIELDS -> value ("" / None / "unknown" when the file does not say)
    lines: dict[str, int] = field(default_factory=dict)  # field -> line that first gave it


@dataclass(frozen=True)
class _Decision:
    kind: DecisionKind
    outcome: Outcome
    on: date
    column: str  # "rg" or "cg": the columns its problems are named by


@dataclass
class _Referral:
    line: int
    person_ref: str
    data: ReferralInput
    values: dict[str, Any]  # what is stored on the referral row, for comparisons
    decisions: tuple[_Decision, ...]
    #: What checking ``decisions`` in order warned of (a CG inside the recovery period, say): for a
    #: referral not stored yet, the whole check the write would repeat
    warnings: tuple[str, ...] = ()


def _sentence(message: str) -> str:
    """A rule's message as an import reason: after "line N, column:", lower case, no full stop."""
    return (message[:1].lower() + message[1:]).rstrip(".")


def _blank(value: Any) -> bool:
    return value in ("", None, "unknown")


class NrmImport(ImportFormat[NrmImportSummary]):
    """Checks the rows of one register against each other, then against the database, and writes them."""

    columns = COLUMNS
    multiline = MULTILINE
    records = "referrals"
    cancel_every = 1
    progress_every = 200
    errors_by_line = True
    needs = (
        (Action.CREATE, Entity.NRM_REFERRAL),
        (Action.CREATE, Entity.PERSON),
    )
    audit_fields = ("people", "nrm_referrals", "nrm_decisions")
    audit_reason = "NRM register import of {file_name}"

    def __init__(self, today: date, *, recorded_by: int | None = None) -> None:
        super().__init__(today)
        self.recorded_by = recorded_by  # the user the imported decisions are recorded by
        self.people: dict[str, _Person] = {}
        self.referrals: dict[str, _Referral] = {}
        self._dates: dict[str, date | str] = {}  # text -> the date, or why it is not one
        self._keys: dict[str, str] = {}  # text -> ``_key(text)``
        self._nationalities: dict[str, str] = {}  # text -> code ("" when not a nationality)
        self._codes: dict[frozenset[ExploitationType], str] = {}  # flags -> ``exploitation_codes``
        self._flag_sets: dict[str, tuple[frozenset[ExploitationType], tuple[str, ...]]] = {}

    def check_rows(self, rows: Iterator[tuple[int, list[str]]]) -> None:
        for line, values in rows:
            self.row(line, dict(zip(COLUMNS, values, strict=True)))

    def finish(self) -> None:
        self.check_anonymity()
        self.check_ages()

    # ----- one row -------------------------------------------------------------------------------
    def _date(self, line: int, column: str, text: str, label: str, earliest: date) -> date | None:
        # a register repeats the same few thousand dates: each text is parsed once
        day = self._dates.get(text)
        if day is None:
            try:
                day = self._dates[text] = parse_date(text)
            except ValueError as exc:
                day = self._dates[text] = str(exc)
        if isinstance(day, str):
            self.error(line, column, day)
            return None
        if day > self.today:
            self.error(line, column, f"{label} {uk(day)} is in the future")
            return None
        if day < earliest:
            self.error(line, column, f"{label} {uk(day)} is before {uk(earliest)}; check the year")
            return None
        return day

    def _choice(self, line: int, column: str, text: str, choices: dict[str, Any], words: str) -> Any:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = _key(text)
        found = choices.get(key)
        if found is None:
            what = f"'{_clip(text)}' is not" if text else "is empty; it must be"
            self.error(line, column, f"{what} one of {words}")
        return found

    def row(self, line: int, v: dict[str, str]) -> None:
        n_before = self.found
        for column, limit in MAX_LEN.items():
            if len(v[column]) > limit:
                self.error(line, column, f"is {len(v[column])} characters long; at most {limit} are allowed")
        for column in ("referral_ref", "person_ref"):
            if not v[column]:
                self.error(line, column, "is empty")
        person = self._person(line, v)
        route = self._choice(line, "route", v["route"], ROUTES, "NRM or DtN")
        age = self._choice(
            line,
            "age_at_referral",
            v["age_at_referral"],
            AGES_AT_REFERRAL,
            "adult, child, unknown or disputed",
        )
        age_exp = (
            self._choice(
                line,
                "age_at_exploitation",
                v["age_at_exploitation"],
                AGES_AT_EXPLOITATION,
                "adult, child or unknown",
            )
            if v["age_at_exploitation"]
            else AgeAtExploitation.UNKNOWN
        )
        location = (
            self._choice(
                line,
                "exploitation_location",
                v["exploitation_location"],
                LOCATIONS,
                "UK, Overseas, UK and Overseas or Unknown",
            )
            if v["exploitation_location"]
            else ExploitationLocation.UNKNOWN
        )
        flags = self._flags(line, v["exploitation"])
        submitted = None
        if v["submitted_date"]:
            submitted = self._date(
                line, "submitted_date", v["submitted_date"], "submission date", date(2009, 4, 1)
            )
        else:
            self.error(line, "submitted_date", "is empty")
        if self.found > n_before or person is None:
            return
        assert isinstance(route, Route) and isinstance(age, AgeAtReferral)
        adult = not age.may_be_child
        data = ReferralInput(
            route=route,
            age_at_referral=age,
            submitted_date=submitted,
            referral_ref=v["referral_ref"],
            consents=(route is Route.NRM) if adult else None,
            cooperates=False if route is Route.DUTY_TO_NOTIFY else None,
            age_at_exploitation=age_exp,
            exploitation=flags,
            exploitation_location=location,
            crime_ref=v["crime_ref"],
            no_crime_reason=v["no_crime_reason"],
        )
        named = bool(v["surname"] or v["forenames"])
        # the age rule waits for the whole file (a date of birth may come on a later row): check_ages
        # every cell's characters were checked as the row was read (a refused one stops the row there)
        problems, normalised = referral_problems(data, today=self.today, name_kept=named, texts_checked=True)
        for name, message in problems.items():
            column = FIELD_COLUMN.get(name, name)
            if name == "name":
                message = (
                    "a Duty to Notify is anonymous: leave surname and forenames empty (names are kept only "
                    "for a person who agrees to co-operate; record that in the app)"
                )
            self.error(line, column if column in COLUMNS else "row", message.rstrip("."))
        checked = self._decisions(line, v, route, submitted)
        if self.found > n_before or checked is None:
            return
        decisions, warnings = checked
        self._merge_person(v["person_ref"], person)
        codes = self._codes.get(normalised)
        if codes is None:
            codes = self._codes[normalised] = exploitation_codes(normalised)
        referral = _Referral(
            line,
            v["person_ref"],
            data,
            {
                "route": route.value,
                "submitted_date": submitted,
                "age_at_referral": age.value,
                "age_at_exploitation": age_exp.value,
                "exploitation": codes,
                "exploitation_location": location.value,
                "crime_ref": v["crime_ref"],
                "no_crime_reason": v["no_crime_reason"],
            },
            decisions,
            warnings,
        )
        self._merge_referral(v, referral)

    def _person(self, line: int, v: dict[str, str]) -> _Person | None:
        n_before = self.found
        dob = None
        if v["date_of_birth"]:
            dob = self._date(line, "date_of_birth", v["date_of_birth"], "date of birth", EARLIEST_BIRTH)
        gender = "unknown"
        if v["gender"]:
            gender = self._choice(
                line, "gender", v["gender"], GENDER_CHOICES, "female, male, other or unknown"
            )
        nationality = ""
        if v["nationality"]:
            text = v["nationality"]
            known = self._nationalities.get(text)
            if known is None:
                known = self._nationalities[text] = parse_nationality(text) or ""
            nationality = known
            if not nationality:
                self.error(
                    line,
                    "nationality",
                    f"'{_clip(v['nationality'])}' is not a nationality (use a name such as Polish, Albanian "
                    "or British, or an ISO 3166 alpha-3 code such as POL)",
                )
        if self.found > n_before:
            return None
        values = {
            "surname": v["surname"],
            "forenames": v["forenames"],
            "date_of_birth": dob,
            "gender": gender,
            "nationality": nationality,
        }
        return _Person(line, values, {k: line for k, val in values.items() if not _blank(val)})

    def _flags(self, line: int, text: str) -> frozenset[ExploitationType]:
        known = self._flag_sets.get(text)
        if known is None:  # each distinct cell read once: (the flags, the parts that are not one)
            found: set[ExploitationType] = set()
            unknown: list[str] = []
            for part in (p.strip() for p in text.split(";")):
                if not part:
                    continue
                flag = parse_exploitation_type(part)
                if flag is None:
                    unknown.append(part)
                else:
                    found.add(flag)
            known = self._flag_sets[text] = (frozenset(found), tuple(unknown))
        for part in known[1]:
            self.error(
                line,
                "exploitation",
                f"'{_clip(part)}' is not an exploitation type (use Sexual, Labour, Domestic, Criminal, "
                "Organ harvesting or Not specified, separated by ';')",
            )
        return known[0]

    def _decisions(
        self, line: int, v: dict[str, str], route: Route, submitted: date | None
    ) -> tuple[tuple[_Decision, ...], tuple[str, ...]] | None:
        """The row's RG and CG, checked in order as a new referral's history; with the check's warnings."""
        n_before = self.found
        found: list[_Decision] = []
        for prefix, kind, choices, words in (
            ("rg", DecisionKind.RG, RG_OUTCOMES, "positive or negative"),
            ("cg", DecisionKind.CG, CG_OUTCOMES, "positive-trafficking, positive-slavery or negative"),
        ):
            outcome_text, date_text = v[f"{prefix}_outcome"], v[f"{prefix}_date"]
            if not outcome_text and not date_text:
                continue
            if not outcome_text:
                self.error(line, f"{prefix}_outcome", f"is empty but {prefix}_date is given")
                continue
            outcome = self._choice(line, f"{prefix}_outcome", outcome_text, choices, words)
            if not date_text:
                self.error(line, f"{prefix}_date", f"is empty but {prefix}_outcome is given")
                continue
            label = f"{prefix.upper()} date"
            on = self._date(line, f"{prefix}_date", date_text, label, date(2009, 4, 1))
            if on is not None and submitted is not None and on < submitted:
                self.error(
                    line, f"{prefix}_date", f"{uk(on)} is before the referral was submitted ({uk(submitted)})"
                )
            elif outcome is not None and on is not None:
                found.append(_Decision(kind, outcome, on, prefix))
        if found and route is Route.DUTY_TO_NOTIFY:
            self.error(
                line,
                f"{found[0].column}_outcome",
                "a Duty to Notify receives no NRM decisions; leave it empty",
            )
        if self.found > n_before:
            return None
        history: list[Decision] = []
        warnings: list[str] = []
        for d in found:
            check = check_decision(history, Decision(d.kind, d.on, d.outcome))
            for p in check.errors:
                column = f"{d.column}_date" if p.field == "decision_date" else f"{d.column}_outcome"
                self.error(line, column, p.message[:1].lower() + p.message[1:])
            warnings += [f"line {line}: {w.message}" for w in check.warnings]
            history.append(Decision(d.kind, d.on, d.outcome))
        return None if self.found > n_before else (tuple(found), tuple(warnings))

    # ----- across rows ---------------------------------------------------------------------------
    def _merge_person(self, ref: str, new: _Person) -> None:
        known = self.people.get(ref)
        if known is None:
            self.people[ref] = new
            return
        for name in PERSON_FIELDS:
            value = new.values[name]
            if _blank(value):
                continue
            if _blank(known.values[name]):
                known.values[name] = value
                known.lines[name] = new.line
            elif known.values[name] != value and str(known.values[name]).casefold() != str(value).casefold():
                shown = uk(value) if isinstance(value, date) else _clip(str(value))
                self.error(
                    new.line,
                    name,
                    f"'{shown}' contradicts line {known.lines[name]} for person {ref}",
                )

    def _merge_referral(self, v: dict[str, str], referral: _Referral) -> None:
        """A referral on two rows must say the same thing twice (compared as understood, so "ROU" and
        "Romanian", "UK" and "uk" agree; the person's details were compared as the person's)."""
        ref = v["referral_ref"]
        seen = self.referrals.get(ref)
        if seen is None:
            self.referrals[ref] = referral
            return
        differ = [c for c in COMPARED if seen.values[c] != referral.values[c]]
        if seen.person_ref != referral.person_ref:
            differ.insert(0, "person_ref")
        for prefix, kind in (("rg", DecisionKind.RG), ("cg", DecisionKind.CG)):
            mine = [d for d in referral.decisions if d.kind is kind]
            theirs = [d for d in seen.decisions if d.kind is kind]
            if [(d.outcome, d.on) for d in mine] != [(d.outcome, d.on) for d in theirs]:
                differ.append(f"{prefix}_outcome/{prefix}_date")
        if differ:
            self.error(
                referral.line,
                differ[0].split("/")[0],
                f"referral {ref} is also on line {seen.line} with a different {', '.join(differ)}",
            )

    def check_ages(self) -> None:
        """The age rule (``domain.nrm.check_age``) for each referral, with its person's date of birth from
        whichever row of the file gave it: a child at referral is never an adult nor a Duty to Notify."""
        for r in self.referrals.values():
            person = self.people.get(r.person_ref)
            born = None if person is None else person.values["date_of_birth"]
            if person is None or born is None:
                continue
            born_line = person.lines["date_of_birth"]
            for p in check_age(self._facts(r, born, None)):
                if p.field == "date_of_birth":
                    where = "" if born_line == r.line else f" (referral {r.data.referral_ref}, line {r.line})"
                    self.error(born_line, p.field, _sentence(p.message) + where)
                else:
                    where = "" if born_line == r.line else f" (date of birth on line {born_line})"
                    self.error(r.line, p.field, _sentence(p.message) + where)

    @staticmethod
    def _facts(r: _Referral, born: date | None, estimated_age: int | None) -> ReferralFacts:
        return ReferralFacts(
            route=r.data.route,
            age_at_referral=r.data.age_at_referral,
            age_at_exploitation=r.data.age_at_exploitation,
            date_of_birth=born,
            estimated_age=estimated_age,
            referred_on=r.data.submitted_date,
        )

    def _check_stored_ages(
        self,
        conn: Connection,
        people: dict[str, q.StoredPerson],
        fills: dict[int, dict[str, Any]],
        new: list[str],
    ) -> None:
        """The age rule across the file and the database: a new referral of a stored person against the
        stored date of birth or estimated age (when the file gives none), and a date of birth the file
        fills in against that person's stored referrals (refused, as a person edit is)."""
        for ref in new:
            r = self.referrals[ref]
            stored = people.get(r.person_ref)
            if stored is None or self.people[r.person_ref].values["date_of_birth"] is not None:
                continue
            born, estimate = stored.values["date_of_birth"], stored.values["estimated_age"]
            what = "date of birth" if born is not None else "estimated age"
            for p in check_age(self._facts(r, born, estimate)):
                column = "submitted_date" if p.field == "date_of_birth" else p.field
                self.error(
                    r.line, column, f"{_sentence(p.message)} (the stored {what} of person {r.person_ref})"
                )
        filled = {pid: v["date_of_birth"] for pid, v in fills.items() if "date_of_birth" in v}
        ref_of_id = {v.id: ref for ref, v in people.items()}
        for s in referral_ages(conn, list(filled)):
            if s.referral_ref in self.referrals:
                continue  # in the file too: check_ages has checked it with the file's date of birth
            facts = ReferralFacts(
                route=Route(s.route),
                age_at_referral=AgeAtReferral(s.age_at_referral),
                age_at_exploitation=AgeAtExploitation(s.age_at_exploitation),
                date_of_birth=filled[s.person_id],
                referred_on=s.submitted_date,
            )
            found = age_against_referral(s.referral_ref, facts)
            if found is not None:
                person_ref = ref_of_id[s.person_id]
                self.error(
                    self.people[person_ref].lines["date_of_birth"],
                    "date_of_birth",
                    f"{_sentence(found)} (stored for person {person_ref}); correct the referral in the app "
                    "first",
                )

    def check_anonymity(self) -> None:
        """A Duty to Notify's person keeps no name, even one given on another row of the file."""
        for ref, r in self.referrals.items():
            person = self.people.get(r.person_ref)
            if r.data.route is not Route.DUTY_TO_NOTIFY or person is None:
                continue
            line = person.lines.get("surname") or person.lines.get("forenames")
            if line is not None:
                self.error(
                    r.line,
                    "person_ref",
                    f"referral {ref} is a Duty to Notify, which is anonymous, but line {line} names person "
                    f"{r.person_ref}",
                )

    def write(self, conn: Connection, batch: Batch) -> NrmImportSummary:
        people = q.stored_people(conn, self.people, (*PERSON_FIELDS, "estimated_age", "erased_at"))
        erased = {ref for ref, v in people.items() if v.values["erased_at"] is not None}
        # a person since merged into another: their rows, and any new referral, belong to the record kept
        kept = q.merged_people(conn, [ref for ref in self.people if ref in people])
        # ----- people against the database: fill blanks, refuse changes (an erased or merged person:
        # neither; a merged record is no longer completed)
        fills: dict[int, dict[str, Any]] = {}
        for ref, p in self.people.items():
            stored_person = people.get(ref)
            if stored_person is None or ref in erased or ref in kept:
                continue
            for name in PERSON_FIELDS:
                mine, theirs = p.values[name], stored_person.values[name]
                if _blank(mine):
                    continue
                if _blank(theirs):
                    fills.setdefault(stored_person.id, {})[name] = mine
                elif mine != theirs and str(mine).casefold() != str(theirs).casefold():
                    shown = uk(theirs) if isinstance(theirs, date) else _clip(str(theirs))
                    self.error(
                        p.lines[name],
                        name,
                        f"contradicts the stored {name.replace('_', ' ')} of person {ref} ({shown})",
                    )
        named = [pid for pid, values in fills.items() if values.get("surname") or values.get("forenames")]
        ref_of_id = {v.id: ref for ref, v in people.items()}
        for pid, dtn_ref in q.anonymous_referrals(conn, named):
            named_person = self.people[ref_of_id[pid]]
            column = "surname" if "surname" in fills[pid] else "forenames"
            self.error(
                named_person.lines[column],
                column,
                f"person {ref_of_id[pid]} has an anonymous Duty to Notify ({dtn_ref}), so no name is kept "
                "for them unless they agree to co-operate (record that in the app)",
            )
        # ----- referrals against the database
        stored_refs = q.stored_referrals(conn, list(self.referrals), COMPARED)
        decided = q.decision_rows(conn, [v.id for v in stored_refs.values()])
        history = {rid: effective(rows) for rid, rows in decided.items()}
        new_decisions: list[tuple[str, _Decision]] = []
        warnings: list[str] = []
        present = 0
        left_out = {ref for ref, r in self.referrals.items() if r.person_ref in erased}
        for ref, r in self.referrals.items():
            if ref in left_out:
                continue
            stored_ref = stored_refs.get(ref)
            person = people.get(r.person_ref)
            if r.data.route is Route.DUTY_TO_NOTIFY and person is not None and stored_ref is None:
                values = person.values
                if values["surname"] or values["forenames"] or person.has_aliases_or_contact:
                    self.error(
                        r.line,
                        "person_ref",
                        f"person {r.person_ref} is stored with a name or contact details, but a Duty to "
                        "Notify is anonymous unless the person agrees to co-operate (record that in the app)",
                    )
                    continue
            if stored_ref is None:  # its decisions were checked as its history when the row was read
                new_decisions += [(ref, d) for d in r.decisions]
                warnings += r.warnings
                continue
            present += 1
            rid, owner, stored_values = stored_ref
            if owner != r.person_ref and (r.person_ref not in kept or owner != kept[r.person_ref].person_ref):
                self.error(r.line, "person_ref", f"referral {ref} is stored for person {owner}")
            for column, value in r.values.items():
                theirs = stored_values[column]
                if value != theirs:
                    shown = uk(theirs) if isinstance(theirs, date) else _clip(str(theirs) or "empty")
                    self.error(r.line, column, f"contradicts the stored referral {ref} ({shown})")
            past: list[Decision] = list(history.get(rid, []))
            for d in r.decisions:
                mine = Decision(d.kind, d.on, d.outcome)
                if mine in past:
                    continue
                same_kind = [p for p in past if p.kind is d.kind]
                if same_kind:
                    s = same_kind[-1]
                    what = f"{s.outcome.label if s.outcome else ''}, {uk(s.on)}"
                    self.error(
                        r.line,
                        f"{d.column}_outcome",
                        f"contradicts the stored {d.kind.label} ({what}); record a change in the app",
                    )
                    continue
                check = check_decision(past, mine)
                for problem in check.errors:
                    column = f"{d.column}_date" if problem.field == "decision_date" else f"{d.column}_outcome"
                    self.error(r.line, column, problem.message[:1].lower() + problem.message[1:])
                warnings += [f"line {r.line}: {w.message}" for w in check.warnings]
                past.append(mine)
                new_decisions.append((ref, d))
        new_refs = [ref for ref in self.referrals if ref not in stored_refs and ref not in left_out]
        self._check_stored_ages(conn, people, fills, new_refs)
        if self.errors:
            return NrmImportSummary(
                batch.file_name, self.rows, 0, 0, 0, 0, present, (), None, batch.dry_run, len(left_out)
            )

        # ----- write what is new
        new_people = [ref for ref in self.people if ref not in people]
        tick = Ticker(
            len(new_people) + len(fills) + len(new_refs) + len(new_decisions),
            batch.progress,
            batch.cancel,
            50,
        )
        now = utcnow()
        batch_id: int | None = None
        if tick.total:
            batch_id = q.insert_batch(
                conn,
                {
                    "file_name": batch.file_name[-260:],
                    "sha256": batch.sha256,
                    "imported_at": now,
                    "row_count": self.rows,
                    "arrests_added": 0,
                    "offences_added": 0,
                    "events_added": 0,
                    "kind": "nrm",
                    "referrals_added": len(new_refs),
                    "decisions_added": len(new_decisions),
                },
            )
        # In bulk: each table in one executemany of plain tuples, the new ids read back in one pass over
        # what is above the old maximum (rows another writer added meanwhile fail the membership test).
        person_id_of = {ref: v.id for ref, v in people.items()}
        person_id_of.update({ref: k.id for ref, k in kept.items()})
        above = q.max_id(conn, PERSON)
        q.insert_people(
            conn,
            ("person_ref", *PERSON_FIELDS, "version", "created_at", "updated_at"),
            [(ref, *(self.people[ref].values[f] for f in PERSON_FIELDS), 1, now, now) for ref in new_people],
        )
        wanted = set(new_people)
        person_id_of.update((ref, pid) for ref, pid in q.people_above(conn, above) if ref in wanted)
        tick(len(new_people))
        q.fill_people(conn, fills, now)
        tick(len(fills))
        referral_id_of = {ref: v.id for ref, v in stored_refs.items()}
        # in submission order (a register's rows come in no order): a period's referrals then sit in
        # neighbouring pages, and the date-led indexes are appended to rather than written all over
        referrals = self.referrals
        new_refs.sort(key=lambda ref: (referrals[ref].values["submitted_date"], referrals[ref].line))
        labels: dict[str, str] = {}  # exploitation codes -> the Home Office label
        rows: list[tuple[Any, ...]] = []
        for ref in new_refs:
            r = self.referrals[ref]
            codes = r.values["exploitation"]
            label = labels.get(codes)
            if label is None:
                label = labels[codes] = home_office_label({ExploitationType(c) for c in codes.split(";")})
            v = r.values
            rows.append(
                (
                    ref,
                    person_id_of[r.person_ref],
                    *(v[c] for c in COMPARED),
                    r.data.consents,
                    r.data.cooperates,
                    label,
                    batch_id,
                    1,
                    now,
                    now,
                )
            )
        # the referrals awaiting a decision are derived for the new rows at the end, not row by row
        with q.appending_referrals(conn):
            above = q.max_id(conn, NRM_REFERRAL)
            q.insert_referrals(conn, REFERRAL_COLUMNS, rows)
            wanted = set(new_refs)
            referral_id_of.update((ref, rid) for ref, rid in q.referrals_above(conn, above) if ref in wanted)
            tick(len(new_refs))
            recorded_by = self.recorded_by
            # by referral (a stable sort: each referral's decisions keep their order, which their ids record)
            new_decisions.sort(key=lambda pair: referral_id_of[pair[0]])
            q.insert_decisions(
                conn,
                DECISION_COLUMNS,
                [
                    (
                        referral_id_of[ref],
                        d.kind.value,
                        d.outcome.value,
                        d.on,
                        "",
                        None,
                        False,
                        "",
                        "import",
                        batch_id,
                        recorded_by,
                        now,
                    )  # fmt: skip
                    for ref, d in new_decisions
                ],
            )
            tick(len(new_decisions))
        return NrmImportSummary(
            batch.file_name,
            self.rows,
            len(new_refs),
            len(new_people),
            len(fills),
            len(new_decisions),
            present,
            tuple(warnings),
            None if batch.dry_run else batch_id,
            batch.dry_run,
            len(left_out),
        )
