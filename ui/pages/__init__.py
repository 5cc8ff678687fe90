"""The pages of the main window, in navigation order. Adding a page is one line in ``PAGES``.

Pages are named by module rather than imported, so the window can list them while the database (and
the SQLAlchemy import behind the services) is still opening on the worker.
"""

from __future__ import annotations

from typing import NamedTuple


class PageSpec(NamedTuple):
    title: str
    module: str
    cls: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("Arrests", "ui.pages.arrests_page", "ArrestsPage"),
    PageSpec("Disposal table", "ui.pages.disposal_page", "DisposalPage"),
)
