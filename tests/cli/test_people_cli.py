"""``mshtdesk people list`` and ``mshtdesk people export`` run as a user runs them: a separate process,
real files, exit codes and one-sentence refusals (issue 12, items 4 and 8)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.both_engines import sqlite_only
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]


def two_people(backend_for: Backends) -> tuple[str, str]:
    officer = backend_for(Role.HTT_OFFICER)
    ewa = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa", facts="Met at the station"))
    officer.people.assign_vlo(ewa, "vlo")
    officer.people.create(PersonInput(surname="=Zielinska", forenames="Marta"))  # a name like a formula
    return f"P-{ewa:06d}", "Zielinska"


def test_people_list_is_scoped_and_csv_is_guarded(db_address: str, backend_for: Backends) -> None:
    ref, _ = two_people(backend_for)
    r = mshtdesk("--db", db_address, "people", "list", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["person_ref", "surname", "forenames", "date_of_birth", "nationality", "vlo"]
    assert sorted(row[1] for row in rows[1:]) == ["'=Zielinska", "Nowak"]
    r = mshtdesk("--db", db_address, "people", "list", "--find", "nowak")
    assert r.returncode == 0 and ref in r.stdout and "Zielinska" not in r.stdout
    r = mshtdesk("--db", db_address, "people", "list", env=as_role(Role.VLO))
    assert r.returncode == 0 and ref in r.stdout and "Zielinska" not in r.stdout  # the VLO's own only
    r = mshtdesk("--db", db_address, "people", "list", env=as_role(Role.AUDITOR))
    assert r.returncode == 1 and r.stderr.count(".") == 1 and "Auditor" in r.stderr


def test_people_export_writes_the_file_and_records_the_disclosure(
    db_address: str, backend_for: Backends, tmp_path: Path
) -> None:
    ref, other = two_people(backend_for)
    out = tmp_path / "sar.json"
    args = ["--db", db_address, "people", "export", ref, "--format", "json", "-o", str(out)]
    r = mshtdesk(*args, "--reason", "SAR/2024/17")
    assert r.returncode == 0, r.stderr
    assert "OFFICIAL-SENSITIVE" in r.stderr and "not encrypted" in r.stderr and "Nowak" not in r.stderr
    doc = json.loads(out.read_bytes())
    assert doc["marking"] == "OFFICIAL-SENSITIVE" and doc["sections"]["person"]["surname"] == "Nowak"
    assert other not in out.read_text(encoding="utf-8")
    r = mshtdesk(*args, "--reason", "again")
    assert r.returncode == 1 and "already exists" in r.stderr  # --force to replace
    r = mshtdesk(*args, "--reason", "again", "--force", "--format", "pdf")
    assert r.returncode == 0 and out.read_bytes().startswith(b"%PDF")
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))
    assert [e.reason for e in events] == ["again", "SAR/2024/17"]


def test_people_export_refusals(db_address: str, backend_for: Backends, tmp_path: Path) -> None:
    ref, _ = two_people(backend_for)
    out = tmp_path / "sar.pdf"
    base = ["--db", db_address, "people", "export"]
    r = mshtdesk(*base, ref, "-o", str(out))  # no reason, no terminal to ask in
    assert r.returncode == 2 and "reason" in r.stderr
    r = mshtdesk(*base, "P-999999", "-o", str(out), "--reason", "SAR")
    assert r.returncode == 1 and "no person P-999999" in r.stderr
    r = mshtdesk(*base, ref, "-o", str(out), "--reason", "SAR", env=as_role(Role.VLO))
    assert r.returncode == 1 and r.stderr.strip().count(".") == 1 and "Victim liaison officer" in r.stderr
    r = mshtdesk(*base, ref, "-o", str(out), "--reason", "why\x07")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    r = mshtdesk(*base, ref, "-o", str(out), "--format", "xml", "--reason", "SAR")
    assert r.returncode == 2
    assert not out.exists()
    assert not backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))


def test_people_pathway_prints_the_pdf_and_records_the_disclosure(
    db_address: str, backend_for: Backends, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    ref, other = two_people(backend_for)
    out = tmp_path / "pathway.pdf"
    args = ["--db", db_address, "people", "pathway", ref, "-o", str(out)]
    r = mshtdesk(*args, "--reason", "Case conference 12 June", env=as_role(Role.MANAGER))
    assert r.returncode == 0, r.stderr
    assert "OFFICIAL-SENSITIVE" in r.stderr and "not encrypted" in r.stderr and "Nowak" not in r.stderr
    pages = [p.extract_text() for p in PdfReader(out).pages]
    whole = "\n".join(pages)
    assert "Nowak, Ewa" in whole and "Met at the station" in whole and other not in whole
    assert all("OFFICIAL-SENSITIVE" in p and f"of {len(pages)}" in p for p in pages)
    (event,) = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))
    assert (event.username, event.reason) == ("manager", "Case conference 12 June")
    assert event.fields.startswith("pathway_print,pdf,sha256:")
    r = mshtdesk(*args, "--reason", "again")
    assert r.returncode == 1 and "already exists" in r.stderr  # --force to replace
    r = mshtdesk(*args, "--reason", "again", "--force")
    assert r.returncode == 0 and out.read_bytes().startswith(b"%PDF")


def test_people_pathway_refusals(db_address: str, backend_for: Backends, tmp_path: Path) -> None:
    ref, _ = two_people(backend_for)
    out = tmp_path / "pathway.pdf"
    base = ["--db", db_address, "people", "pathway"]
    r = mshtdesk(*base, ref, "-o", str(out))  # no reason, no terminal to ask in
    assert r.returncode == 2 and "reason" in r.stderr
    r = mshtdesk(*base, "P-999999", "-o", str(out), "--reason", "Conference")
    assert r.returncode == 1 and "no person P-999999" in r.stderr
    r = mshtdesk(*base, ref, "-o", str(out), "--reason", "Conference", env=as_role(Role.VLO))
    assert r.returncode == 1 and r.stderr.strip().count(".") == 1 and "Victim liaison officer" in r.stderr
    r = mshtdesk(*base, ref, "-o", str(out), "--reason", "why\x07")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not out.exists()
    assert not backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))


@sqlite_only("the database file and its key file are the outputs refused")
def test_export_and_pathway_never_write_over_the_database_file(db_path: Path, backend_for: Backends) -> None:
    ref, _ = two_people(backend_for)
    db = ["--db", str(db_path), "people"]
    r = mshtdesk(*db, "export", ref, "-o", str(db_path), "--reason", "SAR", "--force")
    assert r.returncode == 1 and "would destroy it" in r.stderr
    for target in (db_path, Path(f"{db_path}.keys")):
        r = mshtdesk(*db, "pathway", ref, "-o", str(target), "--reason", "Conference", "--force")
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert not backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))
