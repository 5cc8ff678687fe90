"""Who is acting: every service holds one, checks it against the matrix and names it in the audit log."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field

from mshtdesk.domain.roles import Action, Entity, RecordScope, Role, may, may_everywhere
from mshtdesk.errors import PermissionDeniedError
from mshtdesk.security.keypairs import Signer


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    role: Role
    workstation: str = ""
    must_change_password: bool = False  # set by an administrator's reset: the app asks for a new one
    # Signs the audit events this actor writes (None on a server database, and for sessions opened with
    # the data key alone, whose events ``audit verify`` then reports as unsigned).
    signer: Signer | None = field(default=None, repr=False, compare=False)

    def may(self, action: Action, entity: Entity, record: RecordScope | None = None) -> bool:
        return may(self.role, self.user_id, action, entity, record)

    def require(self, action: Action, entity: Entity, record: RecordScope | None = None) -> None:
        """Refuse, in words a user understands, anything the matrix does not grant."""
        if not self.may(action, entity, record):
            raise PermissionDeniedError(
                f"Your role ({self.role.label}) does not allow you to {action.value} "
                f"{entity.value.replace('_', ' ')} records."
            )

    def require_everywhere(self, action: Action, entity: Entity, what: str) -> None:
        """Refuse ``what`` (e.g. "assign a victim's liaison officer") unless the role may do ``action``
        to every ``entity`` record: a change of record scope is not for a role scoped to its own records."""
        if not may_everywhere(self.role, action, entity):
            raise PermissionDeniedError(f"Your role ({self.role.label}) does not allow you to {what}.")


def workstation() -> str:
    return platform.node()[:120]
