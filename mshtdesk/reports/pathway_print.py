"""A victim's pathway as a printed document: plain data assembled from the sections the service read
(``build_pathway``, no SQL), then typeset with ReportLab (``pathway_pdf``) on the same page template,
fonts and marking as the COM summary and the subject access response in ``reports/pdf.py``.

Every page is marked OFFICIAL-SENSITIVE at its head and foot and numbered "Page N of M". Free text
(notes, summaries, names) wraps inside its cell and a long cell may continue on the next page, so
nothing is clipped; control and bidirectional-override characters are shown as escapes (``\\x1b``), never
passed to the page. A section with nothing in it says "None recorded". Contacts are listed oldest
first; a contact since corrected or withdrawn is left out (its correction stands in its place) and the
section says how many were.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.dates import uk
from mshtdesk.domain.nrm import Route
from mshtdesk.domain.support import describe_length, length_of_stay
from mshtdesk.domain.text import printable
from mshtdesk.reports import pdf
from mshtdesk.reports.com import OFFICIAL_SENSITIVE
from mshtdesk.reports.subject_access import label_of, text_of
from mshtdesk.store.queries.pathway import DisposalRow

Row = dict[str, Any]
MARKING = OFFICIAL_SENSITIVE
TITLE = "Victim pathway"
NONE_RECORDED = "None recorded"
HANDLING = (
    "This print holds personal data about a victim of modern slavery or human trafficking, drawn from "
    "MSHT Desk. Its printing is recorded in the audit log with the reason given. Keep it secure, share it "
    "only with those who need it for this case, and destroy it securely when it is no longer needed."
)

PERSON_FIELDS = (
    "person_ref",
    "surname",
    "forenames",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "gender",
    "nationality",
    "second_nationality",
    "first_language",
    "interpreter_language",
    "contact_details",
    "vlo",
    "supported_by",
    "opted_out_of_updates",
    "facts",
    "assessments",
)
REFERRAL_FIELDS = (
    "consents",
    "cooperates",
    "age_at_referral",
    "age_at_exploitation",
    "exploitation_label",
    "sub_types",
    "exploitation_location",
    "crime_ref",
    "no_crime_reason",
    "first_responder",
    "first_responder_org",
    "district",
    "operation",
    "notes",
)
ALWAYS_SHOWN = frozenset({"crime_ref", "consents", "age_at_referral"})
NAVIGATOR_FIELDS = (
    "navigator",
    "referral_date",
    "referral_source",
    "consent",
    "support_plan_opened",
    "needs",
    "engaged_at_start",
    "engaged_now",
    "engaged_at_charge",
    "statement_date",
    "attended_court",
    "gave_evidence",
    "repatriated",
    "closed_date",
    "closed_reason",
    "notes",
)
STAY_FIELDS = (
    "bed",
    "admitted_at",
    "discharged_at",
    "length",
    "referring_district",
    "operation",
    "adults",
    "children",
    "services",
    "nrm_decision_at_reception",
    "discharge_destination",
    "notes",
)
#: Where the exploitation happened (the codes of ``services.nrm_types.ExploitationLocation``, which a
#: report may not import), in words.
LOCATIONS = {"uk": "UK", "overseas": "Overseas", "uk-and-overseas": "UK and overseas", "unknown": "Not known"}
DECISION_HEADERS = ("Decided on", "Decision", "Note")
CONTACT_HEADERS = ("When", "Contact", "Liaison officer", "Summary")
LINK_HEADERS = ("Arrest or operation", "Arrest date", "District", "Part played", "Offences and disposals")


class PathwaySections(NamedTuple):
    """What the service read, one query per table (``store/queries/subject_access`` and ``pathway``)."""

    person: Row
    supporters: list[Row]
    referrals: list[Row]
    decisions: list[Row]
    navigator_cases: list[Row]
    stays: list[Row]
    contacts: list[Row]
    links: list[Row]
    offences: list[Row]
    disposals: list[DisposalRow]


@dataclass(frozen=True)
class Grid:
    """A table of text: its headings and rows (each cell may hold line breaks)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = NONE_RECORDED


@dataclass(frozen=True)
class Block:
    """One record: a heading, its labelled values and, under them, a table (a referral's decisions)."""

    title: str
    pairs: tuple[tuple[str, str], ...]
    grid: Grid | None = None


