"""Request and response bodies."""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

# Bounded so that any accepted value fits PostgreSQL's INTEGER and TEXT columns.
MAX_INT = 2_147_483_647
MAX_PAGE_SIZE = 100
Price = Annotated[int, Field(ge=0, le=MAX_INT)]
TicketId = Annotated[int, Field(ge=1, le=MAX_INT)]
Capacity = Annotated[int, Field(ge=0, le=MAX_INT)]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^\x00]*$"),
]
UserName = Text
# A timezone is required; the bounds keep every value convertible to UTC.
StartsAt = Annotated[
    AwareDatetime,
    Field(gt=datetime(1900, 1, 1, tzinfo=UTC), lt=datetime(9999, 1, 1, tzinfo=UTC)),
]


class TicketCreate(BaseModel):
    price: Price
    is_sold: bool = False
    sold_to: UserName | None = None


class TicketRead(BaseModel):
    """A ticket as the seed routes return it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    price: int
    is_sold: bool
    sold_to: str | None


class TicketDetail(TicketRead):
    """A ticket as the newer routes return it, with the event it belongs to."""

    event_id: int | None


class TicketList(BaseModel):
    tickets: list[TicketRead]


class EventTicketCreate(BaseModel):
    price: Price


class PriceUpdate(BaseModel):
    price: Price


class PurchaseRequest(BaseModel):
    ticket_id: TicketId
    user: UserName


class EventCreate(BaseModel):
    name: Text
    venue: Text
    starts_at: StartsAt
    capacity: Capacity


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    venue: str
    starts_at: datetime
    capacity: int

    @field_validator("starts_at")
    @classmethod
    def in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class Page(BaseModel):
    """One page of a list: `total` counts every match, `items` holds at most `limit` of them."""

    total: int
    limit: int
    offset: int


class TicketPage(Page):
    items: list[TicketDetail]


class EventPage(Page):
    items: list[EventRead]


class ErrorDetail(BaseModel):
    """The body of every 4xx and 503 answer except 422 (whose `detail` is a list of errors)."""

    detail: str


class HealthStatus(BaseModel):
    status: str
    database: str
