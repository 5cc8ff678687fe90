"""Who may do what: the permission matrix as data, and the one function every service asks.

Need to know (DPA 2018 Part 3): each role gets only the actions its job needs. Record scope narrows a
role further: a victim liaison officer sees the victims assigned to them, a Victim Navigator the people
whose cases they support; managers and HTT officers see everything in their force.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    MANAGER = "manager"
    HTT_OFFICER = "htt-officer"
    VLO = "vlo"
    NAVIGATOR = "navigator"
    HAVEN_HOUSE = "haven-house"
    AUDITOR = "auditor"

    @property
    def label(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.ADMINISTRATOR: "Administrator",
    Role.MANAGER: "Manager",
    Role.HTT_OFFICER: "HTT officer",
    Role.VLO: "Victim liaison officer",
    Role.NAVIGATOR: "Victim Navigator",
    Role.HAVEN_HOUSE: "Haven House staff",
    Role.AUDITOR: "Auditor",
}


class Action(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    APPEND = "append"
    EXPORT = "export"
    ADMINISTER = "administer"
    MERGE = "merge"  # two records of one person made one (and undone): it moves every record of theirs
    ERASE = "erase"  # remove a person's personal fields for good, keeping the counts (DPA 2018 s.47)


class Entity(StrEnum):
    ARREST = "arrest"  # arrests, their offences and disposal histories; imports create them
    DISPOSAL_REPORT = "disposal_report"
    REFERENCE = "reference"  # districts, disposal ranking, offence types, settings
    USER = "user"
    AUDIT_LOG = "audit_log"
    PERSON = "person"  # the victim pathway (later issues): people, referrals, support, contacts
    NRM_REFERRAL = "nrm_referral"
    NAVIGATOR_CASE = "navigator_case"
    HAVEN_STAY = "haven_stay"
    VLO_CONTACT = "vlo_contact"
    RETENTION_RULE = "retention_rule"  # how long each kind of personal record is kept before review
    RETENTION_REVIEW = "retention_review"  # the queue of records past review, and keep decisions
    ENGAGEMENT = "engagement"  # dated engagement milestones of a victim with an investigation


class Scope(StrEnum):
    ALL = "all"  # every record in the force
    ASSIGNED = "assigned"  # victims assigned to this VLO
    SUPPORTED = "supported"  # people whose Navigator case this user supports


R, C, U, A, E, ADM, M, X = (
    Action.READ,
    Action.CREATE,
    Action.UPDATE,
    Action.APPEND,
    Action.EXPORT,
    Action.ADMINISTER,
    Action.MERGE,
    Action.ERASE,
)

#: role -> entity -> (actions, scope). Anything not listed is refused.
PERMISSIONS: dict[Role, dict[Entity, tuple[frozenset[Action], Scope]]] = {
    Role.ADMINISTRATOR: {
        Entity.USER: (frozenset({R, C, U, ADM}), Scope.ALL),
        Entity.REFERENCE: (frozenset({R, C, U, ADM}), Scope.ALL),
        Entity.AUDIT_LOG: (frozenset({R, E}), Scope.ALL),
        Entity.RETENTION_RULE: (frozenset({R, U}), Scope.ALL),  # the rules only: no victim's record
    },
    Role.MANAGER: {
        Entity.ARREST: (frozenset({R, E}), Scope.ALL),
        Entity.DISPOSAL_REPORT: (frozenset({R, E}), Scope.ALL),
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),
        # merge: a supervisor may settle that two records are one person (and undo it);
        # erase: a record past review, from the Review queue or the command line (DPA 2018 s.47)
        Entity.PERSON: (frozenset({R, E, M, X}), Scope.ALL),
        Entity.NRM_REFERRAL: (frozenset({R, E}), Scope.ALL),
        Entity.NAVIGATOR_CASE: (frozenset({R, E}), Scope.ALL),
        Entity.HAVEN_STAY: (frozenset({R, E}), Scope.ALL),
        Entity.VLO_CONTACT: (frozenset({R, E}), Scope.ALL),
        Entity.RETENTION_RULE: (frozenset({R}), Scope.ALL),
        Entity.RETENTION_REVIEW: (frozenset({R, A}), Scope.ALL),  # append: keep a record, with a reason
        Entity.ENGAGEMENT: (frozenset({R, E}), Scope.ALL),
    },
    Role.HTT_OFFICER: {
        Entity.ARREST: (frozenset({R, C, U, A, E}), Scope.ALL),
        Entity.DISPOSAL_REPORT: (frozenset({R, E}), Scope.ALL),
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),
        # export: everything held about a person, for a subject access request (DPA 2018 s.45)
        Entity.PERSON: (frozenset({R, C, U, A, E, M}), Scope.ALL),
        Entity.NRM_REFERRAL: (frozenset({R, C, U, A}), Scope.ALL),
        Entity.NAVIGATOR_CASE: (frozenset({R}), Scope.ALL),
        Entity.HAVEN_STAY: (frozenset({R}), Scope.ALL),
        Entity.VLO_CONTACT: (frozenset({R}), Scope.ALL),
        Entity.ENGAGEMENT: (frozenset({R, C, A}), Scope.ALL),  # the officer in the case records it
    },
    Role.VLO: {
        Entity.ARREST: (frozenset({R}), Scope.ALL),  # to tell their victims of charge, NFA, bail or RUI
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),
        Entity.PERSON: (frozenset({R, U}), Scope.ASSIGNED),
        Entity.NRM_REFERRAL: (frozenset({R}), Scope.ASSIGNED),
        Entity.VLO_CONTACT: (frozenset({R, C, A}), Scope.ASSIGNED),
        Entity.ENGAGEMENT: (frozenset({R, C, A}), Scope.ASSIGNED),
    },
    Role.NAVIGATOR: {
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),
        Entity.PERSON: (frozenset({R}), Scope.SUPPORTED),
        Entity.NAVIGATOR_CASE: (frozenset({R, C, U, A}), Scope.SUPPORTED),
        Entity.ENGAGEMENT: (frozenset({R, C, A}), Scope.SUPPORTED),
    },
    Role.HAVEN_HOUSE: {
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),
        Entity.PERSON: (frozenset({R, C}), Scope.ALL),  # admissions may create (often anonymous) people
        Entity.HAVEN_STAY: (frozenset({R, C, U, A}), Scope.ALL),
    },
    Role.AUDITOR: {
        Entity.AUDIT_LOG: (frozenset({R, E}), Scope.ALL),
        Entity.REFERENCE: (frozenset({R}), Scope.ALL),  # district and disposal names, to read the log
    },
}


@dataclass(frozen=True)
class RecordScope:
    """Who a record belongs to, for scoped roles: the assigned VLO and the supporting Navigators."""

    vlo_user_ids: frozenset[int] = frozenset()
    navigator_user_ids: frozenset[int] = frozenset()


def may(role: Role, user_id: int, action: Action, entity: Entity, record: RecordScope | None = None) -> bool:
    """May a user with ``role`` do ``action`` to ``entity`` (to this ``record``, for scoped roles)?

    With no ``record``, the question is whether the role may do it to some records: a list query then
    narrows by scope in SQL.
    """
    grant = PERMISSIONS.get(role, {}).get(entity)
    if grant is None or action not in grant[0]:
        return False
    scope = grant[1]
    if scope is Scope.ALL or record is None:
        return True
    if scope is Scope.ASSIGNED:
        return user_id in record.vlo_user_ids
    return user_id in record.navigator_user_ids


def may_everywhere(role: Role, action: Action, entity: Entity) -> bool:
    """May the role do ``action`` to every ``entity`` record of the force (a grant with no record scope)?

    Changing who may see a person (assigning their VLO, referring them to a Navigator) needs this: a
    role whose grant is scoped to its own records could otherwise widen its own scope, or a colleague's.
    """
    grant = PERMISSIONS.get(role, {}).get(entity)
    return grant is not None and action in grant[0] and grant[1] is Scope.ALL


def matrix_markdown() -> str:
    """The matrix as a Markdown table (the README shows it; a test keeps the two in step)."""
    roles = list(Role)
    lines = ["| entity | " + " | ".join(r.label for r in roles) + " |", "|---" * (len(roles) + 1) + "|"]
    for entity in Entity:
        cells = []
        for role in roles:
            grant = PERMISSIONS[role].get(entity)
            if grant is None:
                cells.append("-")
                continue
            acts = ", ".join(a.value for a in Action if a in grant[0])
            cells.append(acts + ("" if grant[1] is Scope.ALL else f" ({grant[1].value})"))
        lines.append(f"| {entity.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
