"""Event operations, independent of HTTP."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from .exceptions import EventNotFoundError
from .models import Event
from .pagination import fetch_page
from .schemas import EventCreate


async def create_event(session: AsyncSession, data: EventCreate) -> Event:
    event = Event(**data.model_dump())
    session.add(event)
    await session.commit()
    return event


async def get_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise EventNotFoundError(event_id)
    return event


async def list_events(
    session: AsyncSession, limit: int, offset: int, after_id: int | None = None
) -> tuple[Sequence[Event], int]:
    return await fetch_page(session, Event, [], limit, offset, after_id)
