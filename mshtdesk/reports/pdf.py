"""Typesetting with ReportLab: the COM summary, the one-page disposal table and a subject access
response. With ``reports/pathway_print.py`` (a printed pathway, on this module's page template and
styles), the only modules that import ReportLab, so the rest of the app never pays for it or depends
on its API.

Every page carries the marking in bold capitals at its head and foot and "Page N of M" (the total is
known only at the end, so the canvas keeps each page until the document is complete). The text is set
in DejaVu Sans, shipped in ``resources/fonts`` and embedded, so names with Polish, Romanian, Albanian,
Czech or Vietnamese letters print as written on any machine.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

import mshtdesk
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.disclosure import SUPPRESSED
from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.reports import subject_access as sa
from mshtdesk.reports.com import OFFICIAL, SUBTITLE, TITLE, Chart, ComReport, ReportTable, handling_note
from mshtdesk.reports.subject_access import Section, SubjectAccess
from mshtdesk.reports.tables import format_cell

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm
TEXT_W = PAGE_W - 2 * MARGIN_X

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9aa5b1")
HEAD_BG = colors.HexColor("#dfe6ee")
STRIPE = colors.HexColor("#f4f6f8")
TOTAL_BG = colors.HexColor("#e9edf1")
BAR = colors.HexColor("#2f5d8a")
SENSITIVE_INK = colors.HexColor("#a00000")


def resource_dir() -> Path:
    """``resources/`` beside the installed package (a wheel installs it next to ``mshtdesk``), or inside
    a frozen build; never the working directory."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) if frozen else Path(mshtdesk.__file__).resolve().parent.parent
    return base / "resources"


_registered = False


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    fonts = resource_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    _registered = True


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK)
    return {
        "body": base,
        "note": ParagraphStyle("note", parent=base, spaceAfter=5),
        "small": ParagraphStyle("small", parent=base, fontSize=7.8, leading=10.2, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.4, leading=10.4),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8.4, leading=10.4),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8.2, leading=10.2),
        "head_r": ParagraphStyle(
            "head_r", parent=base, fontName=BOLD, fontSize=8.2, leading=10.2, alignment=2
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=13, leading=17, spaceBefore=4, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceAfter=4),
        "cover_force": ParagraphStyle("cf", parent=base, fontSize=13, leading=17, textColor=MUTED),
        "cover_title": ParagraphStyle("ct", parent=base, fontName=BOLD, fontSize=24, leading=30),
        "cover_sub": ParagraphStyle("cs", parent=base, fontSize=15, leading=20),
        "cover_item": ParagraphStyle("ci", parent=base, fontSize=10.5, leading=15, alignment=TA_LEFT),
    }


# ----- numbers -------------------------------------------------------------------------------------


# ----- page furniture ------------------------------------------------------------------------------


