"""Run one generated suite with the timing plugin and turn its durations into per-test figures."""

import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .projects import clean_env

PLUGINS = Path(__file__).resolve().parent / "pytest_plugins"
SCALED_TESTS = "tests/test_bench_scaled.py"


@dataclass(frozen=True)
class Run:
    """One pytest run: a strategy, in the project of which harness, with how many tests.

    Our strategies are the scopes, run by the old or the new harness; a reference (harness
    None) brings its own fixtures and runs in one project whatever its harness.
    """

    strategy: str
    harness: str | None
    tests: int
    provider: str = "url"
    reuse: bool = False  # --reuse-db: warm when an earlier run kept its data
    # The session scope's isolation auditor: on in both harnesses, for the same work (the old
    # harness ran it by default; the new one where CI is set, else when asked).
    audit: bool = True
    test_path: str = SCALED_TESTS


class SuiteFailedError(RuntimeError):
    """A benchmarked suite did not pass: its timings would mean nothing."""


def provider_env(provider: str, server_url: str) -> dict[str, str]:
    if provider == "url":
        return {"TEST_DATABASE_URL": server_url}
    return {"TEST_DATABASE_PROVIDER": provider}


def measure(project: Path, run: Run, server_url: str, tmpdir: Path) -> dict[str, Any]:
    """Run the suite as a user would (`uv run pytest`, the project's defaults) and time it.

    `tmpdir` is the runs' TMPDIR: what a run keeps there (the embedded server's data under
    --reuse-db) the next run finds, and the benchmark deletes it at its end.
    """
    with tempfile.TemporaryDirectory() as scratch:
        timings_file = Path(scratch) / "timings.json"
        env = clean_env(
            BENCH_TESTS=str(run.tests),
            BENCH_TIMINGS_FILE=str(timings_file),
            BENCH_SERVER_URL=server_url,
            PYTHONPATH=str(PLUGINS),
            TMPDIR=str(tmpdir),
            TEST_ISOLATION_AUDIT="on" if run.audit else "off",
            **provider_env(run.provider, server_url),
        )
        command = ["uv", "run", "--no-sync", "pytest", "-p", "bench_timing", "-p", "no:randomly"]
        # A base temp of our own: a pytest process starting elsewhere resets the permissions of
        # /tmp/pytest-of-<user>, which can lock the embedded server's system user out of its data.
        basetemp = Path(scratch) / "basetemp"
        command += ["-q", f"--basetemp={basetemp}", run.test_path]
        command += ["--reuse-db"] if run.reuse else []
        spawned_at = time.time()
        started = time.perf_counter()
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        wall_s = time.perf_counter() - started
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
        "wall_s": wall_s,
        "time_to_first_test_s": timings["first_call_at"] - spawned_at,
        "first_setup_ms": 1000 * tests[0]["setup"],
        # Other helpers' work shares the machine: how busy it was, beside each figure.
        "load_1min": round(os.getloadavg()[0], 2),
    }


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def per_test_figures(tests: list[dict[str, Any]]) -> dict[str, float]:
    """Mean ms per test, leaving out the first test's setup (it starts the session: server,
    database, first imports; reported as start-up) and the last teardown (the session's end)."""
    fixture_ms = 1000 * (
        mean([t["setup"] for t in tests[1:]]) + mean([t["teardown"] for t in tests[:-1]])
    )
    call_ms = 1000 * mean([t["call"] for t in tests[1:]])
    return {"per_test_ms": fixture_ms + call_ms, "fixture_ms": fixture_ms, "call_ms": call_ms}
