"""Sessions for working on the template: `nox -s tests`, `serial_suites`, `lint`, `docs`, `demo`,
`bench`, `durations` (README.md says what each does)."""

import sys
import tarfile
import tempfile
import time
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent))  # nox loads this file without its folder on the path
from project_env import unset_outer_environment

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
DEMO_DIR = ROOT / "build" / "demo"
# The diagrams' runtime, from the npm package, served with the site (mkdocs.yml's custom_dir).
MERMAID_PACKAGE = "mermaid@11.17.2"
DOCS_THEME = ROOT / "build" / "docs-theme"
# nox points uv at the session's virtualenv; a generated project must get its own.
OWN_ENVIRONMENT = unset_outer_environment()


def install_dev(session: nox.Session) -> None:
    session.run_install("uv", "sync", "--quiet", "--only-group=dev")


@nox.session
def tests(session: nox.Session) -> None:
    """Render every variant and run each generated project's suite and linters."""
    install_dev(session)
    # Three workers on two cores: the meta-tests also wait (servers, installs, timeouts), and
    # a third keeps the cores busy meanwhile (docs/benchmarks.md, "The template's own CI").
    args = session.posargs or ["-n", "3", "-rP", "--durations=30"]
    started = time.perf_counter()
    try:
        session.run("pytest", *args)
    finally:
        session.log(f"template tests took {time.perf_counter() - started:.0f} s")


@nox.session
def serial_suites(session: nox.Session) -> None:
    """Every variant's generated suite serially, in random order (`nox -s tests` runs three)."""
    install_dev(session)
    args = ["-n", "2", "tests/test_generated_suites.py", "-k", "serially", "-rP"]
    session.run("pytest", *args, *session.posargs, env={"ALL_SERIAL": "1"})


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy on the template's own code."""
    # The bench group too, so that mypy sees matplotlib and the benchmark's other imports.
    session.run_install("uv", "sync", "--quiet", "--only-group=dev", "--only-group=bench")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def demo(session: nox.Session) -> None:
    """Render the default project into build/demo and serve it on SQLite."""
    install_dev(session)
    session.run(
        "copier",
        "copy",
        "--trust",
        "--defaults",
        "--overwrite",
        "--vcs-ref=HEAD",
        str(ROOT),
        str(DEMO_DIR),
    )
    session.chdir(DEMO_DIR)
    session.log("Installing the demo project's packages (uv sync)...")
    session.run("uv", "sync", "--quiet", env=OWN_ENVIRONMENT, external=True)
    # The default (asyncpg) project develops on a PostgreSQL server; the demo needs none.
    on_sqlite = {**OWN_ENVIRONMENT, "DATABASE_URL": "sqlite+aiosqlite:///./demo.db"}
    session.run("uv", "run", "fastapi", "dev", *session.posargs, env=on_sqlite, external=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into build/site; any warning fails the build."""
    session.run_install("uv", "sync", "--quiet", "--only-group=docs")
    fetch_mermaid(session)
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        "build/site",
        *session.posargs,
        # Material prints an end-of-life notice on every build; it is not about these docs.
        env={"NO_MKDOCS_2_WARNING": "1"},
    )
    session.run("python", "scripts/offline_site.py", "build/site")


def fetch_mermaid(session: nox.Session) -> None:
    """MERMAID_PACKAGE's dist/mermaid.min.js into DOCS_THEME, once (`npm pack`, no install)."""
    target = DOCS_THEME / "javascripts" / "mermaid.min.js"
    if target.is_file():
        return
    with tempfile.TemporaryDirectory() as folder:
        session.run(
            "npm", "pack", "--silent", MERMAID_PACKAGE, "--pack-destination", folder, external=True
        )
        (package,) = Path(folder).glob("mermaid-*.tgz")
        with tarfile.open(package) as archive:
            script = archive.extractfile("package/dist/mermaid.min.js")
            assert script is not None
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(script.read())


@nox.session
def bench(session: nox.Session) -> None:
    """Measure each strategy's cost per test; rewrite docs/benchmarks/ (not run by default)."""
    session.run_install("uv", "sync", "--quiet", "--only-group=bench")
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session
def durations(session: nox.Session) -> None:
    """Re-record the test durations each variant ships in .test_durations (needs a server)."""
    install_dev(session)
    session.run("python", "scripts/record_durations.py", *session.posargs)
