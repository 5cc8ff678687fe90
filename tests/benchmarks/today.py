"""Today benchmark (issue 15): a manager's Today page at a million contacts, before and after 0017.

    uv run python -m tests.benchmarks.today                               # 1,000,000 contacts, SQLite
    uv run python -m tests.benchmarks.today --contacts 200000 --pg URL    # and on PostgreSQL
    uv run python -m tests.benchmarks.today --dir /tmp/today1m --reuse    # measure a kept build again
    uv run python -m tests.benchmarks.today --dir D --reuse --pg URL --reuse-pg   # and its server copy

Target: Today < 200 ms for a manager (force-wide) at 1M contacts. The data is made directly in an
encrypted database (a fast path for the set-up, not the import pipeline): one victim for every 8
contacts, each victim's contacts spread over their case (years apart in the file, as contacts logged
over eight years are), 2 % of contacts corrected and 1 % withdrawn by appended rows; closed cases'
last contacts set no next contact, open ones (about one victim in ten) do. ``latest_contact`` is
derived once after the bulk insert (the migration's code), then its triggers installed.

``--pg URL`` copies the file onto a scratch server (a database ``mshtdesk_bench_today`` made afresh
beside the one URL names) with ``server import-from``'s service.

Each figure is measured in fresh processes from compiled bytecode (``scale.Bench``): ``cold`` is the
first call after logging in (median over ``--cold`` processes), ``warm`` the median of ``--runs``
repeats. ``after`` is ``TodayService.items`` as shipped; ``before`` the same page with its two contact
queries replaced by the pre-0017 SQL inlined below (each person's latest contact in force by a probe
per person). The benchmark checks that both give the same items.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, exists, false, insert, select, text

from tests.benchmarks.engines import bench_url, sibling_url

PASSWORD = "today benchmark passphrase"
CONTACTS_PER_VICTIM = 8
VLOS = 12
OPEN_SHARE = 0.1  # victims whose case is still open: their latest contact sets the next one
CHUNK = 50_000
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BENCH_DB = "mshtdesk_bench_today"


# ----- the "before": the pre-0017 queries, inlined ------------------------------------------------


def _live(contact: Any, name: str) -> Any:
    from sqlalchemy import and_

    from mshtdesk.store.tables import VLO_CONTACT

    later = VLO_CONTACT.alias(name)
    return and_(contact.c.is_void == false(), ~exists().where(later.c.supersedes_id == contact.c.id))


def _old_latest_live_id(person_id: Any, column: str = "id") -> Any:
    from mshtdesk.store.tables import VLO_CONTACT

    mine = VLO_CONTACT.alias("latest_contact")
    return (
        select(mine.c[column])
        .where(mine.c.person_id == person_id, _live(mine, "latest_superseding"))
        .order_by(mine.c.contact_at.desc(), mine.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def old_latest_contacts_due(conn: Any, *, due_by: date, scope: Any) -> list[Any]:
    """``queries/due.latest_contacts_due`` as it was before 0017."""
    from mshtdesk.store.queries.due import LatestContact
    from mshtdesk.store.queries.scope import person_in_scope
    from mshtdesk.store.tables import PERSON, VLO_CONTACT

    due = _old_latest_live_id(PERSON.c.id, "next_contact_due")
    people = select(PERSON.c.id.label("person_id")).where(due <= due_by)
    if (in_scope := person_in_scope(scope, PERSON.c.id)) is not None:
        people = people.where(in_scope)
    found = people.subquery("due_people")
    ids = select(_old_latest_live_id(found.c.person_id)).select_from(found)
    c = VLO_CONTACT
    q = (
        select(c.c.id, c.c.person_id, c.c.next_contact_due, c.c.contact_at)
        .where(c.c.id.in_(ids))
        .order_by(c.c.person_id)
    )
    return [LatestContact._make(row) for row in conn.execute(q)]


def old_never_contacted(conn: Any, *, scope: Any) -> list[Any]:
    """``queries/due.never_contacted`` as it was before 0017."""
    from mshtdesk.store.queries.due import NeverContacted
    from mshtdesk.store.queries.scope import person_in_scope
    from mshtdesk.store.tables import PERSON, VLO_CONTACT

    conds = [PERSON.c.vlo_user_id.is_not(None), PERSON.c.merged_into_id.is_(None)]
    conds.append(~exists().where(VLO_CONTACT.c.person_id == PERSON.c.id, _live(VLO_CONTACT, "sc")))
    if (in_scope := person_in_scope(scope, PERSON.c.id)) is not None:
        conds.append(in_scope)
    q = select(PERSON.c.id, PERSON.c.updated_at).where(*conds)
    return [NeverContacted._make(row) for row in conn.execute(q)]


# ----- the data --------------------------------------------------------------------------------------


def build(db_file: Path, contacts: int, seed: int) -> None:
    from mshtdesk.domain.roles import Role
    from mshtdesk.services.backend import Backend
    from mshtdesk.store import latest_contact, search_index
    from mshtdesk.store.tables import PERSON, USER, VLO_CONTACT

    rng = random.Random(seed)
    admin = Backend.create(str(db_file), "admin", PASSWORD)
    admin.users.add_user("manager", "", Role.MANAGER, PASSWORD)
    for i in range(VLOS):
        admin.users.add_user(f"vlo{i}", "", Role.VLO, PASSWORD)
    victims = max(contacts // CONTACTS_PER_VICTIM, 1)
    t0 = time.perf_counter()
    with admin.db.engine.begin() as conn:
        search_index.uninstall(conn)  # both derived structures are made once at the end
        latest_contact.DERIVED.uninstall_triggers(conn)
        vlos = list(conn.execute(select(USER.c.id).where(USER.c.username.like("vlo%"))).scalars())
        people = [
            {"person_ref": f"P-{i:07d}", "surname": f"Surname{i % 5003}", "forenames": f"Name{i % 997}",
             "vlo_user_id": rng.choice(vlos) if rng.random() < 0.97 else None, "nationality": "Romanian"}
            for i in range(1, victims + 1)
        ]  # fmt: skip
        for i in range(0, len(people), CHUNK):
            conn.execute(insert(PERSON), people[i : i + CHUNK])
        # Each victim's case: a start within eight years, contacts every 2-6 weeks; open cases run to now.
        rows: list[dict[str, Any]] = []
        for person in range(1, victims + 1):
            n = max(1, round(rng.gauss(CONTACTS_PER_VICTIM, 3)))
            open_case = rng.random() < OPEN_SHARE
            span = timedelta(days=21 * n)
            start = NOW - span - timedelta(days=rng.randrange(5)) if open_case else (
                NOW - timedelta(days=rng.randrange(60, 8 * 365)) - span
            )  # fmt: skip
            when = start
            for k in range(n):
                when += timedelta(days=rng.randrange(10, 32), minutes=rng.randrange(600))
                last = k == n - 1
                due = (when + timedelta(days=rng.randrange(14, 43))).date()
                rows.append(
                    {"person_id": person, "vlo_user_id": None, "contact_at": min(when, NOW),
                     "method": "phone", "purpose": "welfare",
                     "next_contact_due": None if last and not open_case else due}
                )  # fmt: skip
        rows.sort(key=lambda r: r["contact_at"])  # logged in time order: a victim's rows far apart
        rows = rows[:contacts]
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(VLO_CONTACT), rows[i : i + CHUNK])
        top = conn.execute(select(VLO_CONTACT.c.id).order_by(VLO_CONTACT.c.id.desc()).limit(1)).scalar_one()
        # corrections (2 %) and withdrawals (1 %): appended rows superseding a contact, logged later
        chosen = rng.sample(range(1, top + 1), k=min(top, contacts * 3 // 100))
        olds = {
            r.id: r
            for r in conn.execute(
                select(VLO_CONTACT.c.id, VLO_CONTACT.c.person_id, VLO_CONTACT.c.contact_at,
                       VLO_CONTACT.c.next_contact_due).where(VLO_CONTACT.c.id.in_(chosen[:30000]))
            )
        } if chosen else {}  # fmt: skip
        fixes = []
        for n, cid in enumerate(chosen[:30000]):
            old = olds[cid]
            void = n % 3 == 0
            fixes.append(
                {"person_id": old.person_id, "vlo_user_id": None,
                 "contact_at": old.contact_at + timedelta(minutes=0 if void else rng.randrange(-90, 90)),
                 "method": "phone", "purpose": "welfare", "next_contact_due": old.next_contact_due,
                 "supersedes_id": cid, "is_void": void, "reason": "benchmark correction"}
            )  # fmt: skip
        for i in range(0, len(fixes), CHUNK):
            conn.execute(insert(VLO_CONTACT), fixes[i : i + CHUNK])
    print(f"made {victims:,} victims, {len(rows) + len(fixes):,} contacts ({len(fixes):,} corrections and "
          f"withdrawals) in {time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
    t0 = time.perf_counter()
    with admin.db.engine.begin() as conn:
        n = latest_contact.DERIVED.rebuild(conn)
        latest_contact.DERIVED.install_triggers(conn)
    print(f"latest_contact derived in {time.perf_counter() - t0:.1f} s ({n:,} rows)", flush=True)
    t0 = time.perf_counter()
    with admin.db.engine.begin() as conn:
        search_index.install(conn)
    with admin.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA optimize")
    print(f"search index built in {time.perf_counter() - t0:.0f} s", flush=True)
    admin.close()


# ----- one fresh process -------------------------------------------------------------------------------


def probe(db: str, which: str, runs: int) -> None:
    """Log in as the manager, time Today cold then warm with the ``before`` or ``after`` queries; one JSON
    line with the times and a digest of the items (both must show the same page)."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.today import TodayService
    from mshtdesk.store.queries import due

    if which == "before":
        due.latest_contacts_due = old_latest_contacts_due  # type: ignore[assignment]
        due.never_contacted = old_never_contacted  # type: ignore[assignment]
    backend = Backend.login(db, "manager", PASSWORD)
    service = TodayService(backend.db, backend.actor, now=NOW)
    t = time.perf_counter()
    items = service.items()
    cold = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        service.items()
        warm.append((time.perf_counter() - t) * 1000)
    backend.close()
    digest = hashlib.sha256(
        repr([(i.kind.value, i.person_id, i.due, i.overdue, i.text, i.record_id) for i in items]).encode()
    ).hexdigest()[:16]
    print(
        json.dumps(
            {"cold_ms": cold, "warm_ms": statistics.median(warm), "items": len(items), "digest": digest}
        )
    )


