"""Every ui/ module names its colours in ui/palette.py; none but the palette spells a colour out."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "ui"
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3}(?:[0-9a-fA-F]{2})?)?\b")
FUNCTIONAL = re.compile(r"\b(?:rgba?|hsla?)\s*\(", re.IGNORECASE)
NAMED_QT = re.compile(
    r"\b(?:Qt\.(?:GlobalColor\.)?(?:black|white|red|green|blue|cyan|magenta|yellow|gray|grey|"
    r"darkRed|darkGreen|darkBlue|darkCyan|darkMagenta|darkYellow|darkGray|lightGray)"
    r"|QColor\s*\(|QColor\.from\w+\s*\()"
)


def colour_literals(source: str) -> list[str]:
    """Every colour spelt out in ``source``: hex or rgb() text in strings, Qt's named colours, QColor(...)."""
    found: list[str] = []
    code: list[str] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            found += HEX.findall(tok.string) + FUNCTIONAL.findall(tok.string)
        elif tok.type != tokenize.COMMENT:
            code.append(tok.string)
    found += NAMED_QT.findall(" ".join(code).replace(" . ", ".").replace(" (", "("))
    return found


@pytest.mark.parametrize(
    "source",
    [
        'MUTED = QColor("#6b6b6b")\n',
        "x = QColor(107, 107, 107)\n",
        'style = "QLabel { color: #b00020; }"\n',
        "style = f\"<span style='color: rgb(176, 0, 32)'>{n}</span>\"\n",
        "brush = Qt.red\n",
        "brush = Qt.GlobalColor.darkGray\n",
    ],
)
def test_the_check_finds_a_colour_literal(source: str) -> None:
    assert colour_literals(source)


def test_the_check_ignores_comments_and_palette_names() -> None:
    source = "# the colour #b00020 is in the palette\nink = palette.ALERT  # noqa: #1\ntext = 'Issue #12'\n"
    assert colour_literals(source) == []


PACKAGES = sorted(p.name for p in UI.iterdir() if (p / "__init__.py").is_file())


def test_every_ui_package_is_checked() -> None:
    assert {"models", "pages", "dialogs", "widgets"} <= set(PACKAGES)


@pytest.mark.parametrize("package", [".", *PACKAGES])
def test_no_colour_literal_outside_the_palette(package: str) -> None:
    """``.`` is ui/ itself (its modules, not its packages); each package is checked with its subfolders."""
    folder = UI / package
    files = sorted(folder.glob("*.py") if package == "." else folder.rglob("*.py"))
    files = [f for f in files if f != UI / "palette.py"]
    assert files
    offenders = {
        str(f.relative_to(UI)): found
        for f in files
        if (found := colour_literals(f.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "name the colour in ui/palette.py instead"
