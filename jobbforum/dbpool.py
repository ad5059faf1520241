"""Connection pools: connections are checked before use only when they sat idle, and a second
pool of autocommit connections serves statements that are a transaction on their own
(:func:`init_autocommit_pool`).

SQLAlchemy's ``pool_pre_ping`` costs a round trip to the database on every checkout, that is on
every request. A connection given back to the pool moments ago is as good as its last statement;
one that sat idle may have been closed meanwhile (a database restart, an idle timeout, a proxy).
So a connection is pinged only after :data:`DEFAULT_IDLE_SECONDS` idle; when the ping fails the
pool replaces that connection and every older one. A restart while connections are in use is
still caught: the first statement on a dead connection fails, SQLAlchemy then replaces every
older connection of the pool (:func:`one_row` does the same for its pool), and that request
answers 503 ``database_unavailable`` (retryable; the scanner queues and replays).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import event

from jobbforum.extensions import db

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
    parameter style, and the bind processors of the parameters that have one. Only plain
    parameters: none expanded at execution (``IN`` lists), none renamed for the driver."""
    compiled = statement.compile(dialect=dialect)
    if (compiled.post_compile_params or compiled.literal_execute_params
            or compiled.escaped_bind_names):
        raise ValueError("one_row takes statements with plain parameters only")
    processors = tuple((name, processor) for bind, name in compiled.bind_names.items()
                       if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)))
    return compiled, str(compiled), processors


def one_row(engine: sa.Engine, statement: sa.Executable, params: Mapping[str, Any],
            ) -> tuple[Any, ...]:
    """The first row of a single-row ``statement`` run with ``params`` on a connection of
    ``engine``'s pool at the driver's level, as a plain tuple of the driver's values: about a
    third of the client work of ``Connection.execute(statement, params).one()`` (no Connection,
    execution context or Result objects). For the hottest statement only, a door's check-in
    on the autocommit pool (:func:`init_autocommit_pool`), where that work was an eighth of the
    app's. Nothing is committed here: ``engine`` must be an autocommit one for a statement that
    writes. Statements with plain parameters only (see :func:`_compiled`).

    The pool is the same (checkout, the idle ping, return), and so are the answers to failure:
    the driver's errors become SQLAlchemy's (a lost database is ``sa.exc.OperationalError``,
    answered 503), and when a connection turns out dead the pool is replaced, as a
    ``Connection`` replaces every older connection then (the server they talked to has gone);
    a connection interrupted in mid-statement (a timeout in a green thread) is discarded.
    """
    compiled, sql, processors = _compiled(statement, engine.dialect)
    values = compiled.construct_params(params, escape_names=False)
    for name, processor in processors:
        values[name] = processor(values[name])
    parameters: Any = ([values[name] for name in compiled.positiontup] if compiled.positional
                       else values)
    dialect = engine.dialect
    dbapi_error = dialect.loaded_dbapi.Error
    connection = None
    try:
        connection = engine.raw_connection()
        cursor = connection.cursor()
        try:
            cursor.execute(sql, parameters)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except dbapi_error as error:
        gone = connection is not None and dialect.is_disconnect(
            error, connection.dbapi_connection, None)
        if gone:
            connection.invalidate(error)
            engine.dispose()  # the older connections went with the server: a new pool
        raise sa.exc.DBAPIError.instance(sql, parameters, error, dbapi_error,
                                         hide_parameters=engine.hide_parameters,
                                         connection_invalidated=gone,
                                         dialect=dialect) from error
    except BaseException as error:
        if connection is not None and not isinstance(error, Exception):
            connection.invalidate(error)  # its statement may still be running: never reuse it
        raise
    finally:
        if connection is not None:
            connection.close()  # back to the pool (or discarded, when invalidated)
    if row is None:
        raise sa.exc.NoResultFound("The statement returned no row.")
    return tuple(row)


def session_made() -> bool:
    """Whether this app context (a request) has made its ORM session yet, without making one
    (asking ``db.session`` anything would). A door device's scan on PostgreSQL needs none, and
    making, committing and removing an empty one cost about a tenth of its work in the app."""
    return db.session.registry.has()


def dispose(app: Flask) -> None:
    """Close the pooled connections of ``app``'s engines, the autocommit pool's too."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()
    if (auto := app.extensions.get(AUTOCOMMIT_KEY)) is not None:
        auto.dispose()
