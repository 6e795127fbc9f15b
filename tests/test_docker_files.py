"""The docker prompt: a Dockerfile and a compose.yaml that fit the service they ship.

What these files say, read without Docker; test_docker_image.py and test_docker_compose.py build
the image and bring the stack up on a Docker engine.
"""

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .answers import Answer, parametrize_answers, toggle_rows
from .readers import (
    arguments_of,
    dockerfile_stages,
    exec_form,
    route_paths,
    schema_errors,
    settings_fields,
    yaml_file,
)
from .rendering import Project

PACKAGE = "ticketing_service"
DOCKER = toggle_rows(docker=True)
POSTGRES_DOCKER = toggle_rows(docker=True, db_driver="asyncpg") + toggle_rows(
    docker=True, db_driver="psycopg"
)
SQLITE_DOCKER = toggle_rows(docker=True, db_driver="aiosqlite")
CONTAINER_FILES = ["Dockerfile", ".dockerignore", "compose.yaml"]


def compose(project: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml_file(project / "compose.yaml")
    return document


def runtime_stage(project: Path) -> list[Any]:
    return list(dockerfile_stages(project).values())[-1]


@parametrize_answers(toggle_rows(docker=False))
def test_without_docker_no_container_file_is_rendered(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    assert [name for name in CONTAINER_FILES if (project / name).exists()] == []


@parametrize_answers(DOCKER)
def test_compose_file_follows_the_compose_specification(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    assert schema_errors(project / "compose.yaml", "vendor.compose-spec") == ""


@parametrize_answers(POSTGRES_DOCKER)
def test_compose_starts_the_app_once_postgres_is_healthy(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    services = compose(rendered_project(**answers))["services"]

    assert set(services) == {"app", "db", "migrate"}
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["app"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


@parametrize_answers(POSTGRES_DOCKER)
def test_compose_builds_the_app_image_once_and_migrates_with_it(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    services = compose(project)["services"]

    assert [name for name, service in services.items() if "build" in service] == ["app"]
    assert services["migrate"]["image"] == services["app"]["image"]
    build_line = (project / "Dockerfile").read_text().splitlines()[0]
    assert f"docker build -t {services['app']['image']} ." in build_line


@parametrize_answers(DOCKER)
def test_compose_publishes_ports_on_loopback_only(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    services = compose(rendered_project(**answers))["services"]

    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published
    assert [port for port in published if not port.startswith("127.0.0.1:")] == []


@parametrize_answers(POSTGRES_DOCKER)
def test_compose_migrates_the_schema_before_the_app_starts(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    services = compose(project)["services"]

    migrate = services["migrate"]
    assert migrate["command"] == ["alembic", "-c", "/app/alembic.ini", "upgrade", "head"]
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert migrate["environment"] == services["app"]["environment"]
    dockerfile = (project / "Dockerfile").read_text()
    for source in ("alembic.ini", "migrations"):
        assert f"COPY {source} /app/{source}" in dockerfile
        assert (project / source).exists()


@parametrize_answers(POSTGRES_DOCKER)
def test_compose_app_connects_to_the_database_compose_creates(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    services = compose(rendered_project(**answers))["services"]

    url = urlsplit(services["app"]["environment"]["DATABASE_URL"])
    database = services["db"]["environment"]
    assert url.scheme == "postgresql"
    assert (url.hostname, url.port) == ("db", 5432)
    assert (url.username, url.password) == (
        database["POSTGRES_USER"],
        database["POSTGRES_PASSWORD"],
    )
    assert url.path == f"/{database['POSTGRES_DB']}"


@parametrize_answers(POSTGRES_DOCKER)
def test_compose_keeps_postgres_data_in_a_named_volume(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    document = compose(rendered_project(**answers))

    volume, _, target = document["services"]["db"]["volumes"][0].partition(":")
    assert volume in document["volumes"]
    assert target == "/var/lib/postgresql/data"


@parametrize_answers(SQLITE_DOCKER)
def test_compose_keeps_the_sqlite_file_in_a_named_volume(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    document = compose(rendered_project(**answers))
    app = document["services"]["app"]

    assert set(document["services"]) == {"app"}
    volume, _, target = app["volumes"][0].partition(":")
    assert volume in document["volumes"]
    database_file = Path(app["environment"]["DATABASE_URL"].removeprefix("sqlite+aiosqlite:///"))
    assert database_file.parent == Path(target)


@parametrize_answers(DOCKER)
def test_docker_files_set_only_settings_the_service_reads(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    image_env = " ".join(arguments_of(runtime_stage(project), "ENV"))
    compose_env = compose(project)["services"]["app"]["environment"]

    fields = settings_fields(project, PACKAGE)
    image_settings = set(re.findall(r"(\w+)=", image_env)) - {
        "PATH",
        "ALEMBIC_CONFIG",
        "PYTHONUNBUFFERED",
    }
    assert "database_url" in fields
    assert [name for name in image_settings if name.lower() not in fields] == []
    assert [name for name in compose_env if name.lower() not in fields] == []
    # Only SQLite has a database the image can bring; PostgreSQL's must be named.
    assert ("DATABASE_URL" in image_settings) == (answers["db_driver"] == "aiosqlite")


@parametrize_answers(DOCKER)
def test_dockerfile_builds_in_stages(rendered_project: Project, answers: dict[str, Answer]) -> None:
    stages = dockerfile_stages(rendered_project(**answers))
    runtime = list(stages.values())[-1]

    assert len(stages) >= 2
    assert any(copy.startswith("--from=builder") for copy in arguments_of(runtime, "COPY"))


@parametrize_answers(DOCKER)
def test_dockerfile_runs_as_a_non_root_user(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    runtime = list(dockerfile_stages(rendered_project(**answers)).values())[-1]

    users = arguments_of(runtime, "USER")
    assert users
    assert users[-1] not in {"root", "0"}


@parametrize_answers(DOCKER)
def test_dockerfile_serves_the_package_on_every_interface_of_the_exposed_port(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    """`python -m <package>`: uvicorn with bounded request heads, on HOST and PORT."""
    project = rendered_project(**answers)
    (cmd,) = arguments_of(runtime_stage(project), "CMD")
    image_env = " ".join(arguments_of(runtime_stage(project), "ENV")).split()
    (port,) = arguments_of(runtime_stage(project), "EXPOSE")

    assert exec_form(cmd) == ["python", "-m", PACKAGE]
    assert (project / "src" / PACKAGE / "__main__.py").is_file()
    assert {"HOST=0.0.0.0", f"PORT={port}"} <= set(image_env)


@parametrize_answers(DOCKER)
def test_dockerfile_healthcheck_asks_the_health_route_on_the_served_port(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    (healthcheck,) = arguments_of(runtime_stage(project), "HEALTHCHECK")

    (python, flag, code) = exec_form(healthcheck)
    asked: list[str] = []
    with health_server(asked) as served_port:  # any port the image is given as PORT
        answered = run_check([sys.executable, flag, code], PORT=str(served_port))
    refused = run_check([sys.executable, flag, code], PORT=str(served_port))

    assert python == "python"
    assert (answered.returncode, asked) == (0, ["/health"]), answered.stderr
    assert refused.returncode != 0
    assert "/health" in route_paths(project, PACKAGE)


@contextmanager
def health_server(asked: list[str]) -> Iterator[int]:
    """A server on a free loopback port that answers 200 and records the paths asked."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run_check(command: list[str], **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)


@parametrize_answers(DOCKER)
def test_dockerignore_keeps_local_state_out_but_not_what_the_build_copies(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    ignored = [
        line.rstrip("/")
        for line in (project / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    copied = [
        source
        for arguments in arguments_of(dockerfile_stages(project)["builder"], "COPY")
        if not arguments.startswith("--")
        for source in arguments.split()[:-1]
    ]

    assert {".env", ".venv", "*.db"} <= set(ignored)
    assert [source for source in copied if any(fnmatch(source, p) for p in ignored)] == []


@parametrize_answers(POSTGRES_DOCKER)
def test_readme_points_the_tests_at_the_port_compose_publishes(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)
    (published,) = compose(project)["services"]["db"]["ports"]

    host, port, _ = published.split(":")
    assert (
        f"TEST_DATABASE_URL=postgresql://postgres:postgres@{host}:{port}/postgres"
        in (project / "README.md").read_text()
    )
