"""The routes that more than one test module runs through, as `pytest.param`s."""

import pytest

# Every route that reads or writes the database: (method, path, body).
ROUTES_THAT_NEED_THE_DATABASE = [
    pytest.param("GET", "/tickets/all", None, id="list-all"),
    pytest.param("GET", "/tickets", None, id="list-page"),
    pytest.param("POST", "/tickets/create", {"price": 1}, id="create"),
    pytest.param("POST", "/tickets/buy", {"ticket_id": 1, "user": "ann"}, id="buy"),
    pytest.param("PATCH", "/tickets/1", {"price": 1}, id="change-price"),
    pytest.param("DELETE", "/tickets/1", None, id="delete"),
    pytest.param("GET", "/events", None, id="list-events"),
]
# Sent with each of those requests: the credentials a security dependency of yours asks for.
HEADERS: dict[str, str] = {}
