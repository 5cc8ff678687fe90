"""Failed logins by name, on the laptop's key file and on a team server (``login_failure``): a name that
is not a user locks like a real one, guessed names of any length or number are counted in a few
anonymous buckets, and no guessed name is stored beyond the longest user name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from mshtdesk.domain.roles import Role
from mshtdesk.errors import AuthenticationError
from mshtdesk.security.keyring import utcnow
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.users import login
from tests.conftest import USERS, Site


def _attempt(site: Site, name: str, password: str, at: object) -> str:
    try:
        db, _actor = login(site.address, name, password, now=at)  # type: ignore[arg-type]
    except AuthenticationError as exc:
        return "locked" if "locked" in str(exc) else "wrong"
    db.close()
    return "in"


def test_an_unknown_name_locks_like_a_real_one(site: Site) -> None:
    start = utcnow()
    for name in (USERS[Role.VLO].username, "nobody-here"):
        outcomes = [_attempt(site, name, "a wrong guess", start) for _ in range(6)]
        assert outcomes == ["wrong"] * 4 + ["locked"] * 2, name
        assert _attempt(site, name, "a wrong guess", start + timedelta(minutes=14)) == "locked"
    # fifteen minutes on, the run is over: the real user logs in with the right password
    assert (
        _attempt(site, USERS[Role.VLO].username, USERS[Role.VLO].password, start + timedelta(minutes=16))
        == "in"
    )


def test_guessed_names_of_any_length_are_refused_in_words_and_kept_short(site: Site) -> None:
    start = utcnow()
    long = "guess-" + "x" * 5000
    for i in range(20):  # more names than buckets; each run over before the next (no lock)
        assert _attempt(site, f"{i}-{long}", "a wrong guess", start + timedelta(minutes=20 * i)) == "wrong"
    auditor = Backend.login(site.address, USERS[Role.AUDITOR].username, USERS[Role.AUDITOR].password)
    try:
        failed = auditor.audit.list(AuditQuery(action="failed_login"), limit=1000)
        assert len(failed) == 20  # on the laptop queued in the key file, written at this login
        assert all(len(e.username) <= 64 for e in failed)  # no guessed name kept whole
        with auditor.db.engine.connect() as conn:
            if site.engine == "postgresql":
                slots = conn.execute(text("SELECT slot FROM login_failure")).scalars().all()
                assert 0 < len(slots) <= 16 and all(s.startswith("?") for s in slots)
    finally:
        auditor.close()
