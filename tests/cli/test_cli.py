"""The command line, run as a user runs it: a separate process, real files, exit codes and stderr."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from mshtdesk.domain.roles import Role
from mshtdesk.store.database import Database
from tests.both_engines import sqlite_only
from tests.conftest import SEED_EXPORT, USERS
from tests.postgres import server_tables
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


def test_import_then_report_reproduces_the_seed_table(db_address: str) -> None:
    r = mshtdesk("--db", db_address, "import", "arrests", str(SEED_EXPORT))
    assert r.returncode == 0, r.stderr
    assert "141 new arrests" in r.stdout
    r = mshtdesk("--db", db_address, "report", "disposals", *SEED_PERIOD, "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout == SEED_CSV
    r = mshtdesk("report", "disposals", "--db", db_address, *SEED_PERIOD)
    assert r.returncode == 0 and "Total arrests" in r.stdout and "highest ranked disposal" in r.stdout


def test_a_command_on_an_up_to_date_database_loads_no_migrations_or_com_report(db_address: str) -> None:
    """Every command pays for what it imports: Alembic (to upgrade) and the COM report are loaded only
    by what uses them. (Python lists each module it imports on stderr with PYTHONPROFILEIMPORTTIME.)"""
    for args in (
        ["import", "arrests", str(SEED_EXPORT)],
        ["report", "disposals", *SEED_PERIOD, "--format", "csv"],
    ):
        r = mshtdesk("--db", db_address, *args, env={"PYTHONPROFILEIMPORTTIME": "1"})
        assert r.returncode == 0, r.stderr
        loaded = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line}
        assert "mshtdesk.services.backend" in loaded  # the listing is there
        assert not {m for m in loaded if m.split(".")[0] == "alembic"}, args
        assert "mshtdesk.services.com_report" not in loaded, args


def test_database_from_the_environment_and_output_file(db_address: str, tmp_path: Path) -> None:
    env = {"MSHTDESK_DB": db_address}
    assert mshtdesk("import", "arrests", str(SEED_EXPORT), env=env).returncode == 0
    out = tmp_path / "table.csv"
    r = mshtdesk("report", "disposals", *SEED_PERIOD, "--format", "csv", "-o", str(out), env=env)
    assert r.returncode == 0 and r.stdout == "" and "not encrypted" in r.stderr
    assert out.read_text(encoding="utf-8") == SEED_CSV


def test_a_bad_file_gets_a_numbered_list_and_writes_nothing(db_address: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
        "A1,2022-01-10,BD,N1,O1,MSA s.2,RUI,2022-01-10\n"
        "A2,10/13/2022,BD,N2,O1,MSA s.2,RUI,2022-01-10\n",
        encoding="utf-8",
    )
    r = mshtdesk("--db", db_address, "import", "arrests", str(bad))
    assert r.returncode == 1
    assert "line 3, arrest_date" in r.stderr and "nothing was written" in r.stderr
    assert "Traceback" not in r.stderr
    r = mshtdesk("--db", db_address, "report", "disposals", *SEED_PERIOD)
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
def test_usage_errors_exit_2(args: list[str], db_address: str) -> None:
    r = mshtdesk("--db", db_address, *args)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_data_errors_are_one_sentence_not_a_traceback(db_address: str, tmp_path: Path) -> None:
    r = mshtdesk("--db", db_address, "import", "arrests", str(tmp_path / "missing.csv"))
    assert r.returncode == 1 and r.stderr.strip() == f"There is no file at {tmp_path / 'missing.csv'}."
    r = mshtdesk(
        "--db", db_address, "report", "disposals", *SEED_PERIOD, "-o", str(tmp_path / "no" / "dir.csv")
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr


@sqlite_only("a damaged database file")
@pytest.mark.usefixtures("database")
def test_a_damaged_file_is_one_sentence_not_a_traceback(db_path: Path) -> None:
    db_path.write_bytes(b"garbage" * 1000)
    r = mshtdesk("--db", str(db_path), "report", "disposals", *SEED_PERIOD)
    assert r.returncode == 1 and "Restore it from a backup" in r.stderr and "Traceback" not in r.stderr


def test_newer_database_is_refused(db_address: str, database: Database) -> None:
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    r = mshtdesk("--db", db_address, "report", "disposals", *SEED_PERIOD)
    assert r.returncode == 1 and "newer version of MSHT Desk" in r.stderr


@sqlite_only("the demo makes a database file of its own and never writes to a server")
@pytest.mark.usefixtures("database")
def test_demo_creates_a_database_at_the_seed_scale(tmp_path: Path) -> None:
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


def test_demo_never_writes_into_an_existing_database(db_address: str, database: Database) -> None:
    """Synthetic people must never reach a real register: the team server and an existing file are both
    refused in one sentence, and nothing is added to either."""
    r = mshtdesk("--db", db_address, "demo", "--seed", "7", login=False)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    said = "never writes to a server" if database.path is None else "already exists"
    assert said in r.stderr
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM arrest")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM person")).scalar() == 0


def test_ranking_can_be_shown_and_set_by_an_administrator(db_address: str) -> None:
    r = mshtdesk("--db", db_address, "ranking")
    assert r.stdout.splitlines()[0] == "1. Charge (CHARGE)"
    new = "NFA,CHARGE,OTHER_WARRANT,OTHER_TRANSFER,OTHER,BAIL,RUI"
    r = mshtdesk("--db", db_address, "ranking", "--set", new)
    assert r.returncode == 1 and "does not allow" in r.stderr  # an HTT officer may not
    admin = as_role(Role.ADMINISTRATOR)
    r = mshtdesk("--db", db_address, "ranking", "--set", new, env=admin)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "1. No further action (NFA)"
    r = mshtdesk("--db", db_address, "ranking", "--set", "NFA,CHARGE", env=admin)
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


def test_authentication_failures_exit_3(db_address: str) -> None:
    r = mshtdesk("--db", db_address, "ranking", login=False)
    assert r.returncode == 3 and "MSHTDESK_USER" in r.stderr
    r = mshtdesk("--db", db_address, "ranking", env={"MSHTDESK_PASSWORD": "not-the-right-one"})
    assert r.returncode == 3 and r.stderr.strip() == "Wrong user name or password."
    r = mshtdesk("--db", db_address, "ranking", env={"MSHTDESK_USER": "nobody"})
    assert r.returncode == 3 and r.stderr.strip() == "Wrong user name or password."


def test_a_command_on_an_address_with_no_database_changes_nothing(empty_address: str) -> None:
    """Before init (or a team database's set-up) a login is refused in a sentence. On a server it used to
    give the empty database the whole schema, owned by whoever logged in, then say "wrong password"; and
    server setup failed on those tables with an internal error."""
    for command in (["ranking"], ["backup", "list"]):
        r = mshtdesk("--db", empty_address, *command)
        assert r.returncode == 1, r.stderr
        if empty_address.startswith("postgresql"):
            assert r.stderr.strip() == (
                "This team database has not been set up for MSHT Desk yet: its database administrator "
                "sets it up with mshtdesk server setup. Nothing was changed."
            )
        else:
            assert r.stderr.startswith("There is no database at ")
    if empty_address.startswith("postgresql"):
        assert server_tables(empty_address) == 0
    else:
        assert not Path(empty_address).exists()


def test_init_refuses_a_team_address(empty_address: str) -> None:
    """A server database made by init belonged to the login that ran it, with no roles recorded, so no
    later version could upgrade it (server upgrade needs the roles server setup records)."""
    if not empty_address.startswith("postgresql"):
        pytest.skip("init makes a database file: its own test below")
    r = mshtdesk(
        "--db", empty_address, "init", "--admin-user", "chief",
        login=False, env={"MSHTDESK_PASSWORD": "a long enough passphrase"},
    )  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "init makes a database file. A team database is set up by its database administrator with mshtdesk "
        "server setup, which also makes the roles the app works through; nothing was changed."
    )
    assert server_tables(empty_address) == 0


@sqlite_only("a team database is server setup's (test_init_refuses_a_team_address)")
def test_init_creates_an_encrypted_database_with_its_administrator(empty_address: str) -> None:
    r = mshtdesk(
        "--db", empty_address, "init", "--admin-user", "chief",
        login=False, env={"MSHTDESK_PASSWORD": "short"},
    )  # fmt: skip
    assert r.returncode == 1 and "12 characters" in r.stderr  # and the address is still empty:
    r = mshtdesk(
        "--db", empty_address, "init", "--admin-user", "chief",
        login=False, env={"MSHTDESK_PASSWORD": "a long enough passphrase"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Encrypted database ready: ")
    assert not Path(empty_address).read_bytes().startswith(b"SQLite format 3")
    admin = {"MSHTDESK_USER": "chief", "MSHTDESK_PASSWORD": "a long enough passphrase"}
    r = mshtdesk(
        "--db", empty_address, "users", "add", "pc1234", "--role", "htt-officer",
        login=False, env={**admin, "MSHTDESK_NEW_PASSWORD": "another long passphrase"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = mshtdesk(
        "--db", empty_address, "import", "arrests", str(SEED_EXPORT),
        login=False, env={"MSHTDESK_USER": "pc1234", "MSHTDESK_PASSWORD": "another long passphrase"},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = mshtdesk(
        "--db", empty_address, "init", "--admin-user", "other",
        login=False, env={"MSHTDESK_PASSWORD": "a long enough passphrase"},
    )  # fmt: skip
    assert r.returncode == 1 and "already" in r.stderr


def test_audit_list_answers_who_looked_at_a_record(db_address: str) -> None:
    assert mshtdesk("--db", db_address, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    auditor = as_role(Role.AUDITOR)
    r = mshtdesk("--db", db_address, "audit", "list", "--user", "officer", env=auditor)
    assert r.returncode == 0 and "combine" in r.stdout and "login" in r.stdout
    r = mshtdesk(
        "--db", db_address, "audit", "list", "--format", "csv", "--reason", "DPO request", env=auditor
    )
    assert r.returncode == 0 and r.stdout.startswith("Event,When (UTC),User,")
    r = mshtdesk("--db", db_address, "audit", "verify", env=auditor)
    assert r.returncode == 0 and "intact" in r.stdout
    r = mshtdesk("--db", db_address, "audit", "list")  # an HTT officer may not read the log
    assert r.returncode == 1 and "does not allow" in r.stderr
