"""The audit log as CSV, one format for the CLI and the app: times in UTC ISO 8601 so files from any PC
agree, and free-text cells guarded against spreadsheet formula injection."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC
from typing import TextIO

from mshtdesk.reports.csv_safety import safe_cell
from mshtdesk.services.audit import AuditRow

__all__ = ["HEADER", "safe_cell", "write_audit_csv"]

HEADER = (
    "Event",
    "When (UTC)",
    "User",
    "Workstation",
    "Action",
    "Entity",
    "Record",
    "Fields",
    "Reason",
    "Recipient",
)


def write_audit_csv(out: TextIO, rows: Iterable[AuditRow]) -> int:
    """Write the header and ``rows``; return how many events were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    n = 0
    for r in rows:
        at = r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=UTC)
        text = (r.username, r.workstation, r.action, r.entity, r.record_id, r.fields, r.reason, r.recipient)
        writer.writerow((r.id, at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), *map(safe_cell, text)))
        n += 1
    return n
