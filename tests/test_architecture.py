"""The layering rules hold (the core never imports Qt or the UI; the UI reaches the store only via
services; services never import the demo; each layer imports only the layers below it) and the code is
lint-clean. mypy runs in .ci/run, not here: an uncached run would add 15-60 s to every test run."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    section = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    declared = section["contracts"]
    assert any(c["type"] == "layers" for c in declared), "the layers contract is declared"
    kept = re.search(r"Contracts: (\d+) kept, 0 broken", r.stdout)
    assert kept is not None and int(kept.group(1)) == len(declared), r.stdout


def test_ruff_is_clean() -> None:
    exe = Path(sys.executable).with_name("ruff")
    r = subprocess.run(
        [str(exe), "check", "--quiet", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_readme_shows_the_role_matrix_the_code_enforces() -> None:
    from mshtdesk.domain.roles import matrix_markdown

    assert matrix_markdown() in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_string_change_topics_remain() -> None:
    """Changes are typed values carried by the services (mshtdesk/domain/changes.py) and emitted in one
    place (ui/tasks.py): a UI that announces its own string topics must not come back."""
    pattern = re.compile(r"\bDataChanged\b|\bAppEvents\b|\.announce\(|\bdata_changed\b|\bwatches\s*=")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("mshtdesk", "ui", "tools", "tests")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not found, "string change topics are back: " + ", ".join(found)
    assert not (ROOT / "ui" / "events.py").exists()


def test_every_page_says_what_it_shows() -> None:
    import importlib

    from ui.pages import PAGES

    for spec in PAGES:
        cls = getattr(importlib.import_module(spec.module), spec.cls)
        assert cls.shows, f"{spec.cls} shows no kind of data, so no change would refresh it"
