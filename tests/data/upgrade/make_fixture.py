"""Build the upgrade fixture of one released schema revision: an encrypted database with synthetic rows.

    uv run python -m tests.data.upgrade.make_fixture 0003      # writes schema_0003.db (+ .keys, .json)

Run it once when a schema revision is released (the current head, or an older revision by name) and
commit the three files; ``tests/reliability/test_upgrades.py`` then upgrades every fixture here to
whatever head is, and checks that every row survives. The database is migrated to the revision with
Alembic on one connection (foreign keys off, as the app migrates), then filled through the tables as
they exist at that revision (reflected, never ``tables.py``, which describes the head), so the builder
works for any revision. Data is made up: names come from Faker with a fixed seed. The password of every
fixture user is ``FIXTURE_PASSWORD`` (synthetic, published here on purpose).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Connection, MetaData, Table, insert, select, text, update
from sqlalchemy.sql.sqltypes import Boolean, Date, DateTime, Integer, String

HERE = Path(__file__).resolve().parent
FIXTURE_PASSWORD = "fixture-upgrade-lantern-2026"
USERS = (
    ("fx-admin", "administrator"),
    ("fx-manager", "manager"),
    ("fx-officer", "htt-officer"),
    ("fx-vlo", "vlo"),
    ("fx-navigator", "navigator"),
    ("fx-haven", "haven-house"),
    ("fx-auditor", "auditor"),
)


def _default(col: Any) -> Any:
    kind = col.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 1, 1)
    if isinstance(kind, String):
        return ""
    return None


def put(conn: Connection, meta: MetaData, name: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into table ``name`` as it exists now: unknown keys are dropped, missing NOT NULL
    columns get a plain default; returns the new ids (if the table has an ``id``)."""
    if name not in meta.tables or not rows:
        return []
    table: Table = meta.tables[name]
    ids = []
    for row in rows:
        values = {k: v for k, v in row.items() if k in table.c}
        for col in table.c:
            if col.name not in values and not col.nullable and not col.primary_key:
                values[col.name] = _default(col)
        result = conn.execute(insert(table).values(**values))
        if "id" in table.c and result.inserted_primary_key:
            ids.append(int(result.inserted_primary_key[0]))
    return ids


def _record(
    conn: Connection, meta: MetaData, actor: Any, action: str, entity: str, record_id: object, **kw: Any
) -> None:
    """An audit event as the app records it; before 0006 (no signature columns) through the table as it
    was, with the hash of that time (``record`` writes the head's columns)."""
    from mshtdesk.services.audit import _content, _event_hash, record

    if "signature" in meta.tables["audit_event"].c:
        record(conn, actor, action, entity, record_id, **kw)
        return
    head, events = meta.tables["audit_head"], meta.tables["audit_event"]
    conn.execute(update(head).where(head.c.id == 1).values(last_id=head.c.last_id + 1))
    event_id, prev = conn.execute(select(head.c.last_id, head.c.last_hash)).one()
    values: dict[str, Any] = {
        "id": event_id,
        "at": kw["at"],
        "user_id": actor.user_id,
        "username": actor.username,
        "workstation": actor.workstation,
        "action": str(action),
        "entity": entity,
        "record_id": str(record_id),
        "fields": "",
        "reason": kw.get("reason", ""),
        "recipient": "",
        "prev_hash": prev,
    }
    values["hash"] = _event_hash(_content(*values.values()), None, "", "")
    conn.execute(insert(events).values(**values))
    conn.execute(update(head).where(head.c.id == 1).values(last_hash=values["hash"]))


def _first_format_entry(username: str, password: str, key: bytes) -> dict[str, Any]:
    """A key-file entry as releases before 0006 wrote it (the data key under the password)."""
    import secrets

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from mshtdesk.security.keypairs import b64
    from mshtdesk.security.keyring import KDF, derive

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = AESGCM(derive(password, salt, KDF)).encrypt(nonce, key, f"mshtdesk:{username}".encode())
    return {"kdf": dict(KDF), "salt": b64(salt), "nonce": b64(nonce), "key": b64(wrapped)}


