"""Which characters free text may hold, and how untrusted text is shown on a terminal.

Why: text typed into a form or read from an import file ends up on screens, in terminals, in reports
and in spreadsheets. A control character there is never data: ESC starts a terminal escape sequence
(it can rewrite what the screen shows or set a window title), BEL rings, NUL truncates text in C
libraries, and a bidirectional override (U+202E) shows ``txt.exe`` as ``exe.txt`` or reorders a
reference so that two different values look the same. So every form field and import cell refuses:

- C0 controls U+0000–U+001F and DEL U+007F, except, in a field that holds several lines (notes,
  reasons, facts), the tab, the line feed and a carriage return that ends a line (``\\r\\n``);
- C1 controls U+0080–U+009F (U+0085, U+009B "CSI" is an escape sequence on its own in some terminals);
- bidirectional embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, which change the
  order text is shown in, beyond the character they sit on;
- in a one-line field, the line and paragraph separators U+2028 and U+2029 (they break the line).

Allowed on purpose: the left-to-right and right-to-left marks U+200E and U+200F and the Arabic letter
mark U+061C (needed to write names in Arabic, Hebrew or Urdu correctly; a mark only sets the direction
of the neutral characters beside it and cannot reorder a whole value), and zero-width joiners (needed
by several scripts). Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping

__all__ = [
    "add_text_problems",
    "might_be_refused",
    "printable",
    "refused_character",
    "refused_phrase",
    "text_problem",
    "text_problems",
]

_BIDI = "\u202a-\u202e\u2066-\u2069"
#: Refused in a one-line field: every control, both separators and the bidi controls.
_SINGLE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
#: Refused in a multi-line field: the same, less tab, line feed, a CR that ends a line and the separators.
_MULTI_LINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n)")
#: Escaped by ``printable``: everything a terminal could act on, including tab and line breaks.
_UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")

# fmt: off
_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US",
)
# fmt: on
_PLAIN_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}


def refused_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first character ``text`` may not hold, as (0-based index, character), or None."""
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(text)
    return None if found is None else (found.start(), found.group()[0])


def might_be_refused(text: str) -> bool:
    """A cheap first look for a hot loop: False means ``text`` may be stored in any field."""
    return _SINGLE_LINE.search(text) is not None


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch in _PLAIN_NAMES:
        return f"{_PLAIN_NAMES[ch]} ({code})"
    if ord(ch) < 0x20:
        return f"the control character {_C0_NAMES[ord(ch)]} ({code})"
    if ch == "\x7f":
        return f"the control character DEL ({code})"
    if ord(ch) <= 0x9F:
        return f"the control character {code}"
    if ch in "\u2028\u2029":
        return f"a {unicodedata.name(ch).lower()} ({code})"
    return f"the bidirectional control {unicodedata.name(ch).title()} ({code}), which reorders text"


def refused_phrase(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text``, as a phrase ("the control character ESC (U+001B) at character 4"),
    or None when it may be stored. Importers put it in a row error, forms in a field message."""
    found = refused_character(text, multiline=multiline)
    if found is None:
        return None
    index, ch = found
    return f"{_describe(ch)} at character {index + 1}"


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """A form field's message for ``text``, or None when it may be stored."""
    phrase = refused_phrase(text, multiline=multiline)
    if phrase is None:
        return None
    return f"Remove {phrase}: it cannot be stored (often it came with pasted text)."


def text_problems(values: Mapping[str, object], *, multiline: Collection[str] = ()) -> dict[str, str]:
    """Field -> message for every text value in ``values`` that holds a refused character.

    ``multiline`` names the fields that may hold several lines (notes, reasons). Values that are not
    text (dates, numbers, None) are skipped, so a service can pass its whole input.
    """
    problems: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, str):
            message = text_problem(value, multiline=name in multiline)
            if message is not None:
                problems[name] = message
        elif isinstance(value, tuple | list | frozenset | set):
            for item in value:
                message = text_problem(item) if isinstance(item, str) else None
                if message is not None:
                    problems[name] = message
                    break
    return problems


def add_text_problems(
    problems: dict[str, str], values: Mapping[str, object], *, multiline: Collection[str] = ()
) -> dict[str, str]:
    """``text_problems`` added to a service's ``problems`` (a field's earlier message is kept)."""
    for name, message in text_problems(values, multiline=multiline).items():
        problems.setdefault(name, message)
    return problems


def _escape(found: re.Match[str]) -> str:
    ch = found.group()
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) <= 0xFF else f"\\u{ord(ch):04x}"
    )


def printable(text: object) -> str:
    """``text`` safe to write to a terminal: every control, line break and bidi control is shown as an
    escape (``\\x1b``, ``\\n``, ``\\u202e``), so untrusted text can neither act on the terminal nor
    start a line of its own. Everything else, backslashes included, is left as it is."""
    s = str(text)
    return _UNPRINTABLE.sub(_escape, s) if _UNPRINTABLE.search(s) else s
