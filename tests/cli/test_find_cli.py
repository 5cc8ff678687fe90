"""``mshtdesk find TEXT``: the global search from the command line, as a user runs it (a separate
process), scoped like the lists, recorded as one consultation, CSV guarded against formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]


def test_find_ranks_scopes_and_records(db_address: str, backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    own = officer.people.create(PersonInput(surname="Dumitrescu", forenames="Ştefan"))
    officer.people.assign_vlo(own, "vlo")
    officer.people.create(PersonInput(surname="=Stefanescu", forenames="Ioana"))  # a name like a formula
    r = mshtdesk("--db", db_address, "find", "stefan", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["kind", "record", "date", "detail"]
    assert [row[1] for row in rows[1:]] == [
        "Dumitrescu, Ştefan (P-000001)",  # both names start with the text (a word of each): by record
        "'=Stefanescu, Ioana (P-000002)",
    ]
    r = mshtdesk("--db", db_address, "find", "STEFAN", env=as_role(Role.VLO))
    assert r.returncode == 0 and "Dumitrescu" in r.stdout and "Stefanescu" not in r.stdout
    r = mshtdesk("--db", db_address, "find", "nobody-here")
    assert r.returncode == 0 and r.stdout.strip() == "Nothing you may see matches."
    r = mshtdesk("--db", db_address, "find", "stefan", env=as_role(Role.AUDITOR))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Auditor" in r.stderr
    r = mshtdesk("--db", db_address, "find", "x" * 500)
    assert r.returncode != 0 and "at most 200" in r.stderr and "Traceback" not in r.stderr
    r = mshtdesk("--db", db_address, "find", "stefan", "--limit", "0")
    assert r.returncode == 2 and "from 1 to" in r.stderr
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="consult"))
    searches = [e for e in events if e.record_id == "search"]
    assert len(searches) == 3  # two searches and the one that found nothing; the refusals read nothing
    assert not any("stefan" in (e.fields + e.reason).lower() for e in events)
