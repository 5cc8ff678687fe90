"""The few colours the pages, views and table models use to carry meaning, named for what they mean.

Models, pages, dialogs and widgets name a colour here (``palette.ALERT``) and never spell one out: a
test (``tests/ui/test_palette.py``) fails on a colour literal anywhere in ``ui/`` outside this module.
The values match the application's stylesheet (``resources/style.qss``), which fixes a light look on every
platform, so they are fixed too rather than read from ``QApplication.palette()`` (whose colours the
stylesheet does not follow); each ink is dark enough for 4.5:1 contrast on white and on the alternate
row colour.

Each colour exists as a ``QColor`` (for a model's ``ForegroundRole``) and as its ``#rrggbb`` text
(``*_HEX``, for a style sheet or rich text in a label).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

# ----- meanings shared by every list -----------------------------------------------------------
MUTED_HEX = "#6b6b6b"  # nothing recorded yet, a placeholder, an inactive account
ALERT_HEX = "#b00020"  # overdue, failed: needs action now
GOOD_HEX = "#1e5631"  # done, on time, saved
GOOD_BACKGROUND_HEX = "#e6f4ea"
GOOD_LINE_HEX = "#7fbf8e"
QUIET_HEX = "#4a4a4a"  # secondary text beside ordinary text: an empty-state message, "the same in both"
WARNING_HEX = "#8a5300"  # dark amber: asks the user to confirm; readable, and not the red of a refusal


MUTED = QColor(MUTED_HEX)
ALERT = QColor(ALERT_HEX)

# ----- Haven House bed chips: free and taken -----------------------------------------------------
FREE_BACKGROUND_HEX = "#e8f3e8"
FREE_INK_HEX = "#1b5e20"
FREE_LINE_HEX = "#a5d6a7"
TAKEN_BACKGROUND_HEX = "#f5f5f5"
TAKEN_INK_HEX = "#424242"
TAKEN_LINE_HEX = "#bdbdbd"

# ----- the person form's safeguarding notes: assessment, not fact, in a box of its own ----------
CAUTION_BACKGROUND_HEX = "#fff8e6"
CAUTION_LINE_HEX = "#e0c36b"
CAUTION_INK_HEX = "#6b4e00"

# ----- the pathway timeline: a quiet ink per kind of entry, so a long timeline scans by eye -------
TIMELINE_ARREST = QColor("#5b6b7f")  # arrests, operations and disposals
TIMELINE_HAVEN = QColor("#7a4f9a")
TIMELINE_NRM = QColor("#1d5fa8")  # referrals and decisions
TIMELINE_NAVIGATOR = QColor("#2e7d4f")
TIMELINE_CONTACT = QColor("#9a5b00")


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


def focus_hex(colours: QPalette) -> str:
    """The ring's ink for the application's palette: dark on a light window, light on a dark one."""
    window = colours.color(QPalette.ColorRole.Window).name()
    return FOCUS_ON_DARK_HEX if luminance(window) < 0.2 else FOCUS_HEX
