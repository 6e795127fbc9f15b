"""Record the test durations every generated variant starts with (`.test_durations`).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres nox -s durations
    nox -s durations -- asyncpg-session     # only these variants

Renders each db_driver x test_scope variant (both test_schema answers collect the same tests;
tests/test_durations_files.py checks it), runs its whole suite once with pytest-split's
`--store-durations` against TEST_DATABASE_URL (a server, as the generated CI runs it: an
embedded server's start would be counted in the first test) and writes
includes/durations/<driver>-<scope>.json, which template/.test_durations.jinja includes.
Run it after adding, renaming or slowing down generated tests: tests/test_durations_files.py
fails while a variant collects a test its file does not name.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from copier import run_copy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script
from template_facts import DRIVERS, ROOT, SCOPES, clean_env, durations_file

VARIANTS = {f"{driver}-{scope}": (driver, scope) for driver in DRIVERS for scope in SCOPES}
# Enough to order and balance the tests; fewer digits keep a re-recording's diff readable.
DIGITS = 4


def record(variant: tuple[str, str], database_url: str, work: Path) -> dict[str, float]:
    """The variant's durations by test id, from one passing run of its suite."""
    driver, scope = variant
    project = work / "-".join(variant)
    answers = {"db_driver": driver, "test_scope": scope}
    run_copy(str(ROOT), project, data=answers, defaults=True, vcs_ref="HEAD", quiet=True)
    env = clean_env(TEST_DATABASE_URL=database_url, TEST_DATABASE_PROVIDER=None)
    install = ["uv", "sync", "--quiet", "--compile-bytecode"]
    subprocess.run(install, cwd=project, env=env, check=True)
    stored = work / f"{project.name}.json"
    command = ["uv", "run", "--no-sync", "pytest", "-q", "--store-durations"]
    suite = subprocess.run(
        [*command, "--durations-path", str(stored)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if suite.returncode != 0:
        raise SystemExit(f"{project.name}: the suite failed, nothing recorded\n{suite.stdout}")
    durations: dict[str, float] = json.loads(stored.read_text())
    return {test: round(seconds, DIGITS) for test, seconds in durations.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help=f"default: all of {', '.join(VARIANTS)}")
    names = parser.parse_args().variants or list(VARIANTS)
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        parser.error(f"no such variant: {', '.join(unknown)}")
    database_url = os.environ.get("TEST_DATABASE_URL")
    if not database_url:
        raise SystemExit("Set TEST_DATABASE_URL to a PostgreSQL server the suites may use.")
    with tempfile.TemporaryDirectory(prefix="record-durations-") as work:
        for name in names:
            started = time.perf_counter()
            path = durations_file(*VARIANTS[name])
            if not path.exists():
                path.write_text("{}\n")  # a new variant: the template renders only what exists
            durations = record(VARIANTS[name], database_url, Path(work))
            path.write_text(json.dumps(durations, indent=4, sort_keys=True) + "\n")
            took = time.perf_counter() - started
            print(f"{path.relative_to(ROOT)}: {len(durations)} tests ({took:.0f} s)")


if __name__ == "__main__":
    main()
