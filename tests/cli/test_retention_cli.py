"""``mshtdesk retention list|set|due|keep`` and ``mshtdesk people erase`` as a user runs them: a separate
process on a real encrypted file, exit codes, one-sentence refusals, and hostile arguments that change
nothing (issue 12, items 7 and 9)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.cli.test_cli import as_role, mshtdesk

Backends = Callable[[Role], Backend]
ADMIN, MANAGER = as_role(Role.ADMINISTRATOR), as_role(Role.MANAGER)


def a_person(backend_for: Backends) -> str:
    officer = backend_for(Role.HTT_OFFICER)
    pid = officer.people.create(
        PersonInput(
            surname="Nowak", forenames="Ewa", facts="Met at the station", contact_details="07700 900123"
        )
    )
    return f"P-{pid:06d}"


def one_sentence(stderr: str) -> bool:
    return stderr.strip().count("\n") == 0 and stderr.strip().endswith(".") and "Traceback" not in stderr


def test_rules_are_listed_with_the_default_wording_and_set_by_an_administrator(db_address: str) -> None:
    r = mshtdesk("--db", db_address, "retention", "list", env=MANAGER)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("  6 years") == 6 and "navigator_case" in r.stdout
    assert "common police practice" in r.stderr and "not a period set by law" in r.stderr
    r = mshtdesk("--db", db_address, "retention", "set", "Navigator-Case", "--years", "10", env=ADMIN)
    assert r.returncode == 0, r.stderr
    assert "Navigator cases: reviewed 10 years" in r.stdout
    r = mshtdesk("--db", db_address, "retention", "list", env=MANAGER)
    assert "navigator_case   10 years" in r.stdout and "set by Test administrator" in r.stdout
    r = mshtdesk("--db", db_address, "retention", "set", "person", "--years", "2", env=MANAGER)
    assert r.returncode == 1 and one_sentence(r.stderr) and "Manager" in r.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["people", "--years", "6"], 1),
        (["person\x01", "--years", "6"], 1),
        (["x" * 50_000, "--years", "6"], 1),
        (["person", "--years", "0"], 2),
        (["person", "--years", "101"], 2),
        (["person", "--years", "six"], 2),
        (["person", "--years", "-1"], 2),
        (["person", "--years", "9" * 400], 2),
    ],
)
def test_a_hostile_rule_changes_nothing(db_address: str, args: list[str], code: int) -> None:
    r = mshtdesk("--db", db_address, "retention", "set", *args, env=ADMIN)
    assert r.returncode == code and "Traceback" not in r.stderr
    assert len(r.stderr) < 2000  # the value is never echoed whole
    r = mshtdesk("--db", db_address, "retention", "list", env=ADMIN)
    assert r.stdout.count("  6 years") == 6


def test_the_queue_keep_and_erase_as_a_manager(db_address: str, backend_for: Backends) -> None:
    ref = a_person(backend_for)
    r = mshtdesk("--db", db_address, "retention", "due", env=MANAGER)
    assert r.returncode == 0 and r.stdout.strip() == "No records are past review."
    until = (date.today() + timedelta(days=400)).isoformat()
    keep = ["retention", "keep", ref.lower(), "--until", until, "--reason", "Trial next year"]
    r = mshtdesk("--db", db_address, *keep, env=MANAGER)
    assert r.returncode == 0, r.stderr
    assert f"{ref} kept; next review" in r.stdout and "Nowak" not in r.stdout
    r = mshtdesk("--db", db_address, *keep, env=as_role(Role.HTT_OFFICER))
    assert r.returncode == 1 and one_sentence(r.stderr)

    erase = ["people", "erase", ref, "--reason", "Erasure request ERA/2031/4"]
    r = mshtdesk("--db", db_address, *erase, env=as_role(Role.HTT_OFFICER))
    assert r.returncode == 1 and one_sentence(r.stderr) and "HTT officer" in r.stderr
    r = mshtdesk("--db", db_address, *erase, env=MANAGER)
    assert r.returncode == 0, r.stderr
    assert (
        f"{ref} erased" in r.stdout and "every count stays the same" in r.stdout and "Nowak" not in r.stdout
    )
    detail = backend_for(Role.HTT_OFFICER).people.get(int(ref[2:]))
    assert (detail.data.surname, detail.data.contact_details, detail.data.facts) == ("Erased record", "", "")
    r = mshtdesk("--db", db_address, *erase, env=MANAGER)
    assert r.returncode == 1 and one_sentence(r.stderr) and "was erased on" in r.stderr
    [event] = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="erase"))
    assert event.username == "manager" and event.reason == "Erasure request ERA/2031/4"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["P-999999", "--reason", "ERA/1"], 1, "There is no person P-999999"),
        (["", "--reason", "ERA/1"], 1, "no reference given"),
        (["P-\x1b[31m1", "--reason", "ERA/1"], 1, "There is no person"),
        (["X" * 100_000, "--reason", "ERA/1"], 1, "There is no person"),
        (["{ref}", "--reason", ""], 1, "reason"),
        (["{ref}", "--reason", "Ewa asked"], 1, "name out of the reason"),
        (["{ref}", "--reason", "bell\x07"], 1, "reason"),
        (["{ref}", "--reason", "y" * 5000], 1, "1,000 characters"),
        (["{ref}"], 2, "--reason"),
    ],
)
def test_a_hostile_erase_erases_nothing(
    db_address: str, backend_for: Backends, args: list[str], code: int, words: str
) -> None:
    ref = a_person(backend_for)
    r = mshtdesk("--db", db_address, "people", "erase", *(a.format(ref=ref) for a in args), env=MANAGER)
    assert r.returncode == code and words in r.stderr and "Traceback" not in r.stderr
    assert "\x1b" not in r.stderr and len(r.stderr) < 2000
    assert backend_for(Role.MANAGER).people.get(int(ref[2:])).data.surname == "Nowak"
