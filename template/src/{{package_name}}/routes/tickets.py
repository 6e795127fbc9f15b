"""HTTP routes for tickets; the paths and bodies match the seed service's contract."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status
from sqlalchemy.ext.asyncio import AsyncSession

from .. import tickets
from ..database import get_session
from ..schemas import MAX_INT, ErrorDetail, PurchaseRequest, TicketCreate, TicketList, TicketRead

router = APIRouter(prefix="/tickets", tags=["tickets"])
Session = Annotated[AsyncSession, Depends(get_session)]

NOT_FOUND = "Ticket was not found"
ALREADY_SOLD = "Ticket has already been sold"


@router.get("/all")
async def list_tickets(session: Session) -> TicketList:
    found = await tickets.list_tickets(session)
    return TicketList(tickets=[TicketRead.model_validate(ticket) for ticket in found])


@router.post("/create", status_code=status.HTTP_201_CREATED)
async def create_ticket(data: TicketCreate, session: Session) -> TicketRead:
    return TicketRead.model_validate(await tickets.create_ticket(session, data))


@router.post(
    "/buy",
    responses={
        status.HTTP_404_NOT_FOUND: {"model": ErrorDetail},
        status.HTTP_409_CONFLICT: {"model": ErrorDetail},
    },
)
async def buy_ticket(purchase: PurchaseRequest, session: Session) -> TicketRead:
    try:
        sold = await tickets.buy_ticket(session, purchase.ticket_id, purchase.user)
    except tickets.TicketNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from None
    except tickets.TicketAlreadySoldError:
        raise HTTPException(status.HTTP_409_CONFLICT, ALREADY_SOLD) from None
    return TicketRead.model_validate(sold)


@router.get("/{ticket_id}", responses={status.HTTP_404_NOT_FOUND: {"model": ErrorDetail}})
async def get_ticket(
    ticket_id: Annotated[int, Path(ge=1, le=MAX_INT)], session: Session
) -> TicketRead:
    try:
        return TicketRead.model_validate(await tickets.get_ticket(session, ticket_id))
    except tickets.TicketNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND) from None
