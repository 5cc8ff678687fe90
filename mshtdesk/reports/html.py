"""The COM summary as one accessible HTML file: what government publishing prefers to a PDF.

One self-contained file: no script, no external resource (styles inline in the head, charts as inline
SVG), so it opens the same offline, from an e-mail or on the PCC's website. Structure for assistive
technology (WCAG 2.2 AA): a language, a title, landmarks (header, nav, main, footer), headings in
order (h1, then h2 per table, h3 for notes), every table with a ``<caption>`` and ``<th scope>`` on
its header cells and row labels, each chart an ``<svg role="img">`` with a title and description and
its figures in a table beside it, and ``[c]`` explained wherever it appears. The internal version
carries OFFICIAL-SENSITIVE in bold capitals at the top and bottom, like every page of the PDF.

Every text from the database (district codes, nationalities, labels) is escaped; nothing here runs SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.disclosure import SUPPRESSED
from mshtdesk.reports.com import SUBTITLE, TITLE, Chart, ComReport, ReportTable, handling_note
from mshtdesk.reports.tables import Cell, format_cell

#: What ``[c]`` means, said once at the top, in the data notes and under each table that shows it.
SUPPRESSED_MEANING = (
    f"{SUPPRESSED} means confidential: a small count (1 to 4 people) or a figure from which one could "
    "be worked out, withheld so that no victim can be identified."
)

_STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; background: #fff;
  line-height: 1.5; margin: 0; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
.marking { font-weight: 700; text-transform: uppercase; text-align: center; letter-spacing: .05em;
  margin: 0; padding: .5rem; border-bottom: 2px solid currentColor; }
.marking.sensitive { color: #a00000; }
footer .marking { border-bottom: 0; border-top: 2px solid currentColor; }
h1 { font-size: 2rem; margin: 1.5rem 0 .25rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .75rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.subtitle { font-size: 1.25rem; margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1.5rem; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
.handling { border: 2px solid currentColor; padding: .75rem 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 700; padding: .25rem 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); border: 0; white-space: nowrap; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #9aa5b1; vertical-align: top; }
thead th { background: #dfe6ee; text-align: right; }
thead th:first-child, tbody th { text-align: left; font-weight: 400; }
td { text-align: right; }
tr.total th, tr.total td { font-weight: 700; background: #e9edf1; }
.notes { font-size: .9rem; color: #333; }
figure { margin: 1rem 0; }
figcaption { font-size: .9rem; }
figure table { min-width: 24rem; }
a { color: #1d4f7a; }
a:focus, a:hover { outline: 3px solid #fd0; }
@media print { .scroll { overflow: visible; } }
"""


def _cell(value: Cell, *, signed: bool, percent: bool) -> str:
    return f"<td>{escape(format_cell(value, signed=signed, percent=percent))}</td>"


def table_html(table: ReportTable, number: int, *, table_id: str) -> str:
    """One report table: caption, column headers with ``scope="col"``, row labels with ``scope="row"``."""
    signed = {i for i, c in enumerate(table.columns) if c.startswith("Change")}
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = []
    for i, row in enumerate(table.rows):
        label = str(row[0])
        percent = label.endswith("(%)")
        cells = "".join(_cell(v, signed=j + 1 in signed, percent=percent) for j, v in enumerate(row[1:]))
        cls = ' class="total"' if i in table.emphasis else ""
        body.append(f'<tr{cls}><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (
        f'<div class="scroll" role="region" aria-labelledby="{table_id}-caption" tabindex="0">'
        f'<table id="{table_id}"><caption id="{table_id}-caption" class="visually-hidden">'
        f"Table {number}. {escape(table.title)}"
        f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _chart_numbers(chart: Chart) -> list[tuple[str, float | None, str]]:
    """(label, value or None when suppressed, the value as shown)."""
    out: list[tuple[str, float | None, str]] = []
    for label, value in zip(chart.labels, chart.values, strict=True):
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append((label, float(value), format_cell(value)))
        else:
            out.append((label, None, SUPPRESSED if value == SUPPRESSED else format_cell(value)))
    return out


def chart_svg(chart: Chart, chart_id: str) -> str:
    """A horizontal bar chart as inline SVG: ``role="img"`` named by its title and described in words;
    a suppressed bar is drawn as nothing and labelled ``[c]``."""
    numbers = _chart_numbers(chart)
    shown = [v for _, v, _ in numbers if v is not None]
    top = max(shown, default=0.0) or 1.0
    label_w, bar_w, row_h, pad = 230, 380, 26, 8
    width, height = label_w + bar_w + 70, pad * 2 + row_h * max(len(numbers), 1)
    largest = max(numbers, key=lambda n: n[1] if n[1] is not None else -1.0, default=None)
    desc = f"{chart.title}: {len(numbers)} bars of {chart.value_axis.lower()}."
    if largest is not None and largest[1] is not None:
        desc += f" The largest is {largest[0]} with {largest[2]}."
    if any(v is None for _, v, _ in numbers):
        desc += f" Bars shown as {SUPPRESSED} are suppressed."
    desc += " Every figure is in the table that follows."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for i, (label, value, text) in enumerate(numbers):
        y = pad + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + row_h * 0.68:.1f}" text-anchor="end" font-size="13" '
            f'fill="#1a1a1a">{escape(label)}</text>'
        )
        length = 0.0 if value is None else bar_w * value / top
        if length > 0:
            parts.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{row_h - 8}" fill="#2f5d8a"/>'
            )
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{y + row_h * 0.68:.1f}" font-size="13" '
            f'fill="#1a1a1a">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _chart_table(chart: Chart, chart_id: str) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(text)}</td></tr>'
        for label, _, text in _chart_numbers(chart)
    )
    return (
        f'<table id="{chart_id}-data"><caption>Figures of the chart: {escape(chart.title)}</caption>'
        f'<thead><tr><th scope="col">Category</th><th scope="col">{escape(chart.value_axis)}</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _has_suppressed(table: ReportTable) -> bool:
    return any(v == SUPPRESSED for row in table.rows for v in row[1:])


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in items) + "</ul>"


