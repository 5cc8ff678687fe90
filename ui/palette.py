"""The few colours the pages, views and table models use to carry meaning, named for what they mean.

Models, pages, dialogs and widgets name a colour here (``palette.ALERT``) and never spell one out: a
test (``tests/ui/test_palette.py``) fails on a colour literal anywhere in ``ui/`` outside this module.
The system's palette decides only light or dark (:func:`follow`, at start-up and again on each change of
it, ``ui/theme.py``); the inks of each variant
are fixed here, chosen and tested (``tests/ui/accessibility/test_contrast.py``) for 4.5:1 on the
backgrounds of that variant. The style sheet (``resources/style.qss``) takes its few colours from here
too (``@NAME`` in it), and otherwise the system's palette roles.

Each colour exists as a ``QColor`` (for a model's ``ForegroundRole``) and as its ``#rrggbb`` text
(``*_HEX``, for a style sheet or rich text in a label).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

# Each meaning has a light variant (ink dark enough for 4.5:1 on white and light greys) and a dark one
# (ink light enough for 4.5:1 on black and dark greys); :func:`follow` picks the variant for the
# system's palette at start-up, so a dark or high-contrast theme keeps its background.
LIGHT: dict[str, str] = {
    # ----- meanings shared by every list -----
    "MUTED_HEX": "#6b6b6b",  # nothing recorded yet, a placeholder, an inactive account
    "ALERT_HEX": "#b00020",  # overdue, failed: needs action now
    "ALERT_BACKGROUND_HEX": "#fde7e9",
    "ALERT_LINE_HEX": "#d9848f",
    "GOOD_HEX": "#1e5631",  # done, on time, saved
    "GOOD_BACKGROUND_HEX": "#e6f4ea",
    "GOOD_LINE_HEX": "#7fbf8e",
    "QUIET_HEX": "#4a4a4a",  # secondary text beside ordinary text: an empty-state message
    "WARNING_HEX": "#8a5300",  # dark amber: asks the user to confirm; not the red of a refusal
    # ----- Haven House bed chips: free and taken -----
    "FREE_BACKGROUND_HEX": "#e8f3e8",
    "FREE_INK_HEX": "#1b5e20",
    "FREE_LINE_HEX": "#a5d6a7",
    "TAKEN_BACKGROUND_HEX": "#f5f5f5",
    "TAKEN_INK_HEX": "#424242",
    "TAKEN_LINE_HEX": "#bdbdbd",
    # ----- safeguarding notes and notices: assessment, not fact, in a box of its own -----
    "CAUTION_BACKGROUND_HEX": "#fff8e6",
    "CAUTION_LINE_HEX": "#e0c36b",
    "CAUTION_INK_HEX": "#6b4e00",
    # ----- the pathway timeline: a quiet ink per kind of entry, so a long timeline scans by eye -----
    "TIMELINE_ARREST_HEX": "#5b6b7f",  # arrests, operations and disposals
    "TIMELINE_HAVEN_HEX": "#7a4f9a",
    "TIMELINE_NRM_HEX": "#1d5fa8",  # referrals and decisions
    "TIMELINE_NAVIGATOR_HEX": "#2e7d4f",
    "TIMELINE_CONTACT_HEX": "#9a5b00",
    # ----- the edge of a field or table, drawn only on a dark window (Fusion draws none on black) -----
    "FIELD_LINE_HEX": "#767676",
}
DARK: dict[str, str] = {
    "MUTED_HEX": "#ababab",
    "ALERT_HEX": "#ff8a80",
    "ALERT_BACKGROUND_HEX": "#3d1a1e",
    "ALERT_LINE_HEX": "#a04450",
    "GOOD_HEX": "#81c995",
    "GOOD_BACKGROUND_HEX": "#1e3a28",
    "GOOD_LINE_HEX": "#3c7a4f",
    "QUIET_HEX": "#c8c8c8",
    "WARNING_HEX": "#ffb74d",
    "FREE_BACKGROUND_HEX": "#1b3320",
    "FREE_INK_HEX": "#a5d6a7",
    "FREE_LINE_HEX": "#3c7a4f",
    "TAKEN_BACKGROUND_HEX": "#2f2f2f",
    "TAKEN_INK_HEX": "#d0d0d0",
    "TAKEN_LINE_HEX": "#5a5a5a",
    "CAUTION_BACKGROUND_HEX": "#3a3020",
    "CAUTION_LINE_HEX": "#8a6d1f",
    "CAUTION_INK_HEX": "#ffd98a",
    "TIMELINE_ARREST_HEX": "#a9b8cc",
    "TIMELINE_HAVEN_HEX": "#c9a6e6",
    "TIMELINE_NRM_HEX": "#8ab8f0",
    "TIMELINE_NAVIGATOR_HEX": "#8fd4a8",
    "TIMELINE_CONTACT_HEX": "#f0b766",
    "FIELD_LINE_HEX": "#9a9a9a",  # 3:1 and more on black and the dark greys (WCAG 1.4.11)
}

MUTED_HEX = ALERT_HEX = ALERT_BACKGROUND_HEX = ALERT_LINE_HEX = ""
GOOD_HEX = GOOD_BACKGROUND_HEX = GOOD_LINE_HEX = QUIET_HEX = WARNING_HEX = ""
FREE_BACKGROUND_HEX = FREE_INK_HEX = FREE_LINE_HEX = ""
TAKEN_BACKGROUND_HEX = TAKEN_INK_HEX = TAKEN_LINE_HEX = ""
CAUTION_BACKGROUND_HEX = CAUTION_LINE_HEX = CAUTION_INK_HEX = ""
FIELD_LINE_HEX = ""
MUTED = ALERT = QColor()
TIMELINE_ARREST = TIMELINE_HAVEN = TIMELINE_NRM = TIMELINE_NAVIGATOR = TIMELINE_CONTACT = QColor()


_current: dict[str, str] = {}
_made: set[str] = set()  # the QColor objects use() has made (then changed in place)


def current() -> dict[str, str]:
    """The variant in use (:data:`LIGHT` or :data:`DARK`)."""
    return _current


def use(variant: dict[str, str]) -> None:
    """Make ``variant`` (:data:`LIGHT` or :data:`DARK`) the colours every ``palette.X`` reads."""
    global _current
    _current = variant
    names = globals()
    names.update(variant)
    for name, value in variant.items():
        if name.startswith("TIMELINE_") or name in ("MUTED_HEX", "ALERT_HEX"):
            short = name.removesuffix("_HEX")
            if short in _made:  # change the colour in place: a table made at import time holds it
                names[short].setRgba(QColor(value).rgba())
            else:
                names[short] = QColor(value)
                _made.add(short)


use(LIGHT)


# ----- contrast, as WCAG 2.2 computes it (tests check every meaning colour with it) ---------------
def luminance(hex_colour: str) -> float:
    """Relative luminance of ``#rrggbb``: 0 for black, 1 for white."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The contrast ratio of two ``#rrggbb`` colours, from 1 (the same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# ----- the keyboard focus ring (ui/widgets/focus_ring.py) -----------------------------------------
