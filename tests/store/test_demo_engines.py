"""The same seed makes the same demo on both engines: the report and list tests count rows the demo made,
so a demo that read rows in the engine's own order (a heap's order changes as rows are updated) would
give PostgreSQL other operations, beds or victims than SQLite, and the tests would disagree for no rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST, HAVEN_STAY, NRM_REFERRAL, PERSON, VLO_CONTACT
from tests.conftest import Template
from tests.postgres import PgSnapshot

TODAY = date(2024, 3, 15)
SKIPPED = {"created_at", "updated_at", "recorded_at", "version", "search_text"}


def _demo(db: Database) -> dict[str, list[tuple[object, ...]]]:
    fill_demo(db, seed=4, arrests=160, today=TODAY)
    fill_pathway(db, seed=4, volume=volume_for_arrests(160, 395 / 365.25), today=TODAY)
    made: dict[str, list[tuple[object, ...]]] = {}
    with db.engine.connect() as conn:
        for table in (ARREST, PERSON, NRM_REFERRAL, HAVEN_STAY, VLO_CONTACT):
            columns = [c for c in table.c if c.name not in SKIPPED]
            made[table.name] = [tuple(r) for r in conn.execute(select(*columns).order_by(table.c.id))]
    return made


def test_one_seed_one_demo_on_both_engines(
    db_path: Path, template: Template, pg_snapshot: PgSnapshot
) -> None:
    laptop = template.open(db_path)
    pg_snapshot.reset()
    server = Database(pg_snapshot.url)
    try:
        on_file, on_server = _demo(laptop), _demo(server)
    finally:
        laptop.close()
        server.close()
    for name, rows in on_file.items():
        assert len(rows) > 5, name
        diff = [(a, b) for a, b in zip(rows, on_server[name], strict=True) if a != b]
        assert not diff, f"{name}: {len(diff)} rows differ, first {diff[0]}"
