"""A Docker engine for the meta-tests that need one: whether there is one, the `docker` command,
and what a test created there, removed at its end whatever happened.

CI (`CI=true`) starts an engine with no image registry (.ci/docker-up) and builds the base images
the generated Dockerfile and compose.yaml name (.ci/docker-stand-ins): these tests fail there
rather than skip. Elsewhere they skip when no Docker daemon answers.
"""

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .pythons import UV, python_env
from .readers import yaml_file
from .rendering import render
from .running import assert_ok, clean_env, output_of, run

# The Python of the Debian release .ci/docker-up bootstraps for PostgreSQL (trixie): CI's stand-in
# python:X.Y-slim comes from that same rootfs (.ci/docker-stand-ins reads this line).
DOCKER_PYTHON = "3.13"


def docker_available() -> bool:
    try:
        result = subprocess.run(["docker", "version"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


needs_docker = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not docker_available(),
    reason="needs a running Docker daemon; none here",
)
ENGINE_SETUP_WAIT = 600  # seconds: .ci/docker-up takes about two minutes


def wait_for_the_ci_engine() -> None:
    """Under .ci/run, which sets its engine up while the first tests run: wait until its file
    (CI_DOCKER_ENV) ends in `# ready`, then take the environment it exports."""
    env_file = os.environ.get("CI_DOCKER_ENV")
    if not env_file:
        return
    deadline = time.monotonic() + ENGINE_SETUP_WAIT
    while not (lines := Path(env_file).read_text().splitlines()) and time.monotonic() < deadline:
        time.sleep(1)
    if lines[-1:] != ["# ready"]:
        last = lines[-1] if lines else f"not ready after {ENGINE_SETUP_WAIT} s"
        pytest.fail(f"CI's Docker engine is not there: {last}", pytrace=False)
    for line in lines:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            os.environ[name] = value


def run_docker(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["docker", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def docker(*args: str, cwd: Path | None = None, check: bool = True) -> str:
    """`docker ARGS...`'s standard output; with `check`, a failure fails the test."""
    result = run_docker(*args, cwd=cwd)
    assert not check or result.returncode == 0, output_of(result)
    return result.stdout.strip()


def inspect(container: str) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(docker("inspect", container))[0]
    return state


def logs(container: str) -> str:
    result = run_docker("logs", container)
    return result.stdout + result.stderr


def wait_until_healthy(container: str, timeout: float = 120) -> None:
    """Until the container's HEALTHCHECK reports healthy; a failure shows its last checks."""
    deadline = time.monotonic() + timeout
    while True:
        state = inspect(container)["State"]
        if state["Health"]["Status"] == "healthy":
            return
        assert state["Running"], logs(container)
        assert time.monotonic() < deadline, f"{container} not healthy in {timeout} s: {state}"
        time.sleep(0.5)


def published_port(container: str, port: int) -> str:
    """Where the host reaches the container's `port` (the tests publish on loopback only)."""
    (address,) = docker("port", container, f"{port}/tcp").splitlines()
    assert address.startswith("127.0.0.1:"), address
    return address


@dataclass
class DockerObjects:
    """What a test created on the engine, removed at its end (see removed_at_end)."""

    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    # (folder, `compose --project-name NAME ...`): brought down, the images it built removed.
    compose_projects: list[tuple[Path, list[str]]] = field(default_factory=list)

    def remove(self) -> None:
        for folder, compose in self.compose_projects:
            docker(*compose, "down", "--volumes", "--remove-orphans", cwd=folder, check=False)
            project_name = compose[compose.index("--project-name") + 1]
            label = f"label=com.docker.compose.project={project_name}"
            self.images += docker("image", "ls", "--quiet", "--filter", label).split()
        # --volumes: an image's VOLUME (the official postgres image has one) leaves none behind.
        if self.containers:
            docker("container", "rm", "--force", "--volumes", *self.containers, check=False)
        if self.networks:
            docker("network", "rm", *self.networks, check=False)
        if self.images:
            docker("image", "rm", "--force", *self.images, check=False)


@contextmanager
def removed_at_end() -> Iterator[DockerObjects]:
    """Collects what the block creates on the engine; removes it when the block ends, however."""
    created = DockerObjects()
    try:
        yield created
    finally:
        created.remove()


def docker_project(destination: Path, project_name: str) -> Path:
    """A PostgreSQL project with `docker=true`, rendered and locked (the build needs uv.lock)."""
    project = render(
        destination, project_name=project_name, docker=True, min_python_version=DOCKER_PYTHON
    )
    assert_ok(run(project, UV, "lock", "--quiet", env=python_env()))
    return project


def compose_services(project: Path) -> dict[str, Any]:
    services: dict[str, Any] = yaml_file(project / "compose.yaml")["services"]
    return services
