"""The ``mshtdesk`` entry point: a sub-command runs the CLI; no sub-command opens the app.

``STARTED_AT`` is taken before any other import so that the start-up probe
(``MSHTDESK_STARTUP_PROBE=1``) measures from as close to process start as plain Python allows. It misses
only the interpreter's own start (~20-40 ms), which is the same for every build, so numbers stay comparable.
"""

from __future__ import annotations

import time

STARTED_AT = time.time()

import sys  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from mshtdesk import cli  # the CLI must keep its heavy imports inside run(), or the app starts slowly

    ns = cli.parse(args)
    if ns.self_test:
        from ui.selftest import run

        return run()
    if ns.command is None:
        from ui.app import run_app  # Qt is imported only when the window is wanted

        return run_app(db=ns.db, demo=ns.demo, started_at=STARTED_AT)
    return int(cli.run(ns))
