"""Two copies of the app on one file: a save based on a stale read is refused with both versions, the
user chooses, nothing is silently overwritten; a file on a network share gets a warning."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.errors import ConflictError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestDetail, ArrestInput
from mshtdesk.store.location import on_network_share
from tests.conftest import USERS, Template

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/htt /mnt/htt cifs rw,vers=3.0 0 0
server:/export /home/shared nfs4 rw 0 0
/dev/sdb1 /mnt/htt/local ext4 rw 0 0
"""


def second_copy(db_path: Path, template: Template, role: Role = Role.HTT_OFFICER) -> Backend:
    """Another app instance: its own engine and connections on the same file."""
    return Backend.as_user(template.open(db_path), USERS[role].username)


def test_a_stale_save_is_refused_with_both_versions(
    backend: Backend, db_path: Path, template: Template
) -> None:
    other = second_copy(db_path, template)
    try:
        base = ArrestInput("A1", date(2022, 1, 10), "BD", "N1", "Op Heron", "first notes")
        aid = backend.register.create_arrest(base, [("O1", "MSA s.2")])
        mine_read = backend.register.get(aid)
        theirs_read = other.register.get(aid)
        assert mine_read.version == theirs_read.version == 1
        other.register.update_arrest(aid, 1, replace(base, operation="Op Kestrel"))  # they save first
        mine = replace(base, notes="my notes")
        with pytest.raises(ConflictError) as info:
            backend.register.update_arrest(aid, 1, mine)
        exc = info.value
        assert exc.mine == mine, "what I typed comes back, so nothing is lost"
        assert isinstance(exc.theirs, ArrestDetail)
        assert exc.theirs.operation == "Op Kestrel" and exc.theirs.version == 2
        stored = backend.register.get(aid, consult=False)
        assert (stored.operation, stored.notes) == ("Op Kestrel", "first notes"), "nothing was overwritten"
        # The user keeps their notes and the other's operation, saving against the version they now saw.
        merged = replace(mine, operation=exc.theirs.operation)
        assert backend.register.update_arrest(aid, exc.theirs.version, merged) == 3
        final = other.register.get(aid, consult=False)
        assert (final.operation, final.notes, final.version) == ("Op Kestrel", "my notes", 3)
    finally:
        other.close()


def test_each_save_is_in_the_audit_log(db_path: Path, template: Template) -> None:
    officer = second_copy(db_path, template)
    try:
        aid = officer.register.create_arrest(ArrestInput("A2", date(2022, 1, 10), "BD"), [("O1", "MSA s.2")])
        officer.register.update_arrest(aid, 1, ArrestInput("A2", date(2022, 1, 10), "BD", operation="x"))
        auditor = second_copy(db_path, template, Role.AUDITOR)
        events = auditor.audit.list(AuditQuery(entity="arrest", record_id=str(aid)))
        auditor.close()
        assert sorted(e.action for e in events) == ["alter", "collect"]
    finally:
        officer.close()


def test_network_shares_are_recognised() -> None:
    assert on_network_share(Path("//fileserver/htt/mshtdesk.db"))
    assert on_network_share(Path("\\\\fileserver\\htt\\mshtdesk.db"))
    assert on_network_share(Path("/mnt/htt/mshtdesk.db"), mounts=MOUNTS)
    assert on_network_share(Path("/home/shared/x/mshtdesk.db"), mounts=MOUNTS)
    assert not on_network_share(Path("/mnt/htt/local/mshtdesk.db"), mounts=MOUNTS), (
        "a local disk mounted inside"
    )
    assert not on_network_share(Path("/home/me/mshtdesk.db"), mounts=MOUNTS)


def test_local_file_gets_no_warning(backend: Backend) -> None:
    assert backend.backups.network_warning() is None
