"""Write one run's results as JSON, a Markdown table and a PNG chart, and refresh the docs page."""

import json
from functools import partial
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure  # drawn without pyplot: the Agg canvas, no GUI backend

from template_facts import DRIVERS, POSTGRES_DRIVERS

from .plan import REFERENCE_DRIVERS
from .targets import find

LABELS = {
    "no_isolation": "baseline: no isolation",
    "session": "session (SAVEPOINT rollback)",
    "class": "class (schema per class)",
    "function": "function (tables emptied per test)",
    "truncate_after_test": "ref: TRUNCATE after each test",
    "new_engine_per_test": "ref: new engine + drop/create per test",
    "template_clone_per_test": "ref: template database clone per test",
    "server_per_test": "ref: fresh server per test",
}
# Lines short enough that neighbouring labels never touch (tests/test_bench_chart.py).
CHART_LABELS = {
    "no_isolation": "baseline:\nno isolation",
    "session": "session\n(SAVEPOINT\nrollback)",
    "class": "class\n(schema\nper class)",
    "function": "function\n(tables emptied\nper test)",
    "new_engine_per_test": "ref: new engine\n+ drop/create\nper test",
    "truncate_after_test": "ref: TRUNCATE\nafter each test",
    "template_clone_per_test": "ref: template\nclone per test",
    "server_per_test": "ref: fresh\nserver\nper test",
}
OURS = ("session", "class", "function")
BASELINE = "no_isolation"
REFERENCES = tuple(name for name in REFERENCE_DRIVERS if name != BASELINE)
CHART_ORDER = (BASELINE, *OURS, *REFERENCES)
CHART_DPI = 100
DOCS_START = "<!-- bench-results:start -->"
DOCS_END = "<!-- bench-results:end -->"


def write_all(results: dict[str, Any], output: Path, docs_page: Path | None) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (output / "results.md").write_text(markdown(results))
    chart(results, output / "ms-per-test.png")
    if docs_page is not None:
        refresh_docs_page(results, docs_page, output.name)


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def where_and_when(results: dict[str, Any]) -> str:
    machine = results["machine"]
    server = machine["url_server"]
    load = ", ".join(str(value) for value in machine["load_average_at_start"])
    load_end = ", ".join(str(value) for value in results.get("load_average_at_end", []))
    yardstick = ""
    if "python_loop_s" in machine:
        yardstick = (
            f"A 10-million-step Python loop took {machine['python_loop_s']} s, and an 8 kB write "
            f"made durable (fdatasync) {machine['fdatasync_ms']} ms: yardsticks for comparing "
            "machines. "
        )
    text = (
        f"Measured {machine['measured_at']} on {machine['cpu']}, {machine['cores']} cores "
        f"({machine['platform']}), Python {machine['python'].split()[0]}. "
        f"URL provider: PostgreSQL {server['server_version']} on loopback "
        f"(fsync={server['fsync']}, synchronous_commit={server['synchronous_commit']}); "
        f"embedded provider: {machine['embedded_server']}, tuned for throwaway data. "
        f"Load average (1, 5, 15 min) at start: {load}; at end: {load_end}. {yardstick}"
        f"The whole run took {results['duration_s']:.0f} s."
    )
    if results.get("note"):
        text += f" Note: {results['note']}"
    return text


def targets_table(results: dict[str, Any]) -> str:
    rows = [
        [t["target"], t["measured"], "met" if t["met"] else "**missed**", t["how"]]
        for t in results["targets"]
    ]
    return table(["target", "measured", "", "how it is measured"], rows)


def cost_table(results: dict[str, Any]) -> str:
    rows = []
    runs = [
        run
        for run in results["runs"]
        if run["workers"] == 0
        and run["provider"] == "url"
        and run.get("audit", True)
        and not run.get("audit_every_other")
    ]
    order = {name: index for index, name in enumerate(CHART_ORDER)}
    for run in sorted(runs, key=lambda r: (order[r["strategy"]], r["tests"], r["driver"])):
        rows.append(
            [
                LABELS[run["strategy"]],
                run["driver"],
                str(run["tests"]),
                f"{run['per_test_ms']:.1f}",
                f"{run['fixture_ms']:.2f}",
                f"{run['call_ms']:.1f}",
                f"{run['wall_s']:.1f}",
                f"{run['machine_busy_pct']:.0f}",
            ]
        )
    header = ["strategy", "driver", "N", "ms per test", "fixtures ms", "test body ms", "run s"]
    header += ["machine busy %"]
    return table(header, rows)


