"""Record each test's setup/call/teardown durations and when the first test's call started.

Hooks only: nothing here knows the harness's fixtures, so it times any harness the same way.
Loaded with `-p bench_timing`; writes JSON to the file named by BENCH_TIMINGS_FILE when the
session ends (runs are serial: one process sees every test).
"""

import json
import os
import time
from pathlib import Path

import pytest

phases: dict[str, dict[str, float]] = {}
first_call_at: list[float] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    phases.setdefault(report.nodeid, {})[report.when] = report.duration


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if not first_call_at:
        first_call_at.append(time.time())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    output = os.environ.get("BENCH_TIMINGS_FILE")
    if not output or getattr(session.config, "workerinput", None) is not None:
        return
    tests = [{"nodeid": nodeid, **durations} for nodeid, durations in phases.items()]
    result = {
        "first_call_at": first_call_at[0] if first_call_at else None,
        "exitstatus": int(exitstatus),
        "tests": tests,
    }
    Path(output).write_text(json.dumps(result))
