"""Kill benchmark (issue 6): 50+ SIGKILLs of importing and editing processes, then the file is checked.

    uv run python -m tests.benchmarks.kill               # 30 rounds = 60 kills
    uv run python -m tests.benchmarks.kill --rounds 50 --seed 2

Each round starts an importer and an editor on one encrypted database and kills each at a random moment
after it has opened the file; then ``integrity_check``, the audit chain, whole-or-absent imports and
edit-with-audit are checked (``tests/reliability/crash.py``). Prints the numbers for the closing note.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tests.reliability import crash


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="rounds of two kills each (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    ns = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mshtdesk-kill-") as folder:
        db_path, key = crash.make_database(Path(folder))
        started = time.monotonic()
        tally = crash.run(db_path, key, ns.rounds, seed=ns.seed)
        elapsed = time.monotonic() - started
    print(f"kill benchmark: {tally.describe()}; {elapsed:.0f} s")
    for problem in tally.problems[:20]:
        print("  " + problem)
    return 0 if tally.ok and tally.kills >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
