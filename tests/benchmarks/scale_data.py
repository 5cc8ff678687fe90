"""Data for the scale benchmark: a custody register shaped like a real one, and the compact limit file.

The register grows month by month as a custody system's exports do: an arrest appears in the month it
was made with its first disposal (released under investigation, bail, or a final outcome), and its later
events (bail extended, charged, no further action, a court transfer) arrive in the exports of the months
they happen, weeks to well over a year later, some entered a month late. Within a month the rows come in
no order at all. So an arrest's rows are scattered through every cumulative export and through the
database that imports them, as they are in a real register; a file sorted by arrest date flatters.

The compact limit file (:func:`build_compact`) holds only what the disposal table needs (arrest id, date
and district; offence id and arrest; each effective event's offence, date and rank), copied from the
app's database as recorded now (corrections applied), in the app's own row order, with the three indexes
issue 15 names. One hand-written statement over it (:data:`LIMIT_SQL`) is the yardstick.

The same file also holds the COM summary's floor (:data:`COM_FLOOR_SQL`): the rows a financial year's
summary cannot avoid reading, each in the narrowest table and covering index a hand-made schema can give
it (the year's contacts with their district already placed, the year's referrals and their decisions in
force, every charged offence with its latest outcome). It is a lower bound, not the report: it leaves out
the report's other tables, its as-at and as-recorded questions (everything is as recorded now) and its
words, so its figures are not compared with the report's.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HEADER = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"

#: Offence wording as custody systems write it: the same offence under several spellings, long titles,
#: commas inside quotes, and the odd offence the import keeps verbatim as "other modern slavery".
OFFENCE_TEXTS: tuple[tuple[str, int], ...] = (
    ("Modern Slavery Act 2015 s.2 - Arrange or facilitate the travel of another person with a view to "
     "exploitation", 26),
    ("MSA 2015 s.2(1) Human trafficking", 10),
    ("Human trafficking, Modern Slavery Act 2015, s 2", 4),
    ("Modern Slavery Act 2015 s.1(1)(b) - Require a person to perform forced or compulsory labour", 12),
    ("MSA 2015 s.1 Hold a person in slavery or servitude", 6),
    ("Modern Slavery Act 2015 s.4 - Commit an offence with intent to commit human trafficking", 6),
    ("Modern Slavery Act 2015 s.30(1) - Breach of a slavery and trafficking prevention order", 2),
    ("Sexual Offences Act 2003 s.59A - Trafficking people for sexual exploitation", 3),
    ("Control prostitution for gain - Sexual Offences Act 2003 s.53", 7),
    ("Being concerned in the supply of a controlled drug of Class A - crack cocaine (county lines)", 10),
    ("Being concerned in the supply of a controlled drug of Class A - heroin (county lines)", 6),
    ("Conspiracy to arrange or facilitate travel of another person with a view to exploitation", 5),
    ("Money laundering - acquire, use or possess criminal property (Proceeds of Crime Act 2002 s.329)", 3),
)  # fmt: skip
DISTRICT_WEIGHTS = (26, 22, 13, 26, 13)
FINAL = (("Charge", 14), ("No further action", 76), ("Other Warrant", 3), ("Other Transfer", 5), ("Other", 2))


@dataclass
class Register:
    """The generated register: ``months[i]`` holds the rows first exported in month ``i`` (shuffled)."""

    first_month: date
    months: list[list[str]] = field(default_factory=list)
    arrests: int = 0
    offences: int = 0
    events: int = 0

    @property
    def rows(self) -> int:
        return sum(len(m) for m in self.months)

    def delta(self, start: int, stop: int) -> bytes:
        """The rows first exported in months [start, stop), as a file."""
        return (HEADER + "".join("".join(m) for m in self.months[start:stop])).encode("utf-8")

    def cumulative(self, upto: int) -> bytes:
        """The custody system's export at the end of month ``upto``: every row so far, month by month."""
        return self.delta(0, upto + 1)


