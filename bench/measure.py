"""Run one generated suite with the timing plugin and turn its durations into per-test figures."""

import json
import os
import resource
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from .projects import clean_env

PLUGINS = Path(__file__).resolve().parent / "pytest_plugins"


@dataclass(frozen=True)
class Run:
    """One pytest run: which strategy, on which driver and provider, with how many tests."""

    strategy: str
    driver: str
    tests: int
    workers: int = 0
    provider: str = "url"
    test_path: str = "tests/test_bench_scaled.py"
    audit: bool = True  # the session scope's isolation auditor (TEST_ISOLATION_AUDIT)
    tuning: bool = True  # a started server tuned for throwaway data (TEST_SERVER_TUNING)
    reuse: bool = False  # --reuse-db (TEST_REUSE_DB): warm when an earlier run kept its data
    audit_every_other: bool = False  # the auditor on every other test only: its cost in one run


class SuiteFailedError(RuntimeError):
    """A benchmarked suite did not pass: its timings would mean nothing."""


def provider_env(provider: str, server_url: str) -> dict[str, str]:
    if provider == "url":
        return {"TEST_DATABASE_URL": server_url}
    return {"TEST_DATABASE_PROVIDER": provider}


def measure(project: Path, run: Run, server_url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        timings_file = Path(scratch) / "timings.json"
        env = clean_env(
            BENCH_TESTS=str(run.tests),
            BENCH_TIMINGS_FILE=str(timings_file),
            PYTHONPATH=str(PLUGINS),
            **provider_env(run.provider, server_url),
            TEST_ISOLATION_AUDIT="on" if run.audit else "off",
            TEST_SERVER_TUNING="on" if run.tuning else "off",
            TEST_REUSE_DB="1" if run.reuse else "0",
            BENCH_AUDIT_EVERY_OTHER_TEST="1" if run.audit_every_other else "0",
        )
        command = ["uv", "run", "--no-sync", "pytest", "-p", "bench_timing", "-p", "no:randomly"]
        # A base temp of our own: a pytest process starting elsewhere resets the permissions of
        # /tmp/pytest-of-<user>, which can lock the embedded server's system user out of its data.
        basetemp = Path(scratch) / "basetemp"
        command += ["-q", "-n", str(run.workers), f"--basetemp={basetemp}", run.test_path]
        cpu_before, machine_before = children_cpu_s(), machine_cpu_ticks()
        server_before = server_cpu_s()
        spawned_at = time.time()
        started = time.perf_counter()
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        wall_s = time.perf_counter() - started
        cpu_s = children_cpu_s() - cpu_before
        server_s = server_cpu_s() - server_before
        ticks = zip(machine_cpu_ticks(), machine_before, strict=True)
        machine = [after - before for after, before in ticks]
        if result.returncode != 0 or not timings_file.exists():
            raise SuiteFailedError(
                f"{run} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        timings = json.loads(timings_file.read_text())
    tests = timings["tests"]
    if len(tests) != run.tests:
        raise SuiteFailedError(f"{run} ran {len(tests)} tests, expected {run.tests}")
    return {
        **vars(run),
        **per_test_figures(tests),
        **startup_figures(timings, spawned_at, wall_s),
        "pytest_cpu_s": cpu_s,
        **phase_figures(timings, spawned_at, wall_s),
        # Every PostgreSQL process of this machine: the URL provider's server, when it is local.
        "server_cpu_s": server_s,
        "reset_ms": timings.get("reset_ms"),
        **(audit_halves(tests) if run.audit_every_other else {}),
        **machine_figures(*machine),
    }


def children_cpu_s() -> float:
    """CPU seconds used so far by finished child processes (pytest and its xdist workers; the
    database server's processes are not ours and are not counted)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu_s() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes: those running, and the
    backends their server has reaped (counted in its own children's time)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        name, _, fields = text.partition(" (")[2].rpartition(") ")
        if name == "postgres":
            utime, stime, cutime, cstime = (int(value) for value in fields.split()[11:15])
            total += utime + stime + cutime + cstime
    return total / os.sysconf("SC_CLK_TCK")


def phase_figures(timings: dict[str, Any], spawned_at: float, wall_s: float) -> dict[str, Any]:
    """Where a run's wall time went: until every process that runs tests had started its
    first one, the tests, and from the last test's end until pytest exited; and the CPU of the
    processes that ran tests and (under pytest-xdist) of the controller."""
    workers = timings["workers"]
    # A worker that was handed no test has no first or last test.
    testing = [worker for worker in workers if worker["first_call_at"] is not None]
    testing = testing or [timings["process"]]
    all_testing_at = max(process["first_call_at"] for process in testing)
    last_end_at = max(process["last_test_end_at"] for process in testing)
    return {
        "start_s": all_testing_at - spawned_at,
        "tests_s": last_end_at - all_testing_at,
        "end_s": spawned_at + wall_s - last_end_at,
        "testing_cpu_s": sum(process["cpu_s"] for process in testing),
        "controller_cpu_s": timings["process"]["cpu_s"] if workers else None,
    }


def per_test_figures(tests: list[dict[str, Any]]) -> dict[str, float]:
    """Mean ms per test, leaving out the first test (its setup starts the session: server,
    database, first imports; reported as start-up) and the last teardown (the session's end)."""
    fixture_ms = 1000 * (
        mean(t["setup"] for t in tests[1:]) + mean(t["teardown"] for t in tests[:-1])
    )
    call_ms = 1000 * mean(t["call"] for t in tests[1:])
    return {
        "per_test_ms": fixture_ms + call_ms,
        "fixture_ms": fixture_ms,
        "call_ms": call_ms,
    }


def audit_halves(tests: list[dict[str, Any]]) -> dict[str, float]:
    """Mean ms of fixtures of the audited and of the unaudited tests (first and last left out)."""
    halves: dict[bool, list[float]] = {True: [], False: []}
    for test in tests[1:-1]:
        halves[bool(test["audited"])].append(test["setup"] + test["teardown"])
    if not halves[True] or not halves[False]:
        raise SuiteFailedError("the run did not alternate audited and unaudited tests")
    audited_ms, unaudited_ms = (1000 * mean(halves[audited]) for audited in (True, False))
    return {
        "audited_fixture_ms": audited_ms,
        "unaudited_fixture_ms": unaudited_ms,
        "audit_added_ms": audited_ms - unaudited_ms,
    }


def startup_figures(timings: dict[str, Any], spawned_at: float, wall_s: float) -> dict[str, Any]:
    first_call_at = timings["first_call_at"]
    return {
        "wall_s": wall_s,
        # Under pytest-xdist the controller runs no test, so it sees no first call.
        "time_to_first_test_s": None if first_call_at is None else first_call_at - spawned_at,
        "first_setup_ms": 1000 * timings["tests"][0]["setup"],
    }


def machine_cpu_ticks() -> tuple[int, int, int]:
    """All cores since boot, from /proc/stat: (total, idle, waiting for I/O) in clock ticks."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields[:8]), fields[3], fields[4]


def machine_figures(total: int, idle: int, iowait: int) -> dict[str, float]:
    """How busy the whole machine was during a run (every process, ours or not), in percent."""
    return {
        "machine_busy_pct": 100 * (total - idle - iowait) / total,
        "machine_iowait_pct": 100 * iowait / total,
    }
