"""HTTP routes for events and the tickets that belong to them."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from .. import event_service, ticket_service
from ..database import SessionDep
from ..errors import BODY_RESPONSES, ERROR_RESPONSES, NOT_FOUND_RESPONSE
from ..exceptions import EventFullError
from ..pagination import DEFAULT_LIMIT, AfterId, Limit, Offset
from ..schemas import (
    MAX_INT,
    ErrorDetail,
    EventCreate,
    EventPage,
    EventRead,
    EventTicketCreate,
    TicketDetail,
)

router = APIRouter(prefix="/events", tags=["events"], responses=ERROR_RESPONSES)
EventIdPath = Annotated[int, Path(ge=1, le=MAX_INT)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=BODY_RESPONSES)
async def create_event(data: EventCreate, session: SessionDep) -> EventRead:
    return EventRead.model_validate(await event_service.create_event(session, data))


@router.get("")
async def list_events(
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    after_id: AfterId = None,
) -> EventPage:
    found, total = await event_service.list_events(session, limit, offset, after_id)
    return EventPage(
        items=[EventRead.model_validate(event) for event in found],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{event_id:id}", responses=NOT_FOUND_RESPONSE)
async def get_event(event_id: EventIdPath, session: SessionDep) -> EventRead:
    return EventRead.model_validate(await event_service.get_event(session, event_id))


@router.post(
    "/{event_id:id}/tickets",
    status_code=status.HTTP_201_CREATED,
    responses={
        **NOT_FOUND_RESPONSE,
        status.HTTP_409_CONFLICT: {"model": ErrorDetail, "description": EventFullError.detail},
        **BODY_RESPONSES,
    },
)
async def create_event_ticket(
    event_id: EventIdPath, data: EventTicketCreate, session: SessionDep
) -> TicketDetail:
    """A new ticket of the event; 409 once it has as many tickets as its capacity."""
    ticket = await ticket_service.create_event_ticket(session, event_id, data.price)
    return TicketDetail.model_validate(ticket)
