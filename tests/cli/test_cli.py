"""The command line, run as a user runs it: a separate process, real files, exit codes and stderr."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mshtdesk.domain.roles import Role
from tests.conftest import SEED_EXPORT, USERS
from tests.services.test_custody_import import SEED_CSV

SEED_PERIOD = [
    "--from",
    "2021-04-01",
    "--to",
    "2022-04-30",
    "--as-at",
    "2022-05-24",
    "--reason",
    "COM report",
]


def as_role(role: Role) -> dict[str, str]:
    return {"MSHTDESK_USER": USERS[role].username, "MSHTDESK_PASSWORD": USERS[role].password}


OFFICER = as_role(Role.HTT_OFFICER)


def mshtdesk(
    *args: str, env: dict[str, str] | None = None, login: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a separate process with no terminal; by default logged in as an HTT officer."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MSHTDESK_") or k.endswith("_DIR")}
    return subprocess.run(
        [sys.executable, "-m", "mshtdesk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(OFFICER if login else {}), **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def test_import_then_report_reproduces_the_seed_table(db_path: Path) -> None:
    r = mshtdesk("--db", str(db_path), "import", "arrests", str(SEED_EXPORT))
    assert r.returncode == 0, r.stderr
    assert "141 new arrests" in r.stdout
    r = mshtdesk("--db", str(db_path), "report", "disposals", *SEED_PERIOD, "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout == SEED_CSV
    r = mshtdesk("report", "disposals", "--db", str(db_path), *SEED_PERIOD)
    assert r.returncode == 0 and "Total arrests" in r.stdout and "highest ranked disposal" in r.stdout


def test_database_from_the_environment_and_output_file(db_path: Path, tmp_path: Path) -> None:
    env = {"MSHTDESK_DB": str(db_path)}
    assert mshtdesk("import", "arrests", str(SEED_EXPORT), env=env).returncode == 0
    out = tmp_path / "table.csv"
    r = mshtdesk("report", "disposals", *SEED_PERIOD, "--format", "csv", "-o", str(out), env=env)
    assert r.returncode == 0 and r.stdout == "" and "not encrypted" in r.stderr
    assert out.read_text(encoding="utf-8") == SEED_CSV


def test_a_bad_file_gets_a_numbered_list_and_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
        "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"
        "A2,10/13/2022,BD,N2,O1,MSA s.2,RUI,2022-01-10\n",
        encoding="utf-8",
    )
    r = mshtdesk("--db", str(db_path), "import", "arrests", str(bad))
    assert r.returncode == 1
    assert "line 3, arrest_date" in r.stderr and "nothing was written" in r.stderr
    assert "Traceback" not in r.stderr
    r = mshtdesk("--db", str(db_path), "report", "disposals", *SEED_PERIOD)
    assert "Total arrests  " in r.stdout and r.stdout.count("  0") >= 7  # nothing was imported


@pytest.mark.parametrize(
    "args",
    [
        ["report", "disposals", "--from", "2022-02-30"],
        ["report", "disposals", "--format", "xlsx"],
        ["import"],
        ["frobnicate"],
        ["demo", "--arrests", "0"],
        ["report", "disposals"],  # a disclosure with no reason, and nobody to ask
        ["audit", "list", "--format", "csv"],
    ],
)
def test_usage_errors_exit_2(args: list[str], db_path: Path) -> None:
    r = mshtdesk("--db", str(db_path), *args)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_data_errors_are_one_sentence_not_a_traceback(db_path: Path, tmp_path: Path) -> None:
    r = mshtdesk("--db", str(db_path), "import", "arrests", str(tmp_path / "missing.csv"))
    assert r.returncode == 1 and r.stderr.strip() == f"There is no file at {tmp_path / 'missing.csv'}."
    r = mshtdesk(
        "--db", str(db_path), "report", "disposals", *SEED_PERIOD, "-o", str(tmp_path / "no" / "dir.csv")
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr
    db_path.write_bytes(b"garbage" * 1000)
    r = mshtdesk("--db", str(db_path), "report", "disposals", *SEED_PERIOD)
    assert r.returncode == 1 and "Restore it from a backup" in r.stderr and "Traceback" not in r.stderr


def test_newer_database_is_refused(db_path: Path, template) -> None:
    from mshtdesk.store.backup import connect

    con = connect(db_path, template.key)
    con.execute("UPDATE alembic_version SET version_num = 'ffff'")
    con.commit()
    con.close()
    r = mshtdesk("--db", str(db_path), "report", "disposals", *SEED_PERIOD)
    assert r.returncode == 1 and "newer version of MSHT Desk" in r.stderr


def test_demo_creates_a_database_at_the_seed_scale(tmp_path: Path) -> None:
    from sqlalchemy import text

    from mshtdesk.services.users import login

    path = tmp_path / "demo.db"
    r = mshtdesk("--db", str(path), "demo", "--seed", "7", login=False)
    assert r.returncode == 0, r.stderr
    assert "officer" in r.stdout and "synthetic" in r.stdout
    admin = USERS[Role.ADMINISTRATOR]
    db, _actor = login(str(path), admin.username, admin.password)
    try:
        with db.engine.connect() as conn:
            arrests, offences = conn.execute(
                text("SELECT COUNT(*), (SELECT COUNT(*) FROM offence) FROM arrest")
            ).one()
            districts = conn.execute(text("SELECT COUNT(DISTINCT district_id) FROM arrest")).scalar()
    finally:
        db.close()
    assert arrests == 130 and 130 < offences <= 390 and districts == 5


def test_ranking_can_be_shown_and_set_by_an_administrator(db_path: Path) -> None:
    r = mshtdesk("--db", str(db_path), "ranking")
    assert r.stdout.splitlines()[0] == "1. Charge (CHARGE)"
    new = "NFA,CHARGE,OTHER_WARRANT,OTHER_TRANSFER,OTHER,BAIL,RUI"
    r = mshtdesk("--db", str(db_path), "ranking", "--set", new)
    assert r.returncode == 1 and "does not allow" in r.stderr  # an HTT officer may not
    admin = as_role(Role.ADMINISTRATOR)
    r = mshtdesk("--db", str(db_path), "ranking", "--set", new, env=admin)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "1. No further action (NFA)"
    r = mshtdesk("--db", str(db_path), "ranking", "--set", "NFA,CHARGE", env=admin)
    assert r.returncode == 1 and "exactly once" in r.stderr


def test_internal_errors_are_logged_without_their_message(tmp_path: Path) -> None:
    from mshtdesk.logs import log_bug

    secret = "/".join(["WY", "21", "000123"])  # built at run time, so no source line quotes it
    try:
        {}[secret]
    except KeyError as exc:
        path = log_bug("test", exc)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "KeyError" in text and "test_cli.py" in text and secret not in text


def test_authentication_failures_exit_3(db_path: Path) -> None:
    r = mshtdesk("--db", str(db_path), "ranking", login=False)
    assert r.returncode == 3 and "MSHTDESK_USER" in r.stderr
    r = mshtdesk("--db", str(db_path), "ranking", env={"MSHTDESK_PASSWORD": "not-the-right-one"})
    assert r.returncode == 3 and r.stderr.strip() == "Wrong user name or password."
    r = mshtdesk("--db", str(db_path), "ranking", env={"MSHTDESK_USER": "nobody"})
    assert r.returncode == 3 and r.stderr.strip() == "Wrong user name or password."


def test_init_creates_an_encrypted_database_with_its_administrator(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    r = mshtdesk(
        "--db",
        str(path),
        "init",
        "--admin-user",
        "chief",
        login=False,
        env={"MSHTDESK_PASSWORD": "a long enough passphrase"},
    )
    assert r.returncode == 0, r.stderr
    assert not path.read_bytes().startswith(b"SQLite format 3")
    admin = {"MSHTDESK_USER": "chief", "MSHTDESK_PASSWORD": "a long enough passphrase"}
    r = mshtdesk(
        "--db",
        str(path),
        "users",
        "add",
        "pc1234",
        "--role",
        "htt-officer",
        login=False,
        env={**admin, "MSHTDESK_NEW_PASSWORD": "another long passphrase"},
    )
    assert r.returncode == 0, r.stderr
    r = mshtdesk(
        "--db",
        str(path),
        "import",
        "arrests",
        str(SEED_EXPORT),
        login=False,
        env={"MSHTDESK_USER": "pc1234", "MSHTDESK_PASSWORD": "another long passphrase"},
    )
    assert r.returncode == 0, r.stderr
    r = mshtdesk(
        "--db",
        str(path),
        "init",
        "--admin-user",
        "other",
        login=False,
        env={"MSHTDESK_PASSWORD": "a long enough passphrase"},
    )
    assert r.returncode == 1 and "already" in r.stderr
    r = mshtdesk(
        "--db",
        str(tmp_path / "weak.db"),
        "init",
        "--admin-user",
        "chief",
        login=False,
        env={"MSHTDESK_PASSWORD": "short"},
    )
    assert r.returncode == 1 and "12 characters" in r.stderr


def test_audit_list_answers_who_looked_at_a_record(db_path: Path) -> None:
    assert mshtdesk("--db", str(db_path), "import", "arrests", str(SEED_EXPORT)).returncode == 0
    auditor = as_role(Role.AUDITOR)
    r = mshtdesk("--db", str(db_path), "audit", "list", "--user", "officer", env=auditor)
    assert r.returncode == 0 and "combine" in r.stdout and "login" in r.stdout
    r = mshtdesk(
        "--db", str(db_path), "audit", "list", "--format", "csv", "--reason", "DPO request", env=auditor
    )
    assert r.returncode == 0 and r.stdout.startswith("Event,When (UTC),User,")
    r = mshtdesk("--db", str(db_path), "audit", "verify", env=auditor)
    assert r.returncode == 0 and "intact" in r.stdout
    r = mshtdesk("--db", str(db_path), "audit", "list")  # an HTT officer may not read the log
    assert r.returncode == 1 and "does not allow" in r.stderr
