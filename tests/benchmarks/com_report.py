"""COM summary benchmark: the 100,000-arrest database with a proportional victim pathway.

Targets (issue 5): the PDF in under 3 s and the JSON in under 1 s on a 2-core machine, for a half-year
and for a financial year, internal and public.

    uv run python -m tests.benchmarks.com_report                 # 100,000 arrests over eight years
    uv run python -m tests.benchmarks.com_report --arrests 20000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from mshtdesk.demo.arrests import demo_csv
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest

YEARS = 8


def median_time(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arrests", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--profile", action="store_true", help="print where the financial-year build spends its time"
    )
    ap.add_argument("--keep", metavar="DIR", help="build the database in DIR and reuse it when it is there")
    args = ap.parse_args()
    from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests

    today = date(2026, 11, 22)
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(args.keep or tmp) / "bench.db"
        if db_file.exists():
            run_reports(Backend.login(str(db_file), "manager", "another benchmark passphrase"), args, today)
            return
        admin = Backend.create(str(db_file), "admin", "benchmark passphrase")
        for name, role in (("officer", Role.HTT_OFFICER), ("manager", Role.MANAGER), ("vlo", Role.VLO),
                           ("navigator", Role.NAVIGATOR)):  # fmt: skip
            admin.users.add_user(name, "", role, "another benchmark passphrase")
        # logged in, not ``as_user``: its import is then signed, so the kept database's audit log
        # verifies (with ``as_user`` its event 7 was unsigned after signing had begun)
        officer = Backend.login(str(db_file), "officer", "another benchmark passphrase")
        districts = [d.code for d in officer.reference.districts()]
        t = time.perf_counter()
        officer.import_custody(
            demo_csv(7, args.arrests, today, districts, span_days=YEARS * 365), "bench.csv"
        )
        print(f"{args.arrests:,} arrests imported in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        pathway = fill_pathway(
            admin.db, seed=7, years=YEARS, volume=volume_for_arrests(args.arrests, YEARS), today=today
        )
        print(f"pathway: {pathway.describe()} in {time.perf_counter() - t:.1f} s")
        officer.close()
        run_reports(Backend.login(str(db_file), "manager", "another benchmark passphrase"), args, today)
        admin.close()


def run_reports(manager: Backend, args: argparse.Namespace, today: date) -> None:
    if True:
        reports = manager.reports
        if args.profile:
            import cProfile
            import pstats

            req = ReportRequest(ReportKind.COM, date(2025, 4, 1), date(2026, 3, 31), today, True)
            reports.build(req)
            with cProfile.Profile() as prof:
                reports.build(req)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        for label, lo, hi in (
            ("half-year", date(2026, 4, 1), date(2026, 9, 30)),
            ("financial year", date(2025, 4, 1), date(2026, 3, 31)),
        ):
            for public in (False, True):
                req = ReportRequest(ReportKind.COM, lo, hi, today, public)
                report = reports.build(req)
                arrests = report.table("disposals").rows[-1][1]
                referrals = report.table("nrm_referrals").row("All referrals")[3]
                json_s = median_time(lambda req=req: reports.build(req).json_bytes(), args.runs)
                pdf_s = median_time(lambda req=req: reports.render(req), args.runs)
                pages = reports.render(req).pdf.count(b"/Type /Page\n")
                print(
                    f"COM {label} {'public' if public else 'internal'} ({arrests:,} arrests, {referrals} "
                    f"referrals): JSON {json_s * 1000:.0f} ms (target < 1000), PDF with JSON "
                    f"{pdf_s * 1000:.0f} ms (target < 3000), {pages or '?'} pages"
                )


if __name__ == "__main__":
    main()
