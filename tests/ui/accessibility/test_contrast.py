"""Colours that carry meaning pass 4.5:1 on the backgrounds they are drawn on, computed from
``ui/palette.py`` (WCAG 2.2, 1.4.3); the focus ring passes 3:1 on them (1.4.11)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from ui import palette

R = QPalette.ColorRole

WHITE = "#ffffff"
ALTERNATE_ROW = "#f7f7f7"  # Fusion's alternate row colour, the lightest grey a table row is drawn on
WINDOW = "#efefef"  # Fusion's window colour, behind labels
LIGHT_GROUNDS = [WHITE, ALTERNATE_ROW, WINDOW]
# A dark theme's base, alternate row and window (Windows' dark and high-contrast black, Fusion's dark).
DARK_GROUNDS = ["#000000", "#1e1e1e", "#2d2d2d", "#353535"]


def text_on(variant: dict[str, str], grounds: list[str]) -> list[tuple[str, str, list[str]]]:
    """Each ink of ``variant`` with the backgrounds it is drawn on in that variant."""
    boxed = {
        "FREE_INK": "FREE_BACKGROUND",
        "TAKEN_INK": "TAKEN_BACKGROUND",
        "CAUTION_INK": "CAUTION_BACKGROUND",
    }
    out = []
    for name, ink in variant.items():
        short = name.removesuffix("_HEX")
        if "BACKGROUND" in short or "LINE" in short:
            continue
        if short in boxed:
            backgrounds = [variant[boxed[short] + "_HEX"]]
        else:
            backgrounds = list(grounds)
            if short + "_BACKGROUND_HEX" in variant:  # e.g. GOOD on its own panel
                backgrounds.append(variant[short + "_BACKGROUND_HEX"])
        out.append((short, ink, backgrounds))
    return out


TEXT_ON = [("light", *t) for t in text_on(palette.LIGHT, LIGHT_GROUNDS)] + [
    ("dark", *t) for t in text_on(palette.DARK, DARK_GROUNDS)
]


def test_the_formula_gives_the_known_ratios() -> None:
    assert palette.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast("#b00020", "#b00020") == 1.0


@pytest.mark.parametrize(
    ("variant", "name", "ink", "backgrounds"), TEXT_ON, ids=[f"{t[0]}-{t[1]}" for t in TEXT_ON]
)
def test_meaning_colours_pass_4_5_to_1(variant: str, name: str, ink: str, backgrounds: list[str]) -> None:
    for background in backgrounds:
        ratio = palette.contrast(ink, background)
        assert ratio >= 4.5, f"{variant} {name} {ink} on {background}: {ratio:.2f}:1"


def test_both_variants_name_the_same_colours() -> None:
    assert palette.LIGHT.keys() == palette.DARK.keys()


def test_every_meaning_colour_has_both_variants() -> None:
    """A colour added to the module by hand, outside the two variants, would not follow the system."""
    inks = {n for n in dir(palette) if n.isupper() and n.endswith("_HEX") and not n.startswith("FOCUS")}
    assert inks == set(palette.LIGHT), f"a colour outside LIGHT and DARK: {inks ^ set(palette.LIGHT)}"


@pytest.mark.parametrize(
    ("window", "dark"), [(WHITE, False), (WINDOW, False), ("#000000", True), ("#2d2d2d", True)]
)
def test_the_system_palette_picks_the_variant(window: str, dark: bool) -> None:
    colours = QPalette()
    colours.setColor(QPalette.ColorRole.Window, QColor(window))
    try:
        assert palette.follow(colours) is dark
        expected = palette.DARK if dark else palette.LIGHT
        assert expected["ALERT_HEX"] == palette.ALERT_HEX
        assert palette.ALERT.name() == expected["ALERT_HEX"]
        assert palette.TIMELINE_NRM.name() == expected["TIMELINE_NRM_HEX"]
    finally:
        palette.use(palette.LIGHT)


@pytest.mark.parametrize("window", [WHITE, WINDOW, "#000000", "#1e1e1e", "#2d2d2d"])
def test_the_focus_ring_passes_3_to_1_on_light_and_dark_windows(window: str) -> None:
    colours = QPalette()
    colours.setColor(QPalette.ColorRole.Window, QColor(window))
    ring = palette.focus_hex(colours)
    assert palette.contrast(ring, window) >= 3.0


# ----- on the system palettes themselves: dark and Windows-like high contrast ----------------------
@pytest.mark.parametrize("theme", list(palette.SYSTEM_THEMES))
def test_meaning_colours_pass_on_the_palette_actually_used(theme: str) -> None:
    """Follow the theme's palette as the app does, then measure every ink in use against that
    palette's own window, base and alternate-row colours."""
    colours = palette.system_theme(theme)
    try:
        assert palette.follow(colours) is True
        grounds = [colours.color(r).name() for r in (R.Window, R.Base, R.AlternateBase, R.Button)]
        for short, ink, backgrounds in text_on(palette.current(), grounds):
            for background in backgrounds:
                ratio = palette.contrast(ink, background)
                assert ratio >= 4.5, f"{theme} {short} {ink} on {background}: {ratio:.2f}:1"
        for ground in grounds:  # edges of fields and tables, and the focus ring: 3:1 (1.4.11)
            assert palette.contrast(palette.FIELD_LINE_HEX, ground) >= 3.0, f"{theme} edge on {ground}"
            assert palette.contrast(palette.focus_hex(colours), ground) >= 3.0
        text = colours.color(R.Text).name()
        assert palette.contrast(text, colours.color(R.Base).name()) >= 4.5
        selected = colours.color(R.HighlightedText).name()
        assert palette.contrast(selected, colours.color(R.Highlight).name()) >= 4.5
    finally:
        palette.use(palette.LIGHT)
