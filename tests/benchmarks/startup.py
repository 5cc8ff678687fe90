"""Start-up benchmark (issue 14): time from process start to the main window's first paint, source and frozen.

    uv run python -m tests.benchmarks.startup                     # 7 runs of each, after one warm-up
    uv run python -m tests.benchmarks.startup --runs 11 --frozen dist/MSHTDesk/mshtdesk

Each run starts the app with ``MSHTDESK_STARTUP_PROBE=1`` (``ui/app.py``), which prints ``first-paint-ms N``
after the first paint and quits. Two numbers per run:
- *from process start*: from just before the process is spawned to the moment that line arrives here, so it
  includes the interpreter's (or the frozen bootloader's) own start, which the app cannot see;
- *in-process*: the app's own figure, from ``ui.launcher`` being imported.
The goals (issue 14): the frozen app's first window within 1.5 s, the source app's within 0.3 s, as medians.
Numbers wobble on a shared 2-core machine: compare medians from one run of this script. Not a timed test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "dist" / "MSHTDesk" / ("mshtdesk.com" if sys.platform == "win32" else "mshtdesk")
GOALS_MS = {"source": 300, "frozen": 1500}


def one_run(command: list[str], folder: Path) -> tuple[float, float]:
    """(ms from spawning the process to the first-paint line, the app's own ms) for one start."""
    env = {
        **os.environ,
        "MSHTDESK_STARTUP_PROBE": "1",
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "MSHTDESK_CONFIG_DIR": str(folder / "config"),  # never the profile's window state or logs
        "MSHTDESK_LOG_DIR": str(folder / "logs"),
        "MSHTDESK_DB": str(folder / "startup.db"),  # a database that does not exist: the probe never waits
    }
    started = time.perf_counter()
    pipe, quiet = subprocess.PIPE, subprocess.DEVNULL
    with subprocess.Popen(command, stdout=pipe, stderr=quiet, text=True, env=env) as p:
        assert p.stdout is not None
        for line in p.stdout:
            if line.startswith("first-paint-ms "):
                outside = (time.perf_counter() - started) * 1000
                inside = float(line.split()[1])
                p.stdout.read()
                p.wait(timeout=60)
                return outside, inside
        p.wait(timeout=60)
    raise RuntimeError(f"{command[0]} exited ({p.returncode}) without reporting its first paint")


def measure(name: str, command: list[str], runs: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="mshtdesk-startup-") as tmp:
        folder = Path(tmp)
        one_run(command, folder)  # warm-up: the first start after a build also fills the disk cache
        samples = [one_run(command, folder) for _ in range(runs)]
    outside = statistics.median(s[0] for s in samples)
    inside = statistics.median(s[1] for s in samples)
    goal = GOALS_MS[name]
    verdict = "within" if outside <= goal else "over"
    spread = f"{min(s[0] for s in samples):.0f}-{max(s[0] for s in samples):.0f}"
    print(
        f"{name:>6}: median {outside:5.0f} ms from process start (range {spread}), "
        f"{inside:5.0f} ms in-process; goal {goal} ms: {verdict}"
    )
    return outside, inside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs of each app (default 7)")
    parser.add_argument("--frozen", type=Path, default=FROZEN, help="the frozen console app")
    parser.add_argument("--source-only", action="store_true", help="skip the frozen app")
    ns = parser.parse_args(argv)
    print(f"start-up to first paint, {ns.runs} runs each after a warm-up, medians:")
    measure("source", [sys.executable, "-m", "ui"], ns.runs)
    if not ns.source_only:
        if not ns.frozen.exists():
            print(f"frozen: {ns.frozen} not found; build it with 'uv run python packaging/build.py'")
            return 1
        measure("frozen", [str(ns.frozen)], ns.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
