"""Write one run's results as JSON, a Markdown page and a PNG chart, and refresh the docs page."""

import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure  # drawn without pyplot: the Agg canvas, no GUI backend

from template_facts import SCOPES

from .plan import BASELINE, REFERENCES
from .targets import STARTUP_LABELS, fixture_ms, matching, median, paired_ratios, sizes_of

LABELS = {
    "no_isolation": "baseline: no isolation",
    "session": "session (SAVEPOINT rollback)",
    "class": "class (schema per class)",
    "function": "function (tables emptied per test)",
    "truncate_after_test": "ref: TRUNCATE after each test",
    "new_engine_per_test": "ref: new engine + drop/create per test",
}
DOCS_START = "<!-- bench-results:start -->"
DOCS_END = "<!-- bench-results:end -->"
CHART = "fixture-ms-by-n.png"
CHART_DPI = 100


def write_all(results: dict[str, Any], output: Path, docs_page: Path | None) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (output / "results.md").write_text(markdown(results))
    chart(results, output / CHART)
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
    load_end = ", ".join(str(value) for value in results["load_average_at_end"])
    commits = results["commits"]
    text = (
        f"Measured {machine['measured_at']} on {machine['cpu']}, {machine['cores']} cores "
        f"({machine['platform']}), Python {machine['python'].split()[0]}, asyncpg. "
        f"Old harness: commit {commits['old'][:7]}; new: {commits['new'][:7]}. "
        f"URL provider: PostgreSQL {server['server_version']} on loopback "
        f"(fsync={server['fsync']}, synchronous_commit={server['synchronous_commit']}); "
        f"embedded provider: {machine['embedded_server']}. "
        f"Load average (1, 5, 15 min) at start: {load}; at end: {load_end} (each run's "
        "1-minute load is in the last table). "
        f"A 10-million-step Python loop took {machine['python_loop_s']} s. "
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


def ab_table(results: dict[str, Any]) -> str:
    small = results["sizes"]["small"]
    runs = results["ab"] + results["growth"]
    rows = []
    for scope in SCOPES:
        for tests in sizes_of(results):
            found = matching(runs, strategy=scope, tests=tests)
            if not matching(found, harness="old"):
                continue
            old, new = (fixture_ms(results, scope, tests, harness) for harness in ("old", "new"))
            ratios = paired_ratios(found, "fixture_ms") if tests == small else [new / old]
            body = [
                median([run["call_ms"] for run in matching(found, harness=harness)])
                for harness in ("old", "new")
            ]
            rows.append(
                [
                    LABELS[scope],
                    f"{tests:,}",
                    f"{old:.2f}",
                    f"{new:.2f}",
                    f"{median(ratios):.2f}",
                    ", ".join(f"{ratio:.2f}" for ratio in ratios),
                    f"{body[0]:.1f} / {body[1]:.1f}",
                ]
            )
    header = ["scope", "N", "old fixtures ms", "new fixtures ms", "new/old", "each round"]
    header += ["test body ms (old / new)"]
    return table(header, rows)


def without_auditor(results: dict[str, Any]) -> str:
    """The new harness's session scope as a local run has it: the auditor off outside CI."""
    small = results["sizes"]["small"]
    runs = matching(results["ab"], strategy="session", harness="new", tests=small, audit=False)
    off = median([run["fixture_ms"] for run in runs])
    on = fixture_ms(results, "session", small, "new")
    return (
        "Both harnesses run the session scope's isolation auditor above (the old one's default; "
        "the new one's where `CI` is set). Without it, the new harness's default outside CI, "
        f"session fixtures cost {off:.2f} ms a test against {on:.2f} ms with it "
        f"(N = {small}, median of the same rounds).\n"
    )


def growth_table(results: dict[str, Any]) -> str:
    sizes = sizes_of(results)
    rows = []
    for strategy in (BASELINE, *SCOPES):
        for harness in ("new", "old") if strategy in SCOPES else (None,):
            cells = []
            for tests in sizes:
                try:
                    cells.append(f"{fixture_ms(results, strategy, tests, harness):.2f}")
                except LookupError:
                    cells.append("-")
            rows.append([LABELS[strategy], harness or "-", *cells])
    return table(["strategy", "harness", *(f"N = {tests:,}" for tests in sizes)], rows)


def startup_table(results: dict[str, Any]) -> str:
    rows = []
    for (provider, reuse), label in STARTUP_LABELS.items():
        kind = matching(results["startup"], provider=provider, reuse=reuse)
        for harness in ("old", "new"):
            runs = matching(kind, harness=harness)
            first = [run["time_to_first_test_s"] for run in runs]
            setup = [run["first_setup_ms"] for run in runs]
            rows.append(
                [
                    label,
                    harness,
                    f"{median(first):.2f}",
                    f"{median(setup):.0f}",
                    ", ".join(f"{run['time_to_first_test_s']:.2f}" for run in runs),
                ]
            )
        ratio = median(paired_ratios(kind, "time_to_first_test_s"))
        rows.append([label, "new/old", f"{ratio:.2f}", "", ""])
    header = ["provider", "harness", "time to first test s (median)"]
    header += ["of which the first test's setup ms", "each round"]
    return table(header, rows)


def references_table(results: dict[str, Any]) -> str:
    small = results["sizes"]["small"]
    session = fixture_ms(results, "session", small, "new")
    function = fixture_ms(results, "function", small, "new")
    rows = []
    for name in REFERENCES:
        runs = matching(results["ab"], strategy=name)
        fixtures = median([run["fixture_ms"] for run in runs])
        whole = median([run["per_test_ms"] for run in runs])
        rows.append(
            [
                LABELS[name],
                f"{small}",
                f"{whole:.1f}",
                f"{fixtures:.2f}",
                f"{fixtures / session:.1f}x",
                f"{fixtures / function:.1f}x",
            ]
        )
    header = ["strategy", "N", "ms per test", "fixtures ms", "/ new session's", "/ new function's"]
    return table(header, rows)


def all_runs_table(results: dict[str, Any]) -> str:
    rows = []
    for part in ("ab", "growth", "startup"):
        for run in results[part]:
            rows.append(
                [
                    part + (f" {run['round']}" if "round" in run else ""),
                    run["strategy"],
                    run["harness"] or "-",
                    f"{run['tests']:,}",
                    run["provider"]
                    + (" --reuse-db" if run["reuse"] else "")
                    + ("" if run["audit"] else ", no auditor"),
                    f"{run['fixture_ms']:.2f}",
                    f"{run['call_ms']:.1f}",
                    f"{run['time_to_first_test_s']:.2f}",
                    f"{run['wall_s']:.1f}",
                    f"{run['load_1min']:.2f}",
                ]
            )
    header = ["part", "strategy", "harness", "N", "provider", "fixtures ms", "test body ms"]
    header += ["first test s", "run s", "load (1 min)"]
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
            "## Old harness against new",
            "",
            "Fixtures = setup + teardown per test, a mean over the run; the first test's setup "
            "(the session's start) and the last teardown are left out. Test body = the test's "
            f"call: four requests through the app. N = {sizes['small']}: the median of "
            f"{sizes['rounds']} rounds, each running old and new back to back; larger N: one "
            "run each.",
            "",
            ab_table(results),
            without_auditor(results),
            "## Cost as the suite grows",
            "",
            "Fixtures ms per test by N; the baseline (no isolation, its own fixtures) is what "
            "any strategy pays.",
            "",
            growth_table(results),
            "## Start-up",
            "",
            "Time to first test: from spawning `uv run pytest` to the first test's call, "
            "default answers (asyncpg, session scope), N = 10. `--reuse-db`: after a run that "
            "kept the embedded server's data and the prepared database.",
            "",
            startup_table(results),
            "## References",
            "",
            "Tutorial strategies with fixtures of their own (bench/reference_strategies/), "
            "the same tests; their fixture ms against the new harness's.",
            "",
            references_table(results),
            "## Every run",
            "",
            all_runs_table(results),
        ]
    )