def ratio_table(results: dict[str, Any]) -> str:
    runs, small = results["runs"], results["sizes"]["small"]
    rows = []
    for driver in POSTGRES_DRIVERS:
        for scope in OURS:
            ours = find(runs, strategy=scope, driver=driver, tests=small)
            cells = [LABELS[scope], driver]
            for reference in REFERENCES:
                if driver not in REFERENCE_DRIVERS[reference]:
                    cells.append("-")
                    continue
                theirs = find(runs, strategy=reference, driver=driver)
                whole = theirs["per_test_ms"] / ours["per_test_ms"]
                fixtures = theirs["fixture_ms"] / ours["fixture_ms"]
                cells.append(f"{whole:.1f}x (fixtures {fixtures:.{0 if fixtures >= 10 else 1}f}x)")
            rows.append(cells)
    header = ["ours", "driver"] + [LABELS[reference][5:] for reference in REFERENCES]
    return table(header, rows)


def startup_table(results: dict[str, Any]) -> str:
    rows = []
    kinds = [(provider, False) for provider in results["providers"]] + [("embedded", True)]
    for provider, reuse in kinds:
        runs = [
            run
            for run in results["startup"]
            if run["provider"] == provider and run.get("reuse", False) == reuse
        ]
        if not runs:
            continue
        first = sorted(run["time_to_first_test_s"] for run in runs)
        setup = sorted(run["first_setup_ms"] for run in runs)
        rows.append(
            [
                f"{provider}, --reuse-db (warm)" if reuse else provider,
                f"{first[len(first) // 2]:.2f}",
                f"{setup[len(setup) // 2]:.0f}",
                ", ".join(f"{value:.2f}" for value in first),
            ]
        )
    for provider, reason in results["providers_not_measured"].items():
        rows.append([provider, f"n/a: {reason}", "", ""])
    header = ["provider", "time to first test s (median)", "of which server + database ms", "runs"]
    return table(header, rows)


def tuning_table(results: dict[str, Any]) -> str:
    rows = []
    runs, small = results["runs"], results["sizes"]["small"]
    tuned_runs = [run for run in runs if run["provider"] == "embedded" and run.get("tuning")]
    order = {name: index for index, name in enumerate(CHART_ORDER)}
    for tuned in sorted(tuned_runs, key=lambda r: (order[r["strategy"]], r["driver"])):
        match = {"strategy": tuned["strategy"], "driver": tuned["driver"], "tests": small}
        durable = find(runs, **match, provider="embedded", tuning=False)
        rows.append(
            [
                LABELS[tuned["strategy"]],
                tuned["driver"],
                f"{durable['per_test_ms']:.1f}",
                f"{tuned['per_test_ms']:.1f}",
                f"{durable['per_test_ms'] / tuned['per_test_ms']:.2f}x",
                f"{durable['fixture_ms']:.2f} / {tuned['fixture_ms']:.2f}",
            ]
        )
    header = ["strategy", "driver", "durable ms per test", "tuned ms per test", "speed-up"]
    header += ["fixtures ms (durable / tuned)"]
    return table(header, rows)


def serial_and_parallel(
    serial: dict[str, Any], parallel: dict[str, Any], field: str, digits: int = 1
) -> str:
    return f"{serial[field]:.{digits}f} / {parallel[field]:.{digits}f}"


def xdist_table(results: dict[str, Any]) -> str:
    rows = []
    for pair in results.get("xdist", []):
        serial, parallel = pair["serial"], pair["parallel"]
        both = partial(serial_and_parallel, serial, parallel)
        rows.append(
            [
                LABELS[pair["strategy"]],
                str(pair["round"]),
                both("wall_s"),
                f"{pair['speedup']:.2f}x",
                both("start_s"),
                both("tests_s"),
                both("end_s"),
                both("testing_cpu_s"),
                f"{parallel['controller_cpu_s']:.1f}",
                both("server_cpu_s"),
                both("machine_busy_pct", 0),
            ]
        )
    header = ["strategy (asyncpg)", "round", "run s (-n 0 / -n 2)", "speed-up"]
    header += ["start-up s", "tests s", "wind-down s", "test processes CPU s"]
    header += ["controller CPU s", "server CPU s", "machine busy %"]
    return table(header, rows)


