"""The scale benchmark (tests/benchmarks/scale.py) at a tiny size, as CI's smoke test: it runs end to end
through the real commands, and its figures agree with the app's. No time is asserted (timings belong to
the benchmark's own table, run on demand at 100,000 and 1,000,000 arrests)."""

from __future__ import annotations

from pathlib import Path

from tests.benchmarks.scale import cells_of_limit, run


def test_the_benchmark_runs_and_its_figures_agree_with_the_app(tmp_path: Path) -> None:
    res = run(
        ["--arrests", "150", "--years", "1", "--months-per-file", "6", "--cumulative", "1", "--quick"]
        + ["--dir", str(tmp_path)]
    )
    assert res.problems == []
    assert res.corrections > 0  # the limit is checked against a register with corrections in it
    year, every = res.measures["disposals_year"]["figures"], res.measures["disposals_all"]["figures"]
    assert 0 < year["arrests"] < every["arrests"] <= 150
    for variant in ("plain", "sqlcipher"):
        assert res.measures[f"limit_all limit {variant}"]["figures"]["arrests"] == every["arrests"]
        floor = res.measures[f"limit_com limit {variant}"]["figures"]  # the COM floor: the year's table too
        assert floor["arrests"] == year["arrests"] and floor["floor_0"] > 0 and floor["floor_1"] > 0
    assert res.commands["report disposals (one year, CSV)"]["app"] > 0
    assert res.imports[0]["rows"] + sum(i["rows"] for i in res.imports[1:]) > res.rows  # cumulative re-read
    for name in ("com_json", "com_pdf", "list_arrests", "list_contacts", "today", "pathway"):
        assert "cold" in res.measures[name], name


def test_a_disagreeing_limit_is_caught() -> None:
    """The check compares every cell: one arrest moved to another disposal is a difference."""
    districts, ranks = {1: "LD", 2: "BD"}, {1: "CHARGE", 5: "NFA"}
    app = {"LD/CHARGE": 2, "BD/-": 1}
    assert cells_of_limit([[1, 1, 2], [2, None, 1]], districts, ranks) == app
    assert cells_of_limit([[1, 1, 1], [1, 5, 1], [2, None, 1]], districts, ranks) != app
