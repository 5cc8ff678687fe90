"""Producing the printed reports (the COM summary, the disposal table on its own) and recording each run.

Building a report to look at it on screen reads aggregate figures only and is not a disclosure. Saving,
printing or exporting one is: the user gives a reason, and one transaction records the run (parameters,
marking, who, when, the SHA-256 of the bytes handed over) and a disclose event in the audit log. A past
run can be regenerated from its parameters, with the records as recorded at its moment: the same bytes,
whatever was corrected since (the ranking and districts aside); ``revisions`` lists the cells that
today's records change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.forces import PROFILES
from mshtdesk.domain.roles import Action, Entity, may_everywhere
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.reports.com import (
    ArrestInputs,
    ComReport,
    build_com_report,
    marking,
    previous_period,
    same_period_last_year,
)
from mshtdesk.reports.revisions import RevisedCell, TableFigures, revised_cells
from mshtdesk.services import reference
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.changes import writes
from mshtdesk.services.disposal_report import check_period, disposal_table
from mshtdesk.store.database import Database
from mshtdesk.store.queries import report_runs as runs
from mshtdesk.store.queries.com import com_figures
from mshtdesk.store.queries.report_runs import StoredRun
from mshtdesk.store.reference import force_profile_key

#: A progress callback: what is happening, steps done, steps in all.
Progress = Callable[[str, int, int], None]

PATHWAY = (Entity.NRM_REFERRAL, Entity.NAVIGATOR_CASE, Entity.HAVEN_STAY, Entity.VLO_CONTACT)


class ReportKind(StrEnum):
    COM = "com"
    DISPOSALS = "disposals"

    @property
    def label(self) -> str:
        return "COM summary" if self is ReportKind.COM else "Disposal table"


class OutputFormat(StrEnum):
    PDF = "pdf"
    JSON = "json"
    HTML = "html"  # the COM summary only: one accessible, self-contained page
    CSV = "csv"  # the COM summary only: a ZIP of one CSV per table and a metadata sheet

    @property
    def label(self) -> str:
        return {"pdf": "PDF", "json": "JSON", "html": "HTML", "csv": "CSV (ZIP)"}[self.value]

    @property
    def suffix(self) -> str:
        return ".zip" if self is OutputFormat.CSV else f".{self.value}"


@dataclass(frozen=True)
class ReportRequest:
    kind: ReportKind
    date_from: date
    date_to: date
    as_at: date
    public: bool = False

    @property
    def marking(self) -> str:
        return marking(self.public)

    def file_stem(self) -> str:
        name = "com-summary" if self.kind is ReportKind.COM else "arrests-by-disposal"
        version = "-public" if self.public else ""
        span = f"{self.date_from:%Y-%m-%d}-to-{self.date_to:%Y-%m-%d}"
        return f"{name}{version}-{span}-as-at-{self.as_at:%Y-%m-%d}"

    def describe(self) -> str:
        return (
            f"{self.kind.label} ({'public, ' if self.public else ''}{self.marking}), {uk(self.date_from)} to "
            f"{uk(self.date_to)} as at {uk(self.as_at)}"
        )


@dataclass(frozen=True)
class RenderedReport:
    """What the user sees before deciding to save or print: the PDF, the JSON and the data behind them."""

    request: ReportRequest
    pdf: bytes
    json: bytes
    report: ComReport | None  # None for the disposal table
    prepared_by: str
    produced: datetime
    recorded_at: datetime  # the moment whose records it shows (``produced`` unless asked otherwise)

    def data(self, fmt: OutputFormat) -> bytes:
        """The bytes handed over in ``fmt``; HTML and the CSV ZIP are made from the same report data,
        with the same preparer and time as the PDF, so a regenerated run gives the same bytes."""
        if fmt is OutputFormat.PDF:
            return self.pdf
        if fmt is OutputFormat.JSON:
            return self.json
        if self.report is None:
            raise ValidationError(
                {
                    "format": f"The {self.request.kind.label.lower()} is made as a PDF only; {fmt.label} is "
                    "for the COM summary."
                }
            )
        if fmt is OutputFormat.HTML:
            from mshtdesk.reports.html import com_html

            return com_html(self.report, prepared_by=self.prepared_by, produced=self.produced)
        from mshtdesk.reports.opendata import com_csv_zip

        return com_csv_zip(self.report, prepared_by=self.prepared_by, produced=self.produced)


@dataclass(frozen=True)
class ReportRun:
    id: int
    kind: ReportKind
    date_from: date
    date_to: date
    as_at: date
    public: bool
    classification: str
    output_format: str
    file_name: str
    sha256: str
    size_bytes: int
    json_sha256: str
    reason: str
    username: str
    created_at: datetime
    prepared_by: str = ""
    recorded_at: datetime | None = None  # the moment whose records it shows (None: runs stored before)
    produced: datetime | None = None  # the time printed on it (None: runs stored before)

    @property
    def as_recorded_at(self) -> datetime:
        """The moment whose records the run shows (for runs stored before it was kept: their time)."""
        return self.recorded_at or self.created_at

    @property
    def printed_time(self) -> datetime:
        return self.produced or self.created_at

    @property
    def request(self) -> ReportRequest:
        return ReportRequest(self.kind, self.date_from, self.date_to, self.as_at, self.public)


@dataclass(frozen=True)
class Regeneration:
    run: ReportRun  # the new run
    original: ReportRun
    rendered: RenderedReport

    @property
    def identical(self) -> bool:
        """The figures are those of the original run (the canonical JSON hashes agree)."""
        return bool(self.original.json_sha256) and self.original.json_sha256 == self.run.json_sha256


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ReportService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    # ----- rights ---------------------------------------------------------------------------------
    def _require(self, kind: ReportKind, action: Action) -> None:
        """The disposal table needs the disposal-report right; the COM summary also needs the right over
        every victim-pathway record across the force (a VLO's or Navigator's scoped view is not enough)."""
        self._actor.require(action, Entity.DISPOSAL_REPORT)
        if kind is ReportKind.DISPOSALS:
            return
        for entity in PATHWAY:
            if not may_everywhere(self._actor.role, action, entity):
                raise PermissionDeniedError(
                    f"Your role ({self._actor.role.label}) does not allow you to {action.value} the COM "
                    f"summary: it needs the {entity.value.replace('_', ' ')} records of the whole force."
                )

    def may_run(self, kind: ReportKind, action: Action = Action.EXPORT) -> bool:
        try:
            self._require(kind, action)
        except PermissionDeniedError:
            return False
        return True

    # ----- building -------------------------------------------------------------------------------
    def _check(self, req: ReportRequest) -> None:
        check_period(req.date_from, req.date_to, req.as_at)
        if req.kind is ReportKind.COM and req.as_at < req.date_to:
            raise ValidationError(
                {"as_at": "For the COM summary the as-at date must be on or after the end of the period."}
            )

    def _force(self) -> str:
        with self._db.engine.connect() as conn:
            profile = PROFILES.get(force_profile_key(conn))
        return profile.name if profile else "Police force"

    def build(self, req: ReportRequest, recorded_at: datetime | None = None) -> ComReport:
        """The COM summary as data (JSON, tests, the app's figures), as recorded at ``recorded_at``
        (default: now); reading it is not a disclosure."""
        self._require(ReportKind.COM, Action.READ)
        self._check(req)
        return self._build(req, recorded_at)

    def _build(self, req: ReportRequest, recorded_at: datetime | None = None) -> ComReport:
        prev = previous_period(req.date_from, req.date_to)
        year = same_period_last_year(req.date_from, req.date_to)
        arrests = ArrestInputs(
            disposal_table(self._db, req.date_from, req.date_to, req.as_at, recorded_at),
            disposal_table(self._db, prev[0], prev[1], req.as_at, recorded_at),
            {d.code: d.name for d in reference.districts(self._db)},
            # A financial year's previous period is the same period last year: one table, not two.
            year_ago_disposals=None
            if year == prev
            else disposal_table(self._db, year[0], year[1], req.as_at, recorded_at),
        )
        force = self._force()
        with self._db.engine.connect() as conn:
            calendar = load_calendar(conn)
            figures = com_figures(conn, req.date_from, req.date_to, req.as_at, prev, recorded_at, year)
        return build_com_report(
            figures,
            req.date_from,
            req.date_to,
            req.as_at,
            public=req.public,
            arrests=arrests,
            calendar=calendar,
            force=force,
        )

    def render(
        self,
        req: ReportRequest,
        *,
        progress: Progress | None = None,
        recorded_at: datetime | None = None,
        produced: datetime | None = None,
        prepared_by: str | None = None,
    ) -> RenderedReport:
        """Build and typeset (to preview); nothing is disclosed until ``disclose`` records it. The records
        are read as recorded at ``recorded_at`` (default: ``produced``, the time printed on it, now unless
        given), so a run recorded with its ``produced`` time can be reproduced byte for byte."""
        self._require(req.kind, Action.READ)
        self._check(req)
        from mshtdesk.reports import pdf

        produced = produced or datetime.now(UTC)
        recorded_at = recorded_at or produced
        who = prepared_by or self._actor.display_name or self._actor.username
        if req.kind is ReportKind.DISPOSALS:
            table = disposal_table(self._db, req.date_from, req.date_to, req.as_at, recorded_at)
            if progress:
                progress("Typesetting the table", 1, 2)
            data = pdf.disposals_pdf(
                table, force=self._force(), marking=req.marking, prepared_by=who, produced=produced
            )
            payload = {
                "period": {
                    "from": req.date_from.isoformat(),
                    "to": req.date_to.isoformat(),
                    "as_at": req.as_at.isoformat(),
                },
                "public": req.public,
                "tables": {
                    "disposals": {
                        "title": table.caption,
                        "columns": list(table.header),
                        "rows": table.records(),
                        "notes": list(table.footnotes),
                    }
                },
            }
            text = (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode()
            if progress:
                progress("Done", 2, 2)
            return RenderedReport(req, data, text, None, who, produced, recorded_at)
        if progress:
            progress("Counting arrests, referrals, stays and contacts", 0, 11)
        report = self._build(req, recorded_at)
        steps = len(report.tables) + 2

        def typeset(done: int, _total: int) -> None:
            if progress:
                progress("Typesetting", done + 1, steps)

        data = pdf.com_pdf(report, prepared_by=who, produced=produced, progress=typeset)
        return RenderedReport(req, data, report.json_bytes(), report, who, produced, recorded_at)

    # ----- disclosing -----------------------------------------------------------------------------
    @writes(Data.REPORT_RUN, ids=lambda run: run.id)
    def disclose(self, rendered: RenderedReport, fmt: OutputFormat, file_name: str, reason: str) -> ReportRun:
        """Record that ``rendered`` is being saved, printed or exported (before the bytes leave)."""
        req = rendered.request
        self._require(req.kind, Action.EXPORT)
        if not reason.strip():
            raise ValidationError(
                {"reason": "Give the reason for this disclosure; it is kept in the audit log."}
            )
        data = rendered.data(fmt)
        digest = sha256(data)
        json_digest = sha256(rendered.json)
        params = {
            "report": req.kind.value,
            "from": req.date_from.isoformat(),
            "to": req.date_to.isoformat(),
            "as_at": req.as_at.isoformat(),
            "public": req.public,
            "format": fmt.value,
            "json_sha256": json_digest,
            "prepared_by": rendered.prepared_by,
            # Regenerate reads the records as recorded then and prints the same time: the same bytes.
            "recorded_at": rendered.recorded_at.astimezone(UTC).isoformat(),
            "produced": rendered.produced.astimezone(UTC).isoformat(),
        }
        if rendered.report is not None:
            ranking = rendered.report.table("disposals").notes[-1]
            params["ranking"] = ranking
            params["force"] = rendered.report.force
        now = datetime.now(UTC)
        with self._db.engine.begin() as conn:
            run_id = runs.insert_run(
                conn,
                dict(
                    report=req.kind.value,
                    period_from=req.date_from,
                    period_to=req.date_to,
                    as_at=req.as_at,
                    public=req.public,
                    classification=req.marking,
                    output_format=fmt.value,
                    file_name=file_name[:260],
                    sha256=digest,
                    size_bytes=len(data),
                    parameters=json.dumps(params, sort_keys=True),
                    reason=reason.strip()[:1000],
                    user_id=self._actor.user_id,
                    username=self._actor.username,
                    created_at=now,
                ),
            )
            record(
                conn,
                self._actor,
                AuditAction.DISCLOSE,
                "report_run",
                run_id,
                fields=(req.kind.value, fmt.value, "public" if req.public else "internal"),
                reason=reason.strip(),
            )
        return self.get(run_id)

    def produce(
        self,
        req: ReportRequest,
        fmt: OutputFormat,
        file_name: str,
        reason: str,
        *,
        progress: Progress | None = None,
        recorded_at: datetime | None = None,
    ) -> tuple[ReportRun, bytes]:
        """Render and record in one call (the command line): the bytes to write and their run; with
        ``recorded_at``, the records as recorded at that moment (kept with the run, for Regenerate)."""
        self._require(req.kind, Action.EXPORT)
        if not reason.strip():
            raise ValidationError(
                {"reason": "Give the reason for this disclosure; it is kept in the audit log."}
            )
        rendered = self.render(req, progress=progress, recorded_at=recorded_at)
        run = self.disclose(rendered, fmt, file_name, reason)
        return run, rendered.data(fmt)

    # ----- history --------------------------------------------------------------------------------
    def count(self) -> int:
        self._actor.require(Action.READ, Entity.DISPOSAL_REPORT)
        with self._db.engine.connect() as conn:
            return runs.count_runs(conn)

    def history(self, *, offset: int = 0, limit: int = 200) -> list[ReportRun]:
        """Past runs, newest first, one page (their parameters, never their contents)."""
        self._actor.require(Action.READ, Entity.DISPOSAL_REPORT)
        with self._db.engine.connect() as conn:
            return [_run(r) for r in runs.page_runs(conn, offset=offset, limit=limit)]

    def get(self, run_id: int) -> ReportRun:
        self._actor.require(Action.READ, Entity.DISPOSAL_REPORT)
        with self._db.engine.connect() as conn:
            row = runs.get_run(conn, run_id)
        if row is None:
            raise NotFoundError(f"There is no report run {run_id}.")
        return _run(row)

    def regenerate(
        self, run_id: int, reason: str, *, fmt: OutputFormat | None = None, progress: Progress | None = None
    ) -> Regeneration:
        """Produce a past run again from its parameters, with the records as recorded at its time, so the
        file is the published one byte for byte whatever was corrected since (a new disclosure, recorded
        as its own run)."""
        original = self.get(run_id)
        req = original.request
        self._require(req.kind, Action.EXPORT)
        rendered = self.render(
            req,
            progress=progress,
            produced=original.printed_time,
            recorded_at=original.as_recorded_at,
            prepared_by=original.prepared_by or None,
        )
        out = fmt or OutputFormat(original.output_format)
        run = self.disclose(rendered, out, original.file_name, reason)
        return Regeneration(run, original, rendered)

    # ----- revisions ------------------------------------------------------------------------------
    def _tables(self, req: ReportRequest, recorded_at: datetime) -> list[TableFigures]:
        if req.kind is ReportKind.DISPOSALS:
            t = disposal_table(self._db, req.date_from, req.date_to, req.as_at, recorded_at)
            return [TableFigures(t.caption, t.header, tuple(tuple(r) for r in t.records()))]
        report = self._build(req, recorded_at)
        return [TableFigures(t.title, t.columns, t.rows) for t in report.tables]

    def revisions(self, run_id: int) -> Revisions:
        """The run's tables as published (as recorded at its time) and recomputed with today's records,
        every changed cell listed, like a statistics office's revisions note. Reading them is a
        consultation of the run, audited; the figures are aggregates (the public run's suppression
        applies to both sides)."""
        original = self.get(run_id)
        req = original.request
        self._require(req.kind, Action.READ)
        now = datetime.now(UTC)
        cells = revised_cells(self._tables(req, original.as_recorded_at), self._tables(req, now))
        with self._db.engine.begin() as conn:
            record(conn, self._actor, AuditAction.CONSULT, "report_run", run_id, fields=("revisions",))
        return Revisions(original, tuple(cells), now)


@dataclass(frozen=True)
class Revisions:
    """What changed since a run was published: its tables recomputed with today's records."""

    run: ReportRun
    cells: tuple[RevisedCell, ...]
    recomputed: datetime


def _run(r: StoredRun) -> ReportRun:
    try:
        params = json.loads(r.parameters or "{}")
    except ValueError:
        params = {}
    created = r.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return ReportRun(
        id=r.id,
        kind=ReportKind(r.report),
        date_from=r.period_from,
        date_to=r.period_to,
        as_at=r.as_at,
        public=bool(r.public),
        classification=r.classification,
        output_format=r.output_format,
        file_name=r.file_name,
        sha256=r.sha256,
        size_bytes=int(r.size_bytes),
        json_sha256=str(params.get("json_sha256", "")),
        reason=r.reason,
        username=r.username,
        created_at=created,
        prepared_by=str(params.get("prepared_by", "")),
        recorded_at=_moment(params.get("recorded_at")),
        produced=_moment(params.get("produced")),
    )


def _moment(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
