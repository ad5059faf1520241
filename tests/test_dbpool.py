"""Pooled connections are pinged before use only after sitting idle (jobbforum/dbpool.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from jobbforum.dbpool import ping_when_idle


@pytest.fixture()
def engine(db_url: str) -> Any:
    engine = sa.create_engine(db_url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture()
def pings(engine: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        calls.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return calls


def test_a_busy_connection_is_not_pinged(engine, pings):
    ping_when_idle(engine, idle_seconds=60)
    for _ in range(5):
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT 1")) == 1
    assert pings == []


def test_an_idle_connection_is_pinged(engine, pings):
    ping_when_idle(engine, idle_seconds=0)
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT 1")) == 1
    assert len(pings) == 3


@pytest.mark.postgres_only
def test_a_connection_closed_while_idle_is_replaced(engine, pings):
    """The server ends the pooled connection (as a restart or idle timeout does): after the
    idle time the ping notices and the pool opens a new one; the caller sees nothing."""
    ping_when_idle(engine, idle_seconds=0)
    with engine.connect() as conn:
        first = conn.scalar(sa.text("SELECT pg_backend_pid()"))
    with sa.create_engine(engine.url, poolclass=sa.pool.NullPool).connect() as admin:
        assert admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_backend_pid()")) != first
    assert pings


@pytest.mark.postgres_only
def test_a_connection_closed_while_busy_fails_once_then_recovers(engine, pings):
    """Within the idle time there is no ping: the first statement on the dead connection fails
    (the app answers 503, retryable) and the pool replaces it for the next request."""
    ping_when_idle(engine, idle_seconds=60)
    with engine.connect() as conn:
        first = conn.scalar(sa.text("SELECT pg_backend_pid()"))
    with sa.create_engine(engine.url, poolclass=sa.pool.NullPool).connect() as admin:
        admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    with pytest.raises(sa.exc.OperationalError), engine.connect() as conn:
        conn.scalar(sa.text("SELECT 1"))
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_backend_pid()")) != first
    assert pings == []


@pytest.mark.postgres_only
def test_a_failed_ping_replaces_the_older_connections_too(db_url, pings):
    """A restart seen by one idle connection's ping retires the whole pool (as pool_pre_ping
    does), so a connection used moments before the restart is not handed out dead."""
    engine = sa.create_engine(db_url, pool_size=2, max_overflow=0)
    try:
        ping_when_idle(engine, idle_seconds=0.5)
        first, second = engine.connect(), engine.connect()
        pids = [c.scalar(sa.text("SELECT pg_backend_pid()")) for c in (first, second)]
        first.close()
        time.sleep(0.7)
        second.close()  # back in the pool just now: no ping for it
        with sa.create_engine(db_url, poolclass=sa.pool.NullPool).connect() as admin:
            for pid in pids:  # as a restart of PostgreSQL would
                admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with engine.connect() as a, engine.connect() as b:
            assert {a.scalar(sa.text("SELECT pg_backend_pid()")),
                    b.scalar(sa.text("SELECT pg_backend_pid()"))}.isdisjoint(pids)
    finally:
        engine.dispose()


def test_the_autocommit_pool_is_made_like_the_apps_own(db_url, tmp_path):
    """PostgreSQL: a second pool, its connections in autocommit from the start (nothing to
    switch or reset), with the app's engine options; SQLite: none."""
    from jobbforum.app import create_app
    from jobbforum.dbpool import AUTOCOMMIT_KEY, dispose
    from tests.conftest import app_config

    app = create_app({**app_config(db_url, tmp_path), "RATELIMIT_ENABLED": False,  # as the
                      # session's app has it: the limiter is one object for every app
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 2, "max_overflow": 1}})
    try:
        auto = app.extensions.get(AUTOCOMMIT_KEY)
        if db_url.startswith("sqlite"):
            assert auto is None
            return
        assert auto.pool.size() == 2 and auto.pool._max_overflow == 1
        with auto.connect() as conn:
            assert conn.connection.dbapi_connection.autocommit is True
            conn.execute(sa.text("CREATE TEMPORARY TABLE t (x int)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        with auto.connect() as conn:  # the same connection: the insert was committed at once
            assert conn.scalar(sa.text("SELECT count(*) FROM t")) == 1
            assert conn.connection.dbapi_connection.autocommit is True
    finally:
        dispose(app)


_PAIR = sa.select(sa.bindparam("a", type_=sa.Integer), sa.bindparam("b", type_=sa.String))


class _Shouted(sa.types.TypeDecorator):  # a type whose values are converted on the way in
    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        return None if value is None else value.upper()


def test_one_row_converts_values_as_core_does_and_refuses_what_it_cannot_send(engine):
    """Each parameter goes through its type's conversion, named or anonymous (a literal), as
    with Core; a statement whose parameters the driver would need rewritten (an IN list, a name
    the driver cannot take) is refused at once rather than sent wrong."""
    from jobbforum.dbpool import one_row

    statement = sa.select(sa.bindparam("word", type_=_Shouted), sa.literal("tyst", _Shouted))
    with engine.connect() as conn:
        expected = tuple(conn.execute(statement, {"word": "hej"}).one())
    assert one_row(engine, statement, {"word": "hej"}) == expected == ("HEJ", "TYST")
    for refused in (sa.select(sa.literal(1)).where(sa.literal(1).in_([1, 2])),
                    sa.select(sa.bindparam("a.b", type_=sa.Integer))):
        with pytest.raises(ValueError, match="plain parameters"):
            one_row(engine, refused, {"a.b": 1})
    assert engine.pool.checkedout() == 0


def test_one_row_answers_as_core_does_and_gives_the_connection_back(engine):
    """dbpool.one_row (the driver-level path of a door's scan): the same values as
    ``Connection.execute(...).one()``, the statement compiled once, the pool's connection back."""
    from jobbforum.dbpool import one_row

    with engine.connect() as conn:
        expected = tuple(conn.execute(_PAIR, {"a": 7, "b": "sju"}).one())
    assert one_row(engine, _PAIR, {"a": 7, "b": "sju"}) == expected == (7, "sju")
    assert one_row(engine, _PAIR, {"a": None, "b": "åtta"}) == (None, "åtta")
    assert engine.pool.checkedout() == 0
    with pytest.raises(sa.exc.NoResultFound):
        one_row(engine, sa.select(sa.literal(1)).where(sa.false()), {})
    assert engine.pool.checkedout() == 0


def test_one_row_raises_sqlalchemys_errors_and_keeps_the_connection(engine):
    """A statement that fails raises SQLAlchemy's exception for the driver's (the app's error
    handlers know those), and the connection, still good, goes back to the pool for reuse."""
    from jobbforum.dbpool import one_row

    pid = sa.select(sa.func.pg_backend_pid() if engine.dialect.name == "postgresql"
                    else sa.literal(0))
    first = one_row(engine, pid, {})
    with pytest.raises(sa.exc.DBAPIError) as raised:
        one_row(engine, sa.text("SELECT no_such_column FROM no_such_table"), {})
    assert not raised.value.connection_invalidated
    assert engine.pool.checkedout() == 0
    assert one_row(engine, pid, {}) == first


@pytest.mark.postgres_only
def test_one_row_on_a_dead_connection_fails_once_as_operational_then_recovers(engine, pings):
    """As for the app's pool: a connection whose server went away fails its statement with
    ``sa.exc.OperationalError`` (503 in the app), is discarded, and the next call gets a new
    one; a database that cannot be reached at all is the same error, not the driver's."""
    from jobbforum.dbpool import one_row

    ping_when_idle(engine, idle_seconds=60)
    pid = sa.select(sa.func.pg_backend_pid())
    (first,) = one_row(engine, pid, {})
    with sa.create_engine(engine.url, poolclass=sa.pool.NullPool).connect() as admin:
        admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    with pytest.raises(sa.exc.OperationalError) as raised:
        one_row(engine, pid, {})
    assert raised.value.connection_invalidated
    assert engine.pool.checkedout() == 0
    assert one_row(engine, pid, {}) != (first,)
    nowhere = sa.create_engine(engine.url.set(host="127.0.0.1", port=1),
                               connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(sa.exc.OperationalError):
            one_row(nowhere, pid, {})
    finally:
        nowhere.dispose()


@pytest.mark.postgres_only
def test_one_row_after_a_restart_replaces_the_whole_pool(db_url):
    """The server went away under every pooled connection: the first statement fails (503 in
    the app) and the pool is replaced, so the next calls do not each fail in turn."""
    from jobbforum.dbpool import one_row

    engine = sa.create_engine(db_url, pool_size=4, max_overflow=0)
    pid = sa.select(sa.func.pg_backend_pid())
    try:
        held = [engine.raw_connection() for _ in range(4)]
        pids = []
        for connection in held:
            cursor = connection.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
            cursor.close()
        for connection in held:
            connection.close()
        with sa.create_engine(db_url, poolclass=sa.pool.NullPool).connect() as admin:
            for backend in pids:  # as a restart of PostgreSQL would
                admin.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        failures = 0
        for _ in range(6):
            try:
                assert one_row(engine, pid, {})[0] not in pids
            except sa.exc.OperationalError:
                failures += 1
        assert failures == 1
    finally:
        engine.dispose()


class _Interrupted(BaseException):
    """Like a green thread's timeout: not an Exception, raised in the middle of a statement."""


@pytest.mark.postgres_only
def test_one_row_interrupted_mid_statement_never_reuses_that_connection(db_url):
    """A statement cut short by something that is not an error (a timeout in a green thread)
    leaves its connection busy: it is discarded, not given to the next caller (the autocommit
    pool does not reset connections on return, so nothing else would notice)."""
    import signal

    from jobbforum.dbpool import one_row

    engine = sa.create_engine(db_url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None,
                              pool_size=1, max_overflow=0)
    pid = sa.select(sa.func.pg_backend_pid())
    (first,) = one_row(engine, pid, {})

    def interrupt(_signum, _frame):  # type: ignore[no-untyped-def]
        raise _Interrupted()

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(_Interrupted):
            one_row(engine, sa.select(sa.func.pg_sleep(2)), {})
        assert engine.pool.checkedout() == 0
        (second,) = one_row(engine, pid, {})
        assert second != first
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        engine.dispose()
