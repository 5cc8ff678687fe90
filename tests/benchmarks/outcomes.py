"""The COM tables ``outcomes`` and ``people_charged`` at scale (on demand, not in the test run).

    uv run python -m tests.benchmarks.outcomes --arrests 100000

Generates eight years of custody exports (``demo.arrests.demo_csv``), imports them, gives half the
charged offences a court outcome (a third of those custodial), then times each table's one statement
for a financial year (median of the runs, warm).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from mshtdesk.demo.arrests import demo_csv
from mshtdesk.domain.outcomes import Outcome
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store.queries.outcomes import outcomes_by_district, people_charged
from mshtdesk.store.tables import COURT_OUTCOME, DISPOSAL_TYPE, EVENT


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arrests", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="build the database in this folder once, and reuse it")
    args = ap.parse_args()
    if args.keep is not None and (args.keep / "bench.db").exists():
        measure(Backend.login(str(args.keep / "bench.db"), "admin", "benchmark passphrase"), args.runs)
        return
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        build(args.keep, args.arrests, args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp), args.arrests, args.runs)


def build(folder: Path, arrests: int, runs: int) -> None:
    today = date(2026, 11, 22)
    admin = Backend.create(str(folder / "bench.db"), "admin", "benchmark passphrase")
    admin.users.add_user("officer", "", Role.HTT_OFFICER, "another benchmark passphrase")
    backend = Backend.as_user(admin.db, "officer")
    districts = [d.code for d in backend.reference.districts()]
    data = demo_csv(7, arrests, today, districts, span_days=8 * 365)
    summary = backend.import_custody(data, "bench.csv")
    rng = random.Random(3)
    now = datetime.now(UTC)
    with admin.db.engine.begin() as conn:
        charged = conn.execute(
            select(EVENT.c.offence_id, EVENT.c.event_date)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
            .where(DISPOSAL_TYPE.c.code == "CHARGE")
        ).all()
        rows = []
        for offence_id, charged_on in charged:
            if rng.random() < 0.5:
                continue
            outcome = rng.choice(list(Outcome))
            custodial = outcome.is_conviction and rng.random() < 0.33
            rows.append(
                {
                    "offence_id": offence_id,
                    "outcome": outcome.value,
                    "outcome_date": min(today, charged_on + timedelta(days=rng.randint(30, 500))),
                    "sentence_months": rng.randint(6, 120) if custodial else None,
                    "custodial": custodial if outcome.is_conviction else None,
                    "note": "",
                    "supersedes_id": None,
                    "is_void": False,
                    "reason": "",
                    "source": "demo",
                    "import_batch_id": None,
                    "recorded_at": now,
                    "recorded_by": None,
                }
            )
        if rows:
            conn.execute(insert(COURT_OUTCOME), rows)
    print(
        f"{summary.arrests_added:,} arrests, {summary.offences_added:,} offences, "
        f"{len(charged):,} charge events, {len(rows):,} outcomes"
    )
    measure(admin, runs)


def measure(admin: Backend, runs: int) -> None:
    lo, hi, as_at = date(2025, 4, 1), date(2026, 3, 31), date(2026, 5, 1)
    for name, fn in (("outcomes", outcomes_by_district), ("people_charged", people_charged)):
        times = []
        for _ in range(runs):
            with admin.db.engine.connect() as conn:
                t = time.perf_counter()
                result = fn(conn, lo, hi, as_at)
                times.append(time.perf_counter() - t)
        print(f"{name}: median {statistics.median(times) * 1000:.0f} ms over {runs} runs; {result}")


if __name__ == "__main__":
    main()
