"""The generated Dockerfile, built as it is and run on PostgreSQL: its migrations, the service,
its non-root user and its HEALTHCHECK.

Everything runs on a network of its own: PostgreSQL from compose.yaml's image, the migration as
compose.yaml's `migrate` runs it, the service with its port published on loopback only.
"""

import json
import secrets
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .containers import (
    compose_services,
    docker,
    docker_project,
    inspect,
    logs,
    needs_docker,
    published_port,
    removed_at_end,
    run_docker,
    wait_until_healthy,
)


def call(method: str, url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """The status and JSON body of a request, an error status included."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def exec_form(healthcheck: list[str]) -> list[str]:
    """The command of a HEALTHCHECK's `["CMD", ...]` as `docker inspect` shows it."""
    assert healthcheck[0] == "CMD", healthcheck
    return healthcheck[1:]


def wait_until_answering(url: str, container: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert inspect(container)["State"]["Running"], logs(container)
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:  # HTTPError included: not 200 yet
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s: {logs(container)}")


def first_answer(url: str, container: str, timeout: float = 60) -> tuple[int, Any]:
    """The status and body of the first answer to a GET, whatever its status."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert inspect(container)["State"]["Running"], logs(container)
        try:
            return call("GET", url)
        except OSError:  # not listening yet
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s: {logs(container)}")


def environment(variables: dict[str, str]) -> list[str]:
    return [option for name, value in variables.items() for option in ("--env", f"{name}={value}")]


def start_database(network: str, db: dict[str, Any]) -> str:
    """compose.yaml's `db` service on `network`, reached there as `db`; healthy on return."""
    container = f"{network}-db"
    (shell, healthcheck) = db["healthcheck"]["test"]
    assert shell == "CMD-SHELL"
    docker(
        *("run", "--detach", "--name", container, "--network", network, "--network-alias", "db"),
        *environment(db["environment"]),
        *("--health-cmd", healthcheck, "--health-interval", "1s", db["image"]),
    )
    wait_until_healthy(container)
    return container


@pytest.mark.docker
@needs_docker
def test_the_built_image_migrates_and_serves_on_postgres_as_a_non_root_user(
    tmp_path: Path,
) -> None:
    project = docker_project(tmp_path / "project", "Built Image")
    services = compose_services(project)
    app_environment = environment(services["app"]["environment"])  # the database at host `db`
    name = f"meta-image-{secrets.token_hex(4)}"
    image, app = f"built-image:{name}", f"{name}-app"

    with removed_at_end() as created:
        created.images.append(image)
        docker("build", "--network", "host", "--tag", image, ".", cwd=project)
        created.networks.append(name)
        docker("network", "create", name)
        created.containers += [f"{name}-db", app]
        db = start_database(name, services["db"])
        docker(
            "run",
            "--rm",
            "--network",
            name,
            *app_environment,
            image,
            *services["migrate"]["command"],
        )
        docker(
            *("run", "--detach", "--name", app, "--network", name, *app_environment),
            *("--publish", "127.0.0.1::8000", "--health-interval", "1s", image),
        )  # the image's own CMD and HEALTHCHECK, the check asked every second
        base = f"http://{published_port(app, 8000)}"
        wait_until_answering(f"{base}/health", app)
        health = call("GET", f"{base}/health")
        created_ticket = call("POST", f"{base}/tickets/create", {"price": 30})
        ticket = {"ticket_id": created_ticket[1]["id"]}
        bought = call("POST", f"{base}/tickets/buy", {**ticket, "user": "ann"})
        bought_again = call("POST", f"{base}/tickets/buy", {**ticket, "user": "bob"})
        # Run without DATABASE_URL, a PostgreSQL project's image has no database to fall back on.
        created.containers.append(unset := f"{name}-unset")
        docker(
            *("run", "--detach", "--name", unset, "--network", name),
            *("--publish", "127.0.0.1::8000", image),
        )
        without_url = first_answer(f"http://{published_port(unset, 8000)}/health", unset)
        uid = docker("exec", app, "id", "-u")
        wait_until_healthy(app)
        healthcheck = inspect(app)["Config"]["Healthcheck"]["Test"]
        docker("stop", db)
        without_database = run_docker("exec", app, *exec_form(healthcheck)).returncode

    assert health[0] == 200
    assert created_ticket[0] == 201
    assert bought == (200, {**created_ticket[1], "is_sold": True, "sold_to": "ann"})
    assert bought_again[0] == 409
    assert without_url == (503, {"status": "unavailable", "database": "unreachable"})
    assert uid == "10001"
    assert without_database != 0
