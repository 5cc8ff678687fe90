"""The import benchmark (tests/benchmarks/import_speed.py) at a tiny size, as CI's smoke test: its
commands run end to end, into a database file and into a team server, and the app stores as many rows
of each table as the hand-written limit writes. No time is asserted (the benchmark's table, run on
demand at 20,000 and 100,000 arrests, holds the timings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.import_speed import main
from tests.postgres import PG_URL, needs_postgres

TINY = ["--arrests", "200", "--years", "1", "--skip", "monthly"]


def test_the_import_benchmark_runs_and_agrees_with_its_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*TINY, "--dir", str(tmp_path)]) == []
    out = capsys.readouterr().out
    assert "custody: the app stored [200, " in out and "nrm: the app stored [" in out


@needs_postgres
def test_the_import_benchmark_runs_against_a_team_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*TINY, "--dir", str(tmp_path), "--server", PG_URL]) == []
    out = capsys.readouterr().out
    assert "custody: the app stored [200, " in out and "nrm: the app stored [" in out
