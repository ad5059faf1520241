"""Rate limits: a thread-safe ``memory://`` storage, and no empty check per request.

Flask-Limiter keeps its counters in a :mod:`limits` storage: Redis when ``JOBBFORUM_REDIS_URL``
is set (shared by every process), otherwise ``memory://`` in each process. The ``memory://``
storage of limits (5.8 and earlier) starts a timer thread to expire counters and checks
"is the timer running?" and "start a new one" without a lock: two requests counted at the same
moment in two threads (gunicorn's ``gthread`` workers, ``make run``'s threaded server) can start
the same timer twice, and the second raises ``RuntimeError: threads can only be started once``,
which turned a rate-limited request into a 500 (seen in the check-in benchmark, and reported
upstream as limits pull request 352). Importing this module registers, for the ``memory``
scheme, the same storage with that step under a lock.

That timer also runs 10 ms after it was started, so under steady traffic each process started a
new thread about a hundred times a second (a few per cent of a check-in's CPU in the benchmark).
It only tidies up: a counter past its window is dropped when it is next read, and a moving
window compares times itself. Here it runs at most once a second.

:func:`skip_idle_request_check` keeps Flask-Limiter's before-request check from running when it
could find nothing (no application, default, blueprint or meta limits).
"""

from __future__ import annotations

import threading
from typing import Any

from limits.storage import MemoryStorage

#: Seconds between the timer's clean-ups of expired counters.
EXPIRY_INTERVAL_SECONDS = 1.0


class ThreadSafeMemoryStorage(MemoryStorage):
    """limits' :class:`~limits.storage.MemoryStorage`, its expiry timer started under a lock and
    at most once every :data:`EXPIRY_INTERVAL_SECONDS`."""

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
            if not self.timer.is_alive():
                expire = self._MemoryStorage__expire_events  # type: ignore[attr-defined]
                self.timer = threading.Timer(EXPIRY_INTERVAL_SECONDS, expire)
                self.timer.daemon = True  # a CLI command does not wait for it to exit
                self.timer.start()


def skip_idle_request_check(app: Any, limiter: Any) -> bool:
    """Run Flask-Limiter's check before every view only when it has something to look for.

    Flask-Limiter checks two kinds of limits. Those given with ``@limiter.limit`` and
    ``shared_limit`` on a view are checked by the decorator when the view is called. Before every
    request, a ``before_request`` hook looks for the other kind: application-wide, default,
    blueprint and meta limits, and the in-memory fallback's limits when the storage is down.
    Jobbforum sets none of those, so that hook resolved, for every request, an empty list, at
    about 0.4 M CPU instructions: a third of a small JSON answer's whole cost (measured with
    callgrind on ``/api/v1/ping``). The hook is replaced by one that asks first, on each request,
    whether any such limit exists now (a limit added later is still checked). Returns whether the
    hook was replaced; it is left as it is if Flask-Limiter's internals are not as expected.
    """
    check = getattr(limiter, "_check_request_limit", None)
    hooks = app.before_request_funcs.get(None, [])
    if check is None or check not in hooks or not hasattr(limiter, "limit_manager"):
        return False

    def check_if_any_apply() -> None:
        if _limits_beyond_decorators(limiter):
            check()

    hooks[hooks.index(check)] = check_if_any_apply
    return True


def _limits_beyond_decorators(limiter: Any) -> bool:
    """Whether the before-request check could find a limit (Flask-Limiter 3.x's names; any of
    them missing counts as yes)."""
    manager = limiter.limit_manager
    found = [getattr(manager, "_blueprint_limits", _MISSING),
             getattr(limiter, "_meta_limits", _MISSING),
             getattr(limiter, "_in_memory_fallback_enabled", _MISSING)]
    if _MISSING in found:
        return True
    blueprint_limits, meta_limits, fallback = found
    return bool(fallback or meta_limits or any(blueprint_limits.values())
                or manager.application_limits or manager.default_limits)


_MISSING = object()
