"""`mshtdesk import nrm` and `mshtdesk calendar`, run as a user runs them: a separate process, real files,
exit codes (0 done, 1 refused or bad data, 2 usage, 3 not logged in) and messages on stderr."""

from __future__ import annotations

from pathlib import Path

from mshtdesk.domain.roles import Role
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import DATA

ADMIN = as_role(Role.ADMINISTRATOR)


def test_import_nrm_dry_run_then_import_then_again(db_address: str) -> None:
    register = str(DATA / "nrm_register.csv")
    r = mshtdesk("--db", db_address, "import", "nrm", register, "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "would add 6 new referrals, 5 new people and 5 new decisions" in r.stdout
    assert "Nothing was written" in r.stdout
    r = mshtdesk("--db", db_address, "import", "nrm", register)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Imported nrm_register.csv: 6 new referrals")
    r = mshtdesk("--db", db_address, "import", "nrm", register)
    assert r.returncode == 0 and "Nothing new in nrm_register.csv: all 6 rows" in r.stdout


def test_a_bad_register_lists_every_problem_and_exits_1(db_address: str) -> None:
    r = mshtdesk("--db", db_address, "import", "nrm", str(DATA / "nrm_bad.csv"))
    assert r.returncode == 1
    assert "20 problems found in 21 rows, and nothing was written" in r.stderr
    assert "  line 4, route: 'Taxi' is not one of NRM or DtN" in r.stderr
    assert "  line 25, cg_outcome:" in r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    # nothing was written: the good register still adds everything
    r = mshtdesk("--db", db_address, "import", "nrm", str(DATA / "nrm_register.csv"), "--dry-run")
    assert "6 new referrals" in r.stdout


def test_import_nrm_refusals(db_address: str, tmp_path: Path) -> None:
    register = str(DATA / "nrm_register.csv")
    r = mshtdesk("--db", db_address, "import", "nrm", register, env=as_role(Role.MANAGER))
    assert r.returncode == 1 and "does not allow you to create nrm referral records" in r.stderr
    r = mshtdesk("--db", db_address, "import", "nrm", str(tmp_path / "missing.csv"))
    assert r.returncode == 1 and "There is no file at" in r.stderr
    r = mshtdesk("--db", db_address, "import", "nrm", register, login=False)
    assert r.returncode == 3
    r = mshtdesk("--db", db_address, "import", "nrm")
    assert r.returncode == 2


def test_calendar_list_add_remove(db_address: str) -> None:
    db = ["--db", db_address]
    r = mshtdesk(*db, "calendar", "list", env=ADMIN)
    assert r.returncode == 0 and "No changes" in r.stdout
    r = mshtdesk(*db, "calendar", "add", "2024-05-08", "--label", "Force closure day", env=ADMIN)
    assert r.returncode == 0, r.stderr
    assert "08/05/2024 is now a non-working day" in r.stdout
    r = mshtdesk(*db, "calendar", "add", "26/12/2024", "--working", "--label", "Boxing Day worked", env=ADMIN)
    assert r.returncode == 0, r.stderr
    r = mshtdesk(*db, "calendar", "list", env=as_role(Role.VLO))
    assert r.returncode == 0
    assert r.stdout.splitlines() == [
        "08/05/2024  Wed  non-working  Force closure day",
        "26/12/2024  Thu  working      Boxing Day worked",
    ]
    r = mshtdesk(*db, "calendar", "add", "2024-05-08", env=ADMIN)
    assert r.returncode == 1 and "already on the list" in r.stderr
    r = mshtdesk(*db, "calendar", "add", "2024-05-09")  # an HTT officer
    assert r.returncode == 1 and "does not allow you to administer reference records" in r.stderr
    r = mshtdesk(*db, "calendar", "add", "2024-13-01", env=ADMIN)
    assert r.returncode == 2
    r = mshtdesk(*db, "calendar", "remove", "2024-05-08", env=ADMIN)
    assert r.returncode == 0 and "follows the England & Wales calendar again" in r.stdout
    r = mshtdesk(*db, "calendar", "remove", "2024-05-08", env=ADMIN)
    assert r.returncode == 1 and "not on the list" in r.stderr
