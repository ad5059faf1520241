"""Connection pools: connections are checked before use only when they sat idle, and a second
pool of autocommit connections serves statements that are a transaction on their own
(:func:`init_autocommit_pool`).

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

import functools
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
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


#: Where :func:`init_autocommit_pool` keeps the app's autocommit engine (``app.extensions``).
AUTOCOMMIT_KEY = "jobbforum.autocommit_engine"


def init_autocommit_pool(app: Flask, engine: sa.Engine, idle_seconds: float) -> None:
    """Give ``app`` a second pool on ``engine``'s PostgreSQL database whose connections stay in
    autocommit, for work that is one atomic statement (a door's check-in: see
    ``checkin.redeem``). Switching a pooled connection into autocommit for one statement and
    back costs more client work than the statement's own round trip; these never switch, and
    nothing needs resetting when they go back. Connections open on first use. SQLite has no
    such pool (:func:`autocommit_engine` answers None there)."""
    if engine.dialect.name != "postgresql":
        return
    options = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),  # as the app's own pool
               "isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None,
               "skip_autocommit_rollback": True}
    auto = sa.create_engine(engine.url, **options)
    ping_when_idle(auto, idle_seconds)
    app.extensions[AUTOCOMMIT_KEY] = auto


def autocommit_engine() -> sa.Engine | None:
    """The current app's autocommit pool (:func:`init_autocommit_pool`), or None."""
    return current_app.extensions.get(AUTOCOMMIT_KEY)


@functools.lru_cache(maxsize=32)
def _compiled(statement: sa.Executable, dialect: sa.Dialect,
              ) -> tuple[Any, str, tuple[tuple[str, Any], ...]]:
    """``statement`` compiled once for ``dialect``: the compiled form, its SQL in the driver's
    parameter style, and the bind processors of the parameters that have one."""
    compiled = statement.compile(dialect=dialect)
    processors = tuple((key, processor) for key, bind in compiled.binds.items()
                       if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)))
    return compiled, str(compiled), processors


def one_row(engine: sa.Engine, statement: sa.Executable, params: Mapping[str, Any],
            ) -> tuple[Any, ...]:
    """The one row of ``statement`` run with ``params`` on a connection of ``engine``'s pool,
    at the driver's level: as ``Connection.execute(statement, params).one()`` but for a plain
    tuple of the driver's values, at about a third of the client work (no Connection, execution
    context or Result objects). For the hottest statement only, a door's check-in on the
    autocommit pool (:func:`init_autocommit_pool`), where that work was an eighth of the app's.

    The pool is the same (checkout, the idle ping, return) and so are the errors: the driver's
    become SQLAlchemy's (a lost database is ``sa.exc.OperationalError``, answered 503), and a
    connection found dead is discarded. Unlike ``Connection`` this does not also recycle the
    pool's older connections at once: each that died with the server fails one statement and is
    replaced (those idle are pinged before use anyway); a scanner retries with its nonce.
    """
    compiled, sql, processors = _compiled(statement, engine.dialect)
    values = compiled.construct_params(params)
    for key, processor in processors:
        values[key] = processor(values[key])
    parameters: Any = ([values[key] for key in compiled.positiontup] if compiled.positional
                       else values)
    dialect = engine.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    connection = cursor = None
    try:
        connection = engine.raw_connection()
        cursor = connection.cursor()
        cursor.execute(sql, parameters)
        row = cursor.fetchone()
    except dbapi_error as error:
        gone = connection is not None and dialect.is_disconnect(
            error, connection.dbapi_connection, cursor)
        if gone:
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(sql, parameters, error, dbapi_error,
                                         hide_parameters=engine.hide_parameters,
                                         connection_invalidated=gone,
                                         dialect=dialect) from error
    finally:
        if cursor is not None:
            cursor.close()
        if connection is not None:
            connection.close()  # back to the pool (or discarded, when invalidated)
    if row is None:
        raise sa.exc.NoResultFound("The statement returned no row.")
    return tuple(row)


def dispose(app: Flask) -> None:
    """Close the pooled connections of ``app``'s engines, the autocommit pool's too."""
    from jobbforum.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    if (auto := app.extensions.get(AUTOCOMMIT_KEY)) is not None:
        auto.dispose()
