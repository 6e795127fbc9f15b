"""Ticket operations, independent of HTTP."""

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Ticket
from .schemas import TicketCreate


class TicketNotFoundError(LookupError):
    pass


class TicketAlreadySoldError(RuntimeError):
    pass


async def list_tickets(session: AsyncSession) -> Sequence[Ticket]:
    return (await session.scalars(select(Ticket).order_by(Ticket.id))).all()


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


async def buy_ticket(session: AsyncSession, ticket_id: int, user: str) -> Ticket:
    """Sell the ticket to `user` in one conditional UPDATE, so concurrent buyers cannot both win."""
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.is_sold.is_(False))
        .values(is_sold=True, sold_to=user)
        .returning(Ticket)
    )
    sold = result.scalar_one_or_none()
    if sold is None:
        await session.rollback()
        if await session.get(Ticket, ticket_id) is None:
            raise TicketNotFoundError(ticket_id)
        raise TicketAlreadySoldError(ticket_id)
    await session.commit()
    return sold
