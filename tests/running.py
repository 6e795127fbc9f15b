"""Running a generated project's commands in its own environment, and reading their results."""

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from filelock import FileLock

from template_facts import clean_env

from .bytecode import share_bytecode
from .seeds import publish

__all__ = ["clean_env"]


def run(
    project: Path, *command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=project,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(result.args)}\n{result.stdout}\n{result.stderr}"


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, output_of(result)


def outside_pytest_temp(run_pid: int) -> Path:
    """Where the run whose controller is `run_pid` installs its projects: outside pytest's
    temporary root, which every pytest process that starts makes private again. The embedded
    server of a generated suite runs as a user of its own and loads its libraries (plpgsql)
    from the project's virtualenv while it runs, so that virtualenv must stay within its reach."""
    return Path(tempfile.gettempdir()) / f"template-tests-{run_pid}"


def this_runs_projects() -> Path:
    """This run's folder for installed projects, shared by its xdist workers; the controller
    removes it at the end of the run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    folder = outside_pytest_temp(os.getppid() if worker else os.getpid())
    folder.mkdir(exist_ok=True)
    folder.chmod(0o755)
    return folder


def new_project_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=this_runs_projects()))
    folder.chmod(0o755)
    return folder


def pytest_temp_root() -> Path:
    temp = os.environ.get("PYTEST_DEBUG_TEMPROOT") or tempfile.gettempdir()
    return Path(temp).resolve() / f"pytest-of-{getpass.getuser()}"


def install(project: Path) -> Path:
    if project.resolve().is_relative_to(pytest_temp_root()):
        raise ValueError(
            f"{project}: install projects outside pytest's temporary root"
            " (the project_path fixture, new_project_folder), see outside_pytest_temp"
        )
    assert_ok(run(project, "uv", "sync", "--quiet"))
    share_bytecode(project, this_runs_projects())
    return project


# Where a meta-test's claim is about what surrounds the suite (a provider, a re-answered scope),
# not the suite: every module is collected, and the isolation strategy's tests and the ticket
# API's run (59 of a suite's 240 tests).
STRATEGY_TESTS = ("-k", "test_isolation or test_real_commits or test_concurrency or test_tickets")


# A few schemathesis examples per operation: each of the many suites here covers every
# operation; tests/test_property_run.py runs the long search.
SUITE_ENV = {"PROPERTY_EXAMPLES": "3"}


def run_suite(project: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    env = {**SUITE_ENV, **env}
    return run(project, "uv", "run", "--no-sync", "pytest", *args, env=clean_env(**env))


def on_two_workers(test_scope: str) -> list[str]:
    """pytest's arguments for a run in random order, with the command each scope's README gives
    for parallel runs (a class stays on one worker)."""
    distribution = ["--dist", "loadscope"] if test_scope == "class" else []
    return ["-n", "2", *distribution, "-p", "randomly"]


def run_suite_on_two_workers(
    project: Path, test_scope: str, **env: str | None
) -> subprocess.CompletedProcess[str]:
    return run_suite(project, *on_two_workers(test_scope), **env)


def summary(result: subprocess.CompletedProcess[str]) -> str:
    """The generated suite's header line about its database, and its closing line."""
    lines = result.stdout.splitlines()
    kept = [line for line in lines if line.startswith("test database:")]
    return "\n".join(kept + lines[-1:])


# Loaded with `-p schema_builds`: one line in BUILDS_FILE for each DatabaseSchema.build of a run.
SCHEMA_BUILDS = """
import os


def pytest_sessionstart(session):
    from tests.harness import schema  # once conftest.py has put the project on sys.path

    build = schema.build

    async def recorded_build(url):
        with open(os.environ["BUILDS_FILE"], "a") as builds:
            builds.write(f"{os.getpid()}\\n")
        await build(url)

    schema.build = recorded_build
"""


def recording_schema_builds(folder: Path) -> dict[str, str]:
    """The environment in which `-p schema_builds` records a generated run's schema builds
    in `folder` (read them with schema_builds)."""
    return {
        "BUILDS_FILE": str(folder / "builds"),
        **write_plugin(folder, "schema_builds", SCHEMA_BUILDS),
    }


def schema_builds(folder: Path) -> int:
    """How many times the runs recording in `folder` built their schema; then starts afresh."""
    builds = folder / "builds"
    count = len(builds.read_text().splitlines()) if builds.exists() else 0
    builds.unlink(missing_ok=True)
    return count


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()
        try:
            urllib.request.urlopen(url, timeout=1)
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise AssertionError(f"nothing answered at {url} within 30 s")


def lint(project: Path, *linter: str) -> subprocess.CompletedProcess[str]:
    """Run a linter in a generated project; mypy with a seeded cache (seed_mypy_cache)."""
    if linter[0] != "mypy":
        return run(project, "uv", "run", "--no-sync", *linter)
    with seeded_mypy_cache(project):
        result = run(project, "uv", "run", "--no-sync", *linter)
        if result.returncode == 0:
            share_mypy_cache(project)
    return result


@contextmanager
def seeded_mypy_cache(project: Path) -> Iterator[None]:
    """While mypy runs in `project`: its cache seeded (seed_mypy_cache), and no other test's
    mypy in the same installed project (tests of other modules lint it too)."""
    with FileLock(project.parent / f"{project.name}.mypy.lock"):
        seed_mypy_cache(project)
        yield


def mypy_cache_seed() -> Path:
    return this_runs_projects() / "mypy-cache-seed"


def seed_mypy_cache(project: Path) -> None:
    """Give a project without a mypy cache the first cache of the run that passed: mypy takes
    each cached module whose source is the same (the libraries, most of the harness) and checks
    the rest, a few seconds instead of half a minute on these machines."""
    seed, cache = mypy_cache_seed(), project / ".mypy_cache"
    if seed.is_dir() and not cache.exists():
        shutil.copytree(seed, cache)


def share_mypy_cache(project: Path) -> None:
    """Make a passing project's mypy cache the run's seed, unless there is one."""
    seed = mypy_cache_seed()
    if seed.exists():
        return
    publish(seed, lambda partial: shutil.copytree(project / ".mypy_cache", partial))


def databases_named(url: str, prefix: str) -> set[str]:
    """The server's databases whose names start with `prefix`."""
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)
        ).fetchall()
    return {name for (name,) in rows}


def databases_owned_by(url: str, role: str | None) -> list[str]:
    """The server's databases that `role` owns."""
    with psycopg.connect(url, autocommit=True) as connection:
        owned = "SELECT datname FROM pg_database WHERE pg_get_userbyid(datdba) = %s"
        return [name for (name,) in connection.execute(owned, (role,)).fetchall()]


def write_plugin(folder: Path, name: str, source: str) -> dict[str, str]:
    """Write the pytest plugin `name` into `folder`; the environment in which `-p name` loads
    it in a generated project's run."""
    (folder / f"{name}.py").write_text(source)
    return {"PYTHONPATH": str(folder)}
