"""Rate-limit storage: ``memory://`` made safe for threaded servers.

Flask-Limiter keeps its counters in a :mod:`limits` storage: Redis when ``JOBBFORUM_REDIS_URL``
is set (shared by every process), otherwise ``memory://`` in each process. The ``memory://``
storage of limits (5.8 and earlier) starts a timer thread to expire counters and checks
"is the timer running?" and "start a new one" without a lock: two requests counted at the same
moment in two threads (gunicorn's ``gthread`` workers, ``make run``'s threaded server) can start
the same timer twice, and the second raises ``RuntimeError: threads can only be started once``,
which turned a rate-limited request into a 500 (seen in the check-in benchmark, and reported
upstream as limits pull request 352). Importing this module registers, for the ``memory``
scheme, the same storage with that step under a lock.
"""

from __future__ import annotations

import threading
from typing import Any

from limits.storage import MemoryStorage


class ThreadSafeMemoryStorage(MemoryStorage):
    """limits' :class:`~limits.storage.MemoryStorage`, its expiry timer started under a lock."""

    STORAGE_SCHEME = ["memory"]  # replaces limits' own class for memory:// URIs

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        self._timer_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._timer_lock = threading.Lock()
        super().__setstate__(state)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        del state["_timer_lock"]
        return state

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the name the base class calls
        with self._timer_lock:
            super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]
