"""Ticket operations, independent of HTTP.

Every change to a ticket that must not happen once it is sold is one conditional statement
(`... WHERE is_sold IS false`), so concurrent requests cannot both pass the check. A ticket
for an event is created under a lock on the event's row, so concurrent creators cannot all
see room left.
"""

from collections.abc import Sequence
from typing import NoReturn

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .exceptions import (
    EventFullError,
    EventNotFoundError,
    TicketAlreadySoldError,
    TicketNotFoundError,
)
from .models import Event, Ticket
from .pagination import fetch_page
from .schemas import TicketCreate


async def list_tickets(
    session: AsyncSession, limit: int, offset: int, after_id: int | None = None
) -> Sequence[Ticket]:
    query = select(Ticket).order_by(Ticket.id).limit(limit).offset(offset)
    if after_id is not None:
        query = query.where(Ticket.id > after_id)
    return (await session.scalars(query)).all()


async def list_ticket_page(
    session: AsyncSession,
    limit: int,
    offset: int,
    after_id: int | None = None,
    is_sold: bool | None = None,
    event_id: int | None = None,
) -> tuple[Sequence[Ticket], int]:
    conditions: list[ColumnElement[bool]] = []
    if is_sold is not None:
        conditions.append(Ticket.is_sold.is_(is_sold))
    if event_id is not None:
        conditions.append(Ticket.event_id == event_id)
    return await fetch_page(session, Ticket, conditions, limit, offset, after_id)


async def get_ticket(session: AsyncSession, ticket_id: int) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketNotFoundError(ticket_id)
    return ticket


async def create_ticket(session: AsyncSession, data: TicketCreate) -> Ticket:
    ticket = Ticket(**data.model_dump())
    session.add(ticket)
    await session.commit()
    return ticket


async def create_event_ticket(session: AsyncSession, event_id: int, price: int) -> Ticket:
    """A new ticket of the event, unless it already has `capacity` tickets.

    The event's row stays locked until the commit (`FOR UPDATE` on PostgreSQL; SQLite's
    BEGIN IMMEDIATE already admits one writer at a time), so the count cannot go stale.
    """
    capacity = await session.scalar(
        select(Event.capacity).where(Event.id == event_id).with_for_update()
    )
    if capacity is None:
        await session.rollback()
        raise EventNotFoundError(event_id)
    tickets = await session.scalar(
        select(func.count()).select_from(Ticket).where(Ticket.event_id == event_id)
    )
    if (tickets or 0) >= capacity:
        await session.rollback()
        raise EventFullError(event_id)
    ticket = Ticket(price=price, event_id=event_id)
    session.add(ticket)
    await session.commit()
    return ticket


async def buy_ticket(session: AsyncSession, ticket_id: int, user: str) -> Ticket:
    """Sell the ticket to `user` in one conditional UPDATE, so concurrent buyers cannot both win."""
    return await _update_unsold(session, ticket_id, is_sold=True, sold_to=user)


async def change_price(session: AsyncSession, ticket_id: int, price: int) -> Ticket:
    return await _update_unsold(session, ticket_id, price=price)


async def delete_ticket(session: AsyncSession, ticket_id: int) -> None:
    result = await session.execute(
        delete(Ticket).where(Ticket.id == ticket_id, Ticket.is_sold.is_(False)).returning(Ticket.id)
    )
    if result.scalar_one_or_none() is None:
        await _raise_missing_or_sold(session, ticket_id)
    await session.commit()


async def _update_unsold(session: AsyncSession, ticket_id: int, **values: object) -> Ticket:
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.is_sold.is_(False))
        .values(**values)
        .returning(Ticket)
    )
    changed = result.scalar_one_or_none()
    if changed is None:
        await _raise_missing_or_sold(session, ticket_id)
    await session.commit()
    return changed


async def _raise_missing_or_sold(session: AsyncSession, ticket_id: int) -> NoReturn:
    await session.rollback()
    if await session.get(Ticket, ticket_id) is None:
        raise TicketNotFoundError(ticket_id)
    raise TicketAlreadySoldError(ticket_id)