def measure(sites: dict[str, str], args: argparse.Namespace, env: dict[str, str]) -> None:
    print(f"\nToday for a manager, {args.contacts:,} contacts; ms, cold: median of {args.cold} fresh "
          f"processes, warm: median of {args.runs} repeats")  # fmt: skip
    print(f"{'':12} {'before cold':>12} {'after cold':>11} {'before warm':>12} {'after warm':>11}  items")
    for site, db in sites.items():
        got: dict[str, tuple[float, float, int, str]] = {}
        for which in ("before", "after"):
            colds, warms, out = [], [], {}
            for _ in range(args.cold):
                proc = subprocess.run(
                    [sys.executable, "-m", "tests.benchmarks.today", "--runs", str(args.runs),
                     "--probe", db, which],
                    env=env, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2],
                )  # fmt: skip
                if proc.returncode != 0:
                    raise SystemExit(f"probe {site} {which} failed: {proc.stderr[-2000:]}")
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                colds.append(out["cold_ms"])
                warms.append(out["warm_ms"])
            got[which] = (statistics.median(colds), statistics.median(warms), out["items"], out["digest"])
        (bc, bw, bn, bd), (ac, aw, an, ad) = got["before"], got["after"]
        same = "same items" if (bn, bd) == (an, ad) else f"DISAGREE: before {bn} {bd}, after {an} {ad}"
        print(f"{site:12} {bc:12.1f} {ac:11.1f} {bw:12.1f} {aw:11.1f}  {an:,} ({same})", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--cold", type=int, default=3, help="fresh processes per figure")
    ap.add_argument("--runs", type=int, default=5, help="warm repeats in each process")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--pg", metavar="URL", help="also on PostgreSQL: a scratch server's address")
    ap.add_argument("--dir", help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="measure --dir's SQLite file again (no build)")
    ap.add_argument("--reuse-pg", action="store_true", help="and the server's copy (no copy)")
    ap.add_argument("--probe", nargs=2, metavar=("DB", "WHICH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe:
        probe(args.probe[0], args.probe[1], args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="today-") as tmp:
        run(Path(args.dir or tmp), args)


def run(folder: Path, args: argparse.Namespace) -> None:
    from tests.benchmarks.scale import Bench

    folder.mkdir(parents=True, exist_ok=True)
    bench = Bench(folder, args)
    print(f"bytecode compiled in {bench.compile_bytecode():.0f} s", flush=True)
    db = folder / f"today-{args.contacts}.db"
    if not (args.reuse and db.exists()):
        for p in folder.glob(db.name + "*"):
            p.unlink()
        build(db, args.contacts, args.seed)
    sites = {"sqlite": str(db)}
    if args.pg:
        url = sibling_url(args.pg, BENCH_DB)
        if not args.reuse_pg:
            from mshtdesk.services import team

            url = bench_url(args.pg, BENCH_DB)
            t = time.perf_counter()
            moved = team.import_from(str(db), "admin", PASSWORD, url)
            print(
                f"PostgreSQL: copied {sum(moved.copied.values()):,} rows in {time.perf_counter() - t:.0f} s"
            )
            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:  # the planner's statistics and visibility map, as autovacuum
                conn.execute(text("VACUUM ANALYZE"))  # would have them after a while
            engine.dispose()
        sites["postgresql"] = url
    measure(sites, args, {**bench.env, "MSHTDESK_USER": "manager"})


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