@dataclass(frozen=True)
class Section:
    title: str
    items: tuple[Block | Grid, ...]  # nothing: "None recorded"
    note: str = ""


@dataclass(frozen=True)
class PathwayDocument:
    person_ref: str
    name: str  # "Surname, Forenames", or the reference when no name is kept
    force: str
    prepared_by: str
    produced: datetime
    sections: tuple[Section, ...]
    marking: str = MARKING


# ----- assembly (plain data) -----------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _pairs(
    row: Mapping[str, Any], keys: Sequence[str], *, skip_empty: bool = False
) -> tuple[tuple[str, str], ...]:
    out = []
    for k in keys:
        value = row.get(k)
        if skip_empty and k not in ALWAYS_SHOWN and (value is None or value == ""):
            continue
        text = LOCATIONS.get(str(value), str(value)) if k == "exploitation_location" else text_of(k, value)
        out.append((label_of(k), text))
    return tuple(out)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _in_force(rows: Sequence[Row]) -> tuple[list[Row], int]:
    """Entries neither withdrawn (a void marker) nor replaced by a correction; and how many were."""
    replaced = {r["supersedes_id"] for r in rows if r.get("supersedes_id") is not None}
    kept = [r for r in rows if not r.get("is_void") and r["id"] not in replaced]
    gone = sum(1 for r in rows if not r.get("is_void") and r["id"] in replaced)
    return kept, gone


def _referrals(s: PathwaySections) -> Section:
    decisions, _ = _in_force(s.decisions)
    by_referral: dict[Any, list[Row]] = {}
    for d in decisions:
        by_referral.setdefault(d["referral_id"], []).append(d)
    blocks = []
    for r in s.referrals:
        try:
            route = Route(r["route"]).label
        except ValueError:
            route = str(r["route"])
        rows = tuple(
            (
                text_of("decided_on", d["decided_on"]),
                _capital(text_of("kind", d["kind"]))
                + (f": {text_of('outcome', d['outcome'])}" if d["outcome"] else ""),
                d["note"] or "",
            )
            for d in sorted(by_referral.get(r["id"], []), key=lambda d: (d["decided_on"], d["id"]))
        )
        blocks.append(
            Block(
                f"{route} {r['referral_ref']}, submitted {text_of('submitted_date', r['submitted_date'])}",
                _pairs(r, REFERRAL_FIELDS, skip_empty=True),
                Grid(DECISION_HEADERS, rows, empty="No decision recorded yet."),
            )
        )
    return Section("NRM referrals and decisions", tuple(blocks))


def _stays(s: PathwaySections, produced: datetime) -> Section:
    blocks = []
    for stay in s.stays:
        admitted, discharged = stay["admitted_at"], stay["discharged_at"]
        length = describe_length(
            length_of_stay(_utc(admitted), None if discharged is None else _utc(discharged), produced)
        )
        row = {**stay, "length": length + ("" if discharged is not None else " so far")}
        until = (
            f" to {text_of('discharged_at', discharged)}" if discharged is not None else " (still staying)"
        )
        blocks.append(Block(f"Stay from {text_of('admitted_at', admitted)}{until}", _pairs(row, STAY_FIELDS)))
    return Section("Haven House stays", tuple(blocks))


def _contacts(s: PathwaySections) -> Section:
    kept, gone = _in_force(s.contacts)
    rows = []
    for c in sorted(kept, key=lambda c: (_utc(c["contact_at"]), c["id"])):
        how = [text_of("purpose", c["purpose"]), text_of("method", c["method"])]
        if c.get("interpreter_language"):
            how.append(f"Interpreter: {c['interpreter_language']}")
        said = [c["summary"] or ""]
        if c.get("decision_notified"):
            told = f"Decision notified: {text_of('decision_notified', c['decision_notified'])}"
            if c.get("decision_date") is not None:
                told += f" (decided {text_of('decision_date', c['decision_date'])})"
            if c.get("notified_on_time") is not None:
                told += ", on time" if c["notified_on_time"] else ", late"
            said.append(told)
        if c.get("safeguarding_concern"):
            said.append("Safeguarding concern raised.")
        if c.get("next_contact_due") is not None:
            said.append(f"Next contact due {text_of('next_contact_due', c['next_contact_due'])}.")
        rows.append(
            (
                text_of("contact_at", c["contact_at"]),
                "\n".join(how),
                c.get("vlo") or "",
                "\n".join(p for p in said if p),
            )
        )
    note = ""
    if gone:
        note = (
            f"{gone} contact{' was' if gone == 1 else 's were'} since corrected or withdrawn and "
            f"{'is' if gone == 1 else 'are'} not shown; the pathway in the app and the audit log keep "
            f"{'it' if gone == 1 else 'them'}."
        )
    items: tuple[Block | Grid, ...] = (Grid(CONTACT_HEADERS, tuple(rows)),) if rows else ()
    return Section("Contacts with the victim liaison officer (oldest first)", items, note)