def _month_index(first: date, day: date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def _csv(text: str) -> str:
    return f'"{text}"' if "," in text or '"' in text else text


def generate(seed: int, arrests: int, today: date, districts: Sequence[str], years: int) -> Register:
    """``arrests`` arrests over ``years`` years up to ``today`` (about 1.7 offences and 2.35 events each)."""
    rng = random.Random(seed)
    start = today - timedelta(days=int(years * 365.25))
    first_month = start.replace(day=1)
    reg = Register(first_month, [[] for _ in range(_month_index(first_month, today) + 1)])
    span = (today - start).days
    weights = [DISTRICT_WEIGHTS[i % len(DISTRICT_WEIGHTS)] for i in range(len(districts))]
    texts, text_weights = zip(*OFFENCE_TEXTS, strict=True)
    finals, final_weights = zip(*FINAL, strict=True)
    last = len(reg.months) - 1
    dates = sorted(start + timedelta(days=rng.randrange(span + 1)) for _ in range(arrests))
    detainees = 0
    for n, arrested in enumerate(dates, start=1):
        district = rng.choices(districts, weights)[0]
        if detainees and rng.random() < 0.12:  # arrested before
            detainee = f"N{1_000_000 + rng.randint(1, detainees):07d}"
        else:
            detainees += 1
            detainee = f"N{1_000_000 + detainees:07d}"
        head = f"{district}/{arrested:%y}/{n:07d},{arrested.isoformat()},{district},{detainee},"
        age = (today - arrested).days
        n_offences = rng.choices((1, 2, 3), (45, 40, 15))[0]
        reg.arrests += 1
        for k in range(1, n_offences + 1):
            reg.offences += 1
            row = f"{head}O{k},{_csv(rng.choices(texts, text_weights)[0])},"
            history: list[tuple[str, date]] = []
            first = rng.choices(("Released under investigation", "Bail", "final"), (60, 30, 10))[0]
            if age < 1 and rng.random() < 0.5:
                pass  # still in custody: exported with no disposal yet
            elif first == "final":
                history.append((rng.choices(finals, final_weights)[0], arrested))
            else:
                history.append((first, arrested))
                on = arrested
                if rng.random() < 0.25:  # bail extended, or turned into RUI
                    on += timedelta(days=rng.randint(20, 90))
                    if on <= today:
                        history.append((rng.choice(("Bail", "Released under investigation")), on))
                if rng.random() < min(0.9, age / 240):
                    on += timedelta(days=int(rng.expovariate(1 / 150)) + 14)
                    if on <= today:
                        history.append((rng.choices(finals, final_weights)[0], on))
            if not history:
                reg.months[last].append(row + ",\n")
                continue
            for disposal, on in history:
                reg.events += 1
                month = _month_index(first_month, on) + (rng.random() < 0.1)  # some are entered late
                reg.months[min(month, last)].append(f"{row}{disposal},{on.isoformat()}\n")
    for rows in reg.months:
        rng.shuffle(rows)
    return reg


# ----- the limit ------------------------------------------------------------------------------------
COMPACT_SCHEMA = (
    "CREATE TABLE arrest (id INTEGER PRIMARY KEY, arrest_date TEXT NOT NULL, district_id INTEGER NOT NULL)",
    "CREATE TABLE offence (id INTEGER PRIMARY KEY, arrest_id INTEGER NOT NULL)",
    "CREATE TABLE event (offence_id INTEGER NOT NULL, event_date TEXT NOT NULL, rank INTEGER NOT NULL)",
    # the COM floor's
    "CREATE TABLE contact (contact_at TEXT NOT NULL, purpose TEXT NOT NULL, district_id INTEGER, "
    "notified INTEGER NOT NULL, on_time INTEGER NOT NULL, concern INTEGER NOT NULL)",
    "CREATE TABLE referral (id INTEGER PRIMARY KEY, submitted_date TEXT NOT NULL, route TEXT NOT NULL, "
    "age TEXT NOT NULL, label TEXT NOT NULL, district_id INTEGER)",
    "CREATE TABLE decision (referral_id INTEGER NOT NULL, kind TEXT NOT NULL, outcome TEXT, "
    "decided_on TEXT NOT NULL)",
    "CREATE TABLE charge (offence_id INTEGER PRIMARY KEY, charged_on TEXT NOT NULL, district_id INTEGER)",
    "CREATE TABLE outcome (offence_id INTEGER PRIMARY KEY, outcome_date TEXT NOT NULL, "
    "outcome TEXT NOT NULL)",
)
COMPACT_INDEXES = (
    "CREATE INDEX ix_arrest_date ON arrest (arrest_date, district_id)",
    "CREATE INDEX ix_offence_arrest ON offence (arrest_id)",
    "CREATE INDEX ix_event ON event (offence_id, event_date, rank)",
    "CREATE INDEX ix_contact ON contact (contact_at, purpose, district_id, notified, on_time, concern)",
    "CREATE INDEX ix_referral ON referral (submitted_date, route, age, label, district_id)",
    "CREATE INDEX ix_decision ON decision (referral_id, kind, outcome, decided_on)",
    "CREATE INDEX ix_charge ON charge (district_id, charged_on)",
)
#: The COM summary's floor for a financial year (``:lo``/``:hi``; ``:lo_at``/``:hi_at`` the same as
#: timestamps), run after :data:`LIMIT_SQL` for the year: what the summary must read at the least.
COM_FLOOR_SQL = (
    """SELECT purpose, district_id, COUNT(*), SUM(notified), SUM(on_time), SUM(concern) FROM contact
       WHERE contact_at >= :lo_at AND contact_at < :hi_at GROUP BY purpose, district_id""",
    """SELECT route, age, label, district_id, COUNT(*) FROM referral
       WHERE submitted_date BETWEEN :lo AND :hi GROUP BY route, age, label, district_id""",
    """SELECT r.route, d.kind, d.outcome, COUNT(*) FROM referral r JOIN decision d ON d.referral_id = r.id
       WHERE r.submitted_date BETWEEN :lo AND :hi GROUP BY r.route, d.kind, d.outcome""",
    """SELECT c.district_id, SUM(c.charged_on BETWEEN :lo AND :hi), SUM(o.outcome_date BETWEEN :lo AND :hi),
              SUM(o.offence_id IS NULL)
       FROM charge c LEFT JOIN outcome o ON o.offence_id = c.offence_id GROUP BY c.district_id""",
)
#: The yardstick: each arrest by the date index, each offence's latest event on or before the day (a
#: same-day tie to the higher rank) by one probe of the event index, the best offence per arrest.
LIMIT_SQL = """
SELECT district_id, r, COUNT(*) FROM (
  SELECT a.district_id, (
    SELECT MIN((SELECT e.rank FROM event e WHERE e.offence_id = o.id AND e.event_date <= :as_at
                ORDER BY e.event_date DESC, e.rank LIMIT 1))
    FROM offence o WHERE o.arrest_id = a.id) AS r
  FROM arrest a WHERE a.arrest_date BETWEEN :lo AND :hi)
GROUP BY district_id, r
"""


def open_compact(path: Path, key: bytes | None) -> Any:
    """A connection to the compact file: plain sqlite3, or SQLCipher with the raw key (as the app does)."""
    if key is None:
        return sqlite3.connect(path)
    import sqlcipher3

    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return con


def build_compact(app_con: Any, path: Path, key: bytes | None) -> None:
    """Copy what the table needs from the app's database (``app_con``: its own encrypted connection),
    as recorded now: withdrawn arrests and offences left out, corrected districts and dates used, only
    effective events, each with its type's rank. Rows keep the app's id order."""
    fixes: dict[int, dict[str, Any]] = {}
    for arrest_id, kind, district_id, arrest_date, offence_id in app_con.execute(
        "SELECT arrest_id, kind, district_id, arrest_date, offence_id FROM arrest_correction "
        "ORDER BY recorded_at, id"
    ):
        fix = fixes.setdefault(arrest_id, {})
        if kind == "withdraw":
            fix["withdrawn"] = True
        elif kind == "district":
            fix["district_id"] = district_id
        elif kind == "date":
            fix["arrest_date"] = arrest_date
        elif kind == "offence_withdraw":
            fix.setdefault("offences", set()).add(offence_id)
    gone_offences = {o for f in fixes.values() for o in f.get("offences", ())}
    con = open_compact(path, key)
    for stmt in COMPACT_SCHEMA:
        con.execute(stmt)
    arrests = []
    for arrest_id, day, district in app_con.execute(
        "SELECT id, arrest_date, district_id FROM arrest ORDER BY id"
    ):
        fix = fixes.get(arrest_id, {})
        if not fix.get("withdrawn"):
            arrests.append((arrest_id, fix.get("arrest_date", day), fix.get("district_id", district)))
    con.executemany("INSERT INTO arrest VALUES (?, ?, ?)", arrests)
    con.executemany(
        "INSERT INTO offence VALUES (?, ?)",
        (
            r
            for r in app_con.execute("SELECT id, arrest_id FROM offence ORDER BY id")
            if r[0] not in gone_offences
        ),
    )
    con.executemany(
        "INSERT INTO event VALUES (?, ?, ?)",
        app_con.execute(
            "SELECT e.offence_id, e.event_date, t.rank FROM disposal_event e "
            "JOIN disposal_type t ON t.id = e.disposal_type_id WHERE e.is_void = 0 AND NOT EXISTS "
            "(SELECT 1 FROM disposal_event s WHERE s.supersedes_id = e.id) ORDER BY e.id"
        ),
    )
    _copy_com_floor(app_con, con)
    for stmt in COMPACT_INDEXES:
        con.execute(stmt)
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()


def _copy_com_floor(app_con: Any, con: Any) -> None:
    """The COM floor's tables, from the app's rows in force now. A contact carries the district of its
    person's latest referral that names one (the report places it so, as at the period's end)."""
    live = "x.is_void = 0 AND NOT EXISTS (SELECT 1 FROM {t} s WHERE s.supersedes_id = x.id)"
    con.executemany(
        "INSERT INTO contact VALUES (?, ?, ?, ?, ?, ?)",
        app_con.execute(
            "SELECT x.contact_at, x.purpose, (SELECT r.district_id FROM nrm_referral r "
            "WHERE r.person_id = x.person_id AND r.district_id IS NOT NULL "
            "ORDER BY r.submitted_date DESC, r.id DESC LIMIT 1), x.notified_on_time IS NOT NULL, "
            "coalesce(x.notified_on_time, 0), x.safeguarding_concern FROM vlo_contact x "
            f"WHERE {live.format(t='vlo_contact')} ORDER BY x.id"
        ),
    )
    con.executemany(
        "INSERT INTO referral VALUES (?, ?, ?, ?, ?, ?)",
        app_con.execute(
            "SELECT id, submitted_date, route, age_at_exploitation, exploitation_label, district_id "
            "FROM nrm_referral ORDER BY id"
        ),
    )
    con.executemany(
        "INSERT INTO decision VALUES (?, ?, ?, ?)",
        app_con.execute(
            "SELECT x.referral_id, x.kind, x.outcome, x.decided_on FROM nrm_decision x "
            f"WHERE {live.format(t='nrm_decision')} ORDER BY x.id"
        ),
    )
    con.executemany(
        "INSERT INTO charge VALUES (?, ?, ?)",
        app_con.execute(
            "SELECT x.offence_id, MIN(x.event_date), a.district_id FROM disposal_event x "
            "JOIN disposal_type t ON t.id = x.disposal_type_id JOIN offence o ON o.id = x.offence_id "
            "JOIN arrest a ON a.id = o.arrest_id "
            f"WHERE t.code = 'CHARGE' AND {live.format(t='disposal_event')} "
            "GROUP BY x.offence_id"
        ),
    )
    con.executemany(
        "INSERT INTO outcome VALUES (?, ?, ?)",
        app_con.execute(
            "SELECT x.offence_id, MAX(x.outcome_date), x.outcome FROM court_outcome x "
            f"WHERE {live.format(t='court_outcome')} GROUP BY x.offence_id"
        ),
    )
