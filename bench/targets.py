"""The issue's targets, checked against one run's results: ratios within that run count.

Figures at the small N are the median of the interleaved rounds; the larger N run once.
"""

from dataclasses import asdict, dataclass
from typing import Any

AB_TOLERANCE = 1.15  # new fixtures ms <= 1.15 x old
STARTUP_TOLERANCE = 1.25  # new time to first test <= 1.25 x old
GROWTH_TOLERANCE = 1.15  # fixtures ms at the largest N <= 1.15 x at the smallest
TRUNCATE_FACTOR = 5.0  # TRUNCATE's fixtures >= 5 x ours
AB_SCOPES = ("function", "session")
GROWTH_STRATEGIES = ("no_isolation", "session", "class", "function")
NAMES = {"no_isolation": "baseline (no isolation)"}


@dataclass(frozen=True)
class Verdict:
    target: str
    measured: str
    met: bool
    how: str


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def matching(runs: list[dict[str, Any]], **match: Any) -> list[dict[str, Any]]:
    """The runs whose fields equal `match`; with the auditor on unless `match` says otherwise."""
    match = {"audit": True, **match}
    return [run for run in runs if all(run[key] == value for key, value in match.items())]


def fixture_ms(results: dict[str, Any], strategy: str, tests: int, harness: str | None) -> float:
    """Setup + teardown ms per test: the median of the rounds at the small N, else the one run."""
    runs = matching(results["ab"] + results["growth"], strategy=strategy, tests=tests)
    runs = matching(runs, harness=harness)
    if not runs:
        raise LookupError(f"no run of {strategy} ({harness}) at N = {tests}")
    return median([run["fixture_ms"] for run in runs])


def harness_of(strategy: str) -> str | None:
    """Our scopes as the new harness runs them; the baseline and references have none."""
    return "new" if strategy in ("session", "class", "function") else None


def sizes_of(results: dict[str, Any]) -> list[int]:
    return [results["sizes"]["small"], *results["sizes"]["growth"]]


def paired_ratios(runs: list[dict[str, Any]], field: str) -> list[float]:
    """new / old of each round (the two ran back to back)."""
    by_round: dict[int, dict[str, float]] = {}
    for run in runs:
        by_round.setdefault(run["round"], {})[run["harness"]] = run[field]
    return [pair["new"] / pair["old"] for pair in by_round.values() if len(pair) == 2]


def listed(values: list[float], digits: int = 2) -> str:
    return ", ".join(f"{value:.{digits}f}" for value in values)


def ab_verdicts(results: dict[str, Any]) -> list[Verdict]:
    small = results["sizes"]["small"]
    verdicts = []
    for scope in AB_SCOPES:
        ratios = paired_ratios(matching(results["ab"], strategy=scope), "fixture_ms")
        ratio = median(ratios)
        new, old = (fixture_ms(results, scope, small, harness) for harness in ("new", "old"))
        verdicts.append(
            Verdict(
                f"{scope} fixtures within {AB_TOLERANCE - 1:.0%} of the old harness's",
                f"new/old {ratio:.2f} (rounds: {listed(ratios)}); {new:.2f} against {old:.2f} ms",
                ratio <= AB_TOLERANCE,
                f"setup + teardown per test, N = {small}, old and new back to back in each "
                "round; median of the rounds' ratios; session: both with the auditor",
            )
        )
    return [*verdicts, local_default_verdict(results)]


def local_default_verdict(results: dict[str, Any]) -> Verdict:
    """Session scope as each harness runs it outside CI: the old with its auditor, the new
    without (its auditor is on where CI is set)."""
    old = matching(results["ab"], strategy="session", harness="old")
    new = matching(results["ab"], strategy="session", harness="new", audit=False)
    ratios = paired_ratios(old + new, "fixture_ms")
    ratio = median(ratios)
    new_ms, old_ms = (median([run["fixture_ms"] for run in runs]) for runs in (new, old))
    return Verdict(
        f"session fixtures of a local run within {AB_TOLERANCE - 1:.0%} of the old harness's",
        f"new/old {ratio:.2f} (rounds: {listed(ratios)}); {new_ms:.2f} against {old_ms:.2f} ms",
        ratio <= AB_TOLERANCE,
        "as above, each harness's default outside CI: the old one audits every test, the new "
        "one does not",
    )


