"""Query parameters shared by the list routes."""

from typing import Annotated

from fastapi import Query

from ..schemas import MAX_INT, MAX_PAGE_SIZE

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="Items to skip")]
DEFAULT_LIMIT = 50
