"""What the benchmark runs, as plain data: sizes, our strategies, the references, the extras."""

from dataclasses import dataclass

from .measure import Run

DRIVERS = ("asyncpg", "psycopg", "aiosqlite")
POSTGRES_DRIVERS = ("asyncpg", "psycopg")
SCOPES = ("function", "class", "session")
DEFAULT = ("asyncpg", "session")  # the template's default answers: start-up is measured there

# Reference strategies: which drivers they run on. The costly two run on asyncpg only.
REFERENCE_DRIVERS = {
    "new_engine_per_test": POSTGRES_DRIVERS,
    "truncate_after_test": POSTGRES_DRIVERS,
    "template_clone_per_test": ("asyncpg",),
    "server_per_test": ("asyncpg",),
}


@dataclass(frozen=True)
class Sizes:
    small: int  # every strategy x driver, and the references
    large: int  # session and function on every driver, and the xdist comparison
    server_per_test: int  # a server per test costs seconds a test
    startup_repeats: int


FULL = Sizes(small=100, large=1000, server_per_test=10, startup_repeats=3)
QUICK = Sizes(small=20, large=50, server_per_test=10, startup_repeats=1)


def reference_path(name: str) -> str:
    return f"tests/reference_{name}"


def strategy_runs(sizes: Sizes) -> list[Run]:
    small = [Run(scope, driver, sizes.small) for scope in SCOPES for driver in DRIVERS]
    large = [
        Run(scope, driver, sizes.large) for scope in ("function", "session") for driver in DRIVERS
    ]
    return small + large


def reference_runs(sizes: Sizes) -> list[Run]:
    return [
        Run(
            name,
            driver,
            sizes.server_per_test if name == "server_per_test" else sizes.small,
            test_path=reference_path(name),
        )
        for name, drivers in REFERENCE_DRIVERS.items()
        for driver in drivers
    ]


def xdist_runs(sizes: Sizes) -> list[Run]:
    return [Run(scope, "asyncpg", sizes.large, workers=2) for scope in ("function", "session")]


def startup_runs(sizes: Sizes, providers: list[str]) -> list[Run]:
    driver, scope = DEFAULT
    return [
        Run(scope, driver, tests=10, provider=provider)
        for _ in range(sizes.startup_repeats)
        for provider in providers
    ]
