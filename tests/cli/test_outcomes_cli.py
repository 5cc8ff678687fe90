"""``mshtdesk import outcomes FILE.csv [--dry-run]``, run as a user runs it: a separate process."""

from pathlib import Path

from tests.cli.test_cli import mshtdesk
from tests.conftest import DATA, SEED_EXPORT

OUTCOMES = DATA / "outcomes_seed.csv"


def test_import_outcomes_dry_run_then_for_real_then_again(db_address: str) -> None:
    assert mshtdesk("--db", db_address, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    r = mshtdesk("--db", db_address, "import", "outcomes", str(OUTCOMES), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (
        "outcomes_seed.csv has no problems. Importing it would add 4 new court outcomes from 4 rows "
        "(0 are already recorded). Nothing was written."
    )
    r = mshtdesk("--db", db_address, "import", "outcomes", str(OUTCOMES))
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith("Imported outcomes_seed.csv: 4 new court outcomes")
    r = mshtdesk("--db", db_address, "import", "outcomes", str(OUTCOMES))
    assert r.returncode == 0 and "Nothing new in outcomes_seed.csv" in r.stdout


def test_a_bad_file_is_refused_by_line_and_column(db_address: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "custody_ref,offence_ref,outcome,outcome_date,sentence_months,custodial\n"
        "WY/99/000001,O1,convicted,2022-03-14,,\n"
        "WY/21/000352,O1,hanged,2022-03-14,,\n",
        encoding="utf-8",
    )
    assert mshtdesk("--db", db_address, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    r = mshtdesk("--db", db_address, "import", "outcomes", str(bad))
    assert r.returncode != 0
    assert "line 3" in r.stderr and "outcome" in r.stderr and "hanged" in r.stderr
    r = mshtdesk("--db", db_address, "import", "outcomes", str(bad), "--dry-run")
    assert r.returncode != 0
