"""Synthetic court outcomes for the demo's charged offences, imported like a court system's file.

About three in five offences charged a month or more ago have an outcome, weighted as Crown Court
modern slavery prosecutions tend to go: mostly convictions (some of a lesser offence), then acquittals
and discontinuances; a conviction brings a sentence, most often custodial.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from mshtdesk.domain.outcomes import Outcome
from mshtdesk.imports.outcomes import COLUMNS, OutcomeImport, OutcomeImportSummary
from mshtdesk.imports.pipeline import run_import
from mshtdesk.store.database import Database
from mshtdesk.store.queries.outcomes import charged_offences

WEIGHTS = (
    (Outcome.CONVICTED, 45),
    (Outcome.CONVICTED_LESSER, 15),
    (Outcome.ACQUITTED, 15),
    (Outcome.DISCONTINUED, 18),
    (Outcome.OTHER, 7),
)


def demo_outcomes_csv(db: Database, seed: int, today: date) -> bytes:
    with db.engine.connect() as conn:
        charged = charged_offences(conn)
    kinds = [k for k, _ in WEIGHTS]
    weights = [w for _, w in WEIGHTS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for c in charged:
        rng = random.Random(f"{seed}:{c.custody_ref}:{c.offence_ref}")  # the same offence, the same draw
        if (today - c.charged_on).days < 30 or rng.random() > 0.6:
            continue
        outcome = rng.choices(kinds, weights)[0]
        day = min(today, c.charged_on + timedelta(days=rng.randint(28, 320)))
        months, custodial = "", ""
        if outcome.is_conviction:
            custodial_now = rng.random() < 0.7
            months = str(rng.choice((6, 9, 12, 18, 24, 30, 36, 48, 60, 72, 96)))
            custodial = "yes" if custodial_now else "no"
        writer.writerow([c.custody_ref, c.offence_ref, outcome.value, day.isoformat(), months, custodial])
    return out.getvalue().encode("utf-8")


def fill_outcomes(db: Database, *, seed: int = 1, today: date | None = None) -> OutcomeImportSummary | None:
    """Court outcomes for a share of the demo's charged offences (None: none charged long enough ago)."""
    day = today or date.today()
    data = demo_outcomes_csv(db, seed, day)
    if data.count(b"\n") < 2:
        return None
    return run_import(db, OutcomeImport(day, source="demo"), data, f"demo-outcomes-{seed}.csv")