def _links(s: PathwaySections) -> Section:
    events: dict[tuple[str, str], list[DisposalRow]] = {}
    for e in s.disposals:
        events.setdefault((e.custody_ref, e.offence_ref), []).append(e)
    offences: dict[Any, list[str]] = {}
    for o in s.offences:
        law = " ".join(p for p in (o["legislation"] or "", o["section"] or "") if p)
        line = f"{o['offence_ref']}: {o['offence']}" + (f" ({law})" if law else "")
        done = sorted(
            events.get((o["custody_ref"], o["offence_ref"]), []), key=lambda e: (e.event_date, e.event_id)
        )
        if done:
            line += " \u2013 " + ", ".join(f"{e.label} {uk(e.event_date)}" for e in done)
        offences.setdefault(o["arrest_id"], []).append(line)
    rows = []
    for link in sorted(s.links, key=lambda k: (str(k["arrest_date"] or ""), k["id"])):
        operation = link["operation"] or link.get("arrest_operation") or ""
        what = f"Arrest {link['custody_ref']}" if link["custody_ref"] else f"Operation {operation}"
        if link["custody_ref"] and operation:
            what += f"\nOperation {operation}"
        rows.append(
            (
                what,
                uk(link["arrest_date"]) if link["arrest_date"] is not None else "",
                link.get("district") or "",
                text_of("role", link["role"]),
                "\n".join(offences.get(link["arrest_id"], [])) if link["custody_ref"] else "",
            )
        )
    items: tuple[Block | Grid, ...] = (Grid(LINK_HEADERS, tuple(rows)),) if rows else ()
    return Section("Links to arrests and operations", items)


def build_pathway(
    sections: PathwaySections, *, force: str, prepared_by: str, produced: datetime
) -> PathwayDocument:
    """Assemble the printed pathway from what the service read. Runs no SQL."""
    person = sections.person
    ref = str(person["person_ref"])
    name = ", ".join(p for p in (str(person["surname"]).strip(), str(person["forenames"]).strip()) if p)
    details = {**person, "supported_by": "; ".join(str(r["navigator"]) for r in sections.supporters)}
    person_fields = PERSON_FIELDS + (("merged_into",) if person.get("merged_into") else ())
    cases = tuple(
        Block(
            f"Navigator case {c['id']}, referred {text_of('referral_date', c['referral_date'])}",
            _pairs(c, NAVIGATOR_FIELDS),
        )
        for c in sections.navigator_cases
    )
    return PathwayDocument(
        person_ref=ref,
        name=name or ref,
        force=force,
        prepared_by=prepared_by,
        produced=produced,
        sections=(
            Section("The person", (Block("", _pairs(details, person_fields)),)),
            _referrals(sections),
            Section("Victim Navigator case", cases),
            _stays(sections, produced),
            _contacts(sections),
            _links(sections),
        ),
    )


# ----- typesetting (ReportLab) ---------------------------------------------------------------------


def _text(value: str) -> str:
    """Untrusted text as Paragraph markup: escaped, controls shown as escapes, line breaks kept."""
    lines = str(value).replace("\r\n", "\n").replace("\t", " ").split("\n")
    return "<br/>".join(pdf._escape(printable(line)) for line in lines)


