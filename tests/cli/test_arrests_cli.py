"""``mshtdesk arrests withdraw|correct`` and ``report disposals --recorded-at``, run as a user runs them."""

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from mshtdesk.domain.dates import parse_date
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.cli.test_cli import SEED_PERIOD, as_role, mshtdesk
from tests.conftest import SEED_EXPORT


def _in_period() -> tuple[str, str]:
    """A custody reference of the seed export dated in the seed period, and its district."""
    with SEED_EXPORT.open(newline="") as f:
        for row in csv.DictReader(f):
            if date(2021, 4, 1) <= parse_date(row["arrest_date"]) <= date(2022, 4, 30):
                return row["arrest_ref"], row["district"]
    raise AssertionError("no arrest in the seed period")


def _total(stdout: str) -> int:
    return int(next(r for r in csv.reader(stdout.splitlines()) if r and r[0] == "Total arrests")[1])


def test_withdraw_then_the_table_as_recorded_before_and_after(db_address: str) -> None:
    db = ["--db", db_address]
    assert mshtdesk(*db, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    ref, _ = _in_period()
    base = _total(mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv").stdout)
    before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    r = mshtdesk(*db, "arrests", "withdraw", ref, "--reason", "Duplicate of another custody record")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Arrest {ref} withdrawn: it leaves every table from now on, and stays on record.\n"
    now = mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv")
    then = mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv", "--recorded-at", before)
    assert now.returncode == 0 and then.returncode == 0, now.stderr + then.stderr
    assert _total(then.stdout) == base and _total(now.stdout) == base - 1
    r = mshtdesk(*db, "arrests", "withdraw", ref, "--reason", "again")
    assert (r.returncode, r.stderr) == (1, f"Arrest {ref} is already withdrawn; nothing was changed.\n")


def test_correct_district_and_date(db_address: str) -> None:
    db = ["--db", db_address]
    assert mshtdesk(*db, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    ref, district = _in_period()
    base = _total(mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv").stdout)
    other = "BD" if district != "BD" else "LD"
    r = mshtdesk(*db, "arrests", "correct", ref, "--district", other, "--reason", "Wrong district keyed")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"Arrest {ref} corrected (district {other})")
    r = mshtdesk(*db, "arrests", "correct", ref, "--date", "2019-01-01", "--reason", "Year keyed wrongly")
    assert r.returncode == 0, r.stderr
    now = mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv")
    assert _total(now.stdout) == base - 1  # dated out of the period


def test_refusals_are_one_sentence_and_change_nothing(db_address: str) -> None:
    db = ["--db", db_address]
    assert mshtdesk(*db, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    ref, district = _in_period()
    base = _total(mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv").stdout)
    cases = [
        (["withdraw", "NO/SUCH/REF", "--reason", "x"], 1, "No arrest with custody reference NO/SUCH/REF"),
        (["withdraw", ref, "--reason", ""], 1, "reason: Give the reason"),
        (["withdraw", ref, "--reason", "bell\x07"], 1, "reason:"),
        (["correct", ref, "--district", "ZZ", "--reason", "x"], 1, "There is no district ZZ"),
        (["correct", ref, "--district", district, "--reason", "x"], 1, f"already recorded in {district}"),
        (["correct", ref, "--date", "2099-01-01", "--reason", "x"], 1, "cannot be in the future"),
        (["correct", ref, "--date", "31/02/2022", "--reason", "x"], 2, "not a real calendar date"),
        (["correct", ref, "--reason", "x"], 2, "Give --district CODE or --date"),
        (["withdraw", ref], 2, "--reason"),
    ]
    for args, code, words in cases:
        r = mshtdesk(*db, "arrests", *args)
        assert r.returncode == code and words in r.stderr, (args, r.returncode, r.stderr)
        if code == 1:
            assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = mshtdesk(*db, "arrests", "withdraw", ref, "--reason", "x", env=as_role(Role.MANAGER))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Manager" in r.stderr, r.stderr
    r = mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--recorded-at", "yesterday")
    assert r.returncode == 2 and "is not a moment" in r.stderr
    now = mshtdesk(*db, "report", "disposals", *SEED_PERIOD, "--format", "csv")
    assert _total(now.stdout) == base


def test_revisions_of_a_run_and_com_as_recorded_earlier(db_address: str, tmp_path: Path) -> None:
    db = ["--db", db_address]
    manager = as_role(Role.MANAGER)
    assert mshtdesk(*db, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    before = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    out = tmp_path / "com.json"
    r = mshtdesk(*db, "report", "com", *SEED_PERIOD, "--format", "json", "-o", str(out), env=manager)
    assert r.returncode == 0, r.stderr
    run_id = r.stderr.split("; run ")[1].split(",")[0]
    r = mshtdesk(*db, "report", "revisions", run_id, env=manager)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\nNo figures have changed since publication.\n")
    ref, _ = _in_period()
    assert mshtdesk(*db, "arrests", "withdraw", ref, "--reason", "Duplicate record").returncode == 0
    r = mshtdesk(*db, "report", "revisions", run_id, env=manager)
    assert r.returncode == 0, r.stderr
    assert "figures have changed since publication:" in r.stdout
    assert "Headline figures | Arrests | This period: 129 -> 128\n" in r.stdout
    # The COM summary as recorded before the withdrawal gives the published figures again.
    then = tmp_path / "then.json"
    r = mshtdesk(
        *db,
        "report",
        "com",
        *SEED_PERIOD,
        "--format",
        "json",
        "-o",
        str(then),
        "--recorded-at",
        before,
        env=manager,
    )
    assert r.returncode == 0, r.stderr
    assert then.read_bytes() == out.read_bytes()
    for bad in ("0", "-3", "x1", "99999999999999999999"):
        r = mshtdesk(*db, "report", "revisions", bad, env=manager)
        assert r.returncode == 2 and "Traceback" not in r.stderr, bad
    r = mshtdesk(*db, "report", "revisions", "4242", env=manager)
    assert (r.returncode, r.stderr) == (1, "There is no report run 4242.\n")


def test_offence_withdraw_and_correct(db_address: str, backend_for: Callable[[Role], Backend]) -> None:
    """``arrests offence-withdraw|offence-correct REF OFFENCE_REF``: as the arrest commands, one sentence
    per refusal, nothing changed by a refused one."""
    officer = backend_for(Role.HTT_OFFICER)
    aid = officer.register.create_arrest(
        ArrestInput("WY/26/000777", date(2026, 1, 5), "BD"), [("O1", "MSA s.2"), ("O2", "MSA s.1")]
    )
    db = ("--db", db_address, "arrests")

    def refused(*args: str, code: int = 1, env: dict[str, str] | None = None) -> str:
        r = mshtdesk(*db, *args, env=env)
        assert r.returncode == code and r.stdout == "" and "Traceback" not in r.stderr, (args, r.stderr)
        return r.stderr

    assert "no offence O9: its offences are O1, O2" in refused(
        "offence-withdraw", "WY/26/000777", "O9", "--reason", "Keyed twice"
    )
    assert "No arrest with custody reference NOPE" in refused(
        "offence-withdraw", "NOPE", "O1", "--reason", "x"
    )
    assert "reason" in refused("offence-withdraw", "WY/26/000777", "O2", "--reason", "  ")
    assert "reason" in refused("offence-withdraw", "WY/26/000777", "O2", "--reason", "x" * 2001)
    assert "offence" in refused("offence-correct", "WY/26/000777", "O2", "--offence", "", "--reason", "Typo")
    assert "\x1b" not in refused(
        "offence-correct", "WY/26/000777", "O2", "--offence", "MSA\x1b[2J", "--reason", "Typo"
    )
    assert "does not allow" in refused(
        "offence-withdraw", "WY/26/000777", "O2", "--reason", "Keyed twice", env=as_role(Role.MANAGER)
    )
    refused("offence-correct", "WY/26/000777", "O2", "--reason", "Typo", code=2)  # no --offence
    assert officer.corrections.history(aid) == []

    r = mshtdesk(*db, "offence-correct", "WY/26/000777", "o1", "--offence", "MSA s.1", "--reason", "Typo")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Offence O1 of arrest WY/26/000777 corrected; the old wording stays on record.\n"
    r = mshtdesk(*db, "offence-withdraw", "WY/26/000777", "O2", "--reason", "Keyed twice")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Offence O2 of arrest WY/26/000777 withdrawn")
    assert "already withdrawn" in refused("offence-withdraw", "WY/26/000777", "O2", "--reason", "again")
    kinds = [c.kind.value for c in officer.corrections.history(aid)]
    assert kinds == ["offence_correct", "offence_withdraw"]
