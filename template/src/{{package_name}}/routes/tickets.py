"""HTTP routes for tickets.

`/all`, `/create`, `/buy` and `GET /{id}` answer with a `TicketRead`; the paged list, the price
change and the deletion speak of `TicketDetail`, which names the ticket's event too.
"""

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from .. import ticket_service
from ..database import SessionDep
from ..errors import (
    BODY_RESPONSES,
    CONFLICT_RESPONSE,
    ERROR_RESPONSES,
    NOT_FOUND_RESPONSE,
    Responses,
)
from ..pagination import DEFAULT_LIMIT, AfterId, Limit, Offset
from ..schemas import (
    MAX_INT,
    PriceUpdate,
    PurchaseRequest,
    QueryBool,
    TicketCreate,
    TicketDetail,
    TicketList,
    TicketPage,
    TicketRead,
)

router = APIRouter(prefix="/tickets", tags=["tickets"], responses=ERROR_RESPONSES)
TicketIdPath = Annotated[int, Path(ge=1, le=MAX_INT)]

NOT_FOUND_OR_SOLD_RESPONSES: Responses = {**NOT_FOUND_RESPONSE, **CONFLICT_RESPONSE}


@router.get("/all")
async def list_tickets(
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    after_id: AfterId = None,
) -> TicketList:
    """One bounded page of every ticket: `limit` tickets (50 by default) from `offset`."""
    found = await ticket_service.list_tickets(session, limit, offset, after_id)
    return TicketList(tickets=[TicketRead.model_validate(ticket) for ticket in found])


@router.get("")
async def list_ticket_page(
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    after_id: AfterId = None,
    is_sold: QueryBool | None = None,
    event_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
) -> TicketPage:
    found, total = await ticket_service.list_ticket_page(
        session, limit, offset, after_id, is_sold, event_id
    )
    return TicketPage(
        items=[TicketDetail.model_validate(ticket) for ticket in found],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post("/create", status_code=status.HTTP_201_CREATED, responses=BODY_RESPONSES)
async def create_ticket(data: TicketCreate, session: SessionDep) -> TicketRead:
    return TicketRead.model_validate(await ticket_service.create_ticket(session, data))


@router.post("/buy", responses={**NOT_FOUND_OR_SOLD_RESPONSES, **BODY_RESPONSES})
async def buy_ticket(purchase: PurchaseRequest, session: SessionDep) -> TicketRead:
    sold = await ticket_service.buy_ticket(session, purchase.ticket_id, purchase.user)
    return TicketRead.model_validate(sold)


@router.get("/{ticket_id:id}", responses=NOT_FOUND_RESPONSE)
async def get_ticket(ticket_id: TicketIdPath, session: SessionDep) -> TicketRead:
    return TicketRead.model_validate(await ticket_service.get_ticket(session, ticket_id))


@router.patch("/{ticket_id:id}", responses={**NOT_FOUND_OR_SOLD_RESPONSES, **BODY_RESPONSES})
async def change_price(
    ticket_id: TicketIdPath, data: PriceUpdate, session: SessionDep
) -> TicketDetail:
    """Change the price of a ticket that is not sold yet (409 once it is)."""
    changed = await ticket_service.change_price(session, ticket_id, data.price)
    return TicketDetail.model_validate(changed)


@router.delete(
    "/{ticket_id:id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND_OR_SOLD_RESPONSES,
)
async def delete_ticket(ticket_id: TicketIdPath, session: SessionDep) -> None:
    """Delete a ticket that is not sold yet (409 once it is)."""
    await ticket_service.delete_ticket(session, ticket_id)
