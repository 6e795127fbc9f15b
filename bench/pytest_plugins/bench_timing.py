"""Record each test's setup/call/teardown durations and when the first test started, and how
long the function scope's reset took to empty the tables.

Each process that runs tests also records when its first test's call started, when its last
test ended and the CPU it used until then; under pytest-xdist the workers hand theirs to the
controller (`workeroutput`), which adds its own CPU: where `-n 2` spends its time.

With BENCH_AUDIT_EVERY_OTHER_TEST=1, the session scope's isolation auditor counts the rows of
every other test only (the others just roll back, as if it were off) and each test's record
says which it was: the auditor's cost is the difference between the two halves of one run, the
same tests under the same conditions.

Loaded with `-p bench_timing`; writes JSON to the file named by BENCH_TIMINGS_FILE when the
session ends. Under pytest-xdist only the controller writes: workers' reports reach it.
"""

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import pytest

phases: dict[str, dict[str, float]] = {}
outcomes: dict[str, str] = {}
first_call_at: list[float] = []
resets: list[float] = []
audited: dict[str, bool] = {}
current_test: list[str] = []
last_test_end: list[float] = []
workers: list[dict[str, Any]] = []
PROCESS_KEY = "bench_process"


def timed(module_name: str, class_name: str, method: str, durations: list[float]) -> None:
    """Wrap an async method of a generated harness class (when the project has it) to time
    each call."""
    cls = getattr(sys.modules.get(module_name), class_name, None)
    if cls is None or getattr(getattr(cls, method), "timed", False):
        return
    original = getattr(cls, method)

    async def wrapper(self: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(self, *args)
        finally:
            durations.append(time.perf_counter() - started)

    wrapper.timed = True  # type: ignore[attr-defined]
    setattr(cls, method, wrapper)


def audit_every_other_test() -> None:
    cls = getattr(sys.modules.get("tests.harness.auditor"), "IsolationAuditor", None)
    if cls is None or getattr(cls.unchanged_beside, "alternating", False):
        return
    original = cls.unchanged_beside

    async def wrapper(self: Any, rollback: Any) -> bool:
        test = current_test[-1]
        audited[test] = len(audited) % 2 == 0
        if audited[test]:
            return bool(await original(self, rollback))
        await rollback
        return True

    wrapper.alternating = True  # type: ignore[attr-defined]
    cls.unchanged_beside = wrapper


def pytest_runtest_setup(item: pytest.Item) -> None:
    current_test[:] = [item.nodeid]
    timed("tests.harness.table_reset", "TableReset", "__call__", resets)
    if os.environ.get("BENCH_AUDIT_EVERY_OTHER_TEST") == "1":
        audit_every_other_test()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    phases.setdefault(report.nodeid, {})[report.when] = report.duration
    if report.failed or outcomes.get(report.nodeid) is None:
        outcomes[report.nodeid] = report.outcome


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if not first_call_at:
        first_call_at.append(time.time())


def pytest_runtest_logfinish(nodeid: str) -> None:
    last_test_end[:] = [time.time()]


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def this_process() -> dict[str, Any]:
    """What this process did: when its tests ran (epoch seconds) and its CPU so far."""
    return {
        "first_call_at": first_call_at[0] if first_call_at else None,
        "last_test_end_at": last_test_end[0] if last_test_end else None,
        "cpu_s": cpu_s(),
    }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist's controller: a worker's record."""
    record = getattr(node, "workeroutput", {}).get(PROCESS_KEY)
    if record is not None:
        workers.append(record)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[PROCESS_KEY] = this_process()
        return
    output = os.environ.get("BENCH_TIMINGS_FILE")
    if not output:
        return
    tests: list[dict[str, Any]] = [
        {
            "nodeid": nodeid,
            "outcome": outcomes.get(nodeid),
            "audited": audited.get(nodeid),
            **durations,
        }
        for nodeid, durations in phases.items()
    ]
    result = {
        "first_call_at": first_call_at[0] if first_call_at else None,
        "exitstatus": int(exitstatus),
        "tests": tests,
        "reset_ms": mean_ms(resets),
        # Under pytest-xdist this process is the controller, which runs no test.
        "process": this_process(),
        "workers": workers,
    }
    Path(output).write_text(json.dumps(result))


def mean_ms(durations: list[float]) -> float | None:
    return 1000 * sum(durations) / len(durations) if durations else None
