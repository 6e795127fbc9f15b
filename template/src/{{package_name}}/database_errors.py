"""What a database error means for the client: which ones are a 503, and with what message.

A 503 says why the database cannot serve the request now, truthfully: a locked SQLite file is
busy, not down; a server that cannot be reached is unavailable. Errors not listed here are
bugs, and stay 500s.
"""

import sqlite3

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

UNAVAILABLE = "The database is unavailable, try again later"
TIMED_OUT = "The database did not answer in time, try again later"
BUSY = "The database is busy, try again later"
NO_IDS_LEFT = "The database has no ids left for new rows"
NOT_READY = "The database is not ready: its tables are missing or out of date"

# PostgreSQL's SQLSTATE codes, whole or by the prefix of their class.
SQLSTATE_PROBLEMS = {
    "08": UNAVAILABLE,  # connection exception
    "28": UNAVAILABLE,  # unknown role, wrong password
    "3D000": UNAVAILABLE,  # the database does not exist
    "53": UNAVAILABLE,  # too many connections, disk full, out of memory
    "57P": UNAVAILABLE,  # shutting down, starting up, crashed, database dropped
    "57014": TIMED_OUT,  # statement_timeout
    "2200H": NO_IDS_LEFT,  # the sequence reached its maximum value
    "40001": BUSY,  # serialization failure
    "40P01": BUSY,  # deadlock detected
    "55P03": BUSY,  # lock not available
    "3F000": NOT_READY,  # schema does not exist
    "42P01": NOT_READY,  # table does not exist
    "42703": NOT_READY,  # column does not exist
}
# SQLSTATE 42501 with this message: the role lacks a grant (CONNECT, a table's), the deployment's
# doing; 42501's other cases (a row security policy, "must be owner") are the code's, 500s.
GRANT_MISSING = "permission denied for "
SQLITE_PROBLEMS = {
    "SQLITE_BUSY": BUSY,
    "SQLITE_LOCKED": BUSY,
    "SQLITE_CANTOPEN": UNAVAILABLE,
    "SQLITE_CORRUPT": UNAVAILABLE,
    "SQLITE_FULL": UNAVAILABLE,
    "SQLITE_IOERR": UNAVAILABLE,
    "SQLITE_NOTADB": UNAVAILABLE,
    "SQLITE_READONLY": UNAVAILABLE,  # a file or folder the service's user may not write
}
SQLITE_MISSING_SCHEMA = ("no such table", "no such column", "has no column named")


def database_problem(error: BaseException) -> str | None:
    """The 503 message for `error`, or None when it does not mean the database cannot serve."""
    if isinstance(error, PoolTimeoutError):
        return TIMED_OUT  # no pooled connection came free: whether busy or down, cannot tell
    if not isinstance(error, DBAPIError):
        return None
    cause = error.orig
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate == "42501":
        return UNAVAILABLE if GRANT_MISSING in str(cause) else None
    if isinstance(sqlstate, str):
        found = (
            problem for code, problem in SQLSTATE_PROBLEMS.items() if sqlstate.startswith(code)
        )
        if problem := next(found, None):
            return problem
    elif isinstance(cause, sqlite3.Error):
        return sqlite_problem(cause)
    elif isinstance(cause, OSError):  # the driver's own: lost connection, client-side timeout
        return TIMED_OUT if isinstance(cause, TimeoutError) else UNAVAILABLE
    elif isinstance(error, OperationalError | InterfaceError):
        return UNAVAILABLE  # no server to give a code: refused, reset, unreachable
    return UNAVAILABLE if error.connection_invalidated else None


def one_line(error: BaseException) -> str:
    """The driver's error behind `error` (without SQLAlchemy's SQL and its data), type and message
    on one line for a log: libpq's messages span lines, a client-side TimeoutError has none."""
    cause = getattr(error, "orig", None) or error
    empty = "no answer in time" if isinstance(cause, TimeoutError) else "no message"
    return f"{type(cause).__name__}: {' '.join(str(cause).split()) or empty}"


def sqlite_problem(error: sqlite3.Error) -> str | None:
    if any(missing in str(error) for missing in SQLITE_MISSING_SCHEMA):
        return NOT_READY
    name = getattr(error, "sqlite_errorname", "")  # extended codes too: SQLITE_BUSY_SNAPSHOT
    return next(
        (problem for code, problem in SQLITE_PROBLEMS.items() if name.startswith(code)), None
    )