def chart(results: dict[str, Any], path: Path) -> None:
    chart_figure(results).savefig(path, dpi=CHART_DPI)


def chart_figure(results: dict[str, Any]) -> Figure:
    sizes = sizes_of(results)
    figure = Figure(figsize=(9, 5))
    axes = figure.subplots()
    for index, strategy in enumerate((BASELINE, *SCOPES)):
        for harness in ("new", "old") if strategy in SCOPES else (None,):
            points = []
            for tests in sizes:
                try:
                    points.append((tests, fixture_ms(results, strategy, tests, harness)))
                except LookupError:
                    continue
            style = "--" if harness == "old" else "-"
            label = LABELS[strategy] + (f", {harness} harness" if harness else "")
            xs, ys = zip(*points, strict=True)
            axes.plot(xs, ys, style, marker="o", color=f"C{index}", label=label)
    axes.set_xscale("log")
    axes.set_xticks(sizes, [f"{tests:,}" for tests in sizes])
    axes.set_ylim(bottom=0)
    axes.set_xlabel("tests in the run (N)")
    axes.set_ylabel("fixture setup + teardown, ms per test")
    machine = results["machine"]
    axes.set_title(
        f"Fixture cost per test as the suite grows, asyncpg\n{machine['cpu']}, "
        f"{machine['cores']} cores, {machine['measured_at']}",
        fontsize=10,
    )
    axes.legend(fontsize=8)
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
            "Old harness against new, fixtures ms per test:",
            "",
            ab_table(results),
            "Time to first test:",
            "",
            startup_table(results),
            f"![fixture ms per test by N]({folder}/{CHART})",
            "",
            f"All tables: [{folder}/results.md]({folder}/results.md); raw figures: "
            f"[{folder}/results.json]({folder}/results.json).",
            "",
            DOCS_END,
        ]
    )
    page.write_text(before + block + after)
