"""Import speed (issue 15, the write side): whole ``mshtdesk import`` commands from fresh processes.

    uv run python -m tests.benchmarks.import_speed --arrests 20000          # iterate
    uv run python -m tests.benchmarks.import_speed --arrests 100000         # the issue's size

What it times, each as the whole command from spawn to exit (start-up, key derivation and login, reading
and checking the file, the comparison with what is stored, the writes, the audit record and the commit):
  1. ``first``: the custody system's whole export (``scale_data.generate``: rows in no date order, later
     events appended months after their arrest) into a new, empty encrypted database: a new user's first
     import.
  2. ``monthly``: the same database grown to all but the last ``--months`` months, then each of those
     months as the custody system sends it, the whole cumulative export so far (nearly every row already
     stored: the comparison is the work). The first import's file imported again shows idempotence.
  3. ``nrm``: an NRM register of ``--referrals`` referrals (about 1.25 per person, four in five with an
     RG decision, half of those with a CG) into a new database, then the same register again.
After the first custody import and the first NRM import, the same file through the physical limit
(``import_limit``: a hand-written loader into a compact SQLCipher file, also a fresh process timed from
spawn to exit), and the app's time as a multiple of it.
The commands run from compiled bytecode, as an installed app does (PYTHONDONTWRITEBYTECODE is dropped
for them, and the first command writes it). Also the floor every command pays: ``mshtdesk --version``
(start-up) and an import of a one-row file (start-up + login + one tiny transaction). Rows/s are rows
in the file over the whole command's seconds; ``net`` leaves out that one-row command's time, to show
what the rows themselves cost.

    uv run python -m tests.benchmarks.import_speed --arrests 20000 \
        --server postgresql+psycopg://postgres@127.0.0.1:5432/postgres                # team mode

``--server`` runs the same commands against a PostgreSQL server instead of database files: each new
database is made on it (``mshtdesk_bench_*``, dropped first: a scratch server only), set up as a database
administrator would (``server setup``), and the commands log in through a login role in the app's role,
as a team member's does. The limit there is the same loader writing each table with one ``COPY``. The
CPU figures there are the command's own: the server's processes are not its children.
(SQLite alone would have missed stop 30's first ``referral_awaiting`` triggers, which made a first NRM
import into a new server 30 times slower.)
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.scale import PASSWORD, USERS, Bench, create_database
from tests.benchmarks.scale_data import HEADER, generate
from tests.benchmarks.scale_probe import TODAY

NRM_HEADER = (
    "referral_ref,person_ref,surname,forenames,date_of_birth,gender,nationality,route,submitted_date,"
    "age_at_referral,age_at_exploitation,exploitation,exploitation_location,crime_ref,no_crime_reason,"
    "rg_outcome,rg_date,cg_outcome,cg_date\n"
)
SURNAMES = ("Nowicki", "Dervishi", "Nguyen", "Kowalczyk", "Popescu", "Hoxha", "Tran", "Ionescu", "Müller")
FORENAMES = ("Tomasz", "Elira", "Van Minh", "Anna", "Andrei", "Besa", "Thi Lan", "Maria", "Łukasz")
NATIONALITIES = ("Polish", "ALB", "Vietnamese", "ROU", "British", "Eritrean", "SDN", "Chinese")
KINDS = ("Labour", "Sexual", "Criminal", "Domestic", "Sexual; Criminal", "Not specified")


def nrm_register(seed: int, referrals: int, today: date) -> bytes:
    """A register as a team's spreadsheet holds it: rows in no order, some people referred twice."""
    rng = random.Random(seed)
    people = max(1, int(referrals / 1.25))
    rows: list[str] = []
    for n in range(1, referrals + 1):
        p = rng.randint(1, people) if n > people else n
        person = f"V-{p:07d}"
        prng = random.Random(p)  # a person's details are the same on each of their rows
        born = date(1960, 1, 1) + timedelta(days=prng.randrange(40 * 365))
        submitted = today - timedelta(days=rng.randrange(8 * 365))
        name = f"{prng.choice(SURNAMES)},{prng.choice(FORENAMES)},{born.isoformat()}"
        rest = f"{prng.choice(('male', 'female'))},{prng.choice(NATIONALITIES)}"
        rg = cg = ","
        if rng.random() < 0.8:
            rg_on = submitted + timedelta(days=rng.randint(2, 30))
            if rg_on <= today:
                rg = f"positive,{rg_on.isoformat()}"
                cg_on = rg_on + timedelta(days=rng.randint(50, 400))
                if cg_on <= today and rng.random() < 0.5:
                    cg = f"{rng.choice(('positive-trafficking', 'positive-slavery', 'negative'))},{cg_on}"
        kinds = rng.choice(KINDS)
        rows.append(
            f"NRM-{n:08d},{person},{name},{rest},NRM,{submitted.isoformat()},adult,adult,"
            f'"{kinds}",UK,13/{n:05d}/{submitted:%y},,{rg},{cg}\n'
        )
    rng.shuffle(rows)
    return (NRM_HEADER + "".join(rows)).encode("utf-8")


