"""The release workflow's check: a tag and CHANGELOG.md agree, the section becomes the notes.

Each test runs the workflow's own `run:` step with bash, as the runner would.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from template_facts import QUESTIONS, ROOT

from .readers import yaml_file
from .running import output_of

CHANGELOG = """\
# Changelog

## [Unreleased]

## [0.2.0] - 2026-12-01

### Added
- Renovate for GitLab projects.

## [0.1.0]

First release.

[Unreleased]: https://example.invalid/compare/v0.2.0...HEAD
[0.2.0]: https://example.invalid/compare/v0.1.0...v0.2.0
[0.1.0]: https://example.invalid/releases/tag/v0.1.0
"""
COPIER_YML = """\
_migrations:
  - version: "0.1.0"
    command: ["true"]

db_driver:
  type: str
"""


def notes_step() -> str:
    """The release workflow's step that checks the tag and writes the notes."""
    steps = yaml_file(ROOT / ".github" / "workflows" / "release.yml")["jobs"]["notes"]["steps"]
    (command,) = [step["run"] for step in steps if "release_notes.py" in step.get("run", "")]
    return str(command)


def run_notes_step(
    repository: Path, tag: str, runner_temp: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_REF_NAME": tag, "RUNNER_TEMP": str(runner_temp)}
    return subprocess.run(
        ["bash", "-e", "-c", notes_step()],
        cwd=repository,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A checkout holding the release script, CHANGELOG and copier.yml above."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "release_notes.py", checkout / "scripts")
    (checkout / "CHANGELOG.md").write_text(CHANGELOG)
    (checkout / "copier.yml").write_text(COPIER_YML)
    return checkout


def test_a_tag_with_its_section_gets_that_section_as_notes(
    repository: Path, tmp_path: Path
) -> None:
    result = run_notes_step(repository, "v0.2.0", tmp_path)

    assert result.returncode == 0, output_of(result)
    assert (tmp_path / "release-notes.md").read_text() == (
        "### Added\n- Renovate for GitLab projects.\n"
    )


def test_the_oldest_section_stops_before_the_links(repository: Path, tmp_path: Path) -> None:
    result = run_notes_step(repository, "v0.1.0", tmp_path)

    assert result.returncode == 0, output_of(result)
    assert (tmp_path / "release-notes.md").read_text() == "First release.\n"


@pytest.mark.parametrize(
    ("tag", "changelog", "message"),
    [
        pytest.param(
            "v0.3.0",
            CHANGELOG,
            "tag v0.3.0: CHANGELOG.md has no section [0.3.0] (newest release section: [0.2.0])",
            id="no-section",
        ),
        pytest.param(
            "0.2.0", CHANGELOG, "tag '0.2.0' is not a version tag", id="not-a-version-tag"
        ),
        pytest.param(
            "v0.2.0",
            CHANGELOG.replace("### Added\n- Renovate for GitLab projects.\n", ""),
            "tag v0.2.0: section [0.2.0] of CHANGELOG.md is empty",
            id="empty-section",
        ),
        pytest.param(
            "v0.2.0",
            CHANGELOG.replace("[0.2.0]: https://example.invalid/compare/v0.1.0...v0.2.0\n", ""),
            "tag v0.2.0: CHANGELOG.md has no link for [0.2.0]",
            id="no-link",
        ),
    ],
)
def test_a_tag_the_changelog_disagrees_with_stops_the_release(
    repository: Path, tmp_path: Path, tag: str, changelog: str, message: str
) -> None:
    (repository / "CHANGELOG.md").write_text(changelog)

    result = run_notes_step(repository, tag, tmp_path)

    assert result.returncode == 1, output_of(result)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "release-notes.md").exists()


@pytest.mark.parametrize("later", ["0.3.0", "0.2.1", "0.2.0.1"])
def test_a_tag_older_than_a_migration_stops_the_release(
    repository: Path, tmp_path: Path, later: str
) -> None:
    """Copier runs a migration when a project updates to its version: tagged below it, a
    release's changes would reach projects before the migration that goes with them."""
    copier_yml = COPIER_YML.replace(
        'command: ["true"]\n', f'command: ["true"]\n  - version: "{later}"\n    command: ["true"]\n'
    )
    (repository / "copier.yml").write_text(copier_yml)

    result = run_notes_step(repository, "v0.2.0", tmp_path)

    assert result.returncode == 1, output_of(result)
    assert f"tag v0.2.0: copier.yml has a migration for {later}, a later version" in result.stderr
    assert not (tmp_path / "release-notes.md").exists()


def test_every_migration_of_the_template_is_read(repository: Path, tmp_path: Path) -> None:
    """The script reads copier.yml without a YAML parser: it finds what the parser finds."""
    shutil.copy2(ROOT / "copier.yml", repository)
    versions = [str(migration["version"]) for migration in QUESTIONS["_migrations"]]

    result = run_notes_step(repository, "v0.0.0", tmp_path)

    assert f"copier.yml has a migration for {', '.join(versions)}, a later" in result.stderr


def test_a_tag_at_the_migrations_version_is_released(repository: Path, tmp_path: Path) -> None:
    (repository / "copier.yml").write_text(COPIER_YML.replace('"0.1.0"', '"0.2.0"'))

    result = run_notes_step(repository, "v0.2.0", tmp_path)

    assert result.returncode == 0, output_of(result)


def test_the_newest_release_in_the_template_changelog_is_releasable(
    repository: Path, tmp_path: Path
) -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    (repository / "CHANGELOG.md").write_text(changelog)
    newest = next(v for v in re.findall(r"^## \[([^\]]+)\]", changelog, re.M) if v != "Unreleased")

    result = run_notes_step(repository, f"v{newest}", tmp_path)

    assert result.returncode == 0, output_of(result)
    assert (tmp_path / "release-notes.md").read_text().strip()
