"""`nox -s bench`: render every variant, run the scaled suites, write results into the docs.

python -m bench.run [--quick] [--output DIR] [--note TEXT]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from template_facts import DRIVERS, ROOT, SCOPES

from . import plan
from .machine import describe_machine
from .measure import Run, measure
from .projects import install, render
from .reference_strategies import install_reference
from .report import write_all
from .scaled_tests import write_scaled_module
from .targets import evaluate

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DOCS_OUTPUT = ROOT / "docs" / "benchmarks"
QUICK_OUTPUT = ROOT / "build" / "bench-quick"
Projects = dict[tuple[str, str], Path]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def docker_reason() -> str | None:
    """Why testcontainers cannot be measured here, or None when a Docker engine answers
    (the one DOCKER_HOST names, as `.ci/docker-up` sets it, or the default socket)."""
    try:
        answer = subprocess.run(["docker", "version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"no Docker engine answers ({error})"
    return None if answer.returncode == 0 else "no Docker engine answers"


def kept_folders() -> set[Path]:
    """The embedded servers' data that --reuse-db runs keep (stopped at each run's end)."""
    return set(Path(tempfile.gettempdir()).glob("embedded-postgres-kept-*"))


def prepare_projects(workdir: Path) -> Projects:
    projects: Projects = {}
    for driver in DRIVERS:
        for scope in SCOPES:
            destination = workdir / f"{driver}-{scope}"
            project = install(render(destination, db_driver=driver, test_scope=scope))
            write_scaled_module(project / "tests")
            projects[driver, scope] = project
    for reference, drivers in plan.REFERENCE_DRIVERS.items():
        for driver in drivers:
            install_reference(projects[driver, "function"], reference)
    return projects


def project_for(projects: Projects, run: Run) -> Path:
    scope = run.strategy if run.strategy in SCOPES else "function"
    return projects[run.driver, scope]


def measure_all(projects: Projects, runs: Iterable[Run], server_url: str) -> list[dict[str, Any]]:
    results = []
    for run in runs:
        result = measure(project_for(projects, run), run, server_url)
        extras = ("" if run.tuning else " untuned") + (" reuse" if run.reuse else "")
        log(
            f"{run.strategy} {run.driver} N={run.tests} -n {run.workers} {run.provider}{extras}: "
            f"{result['per_test_ms']:.1f} ms/test, fixtures {result['fixture_ms']:.2f} ms, "
            f"run {result['wall_s']:.1f} s"
        )
        results.append(result)
    return results


def measure_rounds(
    projects: Projects, runs: list[Run], server_url: str, repeats: int
) -> list[list[dict[str, Any]]]:
    return [measure_all(projects, runs, server_url) for _ in range(repeats)]


def measure_xdist(projects: Projects, sizes: plan.Sizes, server_url: str) -> list[dict[str, Any]]:
    """Interleaved rounds of the -n 0 / -n 2 pairs; each pair's speed-up is its own."""
    pairs = []
    for number in range(sizes.repeats):
        for serial, parallel in plan.xdist_pairs(sizes):
            serial_result, parallel_result = measure_all(projects, [serial, parallel], server_url)
            speedup = serial_result["wall_s"] / parallel_result["wall_s"]
            log(f"xdist {serial.strategy} round {number + 1}: -n 2 {speedup:.2f}x faster")
            pairs.append(
                {
                    "strategy": serial.strategy,
                    "round": number + 1,
                    "speedup": speedup,
                    "serial": serial_result,
                    "parallel": parallel_result,
                }
            )
    return pairs


def fastest_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the fewest ms per test (other processes only ever add time, as timeit's
    documentation argues), and every round's figures beside it."""
    return {
        **min(results, key=lambda result: result["per_test_ms"]),
        "rounds_per_test_ms": [result["per_test_ms"] for result in results],
        "rounds_fixture_ms": [result["fixture_ms"] for result in results],
    }


def measure_everything(sizes: plan.Sizes, note: str) -> dict[str, Any]:
    server_url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL
    not_measured = {"testcontainers": reason} if (reason := docker_reason()) else {}
    providers = ["url", "embedded"] + ([] if not_measured else ["testcontainers"])
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        log(f"rendering and installing {len(DRIVERS) * len(SCOPES)} projects")
        projects = prepare_projects(Path(workdir))
        machine = describe_machine(server_url, projects[plan.DEFAULT])
        log(f"measuring against {server_url}: {machine['url_server']}")
        repeated = plan.repeated_runs(sizes) + plan.tuning_runs(sizes)
        rounds = measure_rounds(projects, repeated, server_url, sizes.repeats)
        measured = [fastest_run(list(results)) for results in zip(*rounds, strict=True)]
        measured += measure_all(projects, plan.single_runs(sizes), server_url)
        xdist = measure_xdist(projects, sizes, server_url)
        kept_before = kept_folders()
        try:
            # Not measured: it keeps the data every warm start-up run then finds.
            measure_all(projects, [plan.warm_start_run()], server_url)
            startup_rounds = measure_rounds(
                projects, plan.startup_runs(providers), server_url, sizes.repeats
            )
        finally:
            for folder in kept_folders() - kept_before:
                shutil.rmtree(folder, ignore_errors=True)
        startup = [result for results in startup_rounds for result in results]
    return {
        "machine": machine,
        "note": note,
        "sizes": vars(sizes),
        "providers": providers,
        "providers_not_measured": not_measured,
        "runs": measured,
        "xdist": xdist,
        "startup": startup,
        "duration_s": time.perf_counter() - started,
        "load_average_at_end": [round(load, 2) for load in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N, for developing the bench")
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
        results = measure_everything(plan.QUICK if args.quick else plan.FULL, args.note)
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
