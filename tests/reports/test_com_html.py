"""The COM summary as accessible HTML and as open data (a ZIP of CSVs), checked with real parsers: the
standard library's HTML parser for WCAG-relevant structure, ``zipfile`` and ``csv`` for the open data;
the CLI writes both and every file is a recorded, reproducible disclosure."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select, update

from mshtdesk.domain.disclosure import SUPPRESSED
from mshtdesk.domain.roles import Role
from mshtdesk.errors import ValidationError
from mshtdesk.reports.html import SUPPRESSED_MEANING
from mshtdesk.reports.tables import format_cell
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind, ReportRequest
from mshtdesk.store.database import Database
from mshtdesk.store.tables import DISTRICT, NRM_REFERRAL, PERSON
from tests.both_engines import reopen
from tests.conftest import SEED_EXPORT, Template
from tests.reports.test_com import FROM, TO, _request, fill_victims

HOSTILE = '<img src=x onerror="alert(1)">=HYPERLINK("http://evil","x")'
VOID = {"meta", "br", "img", "input", "link", "hr", "area", "base", "col", "embed", "source", "track", "wbr"}


@pytest.fixture
def com_db(database: Database, backend_for: Callable[[Role], Backend]) -> Database:
    """test_com's fixture, with one victim's nationality made hostile (it is printed in a table)."""
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    fill_victims(database)
    with database.engine.begin() as conn:
        person = conn.execute(
            select(NRM_REFERRAL.c.person_id).where(NRM_REFERRAL.c.referral_ref == "NRM-1")
        ).scalar_one()
        conn.execute(update(PERSON).where(PERSON.c.id == person).values(nationality=HOSTILE))
    return database


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str) -> list[Node]:
        out = [self] if self.tag == tag else []
        for c in self.children:
            out += c.all(tag)
        return out

    def content(self) -> str:
        return self.text + "".join(c.content() for c in self.children)


class Tree(HTMLParser):
    """A strict tree: an end tag must close the element open last (no reliance on error recovery)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.doctype = ""
        self.order: list[Node] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.order.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        self.order.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def parse(data: bytes) -> Tree:
    tree = Tree()
    tree.feed(data.decode("utf-8"))
    tree.close()
    assert tree.stack == [tree.root], "unclosed elements"
    return tree