STARTUP_LABELS = {
    ("url", False): "URL provider",
    ("embedded", False): "embedded, cold",
    ("embedded", True): "embedded, --reuse-db",
}


def startup_verdicts(results: dict[str, Any]) -> list[Verdict]:
    verdicts = []
    for (provider, reuse), label in STARTUP_LABELS.items():
        runs = matching(results["startup"], provider=provider, reuse=reuse)
        ratios = paired_ratios(runs, "time_to_first_test_s")
        ratio = median(ratios)
        new, old = (
            median([run["time_to_first_test_s"] for run in matching(runs, harness=harness)])
            for harness in ("new", "old")
        )
        verdicts.append(
            Verdict(
                f"time to first test, {label}: within {STARTUP_TOLERANCE - 1:.0%} of the old",
                f"new/old {ratio:.2f} (rounds: {listed(ratios)}); {new:.2f} against {old:.2f} s",
                ratio <= STARTUP_TOLERANCE,
                "from spawning `uv run pytest` to the first test's call, default scope, "
                "old and new back to back in each round; median of the rounds' ratios",
            )
        )
    return verdicts


def measured_sizes(results: dict[str, Any], strategy: str) -> list[int]:
    """The N at which a strategy ran (a run cut short lacks the largest)."""
    runs = matching(results["ab"] + results["growth"], strategy=strategy)
    runs = matching(runs, harness=harness_of(strategy))
    return sorted({run["tests"] for run in runs})


def growth_verdicts(results: dict[str, Any]) -> list[Verdict]:
    largest = sizes_of(results)[-1]
    verdicts = []
    for strategy in GROWTH_STRATEGIES:
        sizes = measured_sizes(results, strategy)
        figures = [fixture_ms(results, strategy, tests, harness_of(strategy)) for tests in sizes]
        ratio = figures[-1] / figures[0]
        verdicts.append(
            Verdict(
                f"{NAMES.get(strategy, strategy)} fixtures flat: N = {largest:,} within "
                f"{GROWTH_TOLERANCE - 1:.0%} of N = {sizes[0]:,}",
                f"{ratio:.2f}x ({' / '.join(f'{value:.2f}' for value in figures)} ms at "
                f"N = {' / '.join(f'{tests:,}' for tests in sizes)})"
                + ("" if sizes[-1] == largest else f"; N = {largest:,} not measured"),
                ratio <= GROWTH_TOLERANCE and sizes[-1] == largest,
                f"setup + teardown per test, new harness; N = {sizes[0]}: median of the "
                "rounds, larger N: one run each",
            )
        )
    sizes = [
        tests
        for tests in measured_sizes(results, "session")
        if tests in measured_sizes(results, "function")
    ]
    session = [fixture_ms(results, "session", tests, "new") for tests in sizes]
    function = [fixture_ms(results, "function", tests, "new") for tests in sizes]
    verdicts.append(
        Verdict(
            "session fixtures <= function fixtures at every N",
            ", ".join(
                f"N = {tests:,}: {ours:.2f} against {theirs:.2f} ms"
                for tests, ours, theirs in zip(sizes, session, function, strict=True)
            ),
            all(ours <= theirs for ours, theirs in zip(session, function, strict=True)),
            "setup + teardown per test, new harness, the same runs as above",
        )
    )
    return verdicts


def truncate_verdicts(results: dict[str, Any]) -> list[Verdict]:
    small = results["sizes"]["small"]
    truncate = fixture_ms(results, "truncate_after_test", small, None)
    verdicts = []
    for scope in AB_SCOPES:
        ours = fixture_ms(results, scope, small, "new")
        verdicts.append(
            Verdict(
                f"{scope} fixtures >= {TRUNCATE_FACTOR:.0f}x cheaper than TRUNCATE after each test",
                f"{truncate / ours:.1f}x ({truncate:.2f} against {ours:.2f} ms)",
                truncate >= TRUNCATE_FACTOR * ours,
                f"setup + teardown per test, N = {small}, medians of the same rounds",
            )
        )
    return verdicts


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    verdicts = [
        *ab_verdicts(results),
        *startup_verdicts(results),
        *growth_verdicts(results),
        *truncate_verdicts(results),
    ]
    return [asdict(verdict) for verdict in verdicts]
