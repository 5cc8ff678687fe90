"""Search benchmark (issue 15): the global search at 1,000,000 contacts, and the People page's search.

Target: a search < 50 ms at 1M contacts (names folded across diacritics and script, references,
contact notes), on the encrypted store, on a 2-core machine.

    uv run python -m tests.benchmarks.search                      # 1,000,000 contacts
    uv run python -m tests.benchmarks.search --contacts 100000 --runs 5
    uv run python -m tests.benchmarks.search --keep /tmp/searchbench   # build once, measure again

The data is made directly in the database (a fast path for the set-up, not the import pipeline): one
person for every 20 contacts (synthetic names from Faker in Romanian, Polish, Russian (Cyrillic),
Albanian-like and English spellings), 100,000 arrests, one referral for every 3 people, contact notes
built from phrases a VLO writes. The index is built once after the bulk insert (the same code as the
migration's) and its build time is printed. Every figure is the median of ``--runs`` calls of the
service a user's action makes (``SearchService.find``: the query and the words of each hit), after the
first call, which is printed too (the first search of a freshly opened database: page cache cold).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store import search_index
from mshtdesk.store.tables import ARREST, DISTRICT, NRM_REFERRAL, PERSON, USER, VLO_CONTACT

PASSWORD = "search benchmark passphrase"
CONTACTS_PER_PERSON = 20
ARRESTS = 100_000
VLO_CASELOAD = 60  # people assigned to the measured VLO
CHUNK = 50_000

TOWNS = ["Leeds", "Bradford", "Wakefield", "Halifax", "Huddersfield", "Salford", "Dewsbury", "Keighley"]
PHRASES = [
    "Phoned to check on welfare; says she is settled at the safe house in {town}.",
    "Met at the station with a {lang} interpreter; explained the investigation update.",
    "Told of the charge decision; asked about giving evidence at {town} Crown Court.",
    "No answer on the mobile; left a voicemail and sent a text in {lang}.",
    "Visited at the accommodation; support worker present; no new concerns raised.",
    "Explained the NRM reasonable grounds decision and what support follows.",
    "Asked about the return of her passport and her bank card held by the suspects.",
    "Concerned about contact from an associate of the suspect near {town}; safeguarding referral made.",
    "Discussed special measures and a pre-trial visit to court.",
    "Arranged a GP appointment and a food bank voucher with the Navigator.",
    "Confirmed the next contact for {day}; happy with the frequency agreed.",
    "Update: the suspect was bailed with conditions not to contact her.",
]
LANGS = ["Romanian", "Polish", "Albanian", "Vietnamese", "Russian", "Tigrinya", "Czech", "Slovak"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
OPERATIONS = ["Op Aurora", "Op Kestrel", "Op Tundra", "Op Willow", "Op Granite", ""]


def median_ms(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """(first call ms, median of the next ``runs`` ms, the last result)."""
    t = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return first, statistics.median(times), result


def names(n: int, seed: int) -> list[tuple[str, str, str]]:
    from faker import Faker

    fake = Faker(["ro_RO", "pl_PL", "ru_RU", "en_GB", "cs_CZ"])
    fake.seed_instance(seed)
    out = []
    for _ in range(n):
        alias = fake.first_name() if random.random() < 0.2 else ""
        out.append((fake.last_name(), fake.first_name(), alias))
    return out


def build(db_file: Path, contacts: int, seed: int) -> None:
    random.seed(seed)
    admin = Backend.create(str(db_file), "admin", PASSWORD)
    for name, role in (("officer", Role.HTT_OFFICER), ("manager", Role.MANAGER), ("vlo", Role.VLO)):
        admin.users.add_user(name, "", role, PASSWORD)
    engine = admin.db.engine
    people = max(contacts // CONTACTS_PER_PERSON, 1)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        search_index.uninstall(conn)  # filled once at the end, as the migration fills it
        vlo = conn.execute(select(USER.c.id).where(USER.c.username == "vlo")).scalar_one()
        districts = [r.id for r in conn.execute(select(DISTRICT.c.id))]
        rows = [
            {
                "person_ref": f"P-{i:06d}",
                "surname": s,
                "forenames": f,
                "aliases": a,
                "vlo_user_id": vlo if i <= VLO_CASELOAD else None,
                "nationality": random.choice(LANGS),
            }
            for i, (s, f, a) in enumerate(names(people, seed), start=1)
        ]
        for i in range(0, len(rows), CHUNK):
            conn.execute(insert(PERSON), rows[i : i + CHUNK])
        start = date(2018, 4, 1)
        arrests = [
            {
                "custody_ref": f"WY/{18 + i % 9:02d}/{i:06d}",
                "arrest_date": start + timedelta(days=random.randrange(3000)),
                "district_id": random.choice(districts),
                "detainee_ref": f"N{1_000_000 + i}",
                "operation": random.choice(OPERATIONS),
            }
            for i in range(1, ARRESTS + 1)
        ]
        for i in range(0, len(arrests), CHUNK):
            conn.execute(insert(ARREST), arrests[i : i + CHUNK])
        referrals = [
            {
                "referral_ref": f"NRM-{i:07d}",
                "person_id": p,
                "route": "nrm",
                "submitted_date": start + timedelta(days=random.randrange(3000)),
                "age_at_referral": "adult",
                "age_at_exploitation": "adult",
                "crime_ref": f"13/{random.randrange(10**6):06d}/{18 + i % 9:02d}",
                "operation": random.choice(OPERATIONS),
            }
            for i, p in enumerate(range(1, people + 1, 3), start=1)
        ]
        conn.execute(insert(NRM_REFERRAL), referrals)
        for i in range(0, contacts, CHUNK):
            batch = []
            for j in range(i, min(i + CHUNK, contacts)):
                note = " ".join(
                    random.choice(PHRASES).format(
                        town=random.choice(TOWNS), lang=random.choice(LANGS), day=random.choice(DAYS)
                    )
                    for _ in range(random.randint(1, 2))
                )
                person = j % people + 1
                batch.append(
                    {
                        "person_id": person,
                        "vlo_user_id": vlo,
                        "contact_at": now - timedelta(minutes=j * 7),
                        "method": "phone",
                        "purpose": "welfare",
                        "summary": note,
                    }
                )
            conn.execute(insert(VLO_CONTACT), batch)
    print(
        f"made {people:,} people, {ARRESTS:,} arrests, {len(referrals):,} referrals, {contacts:,} contacts "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    t0 = time.perf_counter()
    with engine.begin() as conn:
        search_index.install(conn)
    with engine.connect() as conn:
        entries = conn.execute(text("SELECT COUNT(*) FROM search_entry")).scalar_one()
        conn.exec_driver_sql("PRAGMA optimize")
    print(f"search index built in {time.perf_counter() - t0:.0f} s ({entries:,} entries)")
    admin.close()


def measure(db_file: Path, runs: int) -> None:
    size = sum(p.stat().st_size for p in db_file.parent.glob(db_file.name + "*"))
    print(f"database {size / 2**20:,.0f} MB (encrypted, with the search index)")
    manager = Backend.login(str(db_file), "manager", PASSWORD)
    vlo = Backend.as_user(manager.db, "vlo")
    with manager.db.engine.connect() as conn:
        some = conn.execute(
            select(PERSON.c.person_ref, PERSON.c.surname, PERSON.c.forenames).where(PERSON.c.id == 777)
        ).one()
        own = conn.execute(select(PERSON.c.surname).where(PERSON.c.id == 7)).scalar_one()
    searches = [
        ("exact person reference", some.person_ref),
        ("exact custody reference", "WY/18/000090"),
        ("part of a reference", "00123"),
        ("two letters (prefix only)", some.surname[:2]),
        ("a surname's start", some.surname[:4]),
        ("full name, other case", f"{some.forenames} {some.surname}".upper()),
        ("a rare word of a note", "voucher"),
        ("a common word of a note", "interpreter"),
        ("two words of a note", "safe house salford"),
        ("nothing matches", "qqzzxx"),
    ]
    print(f"\nglobal search (median of {runs}; first call in brackets; target < 50 ms)")
    print(f"{'search':34} {'manager (force-wide)':>26} {'VLO (60 people)':>22}")
    for label, query in searches:
        m_first, m_med, m_res = median_ms(lambda q=query: manager.search.find(q), runs)
        v_first, v_med, v_res = median_ms(lambda q=query: vlo.search.find(q), runs)
        print(
            f"{label:34} {m_med:8.1f} ms ({m_first:6.1f}) {len(m_res):3} hits"  # type: ignore[arg-type]
            f"   {v_med:7.1f} ms ({v_first:6.1f}) {len(v_res):3}"  # type: ignore[arg-type]
        )
    v_med = median_ms(lambda: vlo.search.find(own[:4]), runs)[1]
    print(f"{'VLO: one of their own surnames':34} {'':26} {v_med:7.1f} ms")
    print(f"\nPeople page search (first page of 200 and the count; median of {runs})")
    for label, query in (
        ("a surname's start", some.surname[:4]),
        ("a person reference", some.person_ref),
        ("nothing matches", "qqzzxx"),
    ):
        _, page_ms, _ = median_ms(lambda q=query: manager.people.list(q, limit=200), runs)
        _, count_ms, n = median_ms(lambda q=query: manager.people.count(q), runs)
        print(f"{label:34} page {page_ms:7.1f} ms, count {count_ms:7.1f} ms ({n} people)")
    manager.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--keep", metavar="DIR", help="build the database in DIR and reuse it when it is there")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(args.keep or tmp) / f"search-{args.contacts}.db"
        if not db_file.exists():
            db_file.parent.mkdir(parents=True, exist_ok=True)
            build(db_file, args.contacts, args.seed)
        measure(db_file, args.runs)


if __name__ == "__main__":
    main()
