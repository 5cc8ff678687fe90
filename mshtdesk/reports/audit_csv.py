"""The audit log as CSV, one format for the CLI and the app: times in UTC ISO 8601 so files from any PC
agree, and free-text cells guarded against spreadsheet formula injection.

Reports sit below services, so the rows are described here by the fields the file needs
(``services.audit.AuditRow`` has them) rather than imported from the service."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol, TextIO

from mshtdesk.reports.csv_safety import safe_cell

__all__ = ["HEADER", "AuditEvent", "safe_cell", "write_audit_csv"]


class AuditEvent(Protocol):
    """One audit event as the CSV reads it."""

    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def username(self) -> str: ...
    @property
    def workstation(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def record_id(self) -> str: ...
    @property
    def fields(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def recipient(self) -> str: ...


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


def write_audit_csv(out: TextIO, rows: Iterable[AuditEvent]) -> int:
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
