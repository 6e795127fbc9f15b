"""What the test runs left behind: `record FILE` before them, `check FILE` after (exit 1 if any).

Left behind means new since the record: databases on TEST_DATABASE_URL's server, PostgreSQL
server processes, embedded servers' data folders in the temp directories.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import psutil
import psycopg

SYSTEM_DATABASES = ["postgres", "template0", "template1"]
# The harness's (embedded servers, what --reuse-db keeps) and the meta-tests' own.
TEMP_PATTERNS = [
    "embedded-postgres-*",
    "meta-tests-postgres-*",
    "interrupted-*",
    "reuse-*",
    "template-tests-*",
]


def databases() -> list[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return []
    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute("SELECT datname FROM pg_database").fetchall()
    return sorted(name for (name,) in rows if name not in SYSTEM_DATABASES)


def servers() -> list[str]:
    """Running PostgreSQL servers, by data folder (`postgres -D DATA`; backends have no -D)."""
    found = set()
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and "-D" in cmdline[:-1]:
            found.add(cmdline[cmdline.index("-D") + 1])
    return sorted(found)


def temp_files() -> list[str]:
    """In the run's temp directory and (.ci/run gives the run one of its own) the system's."""
    temps = {Path(tempfile.gettempdir()), Path(os.environ.get("CI_SYSTEM_TMPDIR", "/tmp"))}
    found = (path for temp in temps for pattern in TEMP_PATTERNS for path in temp.glob(pattern))
    return sorted(str(path) for path in found)


def snapshot() -> dict[str, list[str]]:
    return {"databases": databases(), "servers": servers(), "temp files": temp_files()}


def main(command: str, record: Path) -> int:
    if command == "record":
        record.write_text(json.dumps(snapshot()))
        return 0
    before = json.loads(record.read_text())
    left = {kind: sorted(set(now) - set(before[kind])) for kind, now in snapshot().items()}
    for kind, names in left.items():
        for name in names:
            print(f"left behind ({kind}): {name}")
    return 1 if any(left.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
