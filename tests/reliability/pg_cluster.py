"""A throwaway PostgreSQL cluster of a test's own, which the test may stop, restart or crash.

The shared scratch server (``MSHTDESK_TEST_PG_URL``) is used by other tests and other engineers at the
same time, so the connection-trouble tests never stop it: like ``.ci/pg_up.sh`` they run ``initdb`` and
``pg_ctl`` themselves, on a free port and a socket folder of their own, and remove it all afterwards.
Skips with the reason when the PostgreSQL server programs are not installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SKIP_REASON = "the PostgreSQL server programs (initdb, pg_ctl) are not installed"


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One server: ``url`` for the app, ``stop``/``start`` around it (``crash`` for an immediate stop)."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: run the server as the postgres user
            shutil.chown(root, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/mshtdesk"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-sync",
        )  # fmt: skip
        self.start()
        self._run(str(self.bin / "createdb"), "-h", str(self.root), "-p", str(self.port), "-U", "postgres",
                  "mshtdesk")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "pg.log"), "-w",
                  "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``fast``: the server ends every session (a restart); ``immediate``: as if it crashed."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def own_cluster() -> Iterator[Cluster]:
    """The body of a fixture: a started cluster with an empty database ``mshtdesk``; removed after."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip(SKIP_REASON)
    cluster = Cluster(bin_dir, Path(tempfile.mkdtemp(prefix="mshtdesk-pg-")))
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.remove()
