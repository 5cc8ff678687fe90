"""``python -m ui``: the same entry point as the ``mshtdesk`` console script."""

from ui.launcher import main

raise SystemExit(main())
