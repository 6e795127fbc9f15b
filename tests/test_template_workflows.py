"""The template's own GitHub workflows: valid, and every command they call exists and runs here."""

import ast
import importlib.util
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import nox.registry
import pytest

from template_facts import ROOT

from .answers import choices
from .readers import schema_errors, yaml_file

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
NOX_SESSION = re.compile(r"\bnox (?:-s|--session) (\S+)")


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml_file(ROOT / ".github" / "workflows" / name)
    return loaded


def triggers(loaded: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping (YAML 1.1, as PyYAML reads it, makes the key `on` True)."""
    found: dict[str, Any] = loaded[True]
    return found


def run_steps(loaded: dict[str, Any]) -> list[str]:
    return [
        step["run"]
        for job in loaded["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]


def all_run_steps() -> list[str]:
    return [command for path in WORKFLOWS for command in run_steps(yaml_file(path))]


def nox_sessions() -> set[str]:
    """The sessions noxfile.py defines, as nox itself registers them."""
    spec = importlib.util.spec_from_file_location("template_noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    return set(nox.registry.get())


def pytest_arguments(command: str, **expressions: str) -> list[str]:
    """What a `nox -s tests -- ...` step passes to pytest, with `${{ ... }}` filled in."""
    for expression, value in expressions.items():
        command = command.replace("${{ " + expression + " }}", value)
    assert "${{" not in command, command
    words = shlex.split(command)
    return words[words.index("--") + 1 :]


def collected(*selections: list[str]) -> list[list[str]]:
    """The test ids pytest selects with each list of arguments (collection only, no workers).

    The collections run side by side: each one mostly waits for imports.
    """
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", *args, "-n", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in selections
    ]
    found = []
    for args, process in zip(selections, processes, strict=True):
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"pytest --collect-only {args}\n{stdout}\n{stderr}"
        found.append([line for line in stdout.splitlines() if "::" in line])
    return found


def test_the_template_has_ci_docs_and_release_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "docs.yml", "release.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_follows_the_workflow_schema(path: Path) -> None:
    assert schema_errors(path, "vendor.github-workflows") == ""


def workflow_sessions() -> set[str]:
    return {name for command in all_run_steps() for name in NOX_SESSION.findall(command)}


def test_the_workflows_call_the_lint_docs_and_tests_sessions() -> None:
    assert workflow_sessions() == {"lint", "docs", "tests"}


def test_every_nox_session_the_workflows_call_is_defined() -> None:
    assert workflow_sessions() <= nox_sessions()


def test_every_nox_session_the_workflows_call_is_run_by_ci_run() -> None:
    """`.ci/run` runs each of them on every submission: a session that fails there fails CI."""
    run_by_ci = set(NOX_SESSION.findall((ROOT / ".ci" / "run").read_text()))

    assert workflow_sessions() <= run_by_ci


def test_every_script_the_workflows_run_exists() -> None:
    scripts = {path for command in all_run_steps() for path in re.findall(r"\S+\.py\b", command)}

    assert scripts == {"scripts/release_notes.py"}
    assert all((ROOT / script).is_file() for script in scripts)


def test_meta_tests_run_on_every_python_a_project_may_choose() -> None:
    job = workflow("ci.yml")["jobs"]["tests"]

    assert job["strategy"]["matrix"]["python"] == choices("min_python_version")
    (install,) = [c for c in run_steps({"jobs": {"t": job}}) if c.startswith("uv python install")]
    assert install.split()[3:] == choices("min_python_version")


def test_the_split_jobs_and_the_docker_job_run_every_meta_test_exactly_once() -> None:
    jobs = workflow("ci.yml")["jobs"]
    (split_command,) = [c for c in run_steps({"jobs": {"t": jobs["tests"]}}) if "nox" in c]
    (docker_command,) = [c for c in run_steps({"jobs": {"d": jobs["docker"]}}) if "nox" in c]
    groups = jobs["tests"]["strategy"]["matrix"]["group"]
    arguments = [pytest_arguments(split_command, **{"matrix.group": str(g)}) for g in groups]
    assert all(f"--splits {len(groups)}" in " ".join(args) for args in arguments)

    *selections, everything = collected(*arguments, pytest_arguments(docker_command), [])

    assert all(selections), "a job would run no test"
    assert sorted(test for selection in selections for test in selection) == sorted(everything)


def test_only_the_docker_job_runs_the_docker_tests() -> None:
    jobs = workflow("ci.yml")["jobs"]

    assert "services" not in jobs["docker"]
    assert ' -m "not docker"' in " ".join(run_steps({"jobs": {"t": jobs["tests"]}}))
    assert "-m docker" in " ".join(run_steps({"jobs": {"d": jobs["docker"]}}))


def test_every_job_sets_up_uv_with_its_cache() -> None:
    for path in WORKFLOWS:
        for name, job in yaml_file(path)["jobs"].items():
            if not any("uvx" in step.get("run", "") for step in job.get("steps", [])):
                continue
            (setup_uv,) = [
                s for s in job["steps"] if s.get("uses", "").startswith("astral-sh/setup-uv@")
            ]
            assert setup_uv["with"]["enable-cache"] is True, f"{path.name}: {name}"


def test_meta_tests_get_a_healthy_postgres_service() -> None:
    job = workflow("ci.yml")["jobs"]["tests"]

    postgres = job["services"]["postgres"]
    assert "pg_isready" in postgres["options"]
    url = job["env"]["TEST_DATABASE_URL"]
    assert url == (
        f"postgresql://postgres:{postgres['env']['POSTGRES_PASSWORD']}@127.0.0.1:5432/postgres"
    )
    assert "5432:5432" in postgres["ports"]


def docs_site_dir() -> str:
    """The `--site-dir` the `docs` nox session builds into, read from noxfile.py."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    (docs,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "docs"]
    words = [n.value for n in ast.walk(docs) if isinstance(n, ast.Constant)]
    site_dir = words[words.index("--site-dir") + 1]
    assert isinstance(site_dir, str)
    return site_dir


def test_docs_workflow_publishes_what_the_docs_session_builds_from_main() -> None:
    docs = workflow("docs.yml")
    build, deploy = docs["jobs"]["build"], docs["jobs"]["deploy"]

    assert triggers(docs)["push"]["branches"] == ["main"]
    assert "uvx nox -s docs" in run_steps({"jobs": {"b": build}})
    (upload,) = [s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == docs_site_dir()
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in step.get("uses", "") for step in deploy["steps"])


def test_release_runs_on_version_tags_after_the_whole_ci() -> None:
    release = workflow("release.yml")

    assert triggers(release)["push"]["tags"] == ["v*"]
    assert release["jobs"]["ci"]["uses"] == "./.github/workflows/ci.yml"
    assert "workflow_call" in triggers(workflow("ci.yml"))
    assert set(release["jobs"]["release"]["needs"]) == {"notes", "ci"}
    assert release["jobs"]["release"]["permissions"] == {"contents": "write"}
    assert release["permissions"] == {"contents": "read"}