def com_html(report: ComReport, *, prepared_by: str, produced: datetime) -> bytes:
    """The COM summary as a self-contained, accessible HTML page (UTF-8 bytes)."""
    sensitive = not report.public
    mark_class = "marking sensitive" if sensitive else "marking"
    marking = f'<p class="{mark_class}">{escape(report.marking)}</p>'
    period = f"{uk(report.date_from)} to {uk(report.date_to)}"
    title = f"{TITLE}: {SUBTITLE}, {period} ({report.marking})"
    charts = {"arrests_by_month": report.charts[0], "nrm_by_exploitation": report.charts[1]}
    facts = [
        ("Force", report.force),
        ("Period", period),
        ("Data as at", uk(report.as_at)),
        ("Classification", report.marking),
        ("Prepared by", prepared_by),
        ("Produced", produced.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")),
    ]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{escape(SUBTITLE)}, {escape(period)}">',
        f"<title>{escape(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f'<header class="wrap">{marking}</header>',
        '<main class="wrap">',
        f"<h1>{escape(TITLE)}</h1>",
        f'<p class="subtitle">{escape(SUBTITLE)}: {escape(report.force)}</p>',
        '<dl class="facts">'
        + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
        + "</dl>",
        f'<p class="handling">{escape(handling_note(report.public))}</p>',
    ]
    if report.public:
        out.append(f"<p>{escape(SUPPRESSED_MEANING)}</p>")
    out.append('<nav aria-labelledby="contents"><h2 id="contents">Contents</h2><ol>')
    for i, t in enumerate(report.tables, start=1):
        out.append(f'<li><a href="#{t.key}-section">Table {i}. {escape(t.title)}</a></li>')
    out.append('<li><a href="#data-notes">Data notes</a></li></ol></nav>')
    for i, t in enumerate(report.tables, start=1):
        out.append(f'<section id="{t.key}-section" aria-labelledby="{t.key}-heading">')
        out.append(f'<h2 id="{t.key}-heading">Table {i}. {escape(t.title)}</h2>')
        out.append(table_html(t, i, table_id=t.key))
        notes = list(t.notes)
        if _has_suppressed(t):
            notes.append(SUPPRESSED_MEANING)
        out.append(f'<div class="notes"><h3>Notes to table {i}</h3>{_list(notes)}</div>')
        chart = charts.get(t.key)
        if chart is not None:
            cid = f"{t.key}-chart"
            out.append(f'<h3 id="{cid}-heading">Chart: {escape(chart.title)}</h3>')
            out.append(
                f'<figure aria-labelledby="{cid}-heading"><div class="scroll">{chart_svg(chart, cid)}</div>'
                f"<figcaption>{escape(chart.title)}; the same figures as a table:</figcaption>"
                f"{_chart_table(chart, cid)}</figure>"
            )
        out.append("</section>")
    out.append('<section id="data-notes" aria-labelledby="data-notes-heading">')
    out.append('<h2 id="data-notes-heading">Data notes</h2>')
    out.append(_list([*report.data_notes, *([SUPPRESSED_MEANING] if report.public else [])]))
    out.append("</section>")
    out.append("</main>")
    out.append(f'<footer class="wrap">{marking}</footer>')
    out.append("</body>")
    out.append("</html>")
    return ("\n".join(out) + "\n").encode("utf-8")
