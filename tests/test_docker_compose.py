"""The generated compose.yaml, brought up and down: PostgreSQL healthy, then the migration done,
then the service healthy, from one image built once; and nothing of it left after `down`.

An override file, beside the project's own, publishes the service on a free loopback port (and
PostgreSQL not at all), asks the healthchecks every second (PostgreSQL's up to 60 times: the
file's own 10 x 5 s budget, or more) and gives the build the host's network (CI's engine gives
containers no route out of their own).
"""

import secrets
import urllib.request
from pathlib import Path

import pytest

from .containers import (
    docker,
    docker_project,
    inspect,
    needs_docker,
    published_port,
    removed_at_end,
    wait_until_healthy,
)

IMAGE = "built-image"  # compose.yaml's `image:`, the name the Dockerfile's build line gives it
OVERRIDE = """\
services:
  app:
    build:
      network: host
    ports: !override
      - "127.0.0.1::8000"
    healthcheck:
      interval: 1s
  db:
    ports: !reset []
    healthcheck:
      interval: 1s
      retries: 60
"""


def labelled(project_name: str) -> list[str]:
    return ["--filter", f"label=com.docker.compose.project={project_name}"]


def left_by(project_name: str) -> dict[str, str]:
    """What compose made for the project (images it built included) that is still there."""
    return {
        kind: docker(*command, "--quiet", *labelled(project_name))
        for kind, command in [
            ("containers", ["ps", "--all"]),
            ("networks", ["network", "ls"]),
            ("volumes", ["volume", "ls"]),
            ("images", ["image", "ls"]),
        ]
    }


@pytest.mark.docker
@needs_docker
def test_compose_starts_db_then_migrate_then_app_and_down_leaves_nothing(
    tmp_path: Path,
) -> None:
    project = docker_project(tmp_path / "project", "Built Image")
    (tmp_path / "override.yaml").write_text(OVERRIDE)
    name = f"meta-compose-{secrets.token_hex(4)}"
    compose = ["compose", "--project-name", name, "--file", "compose.yaml"]
    compose += ["--file", str(tmp_path / "override.yaml")]
    db, migrate, app = (f"{name}-{service}-1" for service in ("db", "migrate", "app"))

    with removed_at_end() as created:
        created.compose_projects.append((project, compose))
        docker(*compose, "up", "--detach", cwd=project)
        wait_until_healthy(app)
        with urllib.request.urlopen(f"http://{published_port(app, 8000)}/health", timeout=5) as r:
            health = r.status
        states = {container: inspect(container) for container in (db, migrate, app)}
        built = docker("image", "ls", "--format", "{{.Repository}}", *labelled(name))
        docker(*compose, "down", "--volumes", cwd=project)
        docker("image", "rm", IMAGE)
        left = left_by(name)

    assert states[db]["State"]["Health"]["Status"] == "healthy"
    assert states[migrate]["State"]["ExitCode"] == 0
    assert states[migrate]["State"]["FinishedAt"] <= states[app]["State"]["StartedAt"]
    assert states[migrate]["Config"]["Image"] == states[app]["Config"]["Image"] == IMAGE
    assert built.splitlines() == [IMAGE]
    assert health == 200
    assert left == {"containers": "", "networks": "", "volumes": "", "images": ""}
