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
MAX_OFFSET = 10_000
MAX_TOTAL = MAX_OFFSET + MAX_PAGE_SIZE
NUMBER_ONLY = BeforeValidator(json_number)  # after the bounds, or they leave the JSON schema
Price = Annotated[int, Field(ge=0, le=MAX_INT), NUMBER_ONLY]
TicketId = Annotated[int, Field(ge=1, le=MAX_INT), NUMBER_ONLY]
Capacity = Annotated[int, Field(ge=0, le=MAX_INT), NUMBER_ONLY]
# Text is stored as sent, less the whitespace at its ends, and must read as it displays: no
# control characters (NUL: PostgreSQL's TEXT cannot hold it) and no bidirectional overrides.
FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# What displays as nothing: spaces and format characters (zero-width, byte order mark, ...).
INVISIBLE = r" \xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb"
# The rule in the OpenAPI schema, so that clients (and schemathesis) know it too.
TEXT_PATTERN = f"^[^{FORBIDDEN}]*[^{FORBIDDEN}{INVISIBLE}][^{FORBIDDEN}]*$"


def readable_text(value: str) -> str:
    if re.search(f"[{FORBIDDEN}]", value):
        raise PydanticCustomError(
            "text_forbidden_character",
            "Text must not contain control characters or bidirectional overrides",
        )
    if not re.search(f"[^{INVISIBLE}]", value):
        raise PydanticCustomError("text_blank", "Text must contain a visible character")
    return value.strip()


Text = Annotated[
    str,
    Field(max_length=255, json_schema_extra={"pattern": TEXT_PATTERN}),
    AfterValidator(readable_text),
]
UserName = Text
# A timezone is required, and a year from 1901 to 9998 as written: whatever the offset, the
# instant then converts to UTC and back. The pattern states the bound in the OpenAPI schema.
STARTS_AT_PATTERN = r"^(19(0[1-9]|[1-9][0-9])|[2-8][0-9]{3}|9([0-8][0-9]{2}|9([0-8][0-9]|9[0-8])))-"
FIRST_YEAR, LAST_YEAR = 1901, 9998
STARTS_AT_FORMAT = f"a date and time from year {FIRST_YEAR} to {LAST_YEAR} with a timezone"


def year_in_range(value: object) -> object:
    """A string as JSON carries it (never a number: seconds since when?), its year in range."""
    in_range = (
        re.match(STARTS_AT_PATTERN, value)
        if isinstance(value, str)
        else isinstance(value, datetime) and FIRST_YEAR <= value.year <= LAST_YEAR
    )
    if not in_range:
        raise PydanticCustomError(
            "datetime_format", f"Input should be {STARTS_AT_FORMAT}, like 2030-06-01T20:00:00Z"
        )
    return value


StartsAt = Annotated[
    AwareDatetime,
    BeforeValidator(year_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": STARTS_AT_PATTERN}),
]


def true_or_false(value: object) -> object:
    """A query's boolean as JSON writes it: `true` or `false`, not `yes`, `on` or `1`."""
    if value not in ("true", "false", True, False):
        raise PydanticCustomError("bool_parsing", "Input should be true or false")
    return value


QueryBool = Annotated[bool, BeforeValidator(true_or_false)]


class RequestBody(BaseModel):
    """A request's body: a field it does not have is a 422 that names it, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class TicketCreate(RequestBody):
    """A ticket is sold exactly when it has a buyer (the database checks it too)."""

    # The rule for clients and schemathesis; if/then/else, as an anyOf would make a generated
    # client (openapi-python-client) split TicketCreate in two and fail on `const: false`.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"is_sold": {"const": True}}, "required": ["is_sold"]},
            "then": {"properties": {"sold_to": {"type": "string"}}, "required": ["sold_to"]},
            "else": {"properties": {"sold_to": {"type": "null"}}},
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


class EventTicketCreate(RequestBody):
    price: Price


class PriceUpdate(RequestBody):
    price: Price


class PurchaseRequest(RequestBody):
    ticket_id: TicketId
    user: UserName


class EventCreate(RequestBody):
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
    """One page of a list: `total` counts the matches (at most MAX_TOTAL), `items` holds at most
    `limit` of them."""

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


DatabaseState = Literal["ok", "unreachable", "busy", "not migrated", "behind"]


class HealthStatus(BaseModel):
    status: Literal["ok", "unavailable"]
    database: DatabaseState
