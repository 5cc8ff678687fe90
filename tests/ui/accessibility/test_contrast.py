"""Colours that carry meaning pass 4.5:1 on the backgrounds they are drawn on, computed from
``ui/palette.py`` (WCAG 2.2, 1.4.3); the focus ring passes 3:1 on them (1.4.11)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from ui import palette

WHITE = "#ffffff"
ALTERNATE_ROW = "#f7f7f7"  # Fusion's alternate row colour, the lightest grey a table row is drawn on
WINDOW = "#efefef"  # Fusion's window colour, behind labels

TEXT_ON = [
    ("MUTED", palette.MUTED_HEX, [WHITE, ALTERNATE_ROW, WINDOW]),
    ("ALERT", palette.ALERT_HEX, [WHITE, ALTERNATE_ROW, WINDOW]),
    ("GOOD", palette.GOOD_HEX, [WHITE, ALTERNATE_ROW, WINDOW, palette.GOOD_BACKGROUND_HEX]),
    ("QUIET", palette.QUIET_HEX, [WHITE, ALTERNATE_ROW, WINDOW]),
    ("WARNING", palette.WARNING_HEX, [WHITE, ALTERNATE_ROW, WINDOW]),
    ("FREE_INK", palette.FREE_INK_HEX, [palette.FREE_BACKGROUND_HEX]),
    ("TAKEN_INK", palette.TAKEN_INK_HEX, [palette.TAKEN_BACKGROUND_HEX]),
    ("CAUTION_INK", palette.CAUTION_INK_HEX, [palette.CAUTION_BACKGROUND_HEX]),
    *(
        (name, getattr(palette, name).name(), [WHITE, ALTERNATE_ROW])
        for name in dir(palette)
        if name.startswith("TIMELINE_")
    ),
]


def test_the_formula_gives_the_known_ratios() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast("#b00020", "#b00020") == 1.0


@pytest.mark.parametrize(("name", "ink", "backgrounds"), TEXT_ON, ids=[t[0] for t in TEXT_ON])
def test_meaning_colours_pass_4_5_to_1(name: str, ink: str, backgrounds: list[str]) -> None:
    for background in backgrounds:
        ratio = palette.contrast(ink, background)
        assert ratio >= 4.5, f"{name} {ink} on {background}: {ratio:.2f}:1"


def test_every_meaning_colour_is_checked() -> None:
    inks = {n for n in dir(palette) if n.isupper() and (n.endswith("_HEX") or n.startswith("TIMELINE_"))}
    inks -= {n for n in inks if "BACKGROUND" in n or "LINE" in n or n.startswith("FOCUS")}
    checked = {t[0] + ("" if t[0].startswith("TIMELINE_") else "_HEX") for t in TEXT_ON}
    assert inks <= checked, f"a new colour needs its backgrounds here: {inks - checked}"


@pytest.mark.parametrize("window", [WHITE, WINDOW, "#000000", "#1e1e1e", "#2d2d2d"])
def test_the_focus_ring_passes_3_to_1_on_light_and_dark_windows(window: str) -> None:
    colours = QPalette()
    colours.setColor(QPalette.ColorRole.Window, QColor(window))
    ring = palette.focus_hex(colours)
    assert palette.contrast(ring, window) >= 3.0
