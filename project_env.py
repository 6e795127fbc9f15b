"""The environment in which a generated project's commands run: its own virtualenv, not the
caller's.

Standard library only: the noxfile imports it, and nox's own environment holds nothing but nox.
"""

import os

# Variables by which nox's (or any outer) environment would capture a generated project's `uv`.
OUTER_ENVIRONMENT = {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_PYTHON", "PYTHONPATH"}
# Without bytecode caches every pytest process of a generated project compiles all it imports
# again (and pytest rewrites its plugins' modules again): about 5 s a run on these machines.
SLOWING_ENVIRONMENT = {"PYTHONDONTWRITEBYTECODE"}


def unset_outer_environment() -> dict[str, str | None]:
    """OUTER_ENVIRONMENT and SLOWING_ENVIRONMENT as nox's `env=` spells "unset these"."""
    return dict.fromkeys(OUTER_ENVIRONMENT | SLOWING_ENVIRONMENT)


def clean_env(**overrides: str | None) -> dict[str, str]:
    """The environment for a generated project's commands: no outer virtualenv leaks in.

    The outer pytest's PYTEST_* variables (xdist's worker id...) and SLOWING_ENVIRONMENT are
    dropped too; an override of None removes a variable.
    """
    dropped = OUTER_ENVIRONMENT | SLOWING_ENVIRONMENT
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("PYTEST_")
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env