CPU: list[float] = [0.0]  # CPU seconds (user + system) of the last command


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cmd(bench: Bench, db: str, what: str, path: Path) -> float:
    """Seconds from spawn to exit; the command's CPU seconds go to ``CPU`` (on a machine shared with
    other work the wall time wobbles a lot more than the CPU time does)."""
    before = child_cpu()
    took, said = bench.command("officer", "import", what, str(path), "--db", db)
    CPU[0] = child_cpu() - before
    if "Imported" not in said and "Nothing new" not in said:
        raise SystemExit(f"unexpected: {said}")
    return took


def run_limit(kind: str, path: Path, folder: Path, server: str = "") -> tuple[float, list[int]]:
    """Seconds from spawn to exit of the hand-written loader (``import_limit``) on ``path``, into a new
    file in ``folder`` or a new database on ``server``, and the rows of each table it wrote; its CPU
    seconds go to ``CPU``."""
    target = new_server_database(server, "limit") if server else str(folder / "limit.db")
    before = child_cpu()
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import_limit", kind, str(path), target],
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - t
    CPU[0] = child_cpu() - before
    for p in folder.glob("limit.db*"):
        p.unlink()
    return took, [int(n) for n in done.stdout.split()]


STORED = {
    "custody": ("arrest", "offence", "disposal_event"),
    "nrm": ("person", "nrm_referral", "nrm_decision"),
}


def stored_rows(db: str, kind: str) -> list[int]:
    """The rows of each table an import of ``kind`` writes, as the app stored them (a new database)."""
    from sqlalchemy import text

    from mshtdesk.services.backend import Backend

    reader = Backend.login(db, "admin", PASSWORD)
    with reader.db.engine.connect() as conn:
        counts = [int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in STORED[kind]]
    reader.close()
    return counts


BENCH_ROLES = "mshtbench"  # the server roles' prefix: mshtbench_owner, mshtbench_app, ...
BENCH_LOGIN = "mshtbench_member"  # the login the commands connect as, a member of the app's role


def new_server_database(server: str, name: str) -> str:
    """A new, empty database ``mshtdesk_bench_NAME`` on ``server`` (dropped first); its address."""
    from sqlalchemy import create_engine, make_url, text

    database = f"mshtdesk_bench_{name}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return make_url(server).set(database=database).render_as_string(hide_password=False)


def set_up_server_database(server: str, name: str) -> str:
    """A new team database set up as its administrator would, with the benchmark's users; the address
    a team member's commands use (a login in the app's role, not the server's superuser)."""
    from sqlalchemy import create_engine, make_url, text

    from mshtdesk.domain.roles import Role
    from mshtdesk.services import team
    from mshtdesk.services.backend import Backend

    url = new_server_database(server, name)
    roles = team.setup_server(url, "admin", PASSWORD, role_prefix=BENCH_ROLES).roles
    engine = create_engine(url)
    with engine.begin() as conn:
        if (
            conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": BENCH_LOGIN}).first()
            is None
        ):
            conn.execute(text(f'CREATE ROLE "{BENCH_LOGIN}" LOGIN'))
        conn.execute(text(f'GRANT "{roles.app}" TO "{BENCH_LOGIN}"'))
    engine.dispose()
    member = make_url(url).set(username=BENCH_LOGIN, password=None).render_as_string(hide_password=False)
    admin = Backend.login(member, "admin", PASSWORD)
    for user, role in USERS:
        admin.users.add_user(user, "", Role(role), PASSWORD)
    admin.close()
    return member


