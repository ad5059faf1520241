"""Pooled database connections are checked before use only when they sat idle.

SQLAlchemy's ``pool_pre_ping`` costs a round trip to the database on every checkout, that is on
every request. A connection given back to the pool moments ago is as good as its last statement;
one that sat idle may have been closed meanwhile (a database restart, an idle timeout, a proxy).
So a connection is pinged only after :data:`DEFAULT_IDLE_SECONDS` idle; when the ping fails the
pool replaces that connection and every older one. A restart while connections are in use is
still caught: the first statement on a dead connection fails, SQLAlchemy then replaces every
older connection of the pool, and that request answers 503 ``database_unavailable``
(retryable; the scanner queues and replays).
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

#: Seconds a pooled connection may sit unused and still be handed out without a ping.
DEFAULT_IDLE_SECONDS = 10.0


def ping_when_idle(engine: sa.Engine, idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
    """Make ``engine``'s pool ping a connection at checkout only if it was idle ``idle_seconds``."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["jobbforum_last_used"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["jobbforum_last_used"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get("jobbforum_last_used")
        if last_used is not None and time.monotonic() - last_used < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            # As pool_pre_ping does: the pool discards this connection and every older one
            # (the server they talked to has gone), then opens a new one for this checkout.
            raise sa.exc.InvalidatePoolError(str(error)) from error
