"""The Dockerfile's steps, run without Docker: its builder stage installs a service that serves,
and its HEALTHCHECK tells a healthy service from one whose database is gone.

The builder's COPY, ENV and RUN steps run in a scratch directory standing in for WORKDIR; the
service then runs from the built virtualenv alone (the source tree removed), like the image's
runtime stage, with the image's CMD and HEALTHCHECK commands pointed at a free port.
"""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from .readers import arguments_of, dockerfile_stages, exec_form
from .rendering import Project
from .running import assert_ok, clean_env, free_port, run, wait_until_serving

UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/unreachable"


def copy_into(project: Path, context: Path, arguments: str) -> None:
    *sources, target = arguments.split()
    for source in sources:
        destination = context / target
        if (project / source).is_dir():
            shutil.copytree(project / source, destination)
        else:
            destination = destination / source if target.endswith("/") else destination
            shutil.copy2(project / source, destination)


def build_like_docker(project: Path, context: Path) -> Path:
    """Run the builder stage's steps in `context`; return the virtualenv they built."""
    env = clean_env()
    for instruction in dockerfile_stages(project)["builder"]:
        if instruction.keyword == "ENV":
            env.update(item.partition("=")[::2] for item in shlex.split(instruction.arguments))
        elif instruction.keyword == "COPY" and not instruction.arguments.startswith("--"):
            copy_into(project, context, instruction.arguments)
        elif instruction.keyword == "RUN":
            command = re.sub(r"--mount=\S+\s*", "", instruction.arguments)
            assert_ok(run(context, "sh", "-c", command, env=env))
    return context / ".venv"


@pytest.fixture(scope="module")
def image_venv(installed_project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project (with the uv.lock its install wrote), built as the image builds it."""
    context = tmp_path_factory.mktemp("image") / "app"
    context.mkdir()
    venv = build_like_docker(installed_project(), context)
    shutil.rmtree(context / "src")  # the runtime stage copies the virtualenv only
    return venv


def on_port(command: list[str], port: int) -> list[str]:
    """The image's command with its port 8000 replaced by `port`."""
    replaced = [re.sub(r"(?<=127\.0\.0\.1:)8000\b", str(port), part) for part in command]
    if "--port" in replaced:
        replaced[replaced.index("--port") + 1] = str(port)
    assert replaced != command, f"no port 8000 to replace in {command}"
    return replaced


def image_commands(project: Path) -> tuple[list[str], list[str]]:
    runtime = list(dockerfile_stages(project).values())[-1]
    (cmd,) = arguments_of(runtime, "CMD")
    (healthcheck,) = arguments_of(runtime, "HEALTHCHECK")
    return exec_form(cmd), exec_form(healthcheck)


def healthcheck_exit_code(project: Path, venv: Path, data_dir: Path, database_url: str) -> int:
    """Serve the image's CMD from `venv` on `database_url`, then run its HEALTHCHECK command."""
    cmd, healthcheck = image_commands(project)
    port = free_port()
    env = clean_env(PATH=f"{venv / 'bin'}:{clean_env()['PATH']}", DATABASE_URL=database_url)
    with subprocess.Popen(on_port(cmd, port), cwd=data_dir, env=env, text=True) as server:
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/docs", server)
            result = run(data_dir, *on_port(healthcheck, port), env=env)
        finally:
            server.terminate()
    return result.returncode


def migrate_like_compose(project: Path, venv: Path, database_url: str) -> None:
    """compose.yaml's one-shot `migrate` service: the image's alembic, the project's migrations."""
    env = clean_env(DATABASE_URL=database_url)
    alembic_ini = str(project / "alembic.ini")
    assert_ok(
        run(project, str(venv / "bin" / "alembic"), "-c", alembic_ini, "upgrade", "head", env=env)
    )


def test_healthcheck_passes_when_the_built_service_reaches_its_database(
    installed_project: Project, image_venv: Path, empty_database_url: str, tmp_path: Path
) -> None:
    project = installed_project()
    migrate_like_compose(project, image_venv, empty_database_url)

    exit_code = healthcheck_exit_code(project, image_venv, tmp_path, empty_database_url)

    assert exit_code == 0


def test_healthcheck_fails_when_the_database_is_unreachable(
    installed_project: Project, image_venv: Path, tmp_path: Path
) -> None:
    exit_code = healthcheck_exit_code(
        installed_project(), image_venv, tmp_path, UNREACHABLE_DATABASE
    )

    assert exit_code != 0