def check_accessible(data: bytes) -> Tree:
    """The WCAG-relevant structure of a page, as an automated checker would read it."""
    tree = parse(data)
    assert tree.doctype.lower() == "doctype html"
    html = tree.root.all("html")[0]
    assert html.attrs.get("lang") == "en-GB"  # 3.1.1 language of page
    assert tree.root.all("title")[0].content().strip()  # 2.4.2 page titled
    assert any(m.attrs.get("charset") == "utf-8" for m in tree.root.all("meta"))
    # Self-contained: no script, no external resource, no event handler.
    for node in tree.order:
        assert node.tag not in {"script", "link", "iframe", "object", "embed", "img", "base"}, node.tag
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            if name in {"src", "href", "xlink:href", "action", "data"}:
                assert value.startswith("#"), (node.tag, name, value)
    style = "".join(s.content() for s in tree.root.all("style"))
    assert "url(" not in style and "@import" not in style
    # Landmarks (1.3.1, 2.4.1).
    for landmark in ("header", "nav", "main", "footer"):
        assert tree.root.all(landmark), landmark
    # Headings in order: one h1, never a level skipped (1.3.1, 2.4.6).
    levels = [int(n.tag[1]) for n in tree.order if n.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # Unique ids, and every reference names one.
    ids = [n.attrs["id"] for n in tree.order if "id" in n.attrs]
    assert len(ids) == len(set(ids))
    for node in tree.order:
        for ref in node.attrs.get("aria-labelledby", "").split():
            assert ref in ids, ref
        if node.attrs.get("href", "").startswith("#"):
            assert node.attrs["href"][1:] in ids, node.attrs["href"]
    # Data tables: a caption first, every header cell scoped, each body row led by its row header.
    tables = tree.root.all("table")
    assert tables
    for t in tables:
        elements = [c for c in t.children if c.tag != "#text"]
        assert elements[0].tag == "caption" and elements[0].content().strip()
        for th in t.all("th"):
            assert th.attrs.get("scope") in {"col", "row"}, th.attrs
        for tr in t.all("thead")[0].all("tr"):
            assert all(c.attrs.get("scope") == "col" for c in tr.all("th"))
        for tr in t.all("tbody")[0].all("tr"):
            cells = [c for c in tr.children if c.tag in {"th", "td"}]
            assert cells[0].tag == "th" and cells[0].attrs["scope"] == "row"
    # Charts: an image with a name and a description, and its figures in a table.
    svgs = tree.root.all("svg")
    assert svgs
    for svg in svgs:
        assert svg.attrs.get("role") == "img"
        refs = svg.attrs["aria-labelledby"].split()
        assert [n.tag for n in svg.children[:2]] == ["title", "desc"]
        assert refs == [svg.children[0].attrs["id"], svg.children[1].attrs["id"]]
        assert svg.children[0].content().strip() and svg.children[1].content().strip()
    for figure in tree.root.all("figure"):
        assert figure.all("svg") and figure.all("table") and figure.all("figcaption")
    # [c] explained wherever it appears.
    text = tree.root.content()
    if any(td.content() == SUPPRESSED for td in tree.root.all("td")):
        assert SUPPRESSED_MEANING in text
    return tree


def _markings(tree: Tree) -> tuple[str, str]:
    header, footer = tree.root.all("header")[0], tree.root.all("footer")[0]
    return header.content().strip(), footer.content().strip()


@pytest.mark.parametrize("public", [False, True])
def test_the_html_report_is_accessible_and_shows_the_figures(
    com_db: Database, backend_for: Callable[[Role], Backend], public: bool
) -> None:
    reports = backend_for(Role.MANAGER).reports
    rendered = reports.render(_request(public=public))
    data = rendered.data(OutputFormat.HTML)
    tree = check_accessible(data)
    assert _markings(tree) == (("OFFICIAL", "OFFICIAL") if public else ("OFFICIAL-SENSITIVE",) * 2)
    header = tree.root.all("header")[0].all("p")[0]
    assert "sensitive" in header.attrs["class"].split() if not public else True
    # The hostile nationality is text, not markup.
    assert not tree.root.all("img") and HOSTILE in tree.root.content()
    assert b"<img" not in data
    # Every table, every cell, as in the JSON.
    report = rendered.report
    assert report is not None
    html_tables = {t.attrs["id"]: t for t in tree.root.all("table")}
    for t in report.tables:
        node = html_tables[t.key]
        body = node.all("tbody")[0].all("tr")
        assert len(body) == len(t.rows)
        for tr, row in zip(body, t.rows, strict=True):
            cells = [c.content() for c in tr.children if c.tag in {"th", "td"}]
            assert cells[0] == row[0]
            assert all(
                got.replace("+", "").replace("\u2212", "-")
                == format_cell(v, percent=str(row[0]).endswith("(%)")).replace("\u2212", "-")
                for got, v in zip(cells[1:], row[1:], strict=True)
            ), (t.key, cells, row)
    if public:
        assert any(td.content() == SUPPRESSED for td in tree.root.all("td"))
        assert SUPPRESSED_MEANING in tree.root.content()
    # Regenerating gives the same bytes (the time printed is the run's).
    again = reports.render(_request(public=public), produced=rendered.produced)
    assert again.data(OutputFormat.HTML) == data


def test_the_checker_catches_what_it_is_for() -> None:
    """A checker that passes everything is worth nothing: each broken page is refused."""
    good = b"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>t</title></head>
<body><header>h</header><nav>n</nav><main><h1>a</h1><h2>b</h2><table><caption>c</caption>
<thead><tr><th scope="col">x</th></tr></thead><tbody><tr><th scope="row">y</th></tr></tbody></table>
<figure><svg role="img" aria-labelledby="t d"><title id="t">t</title><desc id="d">d</desc></svg>
<figcaption>f</figcaption><table><caption>c</caption><thead><tr><th scope="col">x</th></tr></thead>
<tbody><tr><th scope="row">y</th></tr></tbody></table></figure></main><footer>f</footer></body></html>"""
    check_accessible(good)
    broken = [
        good.replace(b' lang="en-GB"', b""),
        good.replace(b"<h2>b</h2>", b"<h3>b</h3>"),
        good.replace(b"<caption>c</caption>", b"", 1),
        good.replace(b' scope="row"', b"", 1),
        good.replace(b"</main>", b"<script>x</script></main>"),
        good.replace(
            b"<title>t</title></head>",
            b'<title>t</title><link rel="stylesheet" href="http://x/s.css"></head>',
        ),
        good.replace(b' role="img"', b""),
        good.replace(b"<nav>n</nav>", b""),
        good.replace(b'aria-labelledby="t d"', b'aria-labelledby="t missing"'),
    ]
    for page in broken:
        with pytest.raises(AssertionError):
            check_accessible(page)


def _zip(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {
            name: list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig")))) for name in z.namelist()
        }


def test_the_open_data_zip(com_db: Database, backend_for: Callable[[Role], Backend]) -> None:
    # An administrator's district code that a spreadsheet would run as a formula.
    with com_db.engine.begin() as conn:
        conn.execute(update(DISTRICT).where(DISTRICT.c.code == "KD").values(code="=1+1"))
    reports = backend_for(Role.MANAGER).reports
    rendered = reports.render(_request(public=True))
    data = rendered.data(OutputFormat.CSV)
    files = _zip(data)
    report = rendered.report
    assert report is not None
    names = list(files)
    assert names[0] == "00-metadata.csv"
    assert names[1:] == [f"{i:02d}-{t.key.replace('_', '-')}.csv" for i, t in enumerate(report.tables, 1)]
    meta = {(r[0], r[1]): r[2] for r in files["00-metadata.csv"][1:]}
    assert files["00-metadata.csv"][0] == ["section", "name", "value"]
    assert meta[("report", "period_from")] == FROM.isoformat()
    assert meta[("report", "period_to")] == TO.isoformat()
    assert meta[("report", "classification")] == "OFFICIAL"
    assert meta[("symbol", "[c]")] == SUPPRESSED_MEANING
    assert meta[("table", "04-offences-by-legislation.csv")] == "Table 4. Offences by legislation"
    assert files["02-disposals.csv"][0] == ["Disposal Type", "Disposals", "BD", "CD", "'=1+1", "LD", "WD"]
    for i, t in enumerate(report.tables, 1):
        rows = files[f"{i:02d}-{t.key.replace('_', '-')}.csv"]
        assert [c.removeprefix("'") for c in rows[0]] == list(t.columns)
        assert [r[0] for r in rows[1:]] == [str(r[0]) for r in t.rows]
        for got, row in zip(rows[1:], t.rows, strict=True):
            assert got[1:] == ["" if v is None else str(v) for v in row[1:]], (t.key, got)
    assert any(r[3] == SUPPRESSED for r in files["05-nrm-referrals.csv"][1:])
    # Nothing a spreadsheet would run: a negative number is a number, not text.
    for rows in files.values():
        for r in rows:
            for cell in r:
                assert not cell.startswith(("=", "+", "@")), cell
                if cell.startswith("-"):
                    int(cell)
    # Reproducible: the same report gives the same bytes.
    assert reports.render(_request(public=True), produced=rendered.produced).data(OutputFormat.CSV) == data


def test_html_and_csv_are_for_the_com_summary_only(
    com_db: Database, backend_for: Callable[[Role], Backend]
) -> None:
    reports = backend_for(Role.MANAGER).reports
    rendered = reports.render(ReportRequest(ReportKind.DISPOSALS, FROM, TO, _request().as_at))
    with pytest.raises(ValidationError, match="PDF only"):
        reports.disclose(rendered, OutputFormat.HTML, "t.html", "COM papers")
    assert reports.count() == 0  # nothing recorded


def test_cli_writes_html_and_csv_as_recorded_runs(
    com_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_address: str,
    template: Template,
) -> None:
    from mshtdesk.cli import main
    from tests.conftest import USERS

    com_db.close()
    monkeypatch.setenv("MSHTDESK_USER", USERS[Role.MANAGER].username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[Role.MANAGER].password)
    common = ["--db", db_address, "report", "com", "--from", "2021-04-01", "--to", "2022-04-30",
              "--as-at", "2022-05-24", "--reason", "COM papers"]  # fmt: skip
    html = tmp_path / "com.html"
    assert main([*common, "--public", "--format", "html", "-o", str(html)]) == 0
    assert main([*common, "--format", "html", "-o", str(tmp_path / "internal.html")]) == 0
    assert main([*common, "--public", "--format", "csv", "-o", str(tmp_path / "com.zip")]) == 0
    tree = check_accessible(html.read_bytes())
    assert _markings(tree) == ("OFFICIAL", "OFFICIAL")
    assert _markings(check_accessible((tmp_path / "internal.html").read_bytes()))[0] == "OFFICIAL-SENSITIVE"
    assert "00-metadata.csv" in _zip((tmp_path / "com.zip").read_bytes())
    reopened = reopen(template, db_address)
    reports = Backend.as_user(reopened, USERS[Role.MANAGER].username).reports
    runs = reports.history()
    assert [r.output_format for r in runs] == ["csv", "html", "html"]
    assert all(r.reason == "COM papers" for r in runs)
    # Regenerating the published HTML gives it back byte for byte.
    again = reports.regenerate(runs[-1].id, "checking the published page")
    assert again.rendered.data(OutputFormat.HTML) == html.read_bytes()
    assert json.loads(again.rendered.json)["public"] is True
    reopened.close()
