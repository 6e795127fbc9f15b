"""The README's set-up works on a clean machine: the system's own Python, a fresh home.

Its lines run as written (read from README.md, never copied here) with Debian's or Ubuntu's
`/usr/bin/python3`, which refuses `pip install` outside a virtualenv (PEP 668), an empty HOME and
a PATH of system folders only; then `nox -l` must load the noxfile with what they installed.
"""

import os
import subprocess
from pathlib import Path

from template_facts import ROOT

from .readers import commands_under

SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"


def setup_lines() -> list[str]:
    """The "Try it" lines before the first nox session."""
    commands = commands_under((ROOT / "README.md").read_text(), "## Try it")
    first_session = next(i for i, line in enumerate(commands) if line.startswith("nox "))
    return commands[:first_session]


def test_the_readme_setup_gives_a_working_nox(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # The machine's network settings for pip (a proxy, a certificate), nothing of the project's.
    network = {
        key: value
        for key, value in os.environ.items()
        if key.startswith("PIP_CERT") or key.lower().endswith("_proxy")
    }
    script = "\n".join(["set -eu", *setup_lines(), f"cd {ROOT}", "nox -l"])
    result = subprocess.run(
        ["/bin/bash", "-c", script],
        env={"HOME": str(home), "PATH": SYSTEM_PATH, **network},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
    assert "* tests" in result.stdout, result.stdout
