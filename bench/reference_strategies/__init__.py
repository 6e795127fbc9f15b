"""Isolation strategies users copy from tutorials, and a baseline, measured beside the harness.

They share nothing with the generated harness, so the same code runs whichever harness the
project has: `shared.py` (copied to `bench_references/conftest.py` in a generated project) gives
them a database of their own on the benchmark's server, an engine, the app and its `client`;
each reference module (copied to `bench_references/<name>/conftest.py`, beside the scaled tests)
defines `sessionmaker`, where the app's requests get their sessions.
"""

from pathlib import Path

from ..scaled_tests import write_scaled_module

HERE = Path(__file__).parent
FOLDER = "bench_references"
REFERENCES = (
    "no_isolation",
    "new_engine_per_test",
    "truncate_after_test",
)


def reference_path(name: str) -> str:
    """The tests of reference `name`, relative to the project."""
    return f"{FOLDER}/{name}"


def install_references(project: Path) -> None:
    """Put every reference and a copy of the scaled tests into `project/bench_references/`."""
    root = project / FOLDER
    root.mkdir(exist_ok=True)
    (root / "__init__.py").write_text("")
    (root / "conftest.py").write_text((HERE / "shared.py").read_text())
    for name in REFERENCES:
        directory = project / reference_path(name)
        directory.mkdir(exist_ok=True)
        (directory / "__init__.py").write_text("")
        (directory / "conftest.py").write_text((HERE / f"{name}.py").read_text())
        write_scaled_module(directory)
