"""How a merge of two people is written into the audit log: which row ids moved, and nothing else.

The audit event of a merge is what undoing it reads, so it must name every row that moved; an event's
field list holds at most 1,000 characters, so a long list continues in further events of the same
transaction (consecutive ids). Ids only, never a name or a value: the log is read by auditors who may
not see the victims' records. Runs of consecutive ids are written as ranges (``vlo_contact:12-15``).

    merge,from:OTHER_ID,parts:N,<token>,...          the merge itself (on the kept person's record)
    merge-part,of:MERGE_ID,<token>,...               its continuations, N - 1 of them
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

MERGE = "merge"
PART = "merge-part"
UNMERGE = "unmerge"
#: Room for the ids in one event's fields, below its 1,000 characters with the heading tokens.
ROOM = 900
#: A run longer than this is not one a merge wrote (a person's rows are far fewer).
LONGEST_RUN = 1_000_000
#: Besides the tables' rows: the Navigators whose support moved, and the VLO the kept person took on.
SUPPORT = "person_support"
VLO = "vlo"


class MergeRecordError(ValueError):
    """The audit events read are not a merge as this module writes one."""


def _runs(ids: Iterable[int]) -> list[str]:
    """``[1, 2, 3, 7]`` -> ``["1-3", "7"]``."""
    out: list[str] = []
    ordered = sorted(set(ids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if i == j else f"{ordered[i]}-{ordered[j]}")
        i = j + 1
    return out


def tokens(moved: Mapping[str, Iterable[int]]) -> list[str]:
    """One ``name:run`` token per run of consecutive ids, tables in name order."""
    return [f"{name}:{run}" for name in sorted(moved) for run in _runs(moved[name])]


def chunks(items: Sequence[str], room: int = ROOM) -> list[list[str]]:
    """``items`` in order, cut into lists whose comma-joined length stays within ``room`` (at least one
    list, possibly empty)."""
    out: list[list[str]] = [[]]
    used = 0
    for item in items:
        if out[-1] and used + 1 + len(item) > room:
            out.append([])
            used = 0
        used += len(item) + (1 if out[-1] else 0)
        out[-1].append(item)
    return out


def merge_fields(other_id: int, moved: Mapping[str, Iterable[int]]) -> tuple[list[str], list[list[str]]]:
    """The merge event's fields, and the ids left for its continuations (see ``part_fields``: they name
    the merge's own id, known only once it is written)."""
    parts = chunks(tokens(moved))
    return [MERGE, f"from:{other_id}", f"parts:{len(parts)}", *parts[0]], parts[1:]


def part_fields(merge_event_id: int, items: Sequence[str]) -> list[str]:
    return [PART, part_heading(merge_event_id), *items]


def part_heading(merge_event_id: int) -> str:
    return f"of:{merge_event_id}"


def part_count(fields: str) -> int:
    """How many events the merge whose event has these (comma-joined) fields was written in."""
    head = fields.split(",")
    if (
        len(head) < 3
        or head[0] != MERGE
        or not head[1].startswith("from:")
        or not head[2].startswith("parts:")
    ):
        raise MergeRecordError("not a merge")
    return _int(head[2][6:], "part count")


def _int(text: str, what: str) -> int:
    if not text.isdigit():
        raise MergeRecordError(f"bad {what}")
    return int(text)


def read_merge(merge_event_id: int, fields: Sequence[str]) -> tuple[int, int, dict[str, list[int]]]:
    """From the merge event's fields and then its continuations' (each a comma-joined string): the other
    person's id, the number of events and the ids moved by table name."""
    if not fields:
        raise MergeRecordError("no events")
    parts = part_count(fields[0])
    head = fields[0].split(",")
    other_id = _int(head[1][5:], "person id")
    if parts < 1 or len(fields) < parts:
        raise MergeRecordError("continuations missing")
    items = head[3:]
    for text in fields[1:parts]:
        part = text.split(",")
        if part[:2] != [PART, part_heading(merge_event_id)]:
            raise MergeRecordError("continuation of another merge")
        items += part[2:]
    moved: dict[str, list[int]] = {}
    for item in items:
        if not item:
            continue
        name, _, run = item.partition(":")
        first, _, last = run.partition("-")
        start = _int(first, "row id")
        stop = _int(last, "row id") if last else start
        if stop < start or stop - start > LONGEST_RUN or not name:
            raise MergeRecordError("bad range")
        moved.setdefault(name, []).extend(range(start, stop + 1))
    return other_id, parts, moved
