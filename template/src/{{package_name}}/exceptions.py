"""What can go wrong in the domain, whatever the transport; `errors.py` turns each into a response.

Each error carries the message the API answers with, under its status: 404 for what does not
exist, 409 for what the current state of the data forbids.
"""


class DomainError(Exception):
    """An error the API reports as it is; `detail` is the message of its response."""

    detail: str


class NotFoundError(DomainError, LookupError):
    """The request names something that does not exist (404)."""


class ConflictError(DomainError):
    """The request conflicts with the current state of the data (409)."""


class EventNotFoundError(NotFoundError):
    detail = "Event was not found"


class TicketNotFoundError(NotFoundError):
    detail = "Ticket was not found"


class TicketAlreadySoldError(ConflictError):
    detail = "Ticket has already been sold"


class EventFullError(ConflictError):
    detail = "Event has as many tickets as its capacity"