def _pair_table(pairs: Sequence[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> Table:
    label_w = 50 * mm
    rows = [[Paragraph(_text(k), styles["cell_bold"]), Paragraph(_text(v), styles["cell"])] for k, v in pairs]
    return Table(
        rows,
        colWidths=[label_w, pdf.TEXT_W - label_w],
        hAlign="LEFT",
        splitInRow=1,  # a note longer than a page continues on the next, never clipped
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, pdf.RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
    )


#: Column widths (mm) of each grid, by its headings; the last column takes what is left.
_WIDTHS = {
    DECISION_HEADERS: (26, 62),
    CONTACT_HEADERS: (27, 40, 30),
    LINK_HEADERS: (34, 21, 24, 26),
}


def _grid(grid: Grid, styles: dict[str, ParagraphStyle]) -> Flowable:
    if not grid.rows:
        return Paragraph(_text(grid.empty), styles["note"])
    fixed = [w * mm for w in _WIDTHS.get(grid.headers, ())]
    widths = [*fixed, pdf.TEXT_W - sum(fixed)] if fixed else None
    header = [Paragraph(_text(h), styles["head"]) for h in grid.headers]
    body = [[Paragraph(_text(c), styles["cell"]) for c in row] for row in grid.rows]
    t = Table([header, *body], colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=1)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), pdf.HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, pdf.RULE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, pdf.RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (0, r), (-1, r), pdf.STRIPE) for r in range(2, len(body) + 1, 2)]
    t.setStyle(TableStyle(commands))
    return t


def _block(block: Block, styles: dict[str, ParagraphStyle], heading: list[Flowable]) -> list[Flowable]:
    """One record under its heading(s): kept on one page when short, else free to span pages."""
    out: list[Flowable] = list(heading)
    if block.title:
        out.append(Paragraph(_text(block.title), styles["h2"]))
    out.append(_pair_table(block.pairs, styles))
    if block.grid is not None:
        out += [CondPageBreak(22 * mm), Spacer(1, 2.5 * mm), Paragraph("Decisions in force", styles["label"])]
        out.append(_grid(block.grid, styles))
    short = sum(len(v) for _k, v in block.pairs) < 1500 and (block.grid is None or len(block.grid.rows) < 8)
    # A short record moves whole to the next page with its heading(s); a long one starts where there is
    # room for its heading and a few lines (keeping it whole would leave most of a page empty).
    return [KeepTogether(out)] if short else [CondPageBreak(40 * mm), *out]


def pathway_pdf(doc: PathwayDocument) -> tuple[bytes, int]:
    """The pathway as an A4 PDF, and its number of pages."""
    pdf.register_fonts()
    styles = pdf._styles()
    styles["label"] = ParagraphStyle("label", parent=styles["cell_bold"], spaceAfter=3)
    buffer = io.BytesIO()
    title = f"{TITLE}: {doc.person_ref}"
    document = pdf._document(buffer, title, doc.marking, doc.force)
    mark = ParagraphStyle(
        "mark", parent=styles["body"], fontName=pdf.BOLD, fontSize=13, leading=17, textColor=pdf.SENSITIVE_INK
    )
    named = doc.name if doc.name != doc.person_ref else "Name not recorded"
    facts = [
        ("Person", f"{named} ({doc.person_ref})"),
        ("Classification", doc.marking),
        ("Printed by", doc.prepared_by),
        ("Printed", doc.produced.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")),
    ]
    story: list[Flowable] = [
        Paragraph(_text(doc.force), styles["cover_force"]),
        Spacer(1, 1 * mm),
        Paragraph(TITLE, styles["cover_title"]),
        Spacer(1, 3 * mm),
        _pair_table(facts, styles),
        Spacer(1, 3 * mm),
        Paragraph(doc.marking, mark),
        Paragraph(_text(HANDLING), styles["small"]),
        Spacer(1, 5 * mm),
    ]
    for section in doc.sections:
        story.append(CondPageBreak((30 if section.items else 16) * mm))
        heading: list[Flowable] = [Paragraph(_text(section.title), styles["h1"])]
        if not section.items:
            story += [*heading, Paragraph(NONE_RECORDED, styles["note"])]
        for item in section.items:
            if isinstance(item, Block):
                story += _block(item, styles, heading)
            else:
                story += [CondPageBreak(40 * mm), *heading, _grid(item, styles)]
            story.append(Spacer(1, 3 * mm))
            heading = []
        if section.note:
            story.append(Paragraph(_text(section.note), styles["small"]))
        story.append(Spacer(1, 5 * mm))
    canvas = pdf._canvas_maker(doc.marking, f"{TITLE} \u2013 {doc.person_ref}")
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue(), int(document.page)  # the last page number set
