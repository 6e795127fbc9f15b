"""One error shape: every 4xx and 503 body has a top-level `detail`.

`detail` is a message for 404, 409 and 503 (and Starlette's 404/405), and the list of
validation errors for 422, as FastAPI reports them. A database that cannot be reached answers
503 with a JSON body instead of a 500 traceback.
"""

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .schemas import ErrorDetail

DATABASE_UNAVAILABLE = "The database is unavailable, try again later"
# Raised when the server is down, refuses connections or the pool has none left to give.
DATABASE_DOWN_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    PoolTimeoutError,
    OSError,
)
# What the routes' `responses=` documents in the OpenAPI schema, by status code.
Responses = dict[int | str, dict[str, Any]]
ERROR_RESPONSES: Responses = {
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        "model": ErrorDetail,
        "description": "The database cannot be reached",
    }
}
NOT_FOUND_RESPONSE: Responses = {status.HTTP_404_NOT_FOUND: {"model": ErrorDetail}}


async def database_unavailable(_request: Request, _error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": DATABASE_UNAVAILABLE}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
    )


def add_error_handlers(app: FastAPI) -> None:
    for error in DATABASE_DOWN_ERRORS:
        app.add_exception_handler(error, database_unavailable)
