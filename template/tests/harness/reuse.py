"""The options --reuse-db and --create-db, and the run's closing lines about its prepared database.

prepared.py says what they do. Under pytest-xdist each worker hands its lines to the controller,
which prints them.
"""

import pytest

from .prepared import SWITCH, outcomes

OUTCOMES_KEY = "prepared_database_outcomes"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("database", "test database")
    group.addoption(
        "--reuse-db",
        action="store_true",
        help=f"keep the prepared test database between runs (also {SWITCH}=1)",
    )
    group.addoption(
        "--create-db",
        action="store_true",
        help="build the kept test database again, then keep it (implies --reuse-db)",
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[OUTCOMES_KEY] = list(outcomes)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist's controller: collect each worker's outcomes."""
    outcomes.extend(getattr(node, "workeroutput", {}).get(OUTCOMES_KEY, []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in sorted(set(outcomes)):
        terminalreporter.write_line(f"prepared database {line}")
