"""A client generated from the running service's OpenAPI document, as FastAPI's "Generating
SDKs" page suggests (openapi-python-client), has clean names and sells a ticket."""

import importlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from .rendering import Project
from .running import assert_ok, clean_env, free_port, run, wait_until_serving

OPERATIONS = {
    "events": {"create_event", "create_event_ticket", "get_event", "list_events"},
    "health": {"health"},
    "tickets": {
        "buy_ticket",
        "change_price",
        "create_ticket",
        "delete_ticket",
        "get_ticket",
        "list_ticket_page",
        "list_tickets",
    },
}


def generate_client(openapi_url: str, folder: Path) -> Path:
    """`openapi-python-client generate --url ... --meta none`: the package alone, no hooks."""
    config = folder / "client-config.json"
    config.write_text(json.dumps({"post_hooks": []}))
    package = folder / "ticketing_client"
    command = ["--url", openapi_url, "--output-path", str(package), "--config", str(config)]
    generator = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"]
    assert_ok(run(folder, *generator, *command, "--fail-on-warning"))
    return package


def operations(tag: str) -> SimpleNamespace:
    """The generated modules of a tag's operations, one per route: `tickets.buy_ticket`."""
    return SimpleNamespace(
        **{
            name: importlib.import_module(f"ticketing_client.api.{tag}.{name}")
            for name in OPERATIONS[tag]
        }
    )


def test_a_generated_client_buys_a_ticket(
    installed_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = installed_project()
    base = f"http://127.0.0.1:{free_port()}"
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'client.db'}")
    command = ["uv", "run", "--no-sync", "fastapi", "run", "--port", base.rsplit(":", 1)[1]]
    with subprocess.Popen(command, cwd=project, env=env, text=True) as server:
        try:
            wait_until_serving(f"{base}/docs", server)
            package = generate_client(f"{base}/openapi.json", tmp_path)
            monkeypatch.syspath_prepend(tmp_path)
            client = importlib.import_module("ticketing_client").Client(base_url=base)
            models = importlib.import_module("ticketing_client.models")
            events = operations("events")
            tickets = operations("tickets")

            concert = models.EventCreate(
                name="Concert", venue="Hall", starts_at=datetime(2030, 6, 1, tzinfo=UTC), capacity=2
            )
            event = events.create_event.sync_detailed(client=client, body=concert)
            ticket = events.create_event_ticket.sync(
                event.parsed.id, client=client, body=models.EventTicketCreate(price=30)
            )
            purchase = models.PurchaseRequest(ticket_id=ticket.id, user="ann")
            bought = tickets.buy_ticket.sync_detailed(client=client, body=purchase)
            bought_again = tickets.buy_ticket.sync_detailed(client=client, body=purchase)
            sold = models.TicketCreate(price=5, is_sold=True, sold_to="bob")
            created_sold = tickets.create_ticket.sync_detailed(client=client, body=sold)
        finally:
            server.terminate()

    generated = {
        group.name: {module.stem for module in group.glob("*.py")} - {"__init__"}
        for group in (package / "api").iterdir()
        if group.is_dir() and group.name != "__pycache__"
    }
    assert generated == OPERATIONS
    assert event.status_code == 201
    assert (bought.status_code, bought.parsed.sold_to) == (200, "ann")
    assert bought_again.status_code == 409
    assert (created_sold.status_code, created_sold.parsed.sold_to) == (201, "bob")