def build(revision: str, out_dir: Path = HERE, seed: int = 3) -> Path:
    from faker import Faker

    from mshtdesk.domain.roles import Role
    from mshtdesk.security.keypairs import Signer, b64
    from mshtdesk.security.keyring import Keyring, keyring_path, new_data_key
    from mshtdesk.security.passwords import hash_password
    from mshtdesk.services.actor import Actor
    from mshtdesk.services.audit import AuditAction, record
    from mshtdesk.store.engine import make_engine
    from mshtdesk.store.migrate import alembic_config

    fake = Faker("en_GB")
    Faker.seed(seed)
    rng = random.Random(seed)
    path = out_dir / f"schema_{revision}.db"
    for old in (path, keyring_path(path), path.with_suffix(".json")):
        old.unlink(missing_ok=True)
    key = new_data_key()
    engine = make_engine("sqlite:///" + str(path), foreign_keys=False, key=key)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    meta = MetaData()
    meta.reflect(engine)
    signed = "signing_key" in meta.tables["app_user"].c  # from 0006: key pairs, signed audit events
    ring = Keyring.create(keyring_path(path))
    signing: dict[str, Any] = {}
    for username, _role in USERS:
        if signed:
            signing[username] = ring.enrol(username, FIXTURE_PASSWORD, key)
        else:  # the key file as it was then: the data key wrapped directly under the password
            ring.data["users"][username] = _first_format_entry(username, FIXTURE_PASSWORD, key)
            ring.data["version"] = 1
    ring.save()
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        put(conn, meta, "setting", [{"key": "force_profile", "value": "west-yorkshire"}])
        districts = put(
            conn,
            meta,
            "district",
            [
                {"code": c, "name": n, "sort_order": i, "active": True}
                for i, (c, n) in enumerate(
                    [
                        ("BD", "Bradford"),
                        ("CD", "Calderdale"),
                        ("KD", "Kirklees"),
                        ("LD", "Leeds"),
                        ("WD", "Wakefield"),
                    ],
                    start=1,
                )
            ],
        )
        disposals = put(
            conn,
            meta,
            "disposal_type",
            [
                {"code": c, "label": lbl, "rank": r}
                for r, (c, lbl) in enumerate(
                    [
                        ("CHARGE", "Charge"),
                        ("OTHER_WARRANT", "Other Warrant"),
                        ("OTHER_TRANSFER", "Other Transfer"),
                        ("OTHER", "Other"),
                        ("NFA", "No further action"),
                        ("BAIL", "Bail"),
                        ("RUI", "Released under investigation"),
                    ],
                    start=1,
                )
            ],
        )
        offence_types = put(
            conn,
            meta,
            "offence_type",
            [
                {
                    "code": "MSA_S1",
                    "label": "Slavery, servitude and forced labour",
                    "legislation": "Modern Slavery Act 2015",
                    "section": "s.1",
                    "is_msa": True,
                },
                {
                    "code": "MSA_S2",
                    "label": "Human trafficking",
                    "legislation": "Modern Slavery Act 2015",
                    "section": "s.2",
                    "is_msa": True,
                },
                {
                    "code": "OTHER_MS",
                    "label": "Other offence flagged as modern slavery",
                    "legislation": "",
                    "section": "",
                    "is_msa": False,
                },
            ],
        )
        users = put(
            conn,
            meta,
            "app_user",
            [
                {
                    "username": u,
                    "display_name": fake.name(),
                    "role": role,
                    "password_hash": hash_password(FIXTURE_PASSWORD),
                    "active": True,
                    "must_change_password": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for u, role in USERS
            ],
        )
        batch = put(
            conn,
            meta,
            "import_batch",
            [
                {
                    "file_name": "fixture.csv",
                    "sha256": "0" * 64,
                    "imported_at": now,
                    "row_count": 60,
                    "arrests_added": 40,
                    "offences_added": 60,
                    "events_added": 80,
                }
            ],
        )
        arrests = put(
            conn,
            meta,
            "arrest",
            [
                {
                    "custody_ref": f"FX/{22 + i % 3}/{i:06d}",
                    "arrest_date": date(2022, 1, 1) + timedelta(days=9 * i),
                    "district_id": rng.choice(districts),
                    "detainee_ref": f"N{rng.randrange(10**6):06d}",
                    "operation": f"Op {fake.last_name()}" if i % 4 == 0 else "",
                    "notes": fake.sentence() if i % 3 == 0 else "",
                    "current_rank": None,
                    "version": 1 + i % 3,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(40)
            ],
        )
        offences = []
        for n, arrest_id in enumerate(arrests):
            offences += put(
                conn,
                meta,
                "offence",
                [
                    {
                        "arrest_id": arrest_id,
                        "offence_ref": f"O{j + 1}",
                        "offence_type_id": rng.choice(offence_types),
                        "offence_text": "MSA 2015 s.2" if j == 0 else fake.sentence(nb_words=4),
                        "created_at": now,
                    }
                    for j in range(1 + n % 2)
                ],
            )
        events = []
        for m, offence_id in enumerate(offences):
            events += put(
                conn,
                meta,
                "disposal_event",
                [
                    {
                        "offence_id": offence_id,
                        "disposal_type_id": rng.choice(disposals),
                        "event_date": date(2022, 6, 1) + timedelta(days=m),
                        "note": "",
                        "supersedes_id": None,
                        "is_void": False,
                        "reason": "",
                        "source": "import",
                        "import_batch_id": batch[0],
                        "recorded_at": now,
                    }
                ],
            )
        put(
            conn,
            meta,
            "disposal_event",
            [
                {
                    "offence_id": offences[0],
                    "disposal_type_id": disposals[0],
                    "event_date": date(2022, 7, 1),
                    "note": "corrected",
                    "supersedes_id": events[0],
                    "is_void": False,
                    "reason": "keyed in error",
                    "source": "manual",
                    "recorded_at": now,
                }
            ],
        )
        put(  # from 0007: an arrest withdrawn, another's district corrected, an offence withdrawn
            conn,
            meta,
            "arrest_correction",
            [
                {"arrest_id": arrests[1], "kind": "withdraw", "reason": "duplicate", "recorded_at": now},
                {
                    "arrest_id": arrests[2],
                    "kind": "district",
                    "district_id": districts[1],
                    "reason": "custody suite, not district",
                    "recorded_at": now,
                },
                {
                    "arrest_id": arrests[3],
                    "offence_id": offences[4],
                    "kind": "offence_withdraw",
                    "reason": "keyed in error",
                    "recorded_at": now,
                },
            ],
        )
        people = put(
            conn,
            meta,
            "person",
            [
                {
                    "person_ref": f"P{i:05d}",
                    "surname": fake.last_name(),
                    "forenames": fake.first_name(),
                    "date_of_birth": date(1980, 1, 1) + timedelta(days=400 * i),
                    "gender": rng.choice(["female", "male", "other", "unknown"]),
                    "nationality": rng.choice(["Albanian", "Vietnamese", "British", "Romanian"]),
                    "facts": fake.sentence(),
                    "assessments": fake.sentence(),
                    "vlo_user_id": users[3] if i % 2 else None,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(12)
            ],
        )
        put(conn, meta, "person_support", [{"person_id": p, "user_id": users[4]} for p in people[:5]])
        if "merged_into_id" in meta.tables["person"].c:  # from 0009: a duplicate merged into another
            put(
                conn,
                meta,
                "person",
                [
                    {
                        "person_ref": "P00012",
                        "surname": "Merged",
                        "forenames": "Duplicate",
                        "merged_into_id": people[0],
                        "merge_event_id": 1,
                        "version": 2,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
        put(
            conn,
            meta,
            "person_link",
            [
                {
                    "person_id": p,
                    "arrest_id": arrests[i],
                    "operation": "",
                    "role": "potential_victim",
                    "created_at": now,
                }
                for i, p in enumerate(people)
            ],
        )
        contact = {
            "vlo_user_id": users[3],
            "method": "phone",
            "purpose": "welfare",
            "summary": "",
            "version": 1,
            "created_at": now,
        }
        contacts = put(
            conn,
            meta,
            "vlo_contact",
            [
                {**contact, "person_id": p, "contact_at": now - timedelta(days=30 + i)}
                for i, p in enumerate(people)
                if i % 2
            ],
        )
        if "vlo_contact" in meta.tables and "supersedes_id" in meta.tables["vlo_contact"].c:
            put(  # from 0008: a contact corrected, another withdrawn
                conn,
                meta,
                "vlo_contact",
                [
                    {
                        **contact,
                        "person_id": people[1],
                        "contact_at": now - timedelta(days=31),
                        "method": "video",
                        "supersedes_id": contacts[0],
                        "reason": "it was a video call",
                    },
                    {
                        **contact,
                        "person_id": people[3],
                        "contact_at": now - timedelta(days=33),
                        "supersedes_id": contacts[1],
                        "is_void": True,
                        "reason": "logged in error",
                    },
                ],
            )
        if "retention_review" in meta.tables:  # from 0010: one record kept, one erased (the rules are seeded)
            put(
                conn,
                meta,
                "retention_review",
                [
                    {
                        "person_id": people[0],
                        "decision": "keep",
                        "reason": "witness in a trial",
                        "next_review": date(2033, 1, 31),
                        "decided_by": users[1],
                        "decided_at": now,
                    },
                    {"person_id": people[2], "decision": "erase", "decided_by": users[1], "decided_at": now},
                ],
            )
            conn.execute(
                update(meta.tables["person"])
                .where(meta.tables["person"].c.id == people[2])
                .values(surname="Erased record", forenames="", aliases="", date_of_birth=None, erased_at=now)
            )
        if "audit_head" in meta.tables and not conn.execute(select(meta.tables["audit_head"])).first():
            conn.execute(
                text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
            )
        signer = {u: Signer(i, signing[u]) for i, (u, _r) in zip(users, USERS, strict=True) if u in signing}
        admin_name, officer_name = USERS[0][0], USERS[2][0]
        admin = Actor(
            users[0],
            admin_name,
            "Fixture administrator",
            Role.ADMINISTRATOR,
            "fixture",
            signer=signer.get(admin_name),
        )
        officer = Actor(
            users[2],
            officer_name,
            "Fixture officer",
            Role.HTT_OFFICER,
            "fixture",
            signer=signer.get(officer_name),
        )
        for user_id, (username, _role) in zip(users, USERS, strict=True):
            if username in signer:  # each key bound as the app binds it: by the administrator
                public = signer[username].public
                conn.execute(
                    update(meta.tables["app_user"])
                    .where(meta.tables["app_user"].c.id == user_id)
                    .values(signing_key=b64(public))
                )
                record(
                    conn,
                    admin,
                    AuditAction.ADMINISTER,
                    "user",
                    user_id,
                    fields=("signing_key",),
                    bound_key=public,
                    at=now,
                )
        _record(conn, meta, admin, AuditAction.LOGIN, "user", users[0], at=now)
        _record(
            conn,
            meta,
            officer,
            AuditAction.COMBINE,
            "import_batch",
            batch[0],
            reason="custody import of fixture.csv",
            at=now,
        )
        for arrest_id in arrests[:10]:
            _record(conn, meta, officer, AuditAction.CONSULT, "arrest", arrest_id, at=now)
        conn.exec_driver_sql("PRAGMA foreign_key_check")
    with engine.connect() as conn:
        assert not conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        counts = {
            t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in sorted(meta.tables)
        }
    engine.dispose()
    from mshtdesk.store.backup import connect

    raw = connect(path, key)
    raw.isolation_level = None
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to commit
    raw.close()
    manifest = {
        "revision": revision,
        "username": USERS[0][0],
        "officer": USERS[2][0],
        "password": FIXTURE_PASSWORD,
        "rows": counts,
        "note": "Synthetic data for the upgrade test; built by tests/data/upgrade/make_fixture.py.",
    }
    path.with_suffix(".json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.data.upgrade.make_fixture REVISION   (e.g. 0003)")
    made = build(sys.argv[1])
    print(f"wrote {made} and its key file and manifest")
