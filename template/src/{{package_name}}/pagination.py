"""`limit`/`offset` pages of a table, with the total number of matches."""

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Base

Model = TypeVar("Model", bound=Base)


async def fetch_page(
    session: AsyncSession,
    model: type[Model],
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> tuple[Sequence[Model], int]:
    """The rows of `model` that meet every condition, in primary key order, and their count."""
    total = await session.scalar(select(func.count()).select_from(model).where(*conditions))
    query = select(model).where(*conditions).order_by(*inspect(model).primary_key)
    items = (await session.scalars(query.limit(limit).offset(offset))).all()
    return items, total or 0