def markdown(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            "Generated by `nox -s bench` (bench/); do not edit by hand. "
            "Method and discussion: [benchmarks.md](../benchmarks.md).",
            "",
            where_and_when(results),
            "",
            "## Targets",
            "",
            targets_table(results),
            "## Cost per test",
            "",
            "Mean over the run, from pytest's own durations; the first test (session start, "
            "first imports) and the last teardown (session end) are left out. "
            "Test body = the test's call phase: four requests through the app. "
            f"N = {sizes['small']} for every strategy and driver (the fastest of "
            f"{sizes['repeats']} interleaved rounds; all rounds are in results.json), "
            f"N = {sizes['large']} for "
            "session and function on the PostgreSQL drivers and the fresh server per test at "
            f"N = {sizes['server_per_test']} (one run each).",
            "",
            cost_table(results),
            "## Our strategies against the references",
            "",
            f"Reference ms per test / ours, same driver, same run (N = {sizes['small']}). "
            "In brackets: the same ratio for fixture setup + teardown alone.",
            "",
            ratio_table(results),
            "## Start-up by provider",
            "",
            f"asyncpg + session (the default answers), {sizes['repeats']} run(s) each. "
            "Time to first test: from spawning `uv run pytest` to the first test's call. "
            "Warm: `--reuse-db` after a run that kept the embedded server's data and the "
            "prepared database.",
            "",
            startup_table(results),
            "## A test-tuned embedded server",
            "",
            "The embedded provider with PostgreSQL's durable defaults (`TEST_SERVER_TUNING=off`) "
            "and tuned for throwaway data (the default: fsync, synchronous_commit and "
            f"full_page_writes off), N = {sizes['small']}, the fastest of "
            f"{sizes['repeats']} interleaved rounds.",
            "",
            tuning_table(results),
            "## pytest-xdist",
            "",
            f"N = {sizes['large']}, `-n 0` then `-n 2` back to back, in {sizes['repeats']} "
            "interleaved rounds. Each cell gives `-n 0 / -n 2`. Run: the wall time of the whole "
            "`uv run pytest`. Start-up: from spawning it until every process that runs tests "
            "(each worker) has started its first test; tests: from then until the last test "
            "ended; wind-down: from then until pytest exited. CPU: of the processes that ran "
            "tests (until their session ended), of xdist's controller, and of the PostgreSQL "
            "server (every `postgres` process of the machine). Machine busy: all cores, every "
            "process counted (/proc/stat).",
            "",
            xdist_table(results),
        ]
    )


def chart(results: dict[str, Any], path: Path) -> None:
    chart_figure(results).savefig(path, dpi=CHART_DPI)


def chart_figure(results: dict[str, Any]) -> Figure:
    sizes = results["sizes"]
    runs = [
        run
        for run in results["runs"]
        if run["workers"] == 0
        and run["provider"] == "url"
        and run["tests"]
        == (sizes["server_per_test"] if run["strategy"] == "server_per_test" else sizes["small"])
    ]
    figure = Figure(figsize=(12, 5.5))
    axes = figure.subplots()
    width = 0.8 / len(DRIVERS)
    for offset, driver in enumerate(DRIVERS):
        positions, values, fixtures = [], [], []
        for index, strategy in enumerate(CHART_ORDER):
            matching = [r for r in runs if r["strategy"] == strategy and r["driver"] == driver]
            if matching:
                positions.append(index + (offset - 1) * width)
                values.append(matching[0]["per_test_ms"])
                fixtures.append(matching[0]["fixture_ms"])
        bars = axes.bar(positions, values, width, label=driver, color=f"C{offset}")
        axes.bar_label(bars, labels=[f"{v:.0f}" if v >= 10 else f"{v:.1f}" for v in values])
        label = "of which fixture setup + teardown" if offset == 0 else None
        axes.bar(positions, fixtures, width, fill=False, hatch="///", linewidth=0, label=label)
    axes.set_yscale("log")
    axes.set_ylim(bottom=1)
    axes.set_xticks(range(len(CHART_ORDER)))
    axes.set_xticklabels([CHART_LABELS[name] for name in CHART_ORDER], fontsize=9)
    axes.set_ylabel("ms per test (log scale)")
    machine = results["machine"]
    axes.set_title(
        f"ms per test by strategy and driver (N = {sizes['small']}; fresh server per test: "
        f"N = {sizes['server_per_test']})\n{machine['cpu']}, {machine['cores']} cores, "
        f"PostgreSQL {machine['url_server']['server_version']}, {machine['measured_at']}",
        fontsize=10,
    )
    axes.legend()
    figure.tight_layout()
    return figure


def refresh_docs_page(results: dict[str, Any], page: Path, folder: str) -> None:
    text = page.read_text()
    before, rest = text.split(DOCS_START, 1)
    _, after = rest.split(DOCS_END, 1)
    block = "\n".join(
        [
            DOCS_START,
            "",
            where_and_when(results),
            "",
            targets_table(results),
            f"![ms per test by strategy and driver]({folder}/ms-per-test.png)",
            "",
            f"All tables: [{folder}/results.md]({folder}/results.md); raw figures: "
            f"[{folder}/results.json]({folder}/results.json).",
            "",
            DOCS_END,
        ]
    )
    page.write_text(before + block + after)
