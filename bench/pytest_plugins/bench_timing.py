"""Record each test's setup/call/teardown durations and when the first test started.

Loaded with `-p bench_timing`; writes JSON to the file named by BENCH_TIMINGS_FILE when the
session ends. Under pytest-xdist only the controller writes: workers' reports reach it.
"""

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

phases: dict[str, dict[str, float]] = {}
outcomes: dict[str, str] = {}
first_call_at: list[float] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    phases.setdefault(report.nodeid, {})[report.when] = report.duration
    if report.failed or outcomes.get(report.nodeid) is None:
        outcomes[report.nodeid] = report.outcome


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if not first_call_at:
        first_call_at.append(time.time())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    output = os.environ.get("BENCH_TIMINGS_FILE")
    if not output:
        return
    tests: list[dict[str, Any]] = [
        {"nodeid": nodeid, "outcome": outcomes.get(nodeid), **durations}
        for nodeid, durations in phases.items()
    ]
    result = {
        "first_call_at": first_call_at[0] if first_call_at else None,
        "exitstatus": int(exitstatus),
        "tests": tests,
    }
    Path(output).write_text(json.dumps(result))