def _canvas_maker(marking: str, left_foot: str) -> type[Canvas]:
    sensitive = marking != OFFICIAL

    class MarkedCanvas(Canvas):  # type: ignore[misc]
        """Keeps each page until the end so every footer can say "Page N of M"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", FONT)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(SENSITIVE_INK if sensitive else INK)
            self.setFont(BOLD, 11)
            self.drawCentredString(PAGE_W / 2, PAGE_H - 12 * mm, marking)
            self.drawCentredString(PAGE_W / 2, 8 * mm, marking)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, PAGE_H - 15 * mm, PAGE_W - MARGIN_X, PAGE_H - 15 * mm)
            self.line(MARGIN_X, 18 * mm, PAGE_W - MARGIN_X, 18 * mm)
            self.setFillColor(MUTED)
            self.setFont(FONT, 7.5)
            self.drawString(MARGIN_X, 14 * mm, left_foot)
            self.drawRightString(PAGE_W - MARGIN_X, 14 * mm, f"Page {number} of {total}")
            self.restoreState()

    return MarkedCanvas


def _document(buffer: io.BytesIO, title: str, marking: str, author: str) -> BaseDocTemplate:
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        subject=marking,
        author=author,
        creator="MSHT Desk",
        keywords=marking,
        initialFontName=FONT,
        invariant=True,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc


# ----- tables --------------------------------------------------------------------------------------


def _column_widths(table: ReportTable) -> list[float]:
    """Label column at least 50 mm (a disposal type fits on one line); numbers share the rest, up to
    24 mm each; long headings ("Adult (18 or over)") get wider columns while there is room."""
    numbers = len(table.columns) - 1
    if numbers == 1:  # a list of measures: a readable width, not the whole page
        return [118 * mm, 30 * mm]
    label_min = 50 * mm
    base = min(24 * mm, (TEXT_W - 60 * mm) / numbers)
    base = max(base, min(13 * mm, (TEXT_W - label_min) / numbers))
    widths = [base] * numbers
    spare = TEXT_W - label_min - sum(widths)
    for i, col in enumerate(table.columns[1:]):
        if len(col) >= 9 and spare > 0:
            extra = min(24 * mm - widths[i], spare)
            if extra > 0:
                widths[i] += extra
                spare -= extra
    label = min(TEXT_W - sum(widths), 90 * mm)
    return [label, *widths]


def table_flowable(table: ReportTable, styles: dict[str, ParagraphStyle]) -> Table:
    signed = {i for i, c in enumerate(table.columns) if c.startswith("Change")}
    # Labels and headings hold text from the database (a nationality, a district): markup to ReportLab
    # unless escaped (an "<img src=...>" nationality would otherwise be fetched, or stop the report).
    header = [Paragraph(_escape(table.columns[0]), styles["head"])] + [
        Paragraph(_escape(c), styles["head_r"]) for c in table.columns[1:]
    ]
    body: list[list[Any]] = []
    for i, row in enumerate(table.rows):
        bold = i in table.emphasis
        label = Paragraph(_escape(str(row[0])), styles["cell_bold" if bold else "cell"])
        percent = str(row[0]).endswith("(%)")
        body.append(
            [label, *(format_cell(v, signed=j + 1 in signed, percent=percent) for j, v in enumerate(row[1:]))]
        )
    t = Table([header, *body], colWidths=_column_widths(table), repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (1, 1), (-1, -1), FONT, 8.4),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    for i in range(len(body)):
        r = i + 1
        if i in table.emphasis:
            commands += [
                ("BACKGROUND", (0, r), (-1, r), TOTAL_BG),
                ("FONT", (1, r), (-1, r), BOLD, 8.4),
                ("LINEABOVE", (0, r), (-1, r), 0.6, RULE),
            ]
        elif i % 2 == 1:
            commands.append(("BACKGROUND", (0, r), (-1, r), STRIPE))
    t.setStyle(TableStyle(commands))
    return t


def _notes(notes: Sequence[str], styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 3 * mm)]
    out += [Paragraph(_escape(n), styles["small"]) for n in notes]
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----- charts --------------------------------------------------------------------------------------


def _numbers(chart: Chart) -> tuple[list[str], list[float], list[str]]:
    labels: list[str] = []
    values: list[float] = []
    hidden: list[str] = []
    for label, value in zip(chart.labels, chart.values, strict=True):
        if isinstance(value, int | float):
            labels.append(label)
            values.append(float(value))
        elif value == SUPPRESSED:
            hidden.append(label)
    return labels, values, hidden


def _nice_max(top: float) -> tuple[float, float]:
    if top <= 5:
        return 5, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if top / step <= 8:
            return step * (int(top // step) + 1), step
    return top * 1.1, top / 5


def month_chart(chart: Chart) -> Drawing:
    labels, values, _ = _numbers(chart)
    width, height = TEXT_W, 62 * mm
    d = Drawing(width, height, initialFontName=FONT)
    d.add(String(0, height - 10, chart.title, fontName=BOLD, fontSize=10, fillColor=INK))
    bc = VerticalBarChart()
    bc.x, bc.y = 40, 30 if len(labels) <= 14 else 40
    bc.width, bc.height = width - 50, height - bc.y - 22
    bc.data = [values or [0.0]]
    if len(labels) > 8:  # "Apr 2025" -> "Apr 25": a year of months fits without crowding
        labels = [f"{x[:3]} {x[-2:]}" if len(x) == 8 else x for x in labels]
    bc.categoryAxis.categoryNames = labels or [""]
    bc.categoryAxis.labels.fontName = FONT
    bc.categoryAxis.labels.fontSize = 6.8 if len(labels) <= 14 else 6
    if len(labels) > 14:
        bc.categoryAxis.labels.angle = 45
        bc.categoryAxis.labels.boxAnchor = "ne"
    bc.categoryAxis.labels.dy = -2
    bc.valueAxis.labels.fontName = FONT
    bc.valueAxis.labels.fontSize = 7
    top, step = _nice_max(max(values, default=0))
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = 0, top, step
    bc.valueAxis.gridStrokeColor = colors.HexColor("#e3e7eb")
    bc.valueAxis.visibleGrid = True
    bc.bars[0].fillColor = BAR
    bc.bars[0].strokeColor = None
    bc.barLabelFormat = "%d"
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 6.5
    bc.barLabels.nudge = 5
    d.add(bc)
    return d


def category_chart(chart: Chart) -> Drawing:
    labels, values, hidden = _numbers(chart)
    rows = max(len(labels), 1)
    bar_h = 13
    width = TEXT_W
    plot_h = rows * bar_h
    height = plot_h + 48 + (12 if hidden else 0)
    d = Drawing(width, height, initialFontName=FONT)
    d.add(String(0, height - 10, chart.title, fontName=BOLD, fontSize=10, fillColor=INK))
    bc = HorizontalBarChart()
    bc.x, bc.y = 150, 24 + (12 if hidden else 0)
    bc.width, bc.height = width - 190, plot_h
    bc.data = [list(reversed(values)) or [0.0]]
    bc.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    bc.categoryAxis.labels.fontName = FONT
    bc.categoryAxis.labels.fontSize = 7.2
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -4
    bc.valueAxis.labels.fontName = FONT
    bc.valueAxis.labels.fontSize = 7
    top, step = _nice_max(max(values, default=0) * 1.08)  # room for the value after the longest bar
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = 0, top, step
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = colors.HexColor("#e3e7eb")
    bc.bars[0].fillColor = BAR
    bc.bars[0].strokeColor = None
    bc.barLabelFormat = "%d"
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 6.5
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.dx = 3
    bc.barLabels.nudge = 0
    d.add(bc)
    if hidden:
        text = f"Not shown ({SUPPRESSED}): " + ", ".join(hidden)
        if len(text) > 150:
            text = text[:147] + "\u2026"
        d.add(String(0, 4, text, fontName=FONT, fontSize=7, fillColor=MUTED))
    return d


# ----- the COM summary -----------------------------------------------------------------------------


def _cover(
    report: ComReport, prepared_by: str, produced: datetime, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    sensitive = not report.public
    marking_style = ParagraphStyle(
        "mark",
        parent=styles["body"],
        fontName=BOLD,
        fontSize=16,
        leading=20,
        textColor=SENSITIVE_INK if sensitive else INK,
        alignment=1,
    )
    box = Table(
        [[Paragraph(report.marking, marking_style)]],
        colWidths=[TEXT_W],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, SENSITIVE_INK if sensitive else INK),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        ),
    )
    handling = handling_note(report.public)
    items = [
        ("Period", f"{uk(report.date_from)} to {uk(report.date_to)}"),
        ("Data as at", uk(report.as_at)),
        ("Classification", report.marking),
        ("Prepared by", prepared_by),
        ("Produced", produced.strftime("%d/%m/%Y %H:%M")),
    ]
    facts = Table(
        [[Paragraph(k, styles["cover_item"]), Paragraph(_escape(v), styles["cover_item"])] for k, v in items],
        colWidths=[40 * mm, TEXT_W - 40 * mm],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("FONT", (0, 0), (0, -1), BOLD),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    contents = [
        Paragraph(f"Table {i}. {_escape(t.title)}", styles["body"])
        for i, t in enumerate(report.tables, start=1)
    ]
    return [
        Spacer(1, 22 * mm),
        Paragraph(_escape(report.force), styles["cover_force"]),
        Spacer(1, 4 * mm),
        Paragraph(TITLE, styles["cover_title"]),
        Spacer(1, 2 * mm),
        Paragraph(SUBTITLE, styles["cover_sub"]),
        Spacer(1, 14 * mm),
        facts,
        Spacer(1, 12 * mm),
        box,
        Spacer(1, 4 * mm),
        Paragraph(handling, styles["small"]),
        Spacer(1, 14 * mm),
        Paragraph("Contents", styles["h2"]),
        *contents,
        Paragraph("Data notes", styles["body"]),
        PageBreak(),
    ]


def com_pdf(
    report: ComReport,
    *,
    prepared_by: str,
    produced: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The COM summary as an A4 PDF: cover, the tables with their notes, two charts, data notes."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    period = f"{uk(report.date_from)} to {uk(report.date_to)}"
    title = f"{TITLE}: {SUBTITLE}, {period}"
    doc = _document(buffer, title, report.marking, report.force)
    story: list[Flowable] = _cover(report, prepared_by, produced, styles)
    charts = {"arrests_by_month": report.charts[0], "nrm_by_exploitation": report.charts[1]}
    for i, table in enumerate(report.tables, start=1):
        heading = Paragraph(f"Table {i}. {_escape(table.title)}", styles["h1"])
        flow = table_flowable(table, styles)
        block: list[Flowable] = [heading, flow, *_notes(table.notes, styles)]
        story.append(CondPageBreak(60 * mm))
        if len(table.rows) <= 30:
            story.append(KeepTogether(block))
        else:
            story += block
        chart = charts.get(table.key)
        if chart is not None:
            drawing = month_chart(chart) if table.key == "arrests_by_month" else category_chart(chart)
            story += [Spacer(1, 5 * mm), KeepTogether([drawing])]
        story.append(Spacer(1, 9 * mm))
        if progress:
            progress(i, len(report.tables) + 1)
    story += [
        CondPageBreak(50 * mm),
        Paragraph("Data notes", styles["h1"]),
        *[Paragraph(_escape(n), styles["note"]) for n in report.data_notes],
    ]
    doc.build(story, canvasmaker=_canvas_maker(report.marking, f"{TITLE} \u2013 {period}"))
    if progress:
        progress(len(report.tables) + 1, len(report.tables) + 1)
    return buffer.getvalue()


# ----- the disposal table on its own page ----------------------------------------------------------


def disposals_pdf(
    table: DisposalTable, *, force: str, marking: str, prepared_by: str, produced: datetime
) -> bytes:
    """The published disposal-by-district table, one A4 page, for managers to print on its own."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = _document(buffer, table.caption, marking, force)
    as_report = ReportTable(
        "disposals",
        table.caption,
        table.header,
        tuple((r.label, r.total, *r.by_district) for r in table.rows),
        (),
        False,
        frozenset(i for i, r in enumerate(table.rows) if r.is_total),
    )
    flow = table_flowable(as_report, styles)
    story: list[Flowable] = [
        Paragraph(_escape(force), styles["cover_force"]),
        Spacer(1, 2 * mm),
        Paragraph("Arrests by highest-ranked disposal and district", styles["h1"]),
        Paragraph(
            f"Between {uk(table.date_from)} and {uk(table.date_to)} there were {table.total_arrests:,} "
            "arrests where the detainee was arrested for one or more offences relating to Modern Slavery. "
            f"The current disposal for those offences is as follows (as at {uk(table.as_at)}):",
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        flow,
        *_notes(table.footnotes, styles),
        Spacer(1, 6 * mm),
        Paragraph(
            f"Prepared by {_escape(prepared_by)} on {produced.strftime('%d/%m/%Y %H:%M')}.", styles["small"]
        ),
    ]
    doc.build(story, canvasmaker=_canvas_maker(marking, table.caption))
    return buffer.getvalue()


# ----- a subject access response -------------------------------------------------------------------


def subject_access_pdf(doc: SubjectAccess) -> bytes:
    """Everything held about one person (DPA 2018 s.45): a cover with the handling note, then each
    section's records as label and value, and who consulted the record as a table. Marked on every page."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    title = f"{sa.TITLE}: {doc.person_ref}"
    pdf = _document(buffer, title, doc.marking, doc.force)
    mark = ParagraphStyle(
        "mark", parent=styles["body"], fontName=BOLD, fontSize=14, leading=18, textColor=SENSITIVE_INK
    )
    facts = [
        ("Person", f"{doc.name} ({doc.person_ref})" if doc.name != doc.person_ref else doc.person_ref),
        ("Under", sa.LAW),
        ("Classification", doc.marking),
        ("Prepared by", doc.prepared_by),
        ("Produced", doc.produced.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")),
    ]
    story: list[Flowable] = [
        Paragraph(_escape(doc.force), styles["cover_force"]),
        Spacer(1, 2 * mm),
        Paragraph(sa.TITLE, styles["cover_title"]),
        Spacer(1, 4 * mm),
        _pairs(facts, styles, label_w=36 * mm),
        Spacer(1, 5 * mm),
        Paragraph(doc.marking, mark),
        Paragraph(_escape(sa.HANDLING), styles["small"]),
        Spacer(1, 6 * mm),
    ]
    for section in doc.sections:
        story += [CondPageBreak(40 * mm), Paragraph(_escape(section.title), styles["h1"])]
        if not section.records:
            story += [Paragraph("Nothing held.", styles["note"]), Spacer(1, 4 * mm)]
            continue
        if section.key is sa.SectionKey.CONSULTATIONS:
            story += [_consultations(section, styles), Spacer(1, 6 * mm)]
            continue
        for record in section.records:
            pairs = [(sa.label_of(k), sa.text_of(k, v)) for k, v in record.values]
            block: list[Flowable] = [Paragraph(_escape(record.title), styles["h2"]), _pairs(pairs, styles)]
            story += [KeepTogether(block)] if len(pairs) <= 30 else block  # a long record may span pages
            story.append(Spacer(1, 4 * mm))
    pdf.build(story, canvasmaker=_canvas_maker(doc.marking, f"{sa.TITLE} \u2013 {doc.person_ref}"))
    return buffer.getvalue()


def _pairs(
    pairs: Sequence[tuple[str, str]], styles: dict[str, ParagraphStyle], label_w: float = 52 * mm
) -> Table:
    """Label and value, one per row; long text wraps (line breaks kept)."""
    rows = [
        [
            Paragraph(_escape(k), styles["cell_bold"]),
            Paragraph(_escape(v).replace("\n", "<br/>"), styles["cell"]),
        ]
        for k, v in pairs
    ]
    return Table(
        rows,
        colWidths=[label_w, TEXT_W - label_w],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )


def _consultations(section: Section, styles: dict[str, ParagraphStyle]) -> Table:
    header = [Paragraph(h, styles["head"]) for _, h in sa.CONSULTATION_COLUMNS]
    body = []
    for record in section.records:
        values = dict(record.values)
        who = (
            f"{values['name']} ({values['username']})"
            if values["name"] != values["username"]
            else values["name"]
        )
        cells = [sa.text_of("at", values["at"]), who, values["action"], values["record"]]
        body.append([Paragraph(_escape(str(c)), styles["cell"]) for c in cells])
    t = Table(
        [header, *body], colWidths=[32 * mm, 58 * mm, 24 * mm, TEXT_W - 114 * mm], repeatRows=1, hAlign="LEFT"
    )
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), STRIPE) for r in range(2, len(body) + 1, 2)]
    t.setStyle(TableStyle(commands))
    return t