def main(argv: list[str] | None = None) -> list[str]:
    """Runs the benchmark and prints its table; what disagreed between the app and the limit."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arrests", type=int, default=20_000)
    ap.add_argument("--referrals", type=int, default=0, help="NRM referrals (default: as many as arrests)")
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument("--months", type=int, default=2, help="monthly cumulative exports into the grown db")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dir", help="work in this folder (default: a temporary one)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: first,monthly,nrm")
    ap.add_argument(
        "--server",
        default="",
        help="a scratch PostgreSQL server's address (its maintenance database, e.g. .../postgres): "
        "run against new databases made there (mshtdesk_bench_*, dropped first) instead of files",
    )
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="impspeed-") as tmp:
        folder = Path(args.dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return measure(folder, args, skip)


def measure(folder: Path, args: argparse.Namespace, skip: set[str]) -> list[str]:
    bench = Bench(folder, args)  # its commands run from compiled bytecode, as an installed app does
    bench.compile_bytecode()
    lines: list[str] = []
    problems: list[str] = []

    def agree(kind: str, db: str, limit: list[int]) -> None:
        """The app stored as many arrests, offences and events (people, referrals, decisions) as the
        limit wrote: a quick limit that skipped rows, or an import that dropped some, would show."""
        app = stored_rows(db, kind)
        said = f"  {kind}: the app stored {app}, the limit wrote {limit} ({', '.join(STORED[kind])})"
        print(said + ("" if app == limit else "  DISAGREE"), flush=True)
        if app != limit:
            problems.append(said.strip())

    def say(what: str, rows: int, took: float, floor: float = 0.0) -> None:
        # the rows' own rate: what the command took beyond the one-row command (not shown when the
        # machine's load made this command quicker than that one)
        net = f" net {rows / (took - floor):>9,.0f}" if floor and took > 1.05 * floor else ""
        cpu = CPU[0]
        text = (
            f"{what:<42} {rows:>8,} rows {took:6.2f} s {rows / took:>8,.0f} rows/s{net} | "
            f"cpu {cpu:6.2f} s {rows / cpu:>8,.0f} rows/cpu-s"
        )
        lines.append(text)
        print(text, flush=True)

    def new_db(name: str) -> str:
        if args.server:
            return set_up_server_database(args.server, name)
        db = folder / f"{name}.db"
        for p in folder.glob(f"{name}.db*"):
            p.unlink()
        create_database(db)
        return str(db)

    t = time.perf_counter()
    subprocess.run([bench.exe, "--version"], env=bench.env, capture_output=True, check=True)
    start_up = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([bench.exe, "--version"], env=bench.env, capture_output=True, check=True)
    start_up = min(start_up, time.perf_counter() - t)
    print(f"start-up (mshtdesk --version): {start_up:.2f} s", flush=True)

    districts = ["N", "S", "E", "W", "C"]
    db = new_db("probe")
    from mshtdesk.services.backend import Backend

    reader = Backend.login(db, "admin", PASSWORD)
    districts = [d.code for d in reader.reference.districts() if d.active]
    reader.close()
    one = folder / "one.csv"
    one.write_text(HEADER + f"X/1,2024-01-02,{districts[0]},,O1,MSA 2015 s.2,Bail,2024-01-02\n")
    floor = min(run_cmd(bench, db, "arrests", one) for _ in range(2))
    floor_cpu = CPU[0]
    say("one-row file (start-up + login + commit)", 1, floor)

    reg = generate(args.seed, args.arrests, TODAY, districts, args.years)
    months = len(reg.months)
    print(f"{reg.arrests:,} arrests, {reg.offences:,} offences, {reg.events:,} events, {reg.rows:,} rows")
    if "first" not in skip:
        path = folder / "whole.csv"
        data = reg.cumulative(months - 1)
        path.write_bytes(data)
        db = new_db("first")
        rows = data.count(b"\n") - 1
        app = run_cmd(bench, db, "arrests", path)
        say("custody, first import (whole export)", rows, app, floor)
        say("custody, the same export again", rows, run_cmd(bench, db, "arrests", path), floor)
        limit, wrote = run_limit("custody", path, folder, args.server)
        say("custody, the limit (hand-written loader)", rows, limit)
        agree("custody", db, wrote)
        print(f"  the first import takes {app / limit:.1f}x the limit's time", flush=True)
        path.unlink()
    if "monthly" not in skip:
        db = new_db("grown")
        last = months - 1 - args.months
        path = folder / "history.csv"
        data = reg.cumulative(last)
        path.write_bytes(data)
        say(f"custody, export to month {last + 1} (grown db)", data.count(b"\n") - 1,
            run_cmd(bench, db, "arrests", path), floor)  # fmt: skip
        for m in range(last + 1, months):
            data = reg.cumulative(m)
            path.write_bytes(data)
            say(f"custody, cumulative export month {m + 1}", data.count(b"\n") - 1,
                run_cmd(bench, db, "arrests", path), floor)  # fmt: skip
            new_rows = len(reg.months[m])
            print(f"  (of which {new_rows:,} rows new this month)", flush=True)
        path.unlink()
    if "nrm" not in skip:
        referrals = args.referrals or args.arrests
        data = nrm_register(args.seed, referrals, TODAY)
        path = folder / "nrm.csv"
        path.write_bytes(data)
        db = new_db("nrm")
        app = run_cmd(bench, db, "nrm", path)
        say("NRM register, first import", referrals, app, floor)
        say("NRM register, the same again", referrals, run_cmd(bench, db, "nrm", path), floor)
        limit, wrote = run_limit("nrm", path, folder, args.server)
        say("NRM register, the limit (hand-written loader)", referrals, limit)
        agree("nrm", db, wrote)
        print(f"  the first import takes {app / limit:.1f}x the limit's time", flush=True)
        path.unlink()
    print()
    print(f"floor: one-row command {floor:.2f} s, {floor_cpu:.2f} s CPU; start-up alone {start_up:.2f} s")
    print("\n".join(lines))
    return problems


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1:]) else 0)
