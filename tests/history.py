"""Template versions for the update tests: clean, committed, tagged copies, never the network."""

import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from copier import run_update

from template_facts import ROOT

from .rendering import copy_template
from .running import assert_ok

# copier.yml's migration renames `python_version` to `min_python_version` on updates that
# cross 0.1.0: from a version before it to this one.
BEFORE_RENAME, LATEST = "v0.0.1", "v0.1.0"
# A change the newer test version makes to a file no user edit touches.
TEMPLATE_CHANGE = "# Coverage reports\nhtmlcov/\n"


@dataclass(frozen=True)
class TemplateHistory:
    """A template repository with two tagged versions, the newer one being today's template."""

    path: Path
    before_rename: str
    latest: str


GIT_IDENTITY = ("-c", "user.name=Meta Tests", "-c", "user.email=meta-tests@example.invalid")

GIT_NO_SIGNING = ("-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false")


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *GIT_IDENTITY, *GIT_NO_SIGNING, *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert_ok(result)
    return result.stdout


def snapshot_template(destination: Path) -> Path:
    """The template as it is on disk (uncommitted changes included), in a fresh repository."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    git(destination, "init", "--quiet")
    return destination


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)


def release(template: Path, tag: str) -> str:
    """Commit the template as it is and tag it with a PEP 440 version."""
    commit_all(template, f"Release {tag}")
    git(template, "tag", tag)
    return tag


def render_at(template: Path, ref: str, destination: Path, **answers: str) -> Path:
    """Render `template` at `ref` into a new git repository, committed as a user would."""
    copy_template(template, ref, destination, **answers)
    git(destination, "init", "--quiet")
    commit_all(destination, "Generate from the template")
    return destination


def update(project: Path, ref: str, **answers: str) -> Path:
    """`copier update --trust --defaults [--data ...]` to `ref`, as the user runs it."""
    run_update(
        project,
        data=answers,
        defaults=True,
        overwrite=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
    )
    return project


def recorded_answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def undo_answer_rename(template: Path) -> dict[Path, str]:
    """Turn a template snapshot back into its state before `python_version` was renamed.

    Returns the files' current texts, to restore the snapshot afterwards.
    """
    originals: dict[Path, str] = {}
    for path in [template / "copier.yml", *(template / "template").rglob("*.jinja")]:
        text = path.read_text()
        if "min_python_version" in text:
            originals[path] = text
            old = text.replace("\nmin_python_version:\n", "\npython_version:\n")
            if path.name != "copier.yml":
                old = old.replace("min_python_version", "python_version")
            path.write_text(old)
    return originals


# Service modules renamed since v0.0.1, in the template's package folder: old name, new name.
MODULE_RENAMES = {"tickets": "ticket_service", "events": "event_service"}


def undo_module_renames(template: Path) -> dict[Path, str | None]:
    """Give the snapshot's service modules their names from before the renames, imports too.

    Returns what restores the snapshot: each file's current text, or None for a file to delete.
    """
    package = template / "template" / "src" / "{{package_name}}"
    originals: dict[Path, str | None] = {}
    for old, new in MODULE_RENAMES.items():
        renamed = package / f"{new}.py"
        originals[renamed] = renamed.read_text()
        originals[package / f"{old}.py"] = None
        renamed.rename(package / f"{old}.py")
    for path in [*package.rglob("*.py*"), *(template / "template" / "tests").rglob("*.py*")]:
        text = path.read_text()
        old_text = text
        for old, new in MODULE_RENAMES.items():
            old_text = re.sub(rf"\b{new}\b", old, old_text)
        if old_text != text:
            originals.setdefault(path, text)
            path.write_text(old_text)
    return originals


def restore(originals: Mapping[Path, str | None]) -> None:
    """Undo `undo_answer_rename` or `undo_module_renames`."""
    for path, text in originals.items():
        if text is None:
            path.unlink()
        else:
            path.write_text(text)
