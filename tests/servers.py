"""Real app server processes for scale-out, rate-limit and fault tests: gunicorn on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET = "scale-out-secret-" + "y" * 32


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def app_server(db_url: str, instance: Path, *, env: dict[str, str] | None = None,
               workers: int = 1, threads: int = 8, log: Path | None = None) -> Iterator[str]:
    """``gunicorn 'jobbforum.app:create_app()'`` on a free loopback port; yields its base URL
    once ``/healthz`` answers, and stops the process (by its own pid) afterwards."""
    port = free_port()
    instance.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "JOBBFORUM_DATABASE_URL": db_url,
                   "JOBBFORUM_SECRET_KEY": SECRET, "JOBBFORUM_INSTANCE_PATH": str(instance),
                   "JOBBFORUM_BASE_URL": f"http://127.0.0.1:{port}", "JOBBFORUM_MAIL_URL": "",
                   **(env or {})}
    output = open(log or instance / "gunicorn.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads",
         str(threads), "--worker-class", "gthread", "--timeout", "60", "jobbforum.app:create_app()"],
        env=environment, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start: {(instance / 'gunicorn.log')}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
