"""A private, throw-away PostgreSQL server for fault tests that stop and start the database.

The shared server at 127.0.0.1:5432 is never stopped: a test that needs the database to go away
gets its own cluster (``initdb`` into a temporary directory, a free loopback port, its socket in
that directory, trust authentication, no fsync) and stops and starts only that one, with
``pg_ctl``. PostgreSQL refuses to run as root, so as root the binaries run as the ``postgres``
user (``runuser``) in a directory that user owns; otherwise they run as the current user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import skip_or_fail
from tests.servers import free_port


def _server_binaries() -> Path:
    """``JOBBFORUM_PG_BIN``, else Debian's PostgreSQL 15, else the newest version installed."""
    if os.environ.get("JOBBFORUM_PG_BIN"):
        return Path(os.environ["JOBBFORUM_PG_BIN"])
    preferred = Path("/usr/lib/postgresql/15/bin")
    if preferred.exists():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else preferred


PG_BIN = _server_binaries()
SETTINGS = """
# Written by tests/private_pg.py: a disposable, loopback-only test server.
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
"""


class PrivatePostgres:
    """One cluster in ``root`` (data, socket, log); :meth:`start` and :meth:`stop` it."""

    def __init__(self, root: Path, port: int, as_user: str | None) -> None:
        self.root, self.port, self.as_user = root, port, as_user
        self.data, self.log = root / "data", root / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True,
                                timeout=timeout, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:1])} failed ({result.returncode}): "
                               f"{result.stderr or result.stdout}\n{log}")

    def initdb(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(port=self.port, sockets=self.root))

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """``pg_ctl stop -m fast``: open sessions are cut off, as in a real restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private server (skip, or fail in CI, without the PostgreSQL binaries); it is
    stopped and its directory removed afterwards."""
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (PG_BIN / name).exists()]
    if missing:
        skip_or_fail(f"PostgreSQL server binaries not found in {PG_BIN}: {', '.join(missing)}")
    as_user = None
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            skip_or_fail("running as root, and runuser is missing (initdb refuses root)")
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            skip_or_fail("running as root, and there is no 'postgres' user to run initdb as")
        as_user = "postgres"
    # Not under pytest's tmp_path: as root that is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="jobbforum-pg-"))
    if as_user:
        os.chown(root, account.pw_uid, account.pw_gid)
    server = PrivatePostgres(root, free_port(), as_user)
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        try:
            if server.running():
                server.stop("immediate")
        finally:
            shutil.rmtree(root, ignore_errors=True)
