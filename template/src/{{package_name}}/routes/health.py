"""Readiness: 200 when the database answers, holds every table and column the models use and is
not at a revision older than the migrations' head.

Otherwise 503, saying whether the database is unreachable, busy (a locked SQLite file), not
migrated (by the error's code, as for every route) or behind.
"""

import logging

from fastapi import APIRouter, Response, status
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from ..database import SessionDep
from ..database_errors import BUSY, NOT_READY, database_problem, one_line
from ..models import Base
from ..schemas import DatabaseState, HealthStatus

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


# What each 503 message of `database_errors.py` means for the database's state.
STATES: dict[str | None, DatabaseState] = {BUSY: "busy", NOT_READY: "not migrated"}


@router.get(
    "/health",
    responses={status.HTTP_503_SERVICE_UNAVAILABLE: {"model": HealthStatus}},
)
async def health(session: SessionDep, response: Response) -> HealthStatus:
    # Alembic is imported by the first health check, not with the app (see main.py's lifespan).
    from ..migrate import is_behind

    try:
        await session.execute(text("SELECT 1"))
        # First: a database behind the head also lacks the newer revisions' columns.
        if await session.run_sync(lambda sync: is_behind(sync.connection())):
            return unavailable(response, "behind", "older than the migrations' head")
        for table in Base.metadata.sorted_tables:
            await session.execute(select(*table.columns).limit(0))
    except SQLAlchemyError as error:
        state = STATES.get(database_problem(error), "unreachable")
        return unavailable(response, state, one_line(error))
    return HealthStatus(status="ok", database="ok")


def unavailable(response: Response, database: DatabaseState, cause: str) -> HealthStatus:
    logger.warning("GET /health: 503 database %s (%s)", database, cause)
    response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return HealthStatus(status="unavailable", database=database)
