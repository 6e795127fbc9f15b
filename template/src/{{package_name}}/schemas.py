"""Request and response bodies."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Bounded so that any accepted value fits PostgreSQL's INTEGER and TEXT columns.
MAX_INT = 2_147_483_647
Price = Annotated[int, Field(ge=0, le=MAX_INT)]
TicketId = Annotated[int, Field(ge=1, le=MAX_INT)]
UserName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^\x00]*$"),
]


class TicketCreate(BaseModel):
    price: Price
    is_sold: bool = False
    sold_to: UserName | None = None


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    price: int
    is_sold: bool
    sold_to: str | None


class TicketList(BaseModel):
    tickets: list[TicketRead]


class PurchaseRequest(BaseModel):
    ticket_id: TicketId
    user: UserName


class ErrorDetail(BaseModel):
    detail: str


class HealthStatus(BaseModel):
    status: str
    database: str
