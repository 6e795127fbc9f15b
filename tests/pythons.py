"""The Python interpreters a generated project may ask for, found the way uv finds them.

uv looks for `python3.X` in the directories of PATH. pyenv's shims are no help there: a shim for
a version that is not pyenv's current one exits with an error, which stops uv's search. So the
search path puts pyenv's own version directories (`$(pyenv root)/versions/X.Y.Z/bin`) first,
newest first: a project that did not pin its interpreter would get the newest, not its minimum.
"""

import os
import shutil
from pathlib import Path

import pytest

from .answers import choices
from .running import clean_env, output_of, run

PYTHONS = choices("min_python_version")
# The uv of this run, resolved before pyenv's directories (which may hold another) go first.
UV = shutil.which("uv") or "uv"


def pyenv_bin_dirs() -> list[Path]:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = [path for version in PYTHONS for path in root.glob(f"versions/{version}.*/bin")]
    return sorted(found, key=lambda path: path.parent.name, reverse=True)


def python_env(**overrides: str | None) -> dict[str, str]:
    """A generated project's environment, in which uv finds every supported Python offline."""
    search_path = os.pathsep.join([*map(str, pyenv_bin_dirs()), os.environ.get("PATH", "")])
    return clean_env(PATH=search_path, UV_PYTHON_DOWNLOADS="never", **overrides)


def find_python(version: str, where: Path) -> str:
    """`uv python find VERSION`, or a failure saying how to install the missing interpreter."""
    result = run(where, UV, "python", "find", version, env=python_env())
    if result.returncode != 0:
        pytest.fail(
            f"Python {version} is not installed where uv looks (PATH, uv's own installs, "
            f"{', '.join(map(str, pyenv_bin_dirs())) or 'no pyenv versions'}): "
            f"install it (`uv python install {version}` or `pyenv install {version}`).\n"
            + output_of(result),
            pytrace=False,
        )
    return result.stdout.strip()
