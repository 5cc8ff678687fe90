"""Which characters a field may hold, and how untrusted text is shown on a terminal (``domain.text``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mshtdesk.domain.text import (
    add_text_problems,
    might_be_refused,
    printable,
    refused_character,
    refused_phrase,
    text_problem,
    text_problems,
)

REFUSED_EVERYWHERE = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", *map(chr, range(0x202A, 0x202F))]
REFUSED_EVERYWHERE += [chr(c) for c in range(0x2066, 0x206A)]


@pytest.mark.parametrize("ch", REFUSED_EVERYWHERE)
def test_controls_and_bidi_controls_are_refused_in_every_field(ch: str) -> None:
    for multiline in (False, True):
        assert refused_character(f"ab{ch}c", multiline=multiline) == (2, ch)
        assert might_be_refused(f"ab{ch}c")


def test_tab_and_line_breaks_only_where_a_field_holds_several_lines() -> None:
    for text in ("a\tb", "a\nb", "a\r\nb"):
        assert refused_character(text) is not None
        assert refused_character(text, multiline=True) is None
    assert refused_character("a\rb", multiline=True) == (1, "\r")  # a lone CR rewrites a terminal line
    assert refused_character("a\u2028b") == (1, "\u2028")
    assert refused_character("a\u2028b", multiline=True) is None


def test_ordinary_text_in_any_script_is_allowed() -> None:
    for text in ("O'Brien-Smith", "Łukasz Żółć", "Nguyễn", "محمد\u200f", "שָׁלוֹם\u200e", "क्‍ष", "=SUM(A1)", ""):
        assert refused_character(text) is None and not might_be_refused(text), text


def test_messages_name_the_character_and_where_it_is() -> None:
    assert refused_phrase("ab\x1b[2J") == "the control character ESC (U+001B) at character 3"
    assert refused_phrase("x\u202etxt.exe") == (
        "the bidirectional control Right-To-Left Override (U+202E), which reorders text at character 2"
    )
    assert refused_phrase("a\tb") == "a tab (U+0009) at character 2"
    message = text_problem("\x00")
    assert message is not None and message.startswith("Remove the control character NUL (U+0000)")


def test_text_problems_by_field_keep_earlier_messages_and_skip_non_text() -> None:
    values = {"a": "ok", "b": "x\x07", "notes": "line\nline", "when": None, "n": 3, "tags": ("t", "u\x1b")}
    problems = text_problems(values, multiline=("notes",))
    assert set(problems) == {"b", "tags"}
    kept = add_text_problems({"b": "At most 5 characters."}, values)
    assert kept["b"] == "At most 5 characters." and "notes" in kept  # notes is one line unless said


@given(st.text())
def test_printable_never_passes_a_control_and_leaves_plain_text_alone(text: str) -> None:
    shown = printable(text)
    assert refused_character(shown) is None
    if not might_be_refused(text):
        assert shown == text


def test_printable_shows_escapes() -> None:
    assert printable("BD\x1b]0;pwned\x07") == "BD\\x1b]0;pwned\\x07"
    assert printable("a\nb\tc\u202ed") == "a\\nb\\tc\\u202ed"
    assert printable("C:\\exports\\x.csv") == "C:\\exports\\x.csv"  # backslashes stay as they are
