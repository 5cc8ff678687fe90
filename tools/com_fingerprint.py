"""SHA-256 fingerprints of the COM summary JSON and the seed disposal table, to prove a refactor changed
no figure: run before and after, and compare (the hashes must be identical).

A deterministic demo database (fixed seed, fixed today) is built in a temporary folder; the COM JSON is
hashed for a half-year and a financial year, internal and public, and the disposal table (JSON) and the
COM summary of the seed custody export for its published period. Only hashes are printed.

    uv run python -m tools.com_fingerprint
    uv run python -m tools.com_fingerprint --arrests 5000
    uv run python -m tools.com_fingerprint --per-table   # and one hash per table key
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from mshtdesk.demo.arrests import demo_csv
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.roles import Role
from mshtdesk.reports.com import ComReport
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import ReportKind, ReportRequest

SEED_EXPORT = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed_000_custody_export.csv"
TODAY = date(2026, 11, 22)
YEARS = 3
PASSWORD = "fingerprint passphrase"
CASES = (
    ("half-year", date(2026, 4, 1), date(2026, 9, 30)),
    ("financial year", date(2025, 4, 1), date(2026, 3, 31)),
)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _per_table(label: str, report: ComReport) -> list[tuple[str, str]]:
    """One hash per COM table key, so a change that adds a table shows the others are untouched."""
    tables = report.as_json()["tables"]
    return [
        (f"{label} [{key}]", _digest(json.dumps(tables[key], ensure_ascii=False, sort_keys=True).encode()))
        for key in sorted(tables)
    ]


def _database(path: Path) -> Backend:
    admin = Backend.create(str(path), "admin", PASSWORD)
    admin.users.add_user("officer", "", Role.HTT_OFFICER, PASSWORD)
    admin.users.add_user("manager", "", Role.MANAGER, PASSWORD)
    return admin


def fingerprints(arrests: int, folder: Path, per_table: bool = False) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    admin = _database(folder / "demo.db")
    officer = Backend.as_user(admin.db, "officer")
    districts = [d.code for d in officer.reference.districts()]
    officer.import_custody(demo_csv(7, arrests, TODAY, districts, span_days=YEARS * 365), "demo.csv")
    fill_pathway(
        admin.db,
        seed=7,
        years=YEARS,
        volume=volume_for_arrests(arrests, YEARS),
        today=TODAY,
        now=datetime(2026, 11, 22, 12, tzinfo=UTC),
    )
    reports = Backend.as_user(admin.db, "manager").reports
    for label, lo, hi in CASES:
        for public in (False, True):
            req = ReportRequest(ReportKind.COM, lo, hi, TODAY, public)
            report = reports.build(req)
            name = f"COM {label} {'public' if public else 'internal'}"
            out.append((name, _digest(report.json_bytes())))
            if per_table:
                out += _per_table(name, report)
    admin.close()

    seed = _database(folder / "seed.db")
    Backend.as_user(seed.db, "officer").import_file(str(SEED_EXPORT))
    reports = Backend.as_user(seed.db, "manager").reports
    lo, hi, as_at = date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)
    table = reports.render(ReportRequest(ReportKind.DISPOSALS, lo, hi, as_at)).json
    out.append(("seed disposal table", _digest(table)))
    for public in (False, True):
        req = ReportRequest(ReportKind.COM, lo, hi, as_at, public)
        report = reports.build(req)
        name = f"COM seed {'public' if public else 'internal'}"
        out.append((name, _digest(report.json_bytes())))
        if per_table:
            out += _per_table(name, report)
    seed.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arrests", type=int, default=3000)
    ap.add_argument(
        "--per-table", action="store_true", help="also one hash per COM table (a new table leaves the rest)"
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, digest in fingerprints(args.arrests, Path(tmp), args.per_table):
            print(f"{digest}  {name}")


if __name__ == "__main__":
    main()
