"""One error shape: every 4xx and 503 body has a top-level `detail`, and no input makes a 500.

`detail` is a message for 400, 404, 405, 409, 413 and 503, and the list of validation errors
for 422, as FastAPI reports them. The domain's errors (`exceptions.py`) answer 404 or 409 with
their own message; the routes let them through. A database that cannot serve the request answers
503 with a message that says why (`database_errors.py`), and the cause goes to the log.
"""

import logging
import math
from collections.abc import Sequence
from functools import partial
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from .database_errors import database_problem, one_line
from .exceptions import ConflictError, DomainError, NotFoundError
from .schemas import ErrorDetail

logger = logging.getLogger(__name__)
MAX_ECHOED_DEPTH = 20  # levels of a 422's detail (its list, each error, the input) before "..."

# What the routes' `responses=` documents in the OpenAPI schema, by status code.
Responses = dict[int | str, dict[str, Any]]
ERROR_RESPONSES: Responses = {
    status.HTTP_503_SERVICE_UNAVAILABLE: {
        "model": ErrorDetail,
        "description": "The database cannot serve the request now",
    }
}
NOT_FOUND_RESPONSE: Responses = {status.HTTP_404_NOT_FOUND: {"model": ErrorDetail}}
CONFLICT_RESPONSE: Responses = {status.HTTP_409_CONFLICT: {"model": ErrorDetail}}
# Routes that read a body: FastAPI answers 400 to one it cannot read as text, 413 to one too large.
BODY_RESPONSES: Responses = {
    status.HTTP_400_BAD_REQUEST: {"model": ErrorDetail, "description": "The body cannot be read"},
    status.HTTP_413_CONTENT_TOO_LARGE: {
        "model": ErrorDetail,
        "description": "The body is larger than the service accepts",
    },
}


# The status each kind of domain error answers with.
DOMAIN_ERROR_STATUS: dict[type[DomainError], int] = {
    NotFoundError: status.HTTP_404_NOT_FOUND,
    ConflictError: status.HTTP_409_CONFLICT,
}


async def domain_error(status_code: int, _request: Request, error: Exception) -> JSONResponse:
    """The error's own message, under the status of its kind."""
    assert isinstance(error, DomainError)
    return JSONResponse({"detail": error.detail}, status_code=status_code)


async def database_cannot_serve(request: Request, error: Exception) -> JSONResponse:
    problem = database_problem(error)
    if problem is None:
        raise error
    logger.warning("%s %s: 503 %s (%s)", request.method, request.url.path, problem, one_line(error))
    return JSONResponse({"detail": problem}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)


async def invalid_request(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, with the rejected input made encodable: NaN, lone surrogates, raw bytes."""
    assert isinstance(error, RequestValidationError)
    errors = jsonable_encoder(json_safe(error.errors()))
    return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def json_safe(value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict | list | tuple) and depth == MAX_ECHOED_DEPTH:
        return "..."  # deeper input would exhaust the recursion limit here and in the encoder
    if isinstance(value, dict):
        return {json_safe(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item, depth + 1) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


async def http_error(routes: Sequence[BaseRoute], request: Request, error: Exception) -> Response:
    """Starlette's answer, except that a 405 lists in `Allow` every method the path accepts."""
    assert isinstance(error, HTTPException)
    if error.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        error.headers = {"Allow": ", ".join(sorted(allowed_methods(routes, request)))}
    return await http_exception_handler(request, error)


def allowed_methods(routes: Sequence[BaseRoute], request: Request) -> set[str]:
    """The methods of every route whose path matches the request's (one route per method),
    and HEAD wherever GET is (`head_requests.py`)."""
    allowed: set[str] = set()
    for route in routes:
        methods = getattr(route, "methods", None)
        if methods and route.matches(request.scope)[0] is not Match.NONE:
            allowed |= methods
    return allowed | {"HEAD"} if "GET" in allowed else allowed


def add_error_handlers(app: FastAPI, routes: Sequence[BaseRoute]) -> None:
    """The handlers; `routes` are every route of the app, for the 405's `Allow`."""
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, partial(http_error, routes))
    for kind, status_code in DOMAIN_ERROR_STATUS.items():
        app.add_exception_handler(kind, partial(domain_error, status_code))
    for error in (DBAPIError, PoolTimeoutError):
        app.add_exception_handler(error, database_cannot_serve)
