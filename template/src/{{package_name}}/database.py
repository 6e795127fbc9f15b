"""Engine, session factory and the request-scoped session dependency."""

import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import URL, Dialect, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from .database_url import POSTGRES_DRIVER, SQLITE_DRIVER, async_database_url, connect_arguments

__all__ = ["POSTGRES_DRIVER", "SQLITE_DRIVER", "async_database_url", "create_engine"]
logger = logging.getLogger(__name__)

# Whether the request being served only reads: SQLite then begins its transactions deferred.
reading_request: ContextVar[bool] = ContextVar("reading_request", default=False)
READING_METHODS = {"GET", "HEAD"}
# Seconds. A database that accepts connections and never answers gets a 503 this soon.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_STATEMENT_TIMEOUT = 10.0


def create_engine(
    url: str | URL,
    *,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
    **kwargs: Any,
) -> AsyncEngine:
    """An engine whose waits are bounded: for a connection (from the server or the pool, each
    `connect_timeout`), for a statement's answer (SQLite: for another writer's lock).
    PostgreSQL connections are pinged at checkout unless `pool_pre_ping=False`."""
    parsed = async_database_url(url)
    arguments = connect_arguments(parsed, connect_timeout, statement_timeout)
    arguments |= kwargs.pop("connect_args", {})
    if "poolclass" not in kwargs and parsed.database not in (None, "", ":memory:"):
        kwargs.setdefault("pool_timeout", connect_timeout)
    pre_ping = kwargs.pop("pool_pre_ping", True)
    engine = create_async_engine(parsed, **kwargs)
    # A PostgreSQL URL's parameters reach the driver as `arguments`, by the driver's names.
    replaced = set(parsed.query) if parsed.get_backend_name() == "postgresql" else set()
    event.listen(engine.sync_engine, "do_connect", partial(connect, replaced, arguments))
    event.listen(engine.sync_engine, "handle_error", driver_error_as_database_error)
    if engine.dialect.name == "sqlite":
        _use_sqlite_transactions(engine)
    elif pre_ping:
        event.listen(engine.sync_engine, "checkout", partial(ping, engine.dialect))
    return engine


def connect(
    replaced: set[str],
    arguments: dict[str, Any],
    dialect: Dialect,
    _record: Any,
    cargs: tuple[Any, ...],
    cparams: dict[str, Any],
) -> Any:
    """The driver's connection, given `arguments` instead of the `replaced` URL parameters; a
    server it cannot reach (asyncpg raises OSError: refused, timed out) as the driver's
    OperationalError, which the service answers with a 503."""
    for name in replaced:
        cparams.pop(name, None)
    cparams.update(arguments)
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as error:
        reason = f"{type(error).__name__}: {str(error) or 'no answer in time'}"
        raise dialect.loaded_dbapi.OperationalError(reason) from error


def ping(dialect: Dialect, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """SQLAlchemy's pessimistic disconnect handling (pool_pre_ping) as a checkout event, so that
    every failure is a database error: a connection the server closed (a restart) is replaced
    by a new one (DisconnectionError), a server that does not answer in time is a 503."""
    try:
        dialect.do_ping(dbapi_connection)
    except TimeoutError as error:
        raise OperationalError("ping", None, error) from error
    except dialect.loaded_dbapi.Error as error:
        if not dialect.is_disconnect(error, dbapi_connection, None):
            raise OperationalError("ping", None, error) from error
        raise DisconnectionError(f"{type(error).__name__}: {error}") from error
    except OSError as error:  # the driver's own: a connection reset
        raise DisconnectionError(f"{type(error).__name__}: {error}") from error


def driver_error_as_database_error(context: ExceptionContext) -> DBAPIError | None:
    """asyncpg's and psycopg's own OSError and TimeoutError (a lost connection, a client-side
    timeout) as SQLAlchemy's DBAPIError, like every other database error."""
    error = context.original_exception
    if context.sqlalchemy_exception is None and isinstance(error, OSError):
        return OperationalError(context.statement, context.parameters, error)
    return None


def _use_sqlite_transactions(engine: AsyncEngine) -> None:
    """Let SQLite honour BEGIN and SAVEPOINT as SQLAlchemy issues them, one writer at a time.

    The sqlite3 driver defers BEGIN until the first write, so a SAVEPOINT outside it starts
    (and its RELEASE commits) a transaction of its own. These are SQLAlchemy's documented hooks,
    with BEGIN IMMEDIATE: a transaction that read first and then writes could not upgrade its
    lock while another reader holds one ("database is locked", at once, whatever the busy
    timeout); taking the write lock at BEGIN makes concurrent writers wait their turn instead.
    A request that only reads (GET) begins deferred: it never waits for a writer.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _disable_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _emit_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if reading_request.get() else "BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; tests override this dependency.

    Its clean-up (closing the session, which rolls back what was not committed) runs once the
    response has started: a connection lost by then is logged, and the response still ends.
    """
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    session = sessionmaker()
    try:
        reading_request.set(request.method in READING_METHODS)
        yield session
    finally:
        try:
            await session.close()
        except SQLAlchemyError as error:
            logger.warning(
                "%s %s: closing its session failed (%s)", request.method, request.url.path, error
            )


SessionDep = Annotated[AsyncSession, Depends(get_session)]
