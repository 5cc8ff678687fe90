"""An import file as both importers read it: checked before it is read, streamed, bounded, hashed.

Why: the importers used to read the whole file into memory and then decode it whole, so
``import arrests /dev/zero`` grew to 24 GB before the system killed it. Now a file is refused before a
byte is read unless it is a regular file no larger than the size limit (devices, pipes and folders are
refused, so nothing can stream for ever); it is then read a line at a time with a cap on the characters
one row may hold (all its lines, for a quoted cell that spans several), and hashed as it goes. Memory
stays bounded by the limits whatever arrives, and what the importers keep is only what they parsed.

Decoding is what it always was: UTF-8 with or without a byte order mark (anything else is named by the
line it breaks on), the delimiter is a comma unless the header has none and uses semicolons or tabs,
quoted cells may span lines, and any line ending (``\\n``, ``\\r\\n``, ``\\r``) ends a line.

The limits: ``MSHTDESK_IMPORT_MAX_BYTES`` (default 2 GB; a real export of a force's ten years is under
100 MB) and ``MSHTDESK_IMPORT_MAX_ROW`` (default 1,000,000 characters; a real row is under 1,000, and a
cell may hold up to the CSV module's 131,072). Both accept a number with an optional K, M or G.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from mshtdesk.domain.text import refused_phrase
from mshtdesk.errors import StoreError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROW",
    "MAX_BYTES_ENV",
    "MAX_ROW_ENV",
    "CsvSource",
    "Limits",
    "UnreadableRowError",
    "cell_problem",
    "open_source",
    "parse_size",
]

MAX_BYTES_ENV = "MSHTDESK_IMPORT_MAX_BYTES"
MAX_ROW_ENV = "MSHTDESK_IMPORT_MAX_ROW"
DEFAULT_MAX_BYTES = 2 * 1024**3
DEFAULT_MAX_ROW = 1_000_000
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
_CHUNK = 1 << 16


def parse_size(text: str) -> int:
    """``"2G"`` -> 2147483648; a plain number of bytes, or with K, M or G (powers of 1024)."""
    s = text.strip().upper().removesuffix("B")
    unit = s[-1:] if s[-1:] in _UNITS else ""
    number = s[: len(s) - len(unit)].strip()
    if not number.isdigit() or int(number) <= 0:
        raise ValueError(f"'{text}' is not a size (give a whole number, optionally with K, M or G)")
    return int(number) * _UNITS[unit]


def size_text(n: int) -> str:
    """A size for a message: "2.0 GB", "512.0 MB", "900 bytes"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:,.1f} {unit}"
    return f"{n:,} bytes"


@dataclass(frozen=True)
class Limits:
    """How large an import file, and one row of it, may be."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_row: int = DEFAULT_MAX_ROW

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, or what ``MSHTDESK_IMPORT_MAX_BYTES`` / ``MSHTDESK_IMPORT_MAX_ROW`` say."""
        env = os.environ if environ is None else environ
        values = {}
        for name, field, default in (
            (MAX_BYTES_ENV, "max_bytes", DEFAULT_MAX_BYTES),
            (MAX_ROW_ENV, "max_row", DEFAULT_MAX_ROW),
        ):
            given = env.get(name, "").strip()
            try:
                values[field] = parse_size(given) if given else default
            except ValueError as exc:
                raise StoreError(f"{name} is not valid: {exc}.") from None
        return cls(**values)


class UnreadableRowError(Exception):
    """A row the file cannot give: not CSV, not UTF-8, or longer than the limit. Reading stops there."""

    def __init__(self, line: int, column: str, reason: str) -> None:
        super().__init__(f"line {line}, {column}: {reason}")
        self.line = line
        self.column = column
        self.reason = reason


class _GrewTooLargeError(Exception):
    """The file grew past the size limit while it was being read."""


class _Hashed(io.RawIOBase):
    """Every byte read passes here: counted (for progress and the size limit) and hashed."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        super().__init__()
        self._fh = fh
        self._limit = limit
        self.sha = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._fh.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha.update(data)
        self.count += n
        if self.count > self._limit:
            raise _GrewTooLargeError()
        return n


def cell_problem(value: str, *, multiline: bool = False) -> str | None:
    """A row error's reason for a cell holding a character no field may store, or None."""
    phrase = refused_phrase(value, multiline=multiline)
    return None if phrase is None else f"holds {phrase}; remove it from the cell and import the file again"


def _delimiter(header: str) -> str:
    """Comma, unless the header has none and uses semicolons or tabs (spreadsheets saved in some locales)."""
    if "," in header:
        return ","
    return max(";\t", key=header.count) if (";" in header or "\t" in header) else ","


