"""The issue's speed targets, checked against one run's results. Ratios are what count."""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool
    how: str


STANDARD = {"audit": True, "tuning": True, "reuse": False, "audit_every_other": False}


def find(runs: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    """The one run whose fields equal `match` (workers 0 and provider url unless given)."""
    wanted = {**STANDARD, "workers": 0, "provider": "url", **match}
    # Results measured before a field existed lack it: they are the standard runs.
    found = [
        run
        for run in runs
        if all({**STANDARD, **run}[key] == value for key, value in wanted.items())
    ]
    if len(found) != 1:
        raise LookupError(f"{len(found)} runs match {wanted}")
    return found[0]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def startup(runs: list[dict[str, Any]], provider: str, field: str, reuse: bool = False) -> float:
    chosen = [run for run in runs if run["provider"] == provider and run.get("reuse") == reuse]
    return median([run[field] for run in chosen])


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    runs, sizes = results["runs"], results["sizes"]
    large, small = sizes["large"], sizes["small"]
    session = find(runs, strategy="session", driver="asyncpg", tests=large)
    session_small = find(runs, strategy="session", driver="asyncpg", tests=small)
    baseline = find(runs, strategy="no_isolation", driver="asyncpg", tests=small)
    function_small = find(runs, strategy="function", driver="asyncpg", tests=small)
    truncate = find(runs, strategy="truncate_after_test", driver="asyncpg", tests=small)
    new_engine = find(runs, strategy="new_engine_per_test", driver="asyncpg", tests=small)
    embedded_setup = startup(results["startup"], "embedded", "first_setup_ms")
    embedded_first = startup(results["startup"], "embedded", "time_to_first_test_s")
    reset = function_small.get("reset_ms")
    verdicts = [
        Verdict(
            "session fixture overhead <= 1 ms a test (asyncpg)",
            f"{session['fixture_ms']:.2f} ms (N = {small}: {session_small['fixture_ms']:.2f} ms; "
            f"no-isolation baseline: {baseline['fixture_ms']:.2f} ms)",
            session["fixture_ms"] <= 1.0,
            f"setup + teardown per test, N = {large}; the baseline is what any strategy pays",
        ),
        Verdict(
            "function fixtures <= 3 ms a test (asyncpg)",
            f"{function_small['fixture_ms']:.2f} ms"
            + (f" (of which the reset: {reset:.2f} ms)" if reset is not None else "")
            + f"; no-isolation baseline: {baseline['fixture_ms']:.2f} ms",
            function_small["fixture_ms"] <= 3.0,
            f"setup + teardown per test, N = {small}",
        ),
        Verdict(
            "function fixtures >= 2.5x cheaper than TRUNCATE after each test",
            f"{truncate['fixture_ms'] / function_small['fixture_ms']:.1f}x "
            f"({truncate['fixture_ms']:.2f} against {function_small['fixture_ms']:.2f} ms)",
            truncate["fixture_ms"] >= 2.5 * function_small["fixture_ms"],
            f"setup + teardown per test, asyncpg, N = {small}, the same run",
        ),
        Verdict(
            'function >= 2x cheaper per test than "new engine + drop/create per test"',
            f"{new_engine['per_test_ms'] / function_small['per_test_ms']:.1f}x",
            new_engine["per_test_ms"] >= 2 * function_small["per_test_ms"],
            f"total ms per test (fixtures + the test itself), asyncpg, N = {small}",
        ),
        Verdict(
            "embedded start-up < 1.5 s",
            f"{embedded_setup / 1000:.2f} s (time to first test: {embedded_first:.2f} s)",
            embedded_setup < 1500,
            "session fixtures of the first test: start the embedded server and create the "
            "worker's database (median of the start-up runs)",
        ),
    ]
    verdicts += warm_start_verdicts(results["startup"], embedded_first)
    verdicts += auditor_verdicts(runs, session, large)
    verdicts += xdist_verdicts(results.get("xdist", []), large)
    return [asdict(verdict) for verdict in verdicts]


XDIST_TARGETS = {"function": 1.3, "session": 1.6}


def xdist_verdicts(pairs: list[dict[str, Any]], large: int) -> list[Verdict]:
    """The median speed-up of each scope's -n 0 / -n 2 pairs."""
    verdicts = []
    for scope, target in XDIST_TARGETS.items():
        speedups = [pair["speedup"] for pair in pairs if pair["strategy"] == scope]
        if not speedups:
            continue
        middle = median(speedups)
        verdicts.append(
            Verdict(
                f"xdist -n 2 >= {target}x faster at N = {large} ({scope})",
                f"{middle:.2f}x (rounds: {', '.join(f'{value:.2f}' for value in speedups)})",
                middle >= target,
                "wall time of the whole pytest run, -n 0 then -n 2, asyncpg, "
                f"N = {large}; median of {len(speedups)} interleaved rounds",
            )
        )
    return verdicts


def warm_start_verdicts(startup_runs: list[dict[str, Any]], cold_s: float) -> list[Verdict]:
    """--reuse-db against a cold start; results measured before it existed have no warm run."""
    if not any(run.get("reuse") for run in startup_runs):
        return []
    warm_s = startup(startup_runs, "embedded", "time_to_first_test_s", reuse=True)
    return [
        Verdict(
            "warm start (--reuse-db) <= 60% of a cold start's time to first test",
            f"{100 * warm_s / cold_s:.0f}% ({warm_s:.2f} against {cold_s:.2f} s)",
            warm_s <= 0.6 * cold_s,
            "embedded provider, default answers, median of the start-up runs; warm: the "
            "server's data and the prepared database kept by an earlier --reuse-db run",
        )
    ]


def auditor_verdicts(
    runs: list[dict[str, Any]], session: dict[str, Any], large: int
) -> list[Verdict]:
    """The isolation auditor's cost; results measured before the in-run comparison have none."""
    try:
        halves = find(runs, strategy="session", driver="asyncpg", audit_every_other=True)
        unaudited = find(runs, strategy="session", driver="asyncpg", tests=large, audit=False)
    except LookupError:
        return []
    added_ms = halves["audit_added_ms"]
    between_runs_ms = session["fixture_ms"] - unaudited["fixture_ms"]
    return [
        Verdict(
            "isolation auditor <= 0.3 ms a test (session, asyncpg)",
            f"{added_ms:.2f} ms added (fixtures of audited tests "
            f"{halves['audited_fixture_ms']:.2f} against {halves['unaudited_fixture_ms']:.2f}; "
            "whole runs with and without it: "
            f"{session['fixture_ms']:.2f} against {unaudited['fixture_ms']:.2f}, "
            f"{between_runs_ms:+.2f})",
            added_ms <= 0.3,
            f"one run of N = {halves['tests']} in which every other test is audited: fixtures of "
            "the audited tests minus those of the others; whole runs differ by more from one run "
            "to the next than the auditor costs",
        )
    ]
