"""What the benchmark runs, as plain data: sizes, the A/B rounds, the growth runs, start-up.

Everything runs on asyncpg, the default driver. "old" is the harness of the last commit before
the redesign (projects.OLD_HARNESS_COMMIT), "new" the one at HEAD.
"""

from dataclasses import dataclass

from template_facts import SCOPES, default

from .measure import Run
from .reference_strategies import reference_path

DRIVER = "asyncpg"
HARNESSES = ("old", "new")
# Start-up is measured with the template's default scope, where a user starts.
DEFAULT_SCOPE: str = default("test_scope")
BASELINE = "no_isolation"
# Measured in the rounds, beside our scopes.
REFERENCES = (BASELINE, "truncate_after_test", "new_engine_per_test")


@dataclass(frozen=True)
class Sizes:
    small: int  # the interleaved A/B rounds: every scope of both harnesses, and the references
    growth: tuple[int, ...]  # larger N, once each: the baseline and every scope
    old_growth: tuple[int, ...]  # the larger N at which the old harness runs too
    rounds: int  # of the A/B runs and of the start-up runs


FULL = Sizes(small=100, growth=(1000, 10_000), old_growth=(1000,), rounds=3)
QUICK = Sizes(small=20, growth=(200,), old_growth=(200,), rounds=1)


def reference_run(name: str, tests: int) -> Run:
    return Run(name, None, tests, test_path=reference_path(name))


def ab_round(sizes: Sizes, number: int) -> list[Run]:
    """One round: each scope old and new back to back (which goes first alternates from one
    round to the next), then the references."""
    order = HARNESSES if number % 2 == 0 else HARNESSES[::-1]
    ours = [Run(scope, harness, sizes.small) for scope in SCOPES for harness in order]
    # What a user's local run of the new harness costs: no auditor unless CI is set.
    ours.append(Run("session", "new", sizes.small, audit=False))
    return ours + [reference_run(name, sizes.small) for name in REFERENCES]


# At the largest N, the runs the targets compare most come first.
GROWTH_ORDER = ("session", "function", "class")


def growth_runs(sizes: Sizes) -> list[Run]:
    runs = []
    for tests in sizes.growth:
        harnesses = HARNESSES if tests in sizes.old_growth else ("new",)
        runs += [Run(scope, harness, tests) for scope in GROWTH_ORDER for harness in harnesses]
        runs.append(reference_run(BASELINE, tests))
    return runs


STARTUP_TESTS = 10
STARTUP_KINDS = (("url", False), ("embedded", False), ("embedded", True))


def startup_round(number: int) -> list[Run]:
    """Time to first test, old and new back to back: the URL provider, the embedded server
    started cold, and --reuse-db after a run that kept its data (warm_start_primers)."""
    order = HARNESSES if number % 2 == 0 else HARNESSES[::-1]
    return [
        Run(DEFAULT_SCOPE, harness, STARTUP_TESTS, provider=provider, reuse=reuse)
        for provider, reuse in STARTUP_KINDS
        for harness in order
    ]


def warm_start_primers() -> list[Run]:
    """Not measured: each keeps the data that the warm start-up runs then find."""
    return [
        Run(DEFAULT_SCOPE, harness, STARTUP_TESTS, provider="embedded", reuse=True)
        for harness in HARNESSES
    ]
