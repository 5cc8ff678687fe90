"""What a write changed, as a value: the kinds of data and, where cheap, which records.

Every service method that writes carries one (``services/changes.py``); the UI's task runner hands the
union of a job's changes to the pages, and each page refreshes only if it shows one of the kinds. No
string topics: a kind that does not exist here cannot be announced or listened for.

``Data`` is the granularity of what pages show, not the permission matrix's ``roles.Entity`` (whose
``REFERENCE`` covers the ranking, the calendar and settings, which different pages show).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Data(StrEnum):
    """A kind of stored data that a page or an open view shows.

    Ids name the record a view opens: arrest ids for ``ARREST`` and ``DISPOSAL`` (an arrest dialog
    shows its offences and disposal history), referral ids for ``REFERRAL`` and ``DECISION``.
    """

    ARREST = "arrest"  # an arrest and its offences
    DISPOSAL = "disposal"  # disposal events of offences
    RANKING = "ranking"  # the disposal ranking: what every disposal figure means
    PERSON = "person"  # people, their VLO, supporters and links to arrests
    REFERRAL = "referral"  # NRM and DtN referrals
    DECISION = "decision"  # NRM decisions (reasonable and conclusive grounds)
    NAVIGATOR_CASE = "navigator_case"
    HAVEN_STAY = "haven_stay"
    HAVEN_BED = "haven_bed"
    CONTACT = "contact"  # VLO contacts
    CALENDAR = "calendar"  # working-day overrides: they move every working-day deadline
    USER = "user"
    SETTING = "setting"  # stored settings such as the backup folder
    IMPORT_BATCH = "import_batch"
    RETENTION = "retention"  # retention rules and keep decisions: what the Review queue lists
    REPORT_RUN = "report_run"  # the COM reports produced, with their reasons
    AUDIT = "audit"  # the audit log itself (every write adds to it; pages showing it listen for this)
    ENGAGEMENT = "engagement"  # victims' dated engagement milestones with investigations


@dataclass(frozen=True)
class Changes:
    """Which kinds of data changed, and for some of them which record ids.

    ``data`` holds every kind that changed. ``ids`` holds (kind, id) pairs for the kinds whose changed
    records are known; a kind in ``anywhere`` changed in records not (all) named, so a view of any one
    record of that kind must assume it changed.
    """

    data: frozenset[Data] = frozenset()
    ids: frozenset[tuple[Data, int]] = frozenset()
    anywhere: frozenset[Data] = frozenset()

    @classmethod
    def of(cls, kind: Data, *record_ids: int) -> Changes:
        """One kind; with ids, only those records of it (without, any record of it)."""
        if record_ids:
            return cls(frozenset({kind}), frozenset((kind, i) for i in record_ids))
        return cls(frozenset({kind}), anywhere=frozenset({kind}))

    @classmethod
    def kinds(cls, kinds: Iterable[Data]) -> Changes:
        """These kinds, in records not named."""
        every = frozenset(kinds)
        return cls(every, anywhere=every)

    @classmethod
    def everything(cls) -> Changes:
        """The whole database may differ: a restore, or another user logged in (their scope differs)."""
        return cls.kinds(Data)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.data | other.data, self.ids | other.ids, self.anywhere | other.anywhere)

    def __bool__(self) -> bool:
        return bool(self.data)

    def touches(self, shown: frozenset[Data]) -> bool:
        """Whether a view showing these kinds is stale."""
        return not self.data.isdisjoint(shown)

    def ids_of(self, kind: Data) -> frozenset[int] | None:
        """The changed records of ``kind``: empty if it did not change, None if any of them may have."""
        if kind in self.anywhere:
            return None
        return frozenset(i for k, i in self.ids if k == kind)

    def touches_record(self, kind: Data, record_id: int) -> bool:
        """Whether the record ``record_id`` of ``kind`` may have changed."""
        return kind in self.anywhere or (kind, record_id) in self.ids

    def to_payload(self, limit: int = 7000) -> str:
        """As text for another process (a team server's NOTIFY carries at most 8000 bytes): the kinds
        and ids, or, past ``limit``, the kinds alone (any record of them)."""
        body = {
            "d": sorted(self.data),
            "a": sorted(self.anywhere),
            "i": sorted([str(k), i] for k, i in self.ids),
        }
        text = json.dumps(body, separators=(",", ":"))
        if len(text) > limit:
            text = json.dumps({"d": body["d"], "a": body["d"], "i": []}, separators=(",", ":"))
        return text

    @classmethod
    def from_payload(cls, text: str) -> Changes:
        """What another process said changed. Kinds this version does not know are left out; anything
        unreadable means everything may have changed (a view re-reads rather than shows stale data)."""
        known = {d.value: d for d in Data}
        try:
            body = json.loads(text)
            data = frozenset(known[k] for k in body["d"] if k in known)
            anywhere = frozenset(known[k] for k in body["a"] if k in known)
            ids = frozenset(
                (known[k], int(i)) for k, i in body["i"] if k in known and isinstance(i, int) and i > 0
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls.everything()
        return cls(data, frozenset((k, i) for k, i in ids if k in data), anywhere & data)

    def describe(self) -> str:
        """For logs and test failures: kinds only, never ids of people."""
        return ", ".join(sorted(self.data)) or "nothing"


NOTHING = Changes()
