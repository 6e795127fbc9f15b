"""Record each test's setup/call/teardown durations and when the first test started, and how
long the session scope's isolation auditor took to check each test.

Loaded with `-p bench_timing`; writes JSON to the file named by BENCH_TIMINGS_FILE when the
session ends. Under pytest-xdist only the controller writes: workers' reports reach it.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

phases: dict[str, dict[str, float]] = {}
outcomes: dict[str, str] = {}
first_call_at: list[float] = []
audit_checks: list[float] = []


def time_the_auditor() -> None:
    """Wrap the generated auditor's check (when the project has one) to time each call."""
    module = sys.modules.get("tests.harness.auditor")
    auditor = getattr(module, "IsolationAuditor", None)
    if auditor is None or getattr(auditor.check, "timed", False):
        return
    original = auditor.check

    async def check(self: Any, test: str) -> str | None:
        started = time.perf_counter()
        try:
            leak: str | None = await original(self, test)
            return leak
        finally:
            audit_checks.append(time.perf_counter() - started)

    check.timed = True  # type: ignore[attr-defined]
    auditor.check = check


def pytest_runtest_setup(item: pytest.Item) -> None:
    time_the_auditor()


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
        "audit_check_ms": 1000 * sum(audit_checks) / len(audit_checks) if audit_checks else None,
    }
    Path(output).write_text(json.dumps(result))
