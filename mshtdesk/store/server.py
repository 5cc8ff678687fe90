"""A team database on a PostgreSQL server: its address made safe before any connection is tried.

Passwords never travel in an address (it reaches the command line, ``MSHTDESK_DB``, the app's settings
and error messages): they come from libpq's own places (``PGPASSFILE``, a ``PGSERVICEFILE`` entry,
``PGPASSWORD`` for a scheduled job) or are typed when asked and kept only in this process's memory.
A server that is not this computer is reached with ``sslmode=verify-full`` unless the address or
``PGSSLMODE`` says otherwise: the certificate must be signed by the CA given in ``sslrootcert`` /
``PGSSLROOTCERT`` (or ``~/.postgresql/root.crt``) and name the host.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from mshtdesk.errors import (
    AuthenticationError,
    DatabaseUnavailableError,
    ServerPasswordNeededError,
    StoreError,
)

DRIVER = "postgresql+psycopg"
SCHEMES = ("postgresql", "postgres", DRIVER)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"
DEFAULT_SSLMODE = "verify-full"
PASSWORD_IN_ADDRESS = (
    "The database address holds a password; remove it from the address and keep the password in your "
    "pgpass file (PGPASSFILE) or a service file (PGSERVICEFILE), or type it when asked."
)

# Passwords typed at a prompt this session, by address (never written anywhere).
_typed: dict[str, str] = {}


def is_server_address(value: str) -> bool:
    return value.split("://", 1)[0].lower() in SCHEMES


def _parse(value: str) -> URL:
    scheme, rest = value.split("://", 1)
    try:
        url = make_url(f"{DRIVER}://{rest}")
    except (ArgumentError, ValueError):
        raise StoreError(
            "The team database address is not one MSHT Desk can read: write it as "
            "postgresql://server/database."
        ) from None
    if scheme.lower() not in SCHEMES:  # pragma: no cover - callers check is_server_address first
        raise StoreError("The team database address must start postgresql://.")
    return url


def is_local(url: URL) -> bool:
    """This computer: a loopback address, or a Unix socket (no host, or a socket folder)."""
    host = url.host or str(url.query.get("host") or "")
    return not host or host.startswith("/") or host.lower() in LOCAL_HOSTS


def server_url(value: str) -> str:
    """The address as the engine uses it: psycopg's driver, no password, TLS checked for a remote host.

    Raises StoreError in one sentence for an address holding a password (in any form).
    """
    url = _parse(value)
    if url.password is not None or "password" in url.query:
        raise StoreError(PASSWORD_IN_ADDRESS)
    if not url.database and "service" not in url.query and "dbname" not in url.query:
        raise StoreError(
            "The team database address names no database: write it as postgresql://server/database."
        )
    remote = not is_local(url)
    chosen = "sslmode" in url.query or os.environ.get("PGSSLMODE") or "service" in url.query
    if remote and not chosen:
        url = url.update_query_dict({"sslmode": DEFAULT_SSLMODE})
    return url.render_as_string(hide_password=False)


def who(url: str) -> str:
    """``user@host/database`` for a prompt or a message (libpq's defaults where the address says none)."""
    u = make_url(url)
    user = u.username or os.environ.get("PGUSER") or _login_name()
    host = u.host or str(u.query.get("host") or "") or "this computer"
    return f"{user}@{host}/{u.database or u.query.get('service', '')}"


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # pragma: no cover - no login name at all
        return "your login"


def remember_password(url: str, password: str) -> None:
    """A password typed at a prompt: used by every later connection of this process, never stored."""
    _typed[url] = password


# PostgreSQL compiles a statement to machine code (JIT) when its estimated cost is high, and the
# estimate counts subplans that never run: the disposal table's per-arrest probe, skipped whenever the
# stored rank answers, made every table pay ~580 ms of compiling for ~30 ms of work at 100,000 arrests.
# The app's statements are short; compiling never pays back, so it is off for the app's sessions.
SESSION_OPTIONS = "-c jit=off"


def connect_args(url: str) -> dict[str, Any]:
    """What every connection to ``url`` adds to the address: a typed password, and session options
    (after any the address gives itself)."""
    args: dict[str, Any] = {}
    given = make_url(url).query.get("options")
    given_text = given if isinstance(given, str) else " ".join(given or ())
    args["options"] = f"{given_text} {SESSION_OPTIONS}".strip()
    password = _typed.get(url)
    if password:
        args["password"] = password
    return args


def server_problem(exc: BaseException, url: str) -> StoreError | AuthenticationError:
    """What a failed connection means, in one sentence (libpq's messages are fixed English text)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).lower()
    whom = who(url)
    if "no password supplied" in text:
        return ServerPasswordNeededError(
            f"The server asks for the password of {whom}: add it to your pgpass file (PGPASSFILE) or "
            "service file (PGSERVICEFILE), or type it in when asked.",
            whom,
        )
    if "password authentication failed" in text or "authentication failed" in text:
        _typed.pop(url, None)
        return AuthenticationError(f"The server refused the database password of {whom}.")
    if "root certificate" in text or "certificate verify failed" in text or "sslrootcert" in text:
        return DatabaseUnavailableError(
            "The server's certificate could not be checked: give the server's CA certificate as "
            "sslrootcert=FILE in the address or PGSSLROOTCERT (see the README, Team mode)."
        )
    if "does not match host name" in text or "server certificate for" in text:
        return DatabaseUnavailableError(
            "The server's certificate does not name the host in the address: use the name on the "
            "certificate (see the README, Team mode)."
        )
    if "does not exist" in text and "database" in text:
        return DatabaseUnavailableError(f"There is no database {whom} on that server; check the address.")
    if "ssl" in text and ("not support" in text or "unsupported" in text):
        return DatabaseUnavailableError(
            "The server does not offer an encrypted connection; ask its administrator to turn on TLS."
        )
    return DatabaseUnavailableError(
        "The database server could not be reached. Check the address and your network, then try again."
    )


def lacks_rights(exc: BaseException, url: str) -> DatabaseUnavailableError | None:
    """The refusal for a login the server gives no rights on our tables (not a member of the application
    role, or a member of the auditor's, which may not read the password hashes); None for other errors."""
    orig = getattr(exc, "orig", None) or exc
    return no_rights(url) if getattr(orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE else None


def no_rights(url: str) -> DatabaseUnavailableError:
    """What a login without the application role's rights is told (see ``lacks_rights``)."""
    return DatabaseUnavailableError(
        f"The database login {who(url)} may not work through MSHT Desk: ask the team database's "
        "administrator to make it a member of the application role that server setup made (its name ends "
        "in _app; the auditor role is for an auditor's own SQL tools). Nothing was changed."
    )


def address_from_parts(host: str, database: str, port: int | None, user: str) -> str:
    """A checked address (``server_url``) from parts the caller has already checked one by one."""
    url = URL.create(DRIVER, username=user or None, host=host, port=port, database=database)
    return server_url(url.render_as_string(hide_password=False))


def parts_of(url: str) -> tuple[str, str, str, str]:
    """Host, port, database and user of a team address."""
    u = make_url(url)
    return (u.host or "", str(u.port or ""), u.database or "", u.username or "")


def password_needed(url: str) -> str | None:
    """``user@host/database`` when the server asks for a password libpq cannot find; else None (also when
    the server cannot be reached: what follows says why)."""
    from sqlalchemy.exc import OperationalError

    from mshtdesk.store.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect():
            return None
    except OperationalError as exc:
        problem = server_problem(exc, url)
        return problem.who if isinstance(problem, ServerPasswordNeededError) else None
    finally:
        engine.dispose()
