"""Services carry what they changed: ``@writes`` on every method that writes, collected per job.

A method decorated ``@writes(Data.ARREST, Data.DISPOSAL)`` adds ``Changes`` for those kinds to the
current collector when it returns (not when it raises: its transaction rolled back). The record ids come
from the result (``ids=``, for the first kind named), an argument (``arg=``) or the body
(:func:`note_changed`, for any kind); a kind named without ids means "any record of it". Whoever runs
the work (the UI's worker, ``ui/tasks.py``) wraps it in :func:`collect_changes` and hands the union on;
outside a collector the decorator only marks that a declared write is in progress, which the test
suite's strict mode checks (tests/strict_writes.py: every INSERT/UPDATE/DELETE run inside a service
method must run inside a ``@writes`` one).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, Protocol, TypeVar

from mshtdesk.domain.changes import NOTHING, Changes, Data
from mshtdesk.errors import MshtError

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _Frame:
    """One ``@writes`` call in progress: its declared kinds and the ids its body noted."""

    kinds: tuple[Data, ...]
    noted: list[Changes] = field(default_factory=list)

    def changes(self) -> Changes:
        found = NOTHING
        for c in self.noted:
            found |= c
        named = frozenset(k for k in self.kinds if k not in found.data)
        return found | Changes.kinds(named)


class Collected:
    """What the writes run inside one :func:`collect_changes` block changed (read ``changes``)."""

    def __init__(self) -> None:
        self.changes = NOTHING

    def add(self, changes: Changes) -> None:
        self.changes |= changes


class _Decorator(Protocol):
    """What ``writes(...)`` returns: keeps the decorated method's exact signature (for mypy)."""

    def __call__(self, fn: Callable[P, R], /) -> Callable[P, R]: ...


_frames: ContextVar[tuple[_Frame, ...]] = ContextVar("mshtdesk_writes", default=())
_collectors: ContextVar[tuple[Collected, ...]] = ContextVar("mshtdesk_collectors", default=())
_started: ContextVar[int] = ContextVar("mshtdesk_writes_started", default=0)


def writes(
    *kinds: Data,
    ids: Callable[[Any], int | Iterable[int] | None] | None = None,
    arg: str | None = None,
    changed_if: Callable[[Any], bool] | None = None,
    partial: bool = False,
) -> _Decorator:
    """Declare that the method writes these kinds of data.

    The records of the first kind are named by ``ids(result)`` or by the argument called ``arg`` (an
    id); otherwise, and for the other kinds, any record may have changed unless the body calls
    :func:`note_changed`. ``changed_if(result)`` false: nothing was written after all (a dry run).
    ``partial``: the method may have changed data before it raised (a restore replaces the file, then
    upgrades it), so its kinds are reported on failure too.
    """
    if not kinds:
        raise ValueError("@writes needs at least one kind of data")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn) if arg is not None else None

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            frame = _Frame(kinds)
            _started.set(_started.get() + 1)
            if signature is not None and arg is not None:
                frame.noted.append(Changes.of(kinds[0], int(signature.bind(*args, **kwargs).arguments[arg])))
            token = _frames.set((*_frames.get(), frame))
            try:
                result = fn(*args, **kwargs)
            except BaseException:
                if partial:
                    _publish(Changes.kinds(kinds))
                raise
            finally:
                _frames.reset(token)
            if changed_if is not None and not changed_if(result):
                return result
            if ids is not None:
                found = ids(result)
                if found is not None:
                    named = (found,) if isinstance(found, int) else tuple(found)
                    if named:
                        frame.noted.append(Changes.of(kinds[0], *named))
            changes = frame.changes()
            _publish(changes)
            if not _frames.get() and args:  # the outermost write: committed, so others may hear of it
                _announce(args[0], changes)
            return result

        wrapper.__mshtdesk_writes__ = kinds  # type: ignore[attr-defined]
        return wrapper

    return decorate


def returned(result: Any) -> int:
    """``ids=returned``: the method returns the id of the record it created or changed."""
    return int(result)


def note_changed(kind: Data, *record_ids: int) -> None:
    """From inside a ``@writes`` method: these records of ``kind`` changed (ids the result lacks)."""
    frames = _frames.get()
    if not frames:
        raise RuntimeError("note_changed() outside a @writes method")
    frames[-1].noted.append(Changes.of(kind, *record_ids))


def _announce(owner: object, changes: Changes) -> None:
    """On a team server, tell the other users' apps (``store.notify``); nothing to do on a file. The
    store is imported only then: the UI imports this module while its window first paints."""
    db = getattr(owner, "_db", None) or getattr(owner, "db", None)
    url = getattr(db, "url", None)
    if not (isinstance(url, str) and url.startswith("postgresql")):
        return
    from mshtdesk.store.notify import announce

    try:
        engine = db.engine  # type: ignore[union-attr]
    except MshtError:  # the session ended inside the call (a log-out): nobody left to announce for
        return
    announce(engine, changes)


def _publish(changes: Changes) -> None:
    for c in _collectors.get():
        c.add(changes)


def writing() -> bool:
    """Whether a ``@writes`` method is running in this thread (the strict mode asks)."""
    return bool(_frames.get())


def writes_started() -> int:
    """How many ``@writes`` calls this thread has begun (``services/reconnect.py`` tells a save from a
    read by whether the count moved)."""
    return _started.get()


def declared_writes(method: object) -> tuple[Data, ...] | None:
    """The kinds a method was declared to write, or None if it is not a ``@writes`` method."""
    kinds = getattr(method, "__mshtdesk_writes__", None)
    return kinds if isinstance(kinds, tuple) else None


@contextmanager
def collect_changes() -> Iterator[Collected]:
    """Collect the changes of every ``@writes`` method that returns inside the block, in this thread."""
    collected = Collected()
    token = _collectors.set((*_collectors.get(), collected))
    try:
        yield collected
    finally:
        _collectors.reset(token)