FOCUS_HEX = "#0b4f9c"  # on a light window: 8:1 on white, 3:1 and more on the greys of borders and rows
FOCUS_ON_DARK_HEX = "#ffd166"  # on a dark or high-contrast window: 11:1 on black


def is_dark(colours: QPalette) -> bool:
    """Whether the window colour is dark (a dark theme, or a high-contrast theme on black)."""
    return luminance(colours.color(QPalette.ColorRole.Window).name()) < 0.2


def follow(colours: QPalette) -> bool:
    """Take the meaning colours' variant for the system's palette; True when it is the dark one."""
    dark = is_dark(colours)
    use(DARK if dark else LIGHT)
    return dark


def focus_hex(colours: QPalette) -> str:
    """The ring's ink for the application's palette: dark on a light window, light on a dark one."""
    return FOCUS_ON_DARK_HEX if is_dark(colours) else FOCUS_HEX


def focus_colour(colours: QPalette) -> QColor:
    """:func:`focus_hex` as a ``QColor``, for a painter."""
    return QColor(focus_hex(colours))


# ----- system palettes to try the app in (tests, tools/screenshots.py --set) ----------------------
# Window, base, alternate base, text, button, highlight, highlighted text, placeholder, link.
SYSTEM_THEMES: dict[str, tuple[str, ...]] = {
    "dark": (
        "#2d2d2d", "#1e1e1e", "#262626", "#e6e6e6", "#3a3a3a", "#2f6db3", "#ffffff", "#a0a0a0", "#8ab8f0"
    ),
    # Windows' "High Contrast Black"/"Night sky": black, white text, cyan selection, yellow links.
    "high-contrast": (
        "#000000", "#000000", "#000000", "#ffffff", "#000000", "#1aebff", "#000000", "#a0a0a0", "#ffff00"
    ),
}  # fmt: skip


def system_theme(name: str) -> QPalette:
    """A system palette like a dark or a Windows high-contrast theme, as Qt would hand it to the app."""
    window, base, alternate, text, button, highlight, on_highlight, placeholder, link = (
        QColor(c) for c in SYSTEM_THEMES[name]
    )
    r = QPalette.ColorRole
    colours = QPalette()
    for role, colour in (
        (r.Window, window),
        (r.Base, base),
        (r.AlternateBase, alternate),
        (r.Button, button),
        (r.WindowText, text),
        (r.Text, text),
        (r.ButtonText, text),
        (r.BrightText, text),
        (r.ToolTipBase, base),
        (r.ToolTipText, text),
        (r.PlaceholderText, placeholder),
        (r.Highlight, highlight),
        (r.HighlightedText, on_highlight),
        (r.Link, link),
        (r.Light, text),
        (r.Mid, placeholder),
        (r.Dark, placeholder),
        (r.Midlight, placeholder),
        (r.Shadow, text),
    ):
        colours.setColor(role, colour)
    return colours