def _first_bad_line(fh: BinaryIO) -> int:
    """The line (counted by line feeds, as an editor does) of the first byte that is not UTF-8.

    Only on the way to refusing a file: it is read again from the start, a megabyte at a time."""
    fh.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = 0
    first = True
    while True:
        chunk = fh.read(1 << 20)
        if first:
            chunk, first = chunk.removeprefix(codecs.BOM_UTF8), False
        pending = decoder.getstate()[0]
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            return newlines + (pending + chunk).count(b"\n", 0, exc.start) + 1
        if not chunk:
            return newlines + 1
        newlines += chunk.count(b"\n")


class CsvSource:
    """One import file, read once: ``records()`` gives its rows; ``sha256()`` its hash once read."""

    def __init__(self, fh: BinaryIO, name: str, size: int, limits: Limits) -> None:
        self.name = name
        self.size = size
        self.limits = limits
        self._fh = fh
        self._hashed = _Hashed(fh, limits.max_bytes)
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._hashed, _CHUNK), encoding="utf-8-sig", errors="strict", newline=""
        )
        self._row_used = 0
        self._lines_read = 0
        self._started = False

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "", limits: Limits | None = None) -> CsvSource:
        """``data`` read as a file would be (same limits, same decoding)."""
        limits = limits or Limits.from_env()
        _check_size(len(data), name or "The file", limits)
        return cls(io.BytesIO(data), name, len(data), limits)

    @property
    def bytes_read(self) -> int:
        """How far reading has got, for progress against ``size``."""
        return min(self._hashed.count, self.size)

    def sha256(self) -> str:
        """The hash of every byte read: the file's, once ``records()`` has run to its end."""
        return self._hashed.sha.hexdigest()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lines(self) -> Iterator[str]:
        """Physical lines, each read with room for no more than what is left of the row limit."""
        readline = self._text.readline
        limit = self.limits.max_row
        while True:
            line = readline(limit - self._row_used + 1)
            if not line:
                return
            self._lines_read += 1
            self._row_used += len(line)
            if self._row_used > limit:
                raise UnreadableRowError(
                    self._lines_read,
                    "row",
                    f"is longer than {limit:,} characters, the most one row may hold (set by "
                    f"{MAX_ROW_ENV}); is this a CSV file, or is a quote left open on this line?",
                )
            yield line

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """``(first physical line, cells)`` for the header (line 1) and every row after it, blank rows
        included. Raises UnreadableRowError where the file stops being readable; every byte has been
        read (and hashed) when the iteration ends normally."""
        if self._started:
            raise RuntimeError("an import file is read once")
        self._started = True
        try:
            yield from self._records()
        except UnicodeDecodeError:
            line = _first_bad_line(self._fh)
            raise UnreadableRowError(
                line, "file", "is not UTF-8 text; save the export as 'CSV UTF-8' and import it again"
            ) from None
        except _GrewTooLargeError:
            raise StoreError(_too_large(self.name or "The file", self.limits)) from None

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        lines = self._lines()
        first = next(lines, "")
        reader = csv.reader(
            itertools.chain([first], lines) if first else lines, delimiter=_delimiter(first), strict=True
        )
        next_line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if next_line == 1:
                    raise UnreadableRowError(
                        1, "header", f"the header row cannot be read as CSV ({exc})"
                    ) from None
                raise UnreadableRowError(
                    reader.line_num, "row", f"not valid CSV ({exc}); check the quotes on this line"
                ) from None
            self._row_used = 0
            yield next_line, row
            next_line = reader.line_num + 1


def _too_large(name: str, limits: Limits) -> str:
    return (
        f"{name} is larger than {size_text(limits.max_bytes)}, the largest import file allowed; nothing "
        f"was written. Split the file, or raise the limit with {MAX_BYTES_ENV}."
    )


def _check_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise StoreError(
            f"{name} is {size_text(size)}, larger than {size_text(limits.max_bytes)}, the largest import "
            f"file allowed; nothing was written. Split the file, or raise the limit with {MAX_BYTES_ENV}."
        )


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse_unless_regular(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise StoreError(
            f"{path} is {_kind(mode)}, not a file; nothing was read. Save the export as a .csv file "
            "and import that."
        )


def open_source(path: str, limits: Limits | None = None) -> CsvSource:
    """Open ``path`` for an import, or raise StoreError with one sentence saying why not.

    The checks come before any read: what the path names is checked, then what was opened (the path
    could have been swapped in between). Opening does not wait for a pipe's writer (O_NONBLOCK).
    """
    limits = limits or Limits.from_env()
    try:
        _refuse_unless_regular(path, os.stat(path).st_mode)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise StoreError(f"There is no file at {path}.") from None
    except PermissionError:
        raise StoreError(f"You do not have permission to read {path}.") from None
    except OSError as exc:
        raise StoreError(f"{path} could not be read: {exc.strerror or exc}.") from None
    fh = os.fdopen(fd, "rb", buffering=0)
    try:
        found = os.fstat(fd)
        _refuse_unless_regular(path, found.st_mode)
        _check_size(found.st_size, path, limits)
    except BaseException:
        fh.close()
        raise
    return CsvSource(fh, os.path.basename(path), found.st_size, limits)
