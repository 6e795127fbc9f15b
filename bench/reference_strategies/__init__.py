"""Isolation strategies users copy from tutorials, measured against ours (benchmark only).

Each module is a conftest that overrides the generated suite's `sessionmaker` fixture. The
benchmark copies it into a test directory of its own inside a generated project, beside the
scaled test module, so only the tests in that directory use it.
"""

from pathlib import Path

from ..scaled_tests import write_scaled_module

HERE = Path(__file__).parent
REFERENCES = (
    "no_isolation",
    "new_engine_per_test",
    "truncate_after_test",
    "template_clone_per_test",
    "server_per_test",
)


def install_reference(project: Path, name: str) -> Path:
    """Put reference `name` and the scaled tests into `tests/reference_<name>/`; return it."""
    directory = project / "tests" / f"reference_{name}"
    directory.mkdir(exist_ok=True)
    (directory / "__init__.py").write_text("")
    (directory / "conftest.py").write_text((HERE / f"{name}.py").read_text())
    write_scaled_module(directory)
    return directory
