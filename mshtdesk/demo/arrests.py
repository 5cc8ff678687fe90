"""Synthetic arrests at the seed's scale, for demonstrations, tests and benchmarks.

Nothing here resembles a real record: references are sequential, operations are drawn from a word list.
Histories follow practice: released under investigation or on bail at first, then charged or NFA'd weeks
or months later; recent arrests are more often still open.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import bindparam, update

from mshtdesk.imports.custody import COLUMNS, CustodyImport, ImportSummary
from mshtdesk.imports.pipeline import run_import
from mshtdesk.services import reference
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST

OFFENCE_TEXTS = (
    ("Modern Slavery Act 2015 s.2", 40),
    ("MSA 2015 s.1", 20),
    ("Modern Slavery Act 2015 s.4", 8),
    ("Modern Slavery Act 2015 s.30(1)", 2),
    ("Sexual Offences Act 2003 s.59A", 3),
    ("Controlling prostitution for gain", 8),
    ("Being concerned in the supply of a controlled drug (county lines)", 12),
    ("Conspiracy to arrange travel with a view to exploitation", 5),
)
OPERATION_WORDS = (
    "Aidant",
    "Beacon",
    "Cobalt",
    "Drummond",
    "Ember",
    "Fenwick",
    "Granite",
    "Heron",
    "Ivy",
    "Juniper",
    "Kestrel",
    "Lantern",
    "Meridian",
    "Nettle",
    "Orchid",
    "Pennine",
    "Quarry",
    "Rowan",
    "Sentinel",
    "Tarn",
)
DISTRICT_WEIGHTS = (26, 22, 13, 26, 13)


def _final_outcome(rng: random.Random) -> str:
    return rng.choices(
        ("Charge", "No further action", "Other Warrant", "Other Transfer", "Other"), (14, 76, 3, 5, 2)
    )[0]


def demo_rows(
    seed: int, arrests: int, today: date, districts: Sequence[str], span_days: int = 395
) -> list[dict[str, str]]:
    """Rows in the custody export's format, arrests spread over ``span_days`` (13 months) to ``today``."""
    rng = random.Random(seed)
    start = today - timedelta(days=span_days)
    span = (today - start).days
    weights = [DISTRICT_WEIGHTS[i % len(DISTRICT_WEIGHTS)] for i in range(len(districts))]
    texts, text_weights = zip(*OFFENCE_TEXTS, strict=True)
    detainees: list[str] = []
    rows: list[dict[str, str]] = []
    dates = sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(arrests))
    for n, arrested in enumerate(dates, start=1):
        district = rng.choices(districts, weights)[0]
        if detainees and rng.random() < 0.12:
            detainee = rng.choice(detainees)
        else:
            detainee = f"N{len(detainees) + 1000001:07d}"
            detainees.append(detainee)
        ref = f"{district}/{arrested:%y}/{n:06d}"
        n_offences = rng.choices((1, 2, 3), (45, 40, 15))[0]
        for k in range(1, n_offences + 1):
            base = {
                "arrest_ref": ref,
                "arrest_date": arrested.isoformat(),
                "district": district,
                "detainee_ref": detainee,
                "offence_ref": f"O{k}",
                "offence": rng.choices(texts, text_weights)[0],
            }
            history = _history(rng, arrested, today)
            rows.extend(base | {"disposal": d, "disposal_date": on.isoformat()} for d, on in history)
            if not history:  # still in custody: the offence is exported with no disposal yet
                rows.append(base | {"disposal": "", "disposal_date": ""})
    return rows


def _history(rng: random.Random, arrested: date, today: date) -> list[tuple[str, date]]:
    if (today - arrested).days < 1 and rng.random() < 0.5:
        return []  # still in custody
    first = rng.choices(("Released under investigation", "Bail", "final"), (60, 30, 10))[0]
    if first == "final":
        return [(_final_outcome(rng), arrested)]
    events = [(first, arrested)]
    age = (today - arrested).days
    if rng.random() < min(0.85, age / 240):
        later = arrested + timedelta(days=rng.randint(14, max(15, min(age, 300))))
        if later <= today:
            events.append((_final_outcome(rng), later))
    return events


def demo_csv(seed: int, arrests: int, today: date, districts: Sequence[str], span_days: int = 395) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(demo_rows(seed, arrests, today, districts, span_days))
    return out.getvalue().encode("utf-8")


def fill_demo(db: Database, *, seed: int = 1, arrests: int = 130, today: date | None = None) -> ImportSummary:
    """Add synthetic arrests to ``db`` through the custody import, then give some an operation name."""
    day = today or date.today()
    districts = [d.code for d in reference.districts(db) if d.active]
    summary = run_import(
        db,
        CustodyImport(day, source="demo"),
        demo_csv(seed, arrests, day, districts),
        f"demo-seed-{seed}.csv",
    )
    rng = random.Random(seed + 1)
    ops = [f"Op {w}" for w in OPERATION_WORDS]
    with db.engine.begin() as conn:
        ids = [
            i
            for (i,) in conn.execute(
                ARREST.select()
                .with_only_columns(ARREST.c.id)
                .where(ARREST.c.operation == "")
                .order_by(ARREST.c.id)  # the same arrests named for a seed on every engine
            )
        ]
        chosen = [{"aid": i, "op": rng.choice(ops)} for i in ids if rng.random() < 0.45]
        if chosen:
            conn.execute(
                update(ARREST).where(ARREST.c.id == bindparam("aid")).values(operation=bindparam("op")),
                chosen,
            )
    return summary
