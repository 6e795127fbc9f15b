"""Loading the fixture plugins (which import the app) only in the pytest processes that run tests.

An error importing them (a typo in the app's models) becomes a collection error naming it, with
its traceback through this project's files: pytest and pytest-xdist's workers both report that
cleanly, where an exception in `pytest_configure` would crash a worker.
"""

import sys
import traceback
from collections.abc import Generator
from pathlib import Path

import pytest


def runs_tests(config: pytest.Config) -> bool:
    """False in pytest-xdist's controller, unless it only lists tests, fixtures or markers."""
    # What pytest-xdist itself checks: `--dist` without workers (`-n`, `--tx`) runs tests here.
    distributes = config.getoption("dist", "no") != "no" and bool(config.getoption("tx", None))
    controller = distributes and not hasattr(config, "workerinput")
    listing = ("collectonly", "showfixtures", "show_fixtures_per_test", "markers")
    return not controller or any(config.getoption(option) for option in listing)


def load_fixture_plugins(config: pytest.Config, plugins: list[str]) -> None:
    """Import `plugins` in order (a later one's fixture overrides an earlier one's)."""
    for plugin in plugins:
        try:
            config.pluginmanager.import_plugin(plugin)
        except Exception as error:
            cause = error.__cause__ or error
            message = f"{plugin} could not be imported:\n{traceback_here(cause)}"
            config.pluginmanager.register(FailedImport(message), "fixture-import-error")
            return


class FailedImport:
    """Fails the collection with `message` instead of collecting tests without their fixtures."""

    def __init__(self, message: str) -> None:
        self.message = message

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        report = yield
        if not isinstance(collector, pytest.Session):
            return report
        return pytest.CollectReport(collector.nodeid, "failed", self.message, [])


def traceback_here(error: BaseException) -> str:
    """The error's traceback through this project's own files: not pytest's, importlib's or
    the virtualenv's."""
    project, environment = Path(__file__).parents[2], Path(sys.prefix)
    trace = traceback.TracebackException.from_exception(error)
    own = [
        frame
        for frame in trace.stack
        if Path(frame.filename).is_relative_to(project)
        and not Path(frame.filename).is_relative_to(environment)
    ]
    trace.stack = traceback.StackSummary.from_list(own)
    return "".join(trace.format())
