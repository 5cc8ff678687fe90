"""Subject access (DPA 2018 s.45, issue 12 item 8): everything held about one person and nobody else's,
marked OFFICIAL-SENSITIVE in the JSON and on every PDF page, recorded as a disclosure with its reason;
refusals (unknown person, a role that may not, a bad reason, the database as the output) write nothing
and record no disclosure. Also the command line's people list (item 4): scoped, and a consultation."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mshtdesk.domain.nrm import DecisionKind, Outcome
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.store.output_files import OutputExistsError, UnsafeOutputError
from tests.services.test_pathway import at, counting, victim_with_history

Backends = Callable[[Role], Backend]
USERS_OFFICER = "officer"
REASON = "Subject access request SAR/2024/17 received 1 June"


def world(backend_for: Backends) -> dict[str, Any]:
    """Ewa Nowak with every kind of record (tests/services/test_pathway.py), facts and a corrected
    decision; and Marta Zielinska, another victim on the same arrest, who must not appear."""
    ids: dict[str, Any] = dict(victim_with_history(backend_for))
    officer = backend_for(Role.HTT_OFFICER)
    detail = officer.people.get(ids["person"])
    officer.people.update(
        ids["person"],
        detail.version,
        PersonInput(
            surname="Nowak",
            forenames="Ewa",
            interpreter_language="Polish",
            date_of_birth=date(1990, 3, 4),
            facts="Found at the car wash on Leeds Road",
            assessments="At risk of re-trafficking",
        ),
    )
    wrong = officer.nrm.add_decision(ids["waiting"], DecisionKind.RG, Outcome.NEGATIVE, date(2024, 6, 3))
    officer.nrm.void_decision(wrong, "typed negative")
    other = officer.people.create(
        PersonInput(surname="Zielinska", forenames="Marta", facts="Second victim, Op Birch"),
    )
    other_link = officer.people.link(other, LinkRole.WITNESS, ids["arrest"])
    own_link = officer.engagement.links(ids["person"])[0].id
    officer.engagement.record(ids["person"], own_link, "engaged_first_account", date(2024, 5, 2))
    gone = officer.engagement.record(
        ids["person"], own_link, "disengaged", date(2024, 5, 25), "Afraid of re-trafficking"
    )
    officer.engagement.withdraw(gone.id, "Entered before the Leeds Road visit")
    officer.engagement.record(other, other_link, "disengaged", date(2024, 5, 25), "Second victim moved")
    officer.nrm.get(ids["referral"])  # consultations of the person's own records
    backend_for(Role.NAVIGATOR).navigator.get(ids["case"])
    officer.people.get(other)  # a consultation of someone else: not in Ewa's export
    ids["other"] = other
    ids["ref"] = officer.people.get(ids["person"]).person_ref
    ids["other_ref"] = officer.people.get(other).person_ref
    return ids


def disclosures(b: Backend, person_id: int) -> list[Any]:
    rows = b.audit.list(AuditQuery(entity="person", record_id=str(person_id), action="disclose"))
    return list(rows)


def test_the_json_holds_every_section_of_this_person_and_nobody_else(
    backend_for: Backends, tmp_path: Path
) -> None:
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    out = tmp_path / "sar.json"
    done = officer.subject_access.export(ids["ref"], "json", REASON, out)
    raw = out.read_bytes()
    assert done.path == out and done.sha256 == hashlib.sha256(raw).hexdigest()
    doc = json.loads(raw)
    assert doc["marking"] == "OFFICIAL-SENSITIVE" and doc["person_ref"] == ids["ref"]
    s = doc["sections"]
    person = s["person"]
    assert (person["surname"], person["forenames"], person["date_of_birth"]) == ("Nowak", "Ewa", "1990-03-04")
    assert person["facts"] == "Found at the car wash on Leeds Road"
    assert person["assessments"] == "At risk of re-trafficking"
    assert person["vlo"] and person["supported_by"]
    assert "id" not in person and "version" not in person  # ids that only join tables are left out
    assert sorted(r["crime_ref"] for r in s["nrm_referrals"]) == ["13/1/24", "13/2/24"]
    decisions = s["nrm_decisions"]
    assert len(decisions) == 3  # the positive RG, the mistaken negative one and its withdrawal
    assert any(d["reason"] == "typed negative" and d["supersedes_id"] and d["is_void"] for d in decisions)
    assert len(s["navigator_cases"]) == 1 and s["navigator_cases"][0]["support_plan_opened"] == "2024-05-07"
    assert len(s["haven_house_stays"]) == 1 and s["haven_house_stays"][0]["bed"] == "Bed A"
    assert s["haven_house_stays"][0]["discharge_destination"]
    assert len(s["vlo_contacts"]) == 2
    (link,) = s["links_to_arrests_and_operations"]
    assert (link["custody_ref"], link["role"], link["operation"]) == ("HT/1", "potential_victim", "Op Birch")
    assert link["offences"].startswith("O1: ") and "s.2" in link["offences"], link["offences"]
    milestones = s["engagement_with_investigations"]
    assert [(m["milestone"], m["custody_ref"]) for m in milestones] == [
        ("engaged_first_account", "HT/1"),
        ("disengaged", "HT/1"),
    ]
    assert milestones[1]["milestone_reason"] == "Afraid of re-trafficking"
    assert milestones[1]["withdraw_reason"] == "Entered before the Leeds Road visit"
    assert milestones[1]["withdrawn_at"] and milestones[1]["recorded_by_name"]
    consulted = s["who_consulted_the_record"]
    assert any(c["action"] == "Opened" and c["record"] == f"Person's record {ids['ref']}" for c in consulted)
    assert any(c["record"].startswith("NRM referral ") for c in consulted)
    case = f"Navigator case {ids['case']}"
    assert any(c["record"] == case and c["username"] == "navigator" for c in consulted)
    text = raw.decode("utf-8")
    for absent in ("Zielinska", "Marta", "Second victim", ids["other_ref"], "detainee_ref"):
        assert absent not in text, absent


def test_the_pdf_is_marked_on_every_page_and_names_the_person(backend_for: Backends, tmp_path: Path) -> None:
    ids = world(backend_for)
    manager = backend_for(Role.MANAGER)
    out = tmp_path / "sar.pdf"
    manager.subject_access.export(ids["ref"], "pdf", REASON, out)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {n} lacks its head and foot marking"
        assert f"Page {n} of {len(pages)}" in page
    whole = "\n".join(pages)
    for present in (
        "Nowak, Ewa", ids["ref"], "HT/1", "Found at the car wash", "Bed A", "Opened",
        "Engagement with investigations", "Engaged at first account", "Reason for withdrawal",
    ):  # fmt: skip
        assert present in whole, present
    assert "Zielinska" not in whole
    assert reader.metadata is not None and reader.metadata.subject == "OFFICIAL-SENSITIVE"


def test_the_export_is_a_disclosure_recorded_with_its_reason_and_hash(
    backend_for: Backends, tmp_path: Path
) -> None:
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    done = officer.subject_access.export(ids["ref"], "pdf", REASON, tmp_path / "sar.pdf")
    auditor = backend_for(Role.AUDITOR)
    (event,) = disclosures(auditor, ids["person"])
    assert event.username == USERS_OFFICER and event.reason == REASON
    assert event.fields == f"subject_access,pdf,sha256:{done.sha256}"
    assert not disclosures(auditor, ids["other"])
    # the next export lists the first among the disclosures of the record
    officer.subject_access.export(ids["ref"], "json", "Second copy for the DPO", tmp_path / "again.json")
    again = json.loads((tmp_path / "again.json").read_bytes())
    assert any(c["action"] == "Disclosed" for c in again["sections"]["who_consulted_the_record"])


@pytest.mark.parametrize(
    "role", [Role.VLO, Role.NAVIGATOR, Role.ADMINISTRATOR, Role.HAVEN_HOUSE, Role.AUDITOR]
)
def test_other_roles_are_refused_in_one_sentence_and_nothing_is_written(
    role: Role, backend_for: Backends, tmp_path: Path
) -> None:
    ids = world(backend_for)  # the VLO and Navigator are this victim's own: still not theirs to disclose
    b = backend_for(role)
    assert not b.subject_access.may_export()
    with pytest.raises(PermissionDeniedError) as refused:
        b.subject_access.export(ids["ref"], "json", REASON, tmp_path / "sar.json")
    message = str(refused.value)
    assert message.count(".") == 1 and message.endswith(".") and role.label in message
    assert not (tmp_path / "sar.json").exists()
    assert not disclosures(backend_for(Role.AUDITOR), ids["person"])


def test_refusals_write_nothing_and_disclose_nothing(backend_for: Backends, tmp_path: Path) -> None:
    """On both engines; writing over the database file and its key file is refused on the laptop (a
    server has no file here to write over)."""
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    sa = officer.subject_access
    out = tmp_path / "sar.json"
    with pytest.raises(NotFoundError, match="no person P-999999"):
        sa.export("P-999999", "json", REASON, out)
    for reason in ("", "   ", "why\x1b[2J", "x" * 1001):
        with pytest.raises(ValidationError):
            sa.export(ids["ref"], "json", reason, out)
    with pytest.raises(ValueError):
        sa.export(ids["ref"], "xml", REASON, out)
    db_path = officer.db.path
    files = (
        [] if db_path is None else [db_path, Path(f"{db_path}.keys"), db_path.parent / "backups" / "x.json"]
    )
    for target in (*files, tmp_path):
        with pytest.raises(UnsafeOutputError):
            sa.export(ids["ref"], "json", REASON, target, replace=True)
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        sa.export(ids["ref"], "json", REASON, out)
    assert out.read_text(encoding="utf-8") == "keep me"
    assert not disclosures(backend_for(Role.AUDITOR), ids["person"])
    sa.export(ids["ref"].lower(), "json", REASON, out, replace=True)  # --force; the ref in any case
    assert json.loads(out.read_bytes())["person_ref"] == ids["ref"]


def test_people_listing_is_scoped_and_recorded_as_a_consultation(backend_for: Backends) -> None:
    ids = world(backend_for)
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    assert {r.person_ref for r in officer.people.listing()} == {ids["ref"], ids["other_ref"]}
    assert [r.surname for r in officer.people.listing("zielin")] == ["Zielinska"]
    assert [r.person_ref for r in vlo.people.listing()] == [ids["ref"]]  # only the VLO's own victim
    assert vlo.people.listing("Zielinska") == []
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.AUDITOR).people.listing()
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id="list"))
    assert {e.username for e in events} == {"officer", "vlo"}
    assert all(e.action == "consult" and "Zielinska" not in e.fields + e.reason for e in events)


def test_one_query_per_section_whatever_the_history_length(backend_for: Backends, tmp_path: Path) -> None:
    """Ten more contacts and consultations cost no more statements: no query per row."""
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)

    def statements() -> int:
        with counting(officer.db) as seen:
            officer.subject_access.export(ids["ref"], "json", REASON, tmp_path / "sar.json", replace=True)
        return len(seen)

    before = statements()
    vlo = backend_for(Role.VLO)
    for day in range(10):
        vlo.contacts.add(
            ContactInput(ids["person"], at(5, 10 + day), ContactMethod.PHONE, ContactPurpose.WELFARE)
        )
        officer.people.get(ids["person"])
    assert statements() == before
