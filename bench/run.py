"""`nox -s bench`: the new test harness against the old one (A/B), in one run, on asyncpg.

python -m bench.run [--quick] [--new REF] [--output DIR] [--note TEXT] [--from-json FILE]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from template_facts import ROOT, SCOPES

from . import plan
from .machine import describe_machine
from .measure import Run, measure
from .projects import OLD_HARNESS_COMMIT, commit_of, install, render
from .reference_strategies import install_references
from .report import write_all
from .scaled_tests import write_scaled_module
from .targets import evaluate

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DOCS_OUTPUT = ROOT / "docs" / "benchmarks"
QUICK_OUTPUT = ROOT / "build" / "bench-quick"
PROGRESS = ROOT / "build" / "bench-progress.jsonl"
# The references bring their own fixtures, so they run in one project whatever its harness: the
# old one, which never changes (the new one's ini names an option only its harness registers).
REFERENCE_PROJECT = ("old", "function")
Projects = dict[tuple[str, str], Path]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prepare_projects(workdir: Path, commits: dict[str, str]) -> Projects:
    projects: Projects = {}
    for harness, commit in commits.items():
        for scope in SCOPES:
            destination = workdir / f"{harness}-{scope}"
            project = render(destination, commit, db_driver=plan.DRIVER, test_scope=scope)
            write_scaled_module(install(project) / "tests")
            projects[harness, scope] = project
    install_references(projects[REFERENCE_PROJECT])
    return projects


class Bench:
    """The projects, the server and the folder every measured run shares."""

    def __init__(self, projects: Projects, server_url: str, tmpdir: Path) -> None:
        self.projects, self.server_url, self.tmpdir = projects, server_url, tmpdir

    def measure_all(self, runs: Iterable[Run], **extra: Any) -> list[dict[str, Any]]:
        results = []
        for run in runs:
            key = REFERENCE_PROJECT if run.harness is None else (run.harness, run.strategy)
            result = {**measure(self.projects[key], run, self.server_url, self.tmpdir), **extra}
            warm = " --reuse-db" if run.reuse else ""
            log(
                f"{run.strategy} {run.harness or 'reference'} N={run.tests} {run.provider}{warm}: "
                f"fixtures {result['fixture_ms']:.2f} ms/test, first test after "
                f"{result['time_to_first_test_s']:.2f} s, run {result['wall_s']:.1f} s "
                f"(load {result['load_1min']})"
            )
            results.append(result)
            with PROGRESS.open("a") as progress:  # what a run cut short had measured
                progress.write(json.dumps(result) + "\n")
        return results


def measure_everything(sizes: plan.Sizes, new_ref: str, note: str) -> dict[str, Any]:
    server_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL
    commits = {"old": OLD_HARNESS_COMMIT, "new": commit_of(new_ref)}
    started = time.perf_counter()
    PROGRESS.parent.mkdir(exist_ok=True)
    PROGRESS.write_text("")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        # The embedded server runs as a system user of its own (under root): it must reach
        # the data folders the runs keep in this TMPDIR.
        workdir.chmod(0o755)
        tmpdir = workdir / "tmp"
        tmpdir.mkdir(mode=0o1777)
        tmpdir.chmod(0o1777)
        log(f"rendering and installing {len(commits) * len(SCOPES)} projects: {commits}")
        projects = prepare_projects(workdir, commits)
        machine = describe_machine(server_url, projects["new", plan.DEFAULT_SCOPE])
        log(f"measuring against {server_url}: {machine['url_server']}")
        bench = Bench(projects, server_url, tmpdir)
        ab = []
        for number in range(sizes.rounds):
            ab += bench.measure_all(plan.ab_round(sizes, number), round=number + 1)
        bench.measure_all(plan.warm_start_primers())
        startup = []
        for number in range(sizes.rounds):
            startup += bench.measure_all(plan.startup_round(number), round=number + 1)
        # Last: the longest runs, once every kind of run has shown that it works.
        growth = bench.measure_all(plan.growth_runs(sizes))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "machine": machine,
        "note": note,
        "commits": commits,
        "sizes": vars(sizes),
        "ab": ab,
        "growth": growth,
        "startup": startup,
        "duration_s": time.perf_counter() - started,
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N, one round: a few minutes")
    parser.add_argument(
        "--new",
        default="HEAD",
        help="the commit whose harness is 'new' (default HEAD; the old commit itself checks "
        "the bench: A/B of a harness against itself)",
    )
    parser.add_argument("--output", type=Path, help=f"default: {DOCS_OUTPUT}, or {QUICK_OUTPUT}")
    parser.add_argument("--note", default="", help="free text stored with the results")
    parser.add_argument(
        "--from-json", type=Path, help="measure nothing: rewrite the outputs from a results.json"
    )
    args = parser.parse_args(argv)
    output: Path = args.output or (QUICK_OUTPUT if args.quick else DOCS_OUTPUT)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        results["note"] = args.note or results["note"]
    else:
        results = measure_everything(plan.QUICK if args.quick else plan.FULL, args.new, args.note)
    results["targets"] = evaluate(results)
    # Only the committed figures belong on the docs page.
    docs_page = ROOT / "docs" / "benchmarks.md" if output.resolve() == DOCS_OUTPUT else None
    write_all(results, output, docs_page)
    for verdict in results["targets"]:
        outcome = "met   " if verdict["met"] else "MISSED"
        log(f"{outcome} {verdict['target']}: {verdict['measured']}")
    log(f"done in {results['duration_s']:.0f} s; wrote {output}")


if __name__ == "__main__":
    main()
