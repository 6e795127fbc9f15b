"""What the benchmark runs, as plain data: sizes, our strategies, the references, the extras."""

from dataclasses import dataclass

from template_facts import DRIVERS, POSTGRES_DRIVERS, SCOPES, default

from .measure import Run

# The template's default answers: start-up is measured there.
DEFAULT = (default("db_driver"), default("test_scope"))

# Reference strategies: which drivers they run on. The costly two run on asyncpg only.
REFERENCE_DRIVERS = {
    "no_isolation": POSTGRES_DRIVERS,  # a baseline: what every strategy pays anyway
    "new_engine_per_test": POSTGRES_DRIVERS,
    "truncate_after_test": POSTGRES_DRIVERS,
    "template_clone_per_test": ("asyncpg",),
    "server_per_test": ("asyncpg",),
}


@dataclass(frozen=True)
class Sizes:
    small: int  # every strategy x driver, and the references
    large: int  # session and function on the PostgreSQL drivers, and the xdist comparison
    server_per_test: int  # a server per test costs seconds a test
    repeats: int  # rounds of the runs at N = small (the fastest counts) and of the start-up runs


FULL = Sizes(small=100, large=1000, server_per_test=10, repeats=3)
QUICK = Sizes(small=20, large=50, server_per_test=10, repeats=1)


def reference_path(name: str) -> str:
    return f"tests/reference_{name}"


def reference_run(name: str, driver: str, tests: int) -> Run:
    return Run(name, driver, tests, test_path=reference_path(name))


def repeated_runs(sizes: Sizes) -> list[Run]:
    """Cheap runs, measured in several interleaved rounds so that a busy moment hits one only."""
    ours = [Run(scope, driver, sizes.small) for scope in SCOPES for driver in DRIVERS]
    references = [
        reference_run(name, driver, sizes.small)
        for name, drivers in REFERENCE_DRIVERS.items()
        for driver in drivers
        if name != "server_per_test"
    ]
    return ours + references


# The embedded server, tuned for throwaway data (the default) and with PostgreSQL's durable
# defaults (TEST_SERVER_TUNING=off): our strategies and the references that commit.
TUNED_REFERENCES = ("no_isolation", "truncate_after_test", "new_engine_per_test")


def tuning_runs(sizes: Sizes) -> list[Run]:
    ours = [
        Run(scope, driver, sizes.small, provider="embedded", tuning=tuning)
        for scope in SCOPES
        for driver in POSTGRES_DRIVERS
        for tuning in (True, False)
    ]
    references = [
        Run(
            name,
            "asyncpg",
            sizes.small,
            provider="embedded",
            test_path=reference_path(name),
            tuning=tuning,
        )
        for name in TUNED_REFERENCES
        for tuning in (True, False)
    ]
    return ours + references


def single_runs(sizes: Sizes) -> list[Run]:
    """Costly runs, measured once."""
    large = [
        Run(scope, driver, sizes.large)
        for scope in ("function", "session")
        for driver in POSTGRES_DRIVERS
    ]
    server = [
        reference_run("server_per_test", driver, sizes.server_per_test)
        for driver in REFERENCE_DRIVERS["server_per_test"]
    ]
    # The isolation auditor's cost: the tests of one run audited in turn, and the run without it.
    auditor = [
        Run("session", "asyncpg", sizes.large, audit_every_other=True),
        Run("session", "asyncpg", sizes.large, audit=False),
    ]
    return large + server + auditor


XDIST_SCOPES = ("function", "session")


def xdist_pairs(sizes: Sizes) -> list[tuple[Run, Run]]:
    """-n 0 and -n 2 back to back, for each scope: one round. The machine's speed drifts from
    one minute to the next, so each speed-up comes from a pair, and rounds repeat the pairs."""
    return [
        (Run(scope, "asyncpg", sizes.large), Run(scope, "asyncpg", sizes.large, workers=2))
        for scope in XDIST_SCOPES
    ]


def startup_runs(providers: list[str]) -> list[Run]:
    """Each provider, and the embedded one under --reuse-db after a run that kept its data."""
    driver, scope = DEFAULT
    runs = [Run(scope, driver, tests=10, provider=provider) for provider in providers]
    return [*runs, warm_start_run()]


def warm_start_run() -> Run:
    driver, scope = DEFAULT
    return Run(scope, driver, tests=10, provider="embedded", reuse=True)
