"""The default project serves its API straight after `copier copy`, here on a SQLite file."""

import json
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from .rendering import Project
from .running import clean_env, free_port, wait_until_serving


def call(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read() or b"null")


def test_fastapi_run_serves_the_ticket_routes(installed_project: Project) -> None:
    project: Path = installed_project()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(DATABASE_URL="sqlite+aiosqlite:///./ticketing_service.db")
    command = ["uv", "run", "--no-sync", "fastapi", "run", "--port", str(port)]
    with subprocess.Popen(command, cwd=project, env=env, text=True) as server:
        try:
            wait_until_serving(f"{base}/docs", server)

            created = call(f"{base}/tickets/create", {"price": 30})
            bought = call(f"{base}/tickets/buy", {"ticket_id": created[1]["id"], "user": "ann"})
            listed = call(f"{base}/tickets/all")
        finally:
            server.terminate()

    assert created[0] == 201
    assert bought == (200, {**created[1], "is_sold": True, "sold_to": "ann"})
    assert listed == (200, {"tickets": [bought[1]]})
    assert (project / "ticketing_service.db").is_file()
