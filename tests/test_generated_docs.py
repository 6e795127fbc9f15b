"""The generated project's own guides describe the harness it actually has."""

import re
from pathlib import Path

import pytest

from .answers import SCOPES
from .readers import harness_source
from .rendering import render

HARNESS_TOOLS = ["real_commits", "committing_engine", "assert_max_queries"]


def first_match(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return match.group(1)


@pytest.mark.parametrize("test_scope", SCOPES)
def test_the_testing_guide_names_every_harness_tool(tmp_path: Path, test_scope: str) -> None:
    project = render(tmp_path, test_scope=test_scope)

    guide = (project / "docs" / "testing.md").read_text()
    source = harness_source(project)
    assert [tool for tool in HARNESS_TOOLS if f"`{tool}" not in guide] == []
    assert [tool for tool in HARNESS_TOOLS if tool not in source] == []


def test_the_troubleshooting_guide_explains_the_auditors_failure(tmp_path: Path) -> None:
    """The auditor's message ends with "See the troubleshooting guide"; the guide has the entry."""
    project = render(tmp_path, test_scope="session")

    auditor = (project / "tests" / "harness" / "auditor.py").read_text()
    guide = (project / "docs" / "troubleshooting.md").read_text()
    assert "See the troubleshooting guide" in auditor
    assert first_match(r'f"(Isolation audit:) ', auditor) in guide
    assert first_match(r'SWITCH = "(\w+)"', auditor) + "=off" in guide


@pytest.mark.parametrize("test_scope", ["function", "class"])
def test_only_session_scope_troubleshoots_the_auditor(tmp_path: Path, test_scope: str) -> None:
    project = render(tmp_path, test_scope=test_scope)

    guide = (project / "docs" / "troubleshooting.md").read_text()
    assert "Isolation audit" not in guide
    assert "TEST_ISOLATION_AUDIT" not in guide


# A comparison with PostgreSQL may name it; these are what a SQLite project has no use for.
POSTGRESQL_ONLY = ["sequence", "roles", "a server", "TEST_DATABASE_URL", "embedded"]


@pytest.mark.parametrize("test_scope", SCOPES)
def test_the_sqlite_guides_speak_of_nothing_only_postgresql_has(
    tmp_path: Path, test_scope: str
) -> None:
    project = render(tmp_path, db_driver="aiosqlite", test_scope=test_scope)

    for guide in ("testing.md", "troubleshooting.md"):
        text = (project / "docs" / guide).read_text()
        assert [word for word in POSTGRESQL_ONLY if word in text] == [], guide
