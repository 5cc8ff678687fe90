"""Issue 12 item 5 (merging): two records of one person made one, every record of the other moving to the
kept person in one transaction, and undone from the audit log's record of the merge (ids only).

On purpose-built people: Ewa Nowak with every kind of record (tests/services/test_pathway.py) is the
duplicate, merged into a second, bare record of her. The subject access export of the kept person then
holds everything; undoing the merge gives each record back exactly what it held; the COM JSON is the
same before, after and undone."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mshtdesk.domain.merge_record import ROOM, chunks, merge_fields, part_fields, read_merge, tokens
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest
from mshtdesk.services.contacts import ContactInput
from mshtdesk.services.people import LinkRole, PersonInput
from tests.services.test_pathway import at, victim_with_history

Backends = Callable[[Role], Backend]
REASON = "Same person: passport seen, DOB and photo match (DS Khan)"
SAR = "Subject access request SAR/2024/21"
SECTIONS = ("nrm_referrals", "nrm_decisions", "navigator_cases", "haven_house_stays", "vlo_contacts")


def world(backend_for: Backends) -> dict[str, Any]:
    ids: dict[str, Any] = dict(victim_with_history(backend_for))
    officer = backend_for(Role.HTT_OFFICER)
    ids["keep"] = officer.people.create(PersonInput(surname="NOWAK", forenames="Ewa"))
    ids["other"] = ids["person"]
    ids["keep_ref"] = officer.people.get(ids["keep"]).person_ref
    ids["other_ref"] = officer.people.get(ids["other"]).person_ref
    return ids


def export(b: Backend, ref: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"{ref}-{len(list(tmp_path.iterdir()))}.json"
    b.subject_access.export(ref, "json", SAR, out)
    sections: dict[str, Any] = json.loads(out.read_bytes())["sections"]
    return sections


def held(sections: dict[str, Any]) -> dict[str, int]:
    counts = {name: len(sections[name]) for name in SECTIONS}
    counts["links"] = len(sections["links_to_arrests_and_operations"])
    return counts


def com_json(b: Backend) -> bytes:
    req = ReportRequest(ReportKind.COM, date(2024, 4, 1), date(2024, 9, 30), date(2024, 10, 1))
    fixed = datetime(2026, 12, 1, 12, tzinfo=UTC)
    return b.reports.render(req, produced=fixed, recorded_at=fixed).json


def test_merge_then_export_shows_everything_under_keep_and_unmerge_restores(
    backend_for: Backends, tmp_path: Path
) -> None:
    ids = world(backend_for)
    officer, manager = backend_for(Role.HTT_OFFICER), backend_for(Role.MANAGER)
    before_other = held(export(officer, ids["other_ref"], tmp_path))
    assert before_other == {
        "nrm_referrals": 2,
        "nrm_decisions": 1,
        "navigator_cases": 1,
        "haven_house_stays": 1,
        "vlo_contacts": 2,
        "links": 1,
    }
    assert set(held(export(officer, ids["keep_ref"], tmp_path)).values()) == {0}
    com_before = com_json(manager)

    preview = officer.people.merge_preview(ids["keep"], ids["other"])
    assert preview.other.held["nrm_referral"] == 2 and preview.other.held["person_support"] == 1
    assert preview.keep.held["vlo_contact"] == 0 and preview.keep.vlo == ""
    assert preview.vlo_note == f"{ids['keep_ref']} takes on vlo as liaison officer."

    done = manager.people.merge(ids["keep"], ids["other"], REASON)  # a manager may settle it too
    assert (done.keep_ref, done.other_ref) == (ids["keep_ref"], ids["other_ref"])
    assert done.moved == {
        "haven_stay": 1,
        "navigator_case": 1,
        "nrm_referral": 2,
        "person_link": 1,
        "vlo_contact": 2,
        "person_support": 1,
        "vlo": 1,
    }
    keep = export(officer, ids["keep_ref"], tmp_path)
    assert held(keep) == before_other
    assert keep["person"]["vlo"] and keep["person"]["supported_by"]
    assert keep["person"]["surname"] == "NOWAK"  # the kept record's own details are untouched
    hollow = export(officer, ids["other_ref"], tmp_path)
    assert set(held(hollow).values()) == {0}
    assert hollow["person"]["merged_into"] == ids["keep_ref"] and "merged_into_id" not in hollow["person"]
    assert keep["person"]["merged_into"] is None
    # the duplicate leaves every list; its scope is the kept person's
    assert ids["other"] not in {p.id for p in officer.people.list()}
    assert officer.people.find_id(ids["other_ref"]) == ids["other"]
    vlo = backend_for(Role.VLO)
    assert {p.id for p in vlo.people.list()} == {ids["keep"]}
    vlo.people.get(ids["other"])  # in scope through the kept person
    # Today does not list the merged record (assigned, its contacts gone) as never contacted
    assert ids["other"] not in {i.person_id for i in vlo.today.items()}
    assert com_json(manager) == com_before

    # the audit event names ids only, and undoing it reads them back
    auditor = backend_for(Role.AUDITOR)
    (event,) = auditor.audit.list(AuditQuery(entity="person", record_id=str(ids["keep"]), action="combine"))
    assert event.id == done.event_id and event.reason == REASON
    assert event.fields.startswith(f"merge,from:{ids['other']},parts:1,")
    assert "Nowak" not in event.fields and "NOWAK" not in event.fields

    undone = officer.people.unmerge(done.event_id, "Merged the wrong Ewa Nowak")
    assert undone.moved == {
        "nrm_referral": 2,
        "haven_stay": 1,
        "vlo_contact": 2,
        "navigator_case": 1,
        "person_link": 1,
        "person_support": 1,
        "vlo": 1,
    }
    back = export(officer, ids["other_ref"], tmp_path)
    assert held(back) == before_other and back["person"]["merged_into"] is None
    assert set(held(export(officer, ids["keep_ref"], tmp_path)).values()) == {0}
    assert officer.people.get(ids["keep"]).vlo_user_id is None
    assert ids["other"] in {p.id for p in officer.people.list()}
    assert com_json(manager) == com_before
    with pytest.raises(ConflictError, match="already been undone"):
        officer.people.unmerge(done.event_id, "again")


def test_refusals_change_nothing(backend_for: Backends) -> None:
    ids = world(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    third = officer.people.create(PersonInput(surname="Nowak", forenames="E."))

    def state() -> list[Any]:
        return [officer.people.get(p) for p in (ids["keep"], ids["other"], third)]

    before = state()
    with pytest.raises(ValidationError) as e:
        officer.people.merge(ids["keep"], ids["keep"], REASON)
    assert "merged into itself" in e.value.fields["other"]
    with pytest.raises(NotFoundError, match="not in the register"):
        officer.people.merge(ids["keep"], 999_999, REASON)
    for reason in ("", "   ", "bad\x1b[31m", "x" * 1001):
        with pytest.raises(ValidationError):
            officer.people.merge(ids["keep"], ids["other"], reason)
    with pytest.raises(ConflictError, match="after you opened it"):
        officer.people.merge(
            ids["keep"],
            ids["other"],
            REASON,
            keep_version=before[0].version,
            other_version=before[1].version - 1,
        )
    for role in (Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDeniedError, match="merge two people's records"):
            backend_for(role).people.merge(ids["keep"], ids["other"], REASON)
        with pytest.raises(PermissionDeniedError):
            backend_for(role).people.merge_preview(ids["keep"], ids["other"])
    assert state() == before

    done = officer.people.merge(ids["keep"], ids["other"], REASON)
    # a form left open on the merged record: nothing more is added to it or changed in it
    merged = f"has been merged into {ids['keep_ref']}"
    with pytest.raises(ConflictError, match=merged):
        officer.people.update(ids["other"], before[1].version + 1, PersonInput(surname="Nowak"))
    with pytest.raises(ConflictError, match=merged):
        officer.people.link(ids["other"], LinkRole.WITNESS, None, "Op Heron")
    with pytest.raises(ConflictError, match=merged):
        backend_for(Role.VLO).contacts.add(
            ContactInput(ids["other"], at(6, 3), ContactMethod.PHONE, ContactPurpose.WELFARE)
        )
    with pytest.raises(ConflictError, match=f"already merged into {ids['keep_ref']}"):
        officer.people.merge(third, ids["other"], REASON)
    with pytest.raises(ConflictError, match=f"itself merged into {ids['keep_ref']}"):
        officer.people.merge(ids["other"], third, REASON)
    # the kept person merged on into a third: the first merge cannot be undone before the second
    second = officer.people.merge(third, ids["keep"], REASON)
    with pytest.raises(ConflictError, match="undo that merge first"):
        officer.people.unmerge(done.event_id, "wrong one")
    officer.people.unmerge(second.event_id, "wrong one")
    officer.people.unmerge(done.event_id, "wrong one")
    # an event that is not a merge, or does not exist
    (consult,) = backend_for(Role.AUDITOR).audit.list(
        AuditQuery(entity="person", record_id=str(third), action="collect")
    )
    for event_id in (consult.id, 10**9):
        with pytest.raises(NotFoundError, match="is not a merge of two people"):
            officer.people.unmerge(event_id, "nothing")
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.VLO).people.unmerge(done.event_id, "nothing")


def test_a_long_merge_continues_in_further_events_and_comes_back_exactly(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    keep = officer.people.create(PersonInput(surname="Hoxha", forenames="Arben"))
    other = officer.people.create(PersonInput(surname="Hoxha", forenames="Arbën"))
    for n in range(160):  # interleaved, so that no two of the other's ids run on
        officer.people.link(other, LinkRole.WITNESS, None, f"Op Heron {n}")
        officer.people.link(keep, LinkRole.WITNESS, None, f"Op Kestrel {n}")
    vlo = backend_for(Role.VLO)
    officer.people.assign_vlo(other, "vlo")
    contact = vlo.contacts.add(ContactInput(other, at(5, 3), ContactMethod.PHONE, ContactPurpose.WELFARE)).id
    done = officer.people.merge(keep, other, REASON)
    events = [
        e
        for e in backend_for(Role.AUDITOR).audit.list(
            AuditQuery(entity="person", record_id=str(keep), action="combine")
        )
        if e.fields.startswith("merge")  # linking is a combination too
    ]
    assert len(events) > 2 and all(len(e.fields) <= 1000 for e in events)
    assert [e.id for e in sorted(events, key=lambda e: e.id)] == list(
        range(done.event_id, done.event_id + len(events))
    )
    # a correction of a moved contact, made after the merge, goes back with it
    fixed = vlo.contacts.correct(
        contact,
        ContactInput(keep, at(5, 3), ContactMethod.IN_PERSON, ContactPurpose.WELFARE),
        "It was a visit, not a call",
    ).id
    officer.people.unmerge(done.event_id, "Two brothers after all")
    with officer.db.engine.connect() as conn:  # read back what each holds, by id
        from mshtdesk.store.queries.merges import held_rows

        back, kept = held_rows(conn, other), held_rows(conn, keep)
    assert len(back["person_link"]) == 160 and len(kept["person_link"]) == 160
    assert back["vlo_contact"] == sorted([contact, fixed]) and kept["vlo_contact"] == []


def test_the_record_of_a_merge_reads_back_and_refuses_what_it_did_not_write() -> None:
    moved = {"vlo_contact": [3, 4, 5, 9], "person_link": list(range(10, 4000, 2)), "vlo": [7]}
    head, rest = merge_fields(42, moved)
    fields = [",".join(head), *(",".join(part_fields(100, p)) for p in rest)]
    assert all(len(f) <= 1000 for f in fields) and len(fields) == int(head[2][6:])
    other, parts, back = read_merge(100, fields)
    assert (other, parts) == (42, len(fields))
    assert back == {k: sorted(v) for k, v in moved.items()}
    assert tokens({"vlo_contact": [3, 4, 5, 9]}) == ["vlo_contact:3-5", "vlo_contact:9"]
    assert chunks([]) == [[]] and all(len(",".join(c)) <= ROOM for c in chunks(["x" * 40] * 100))
    from mshtdesk.domain.merge_record import MergeRecordError

    for bad in (
        ["merge-part,of:1"],
        ["merge,from:x,parts:1"],
        ["merge,from:1,parts:2,vlo:1"],  # a continuation missing
        ["merge,from:1,parts:2", "merge-part,of:99,vlo:1"],  # another merge's continuation
        ["merge,from:1,parts:1,vlo:5-2"],
        ["merge,from:1,parts:1,vlo:1-99999999999"],
        ["merge,from:1,parts:1,vlo:a"],
    ):
        with pytest.raises(MergeRecordError):
            read_merge(100, bad)


def test_a_cumulative_nrm_register_meets_a_merged_person_again(backend_for: Backends) -> None:
    """The NRM register is cumulative: its next import names the merged reference again. Its stored
    referrals are the kept record's now (not a contradiction), and a new referral for it goes there too;
    the merged record is never completed or revived."""
    from tests.services.test_nrm_import import REGISTER, counts

    officer = backend_for(Role.HTT_OFFICER)
    officer.import_nrm_file(str(REGISTER))
    nrm = officer.nrm
    other = nrm.get(nrm.find_id("NRM-23-001") or 0).person_id
    keep = officer.people.create(PersonInput(surname="Nowicki", forenames="Tomasz"))
    officer.people.merge(keep, other, REASON)
    before = counts(officer)
    again = officer.import_nrm_file(str(REGISTER))
    assert not again.changed and again.referrals_already_present == 6 and counts(officer) == before
    header, *lines = REGISTER.read_text().splitlines()
    line = next(x for x in lines if x.startswith("NRM-23-001,"))
    for old, new in (
        ("NRM-23-001", "NRM-24-031"),
        ("2023-02-06", "2024-02-06"),
        ("2023-02-13", "2024-02-13"),
    ):
        line = line.replace(old, new)
    line = line.replace("2023-11-20", "2024-11-20")
    later = officer.import_nrm(f"{header}\n{line}\n".encode(), "register.csv")
    assert later.referrals_added == 1 and later.people_added == 0, later.describe()
    assert nrm.get(nrm.find_id("NRM-24-031") or 0).person_id == keep
    assert other not in {p.id for p in officer.people.list()}
