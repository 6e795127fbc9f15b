"""Request and response bodies."""

import re
from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


def json_number(value: object) -> object:
    """What JSON Schema calls an integer: a number, `5` or `5.0`, never `"5"` or `false`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Bounded so that any accepted value fits PostgreSQL's INTEGER and TEXT columns.
MAX_INT = 2_147_483_647
MAX_PAGE_SIZE = 100
NUMBER_ONLY = BeforeValidator(json_number)  # after the bounds, or they leave the JSON schema
Price = Annotated[int, Field(ge=0, le=MAX_INT), NUMBER_ONLY]
TicketId = Annotated[int, Field(ge=1, le=MAX_INT), NUMBER_ONLY]
Capacity = Annotated[int, Field(ge=0, le=MAX_INT), NUMBER_ONLY]
# What str.strip() removes, spelled so that JSON Schema, Python and pydantic's regex agree.
WHITESPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Some character besides whitespace, no NUL (PostgreSQL's TEXT cannot hold it), at most 255
# characters as sent; the value kept is stripped.
Text = Annotated[
    str,
    Field(max_length=255, pattern=f"^[^\\x00]*[^\\x00{WHITESPACE}][^\\x00]*$"),
    AfterValidator(str.strip),
]
UserName = Text
# A timezone is required, and a year from 1901 to 9998 as written: whatever the offset, the
# instant then converts to UTC and back. The pattern states the bound in the OpenAPI schema.
STARTS_AT_PATTERN = r"^(19(0[1-9]|[1-9][0-9])|[2-8][0-9]{3}|9([0-8][0-9]{2}|9([0-8][0-9]|9[0-8])))-"
FIRST_YEAR, LAST_YEAR = 1901, 9998


def year_in_range(value: object) -> object:
    if isinstance(value, str) and not re.match(STARTS_AT_PATTERN, value):
        raise PydanticCustomError(
            "string_pattern_mismatch",
            "String should match pattern '{pattern}'",
            {"pattern": STARTS_AT_PATTERN},
        )
    if isinstance(value, datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "datetime_range", f"The year must be from {FIRST_YEAR} to {LAST_YEAR}"
        )
    return value


StartsAt = Annotated[
    AwareDatetime,
    BeforeValidator(year_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": STARTS_AT_PATTERN}),
]


class TicketCreate(BaseModel):
    """A ticket is sold exactly when it has a buyer (the database checks it too)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"is_sold": {"const": False}, "sold_to": {"type": "null"}}},
                {
                    "properties": {"is_sold": {"const": True}, "sold_to": {"type": "string"}},
                    "required": ["is_sold", "sold_to"],
                },
            ]
        }
    )

    price: Price
    is_sold: StrictBool = False
    sold_to: UserName | None = None

    @model_validator(mode="after")
    def sold_with_a_buyer(self) -> Self:
        if self.is_sold != (self.sold_to is not None):
            raise ValueError("a sold ticket needs sold_to, and an unsold ticket must not have one")
        return self


class TicketRead(BaseModel):
    """A ticket as `/all`, `/create`, `/buy` and `GET /tickets/{id}` return it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    price: int
    is_sold: bool
    sold_to: str | None


class TicketDetail(TicketRead):
    """A ticket with the event it belongs to, as the paged list and the changes return it."""

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


DatabaseState = Literal["ok", "unreachable", "not migrated"]


class HealthStatus(BaseModel):
    status: Literal["ok", "unavailable"]
    database: DatabaseState
