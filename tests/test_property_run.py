"""The generated property-based test, run long: every schemathesis check, a hundred examples
per operation and mode (two hundred per operation that takes input), on one variant."""

from .rendering import Project
from .running import assert_ok, run_suite

EXAMPLES = "100"


def test_long_property_run_passes(installed_project: Project) -> None:
    project = installed_project(db_driver="aiosqlite", test_scope="session")

    result = run_suite(
        project, "tests/test_api_properties.py", "-p", "no:randomly", PROPERTY_EXAMPLES=EXAMPLES
    )

    assert_ok(result)
    assert " passed" in result.stdout.splitlines()[-1]
