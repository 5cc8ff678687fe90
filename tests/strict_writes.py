"""Strict mode for the whole suite: a service method that writes without ``@writes`` fails the test.

``install()`` (called by tests/conftest.py) wraps every public method of every service class
(tests/service_classes.py) so the thread knows a service call is in progress, and listens to every
engine's ``before_cursor_execute``: an INSERT, UPDATE or DELETE run inside a service call must run
inside a ``@writes`` method (``mshtdesk.services.changes.writing()``), or it raises
:class:`UndeclaredWriteError`. Outside a service call (test set-up, the demo generators, migrations
when a database is opened) nothing is checked: those are not changes a page is waiting to hear about.

Exempt, on purpose:
- the audit log (``audit_event``, ``audit_head``): every read that consults a record or is disclosed
  writes an event there, and no page but the audit page shows it (it re-reads when shown);
- the session methods in ``SESSION``: logging in, creating a database and locking/unlocking write
  only login bookkeeping (failed attempts, a signing key bound at the first login, the audit log). The
  UI reports logging in as another user as ``Changes.everything()`` itself.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine, event

from mshtdesk.services.changes import writing
from tests.service_classes import service_classes

EXEMPT_TABLES = frozenset({"audit_event", "audit_head"})
SESSION = frozenset(
    {
        ("Backend", "login"),
        ("Backend", "create"),
        ("Backend", "as_user"),
        ("Backend", "unlock"),
        ("Backend", "lock"),
        ("Backend", "logout"),
    }
)
_WRITE = re.compile(
    r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.IGNORECASE
)

_service: ContextVar[str | None] = ContextVar("strict_writes_service", default=None)
_installed = False


class UndeclaredWriteError(AssertionError):
    """A service method wrote to a table without declaring what it changes."""


def written_table(statement: str) -> str | None:
    """The table an INSERT/UPDATE/DELETE statement writes to, or None for any other statement."""
    found = _WRITE.match(statement)
    return found.group(1).lower() if found else None


@contextmanager
def in_service(name: str) -> Iterator[None]:
    """Mark the current thread as running the service method ``name`` (for the check)."""
    token = _service.set(_service.get() or name)  # the outermost call is the one to blame
    try:
        yield
    finally:
        _service.reset(token)


def _check(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
    service = _service.get()
    if service is None or writing():
        return
    table = written_table(statement)
    if table is not None and table not in EXEMPT_TABLES:
        raise UndeclaredWriteError(
            f"{service} wrote to {table} outside a @writes method: declare what it changes "
            "(mshtdesk/services/changes.py) so the pages showing it refresh"
        )


def _marked(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with in_service(name):
            return fn(*args, **kwargs)

    return wrapper


def install() -> None:
    """Wrap every public service method and listen to every engine (once per session)."""
    global _installed
    if _installed:
        return
    _installed = True
    for cls_name, cls in service_classes().items():
        for name, member in list(vars(cls).items()):
            if name.startswith("_") or (cls_name, name) in SESSION or not inspect.isfunction(member):
                continue
            setattr(cls, name, _marked(f"{cls_name}.{name}", member))
    event.listen(Engine, "before_cursor_execute", _check)
