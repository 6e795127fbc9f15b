"""Dependency updates for the chosen forge: Dependabot on GitHub, Renovate on GitLab, grouped."""

import json
from pathlib import Path
from typing import Any

from .answers import Answer, parametrize_answers, toggle_rows
from .readers import arguments_of, dockerfile_stages, schema_errors, yaml_file
from .rendering import Project

DEPENDABOT = Path(".github/dependabot.yml")
RENOVATE = Path("renovate.json")
UPDATE_CONFIGS = {"github": [DEPENDABOT], "gitlab": [RENOVATE], "none": []}
GITHUB = toggle_rows(ci="github")
GITLAB = toggle_rows(ci="gitlab")
MINOR_AND_PATCH = ["minor", "patch"]


def dependabot_updates(project: Path) -> dict[str, dict[str, Any]]:
    """Each `updates` entry, by its package ecosystem."""
    config = yaml_file(project / DEPENDABOT)
    assert config["version"] == 2
    return {update["package-ecosystem"]: update for update in config["updates"]}


def renovate(project: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((project / RENOVATE).read_text())
    return config


@parametrize_answers(toggle_rows())
def test_only_the_chosen_forge_gets_its_update_config(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    rendered = [path for path in (DEPENDABOT, RENOVATE) if (project / path).exists()]
    assert rendered == UPDATE_CONFIGS[str(answers["ci"])]


@parametrize_answers(GITHUB)
def test_dependabot_config_follows_its_schema(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    assert schema_errors(rendered_project(**answers) / DEPENDABOT, "vendor.dependabot") == ""


@parametrize_answers(GITHUB)
def test_dependabot_updates_uv_actions_and_the_docker_images_the_project_has(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    updates = dependabot_updates(rendered_project(**answers))

    expected = {"uv", "github-actions"} | ({"docker"} if answers["docker"] else set())
    assert set(updates) == expected
    assert all(update["directory"] == "/" for update in updates.values())


@parametrize_answers(GITHUB)
def test_dependabot_opens_a_few_grouped_pull_requests_a_week(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    updates = dependabot_updates(rendered_project(**answers))

    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        assert update["groups"], ecosystem
    (python_group,) = updates["uv"]["groups"].values()
    assert python_group["update-types"] == MINOR_AND_PATCH
    (actions_group,) = updates["github-actions"]["groups"].values()
    assert actions_group["patterns"] == ["*"]


@parametrize_answers(toggle_rows(docker=True))
def test_the_dockerfile_names_its_base_images_where_update_bots_read_them(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    """Dependabot and Renovate update `FROM image:tag`, not images built from ARG values."""
    stages = dockerfile_stages(rendered_project(**answers))

    images = [image for stage in stages.values() for image in arguments_of(stage, "FROM")]
    assert images
    assert [image for image in images if "$" in image] == []
    assert any(image.startswith("python:") for image in images)


@parametrize_answers(toggle_rows(ci="github", docker=True))
def test_dependabot_keeps_the_python_image_on_the_minimum_python(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    docker = dependabot_updates(rendered_project(**answers))["docker"]

    (python,) = [rule for rule in docker["ignore"] if rule["dependency-name"] == "python"]
    assert python["update-types"] == [
        "version-update:semver-major",
        "version-update:semver-minor",
    ]
    assert docker["groups"]


@parametrize_answers(GITLAB)
def test_renovate_config_follows_its_schema(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    assert schema_errors(rendered_project(**answers) / RENOVATE, "vendor.renovate") == ""


@parametrize_answers(GITLAB)
def test_renovate_opens_one_weekly_merge_request_for_minor_and_patch_updates(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    config = renovate(rendered_project(**answers))

    assert "schedule:weekly" in config["extends"]
    grouped = [rule for rule in config["packageRules"] if "groupName" in rule]
    assert [rule["matchUpdateTypes"] for rule in grouped] == [MINOR_AND_PATCH]
    assert "matchPackageNames" not in grouped[0]


@parametrize_answers(GITLAB)
def test_renovate_keeps_the_python_image_on_the_minimum_python(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    rules = renovate(rendered_project(**answers))["packageRules"]

    (python,) = [rule for rule in rules if rule.get("matchPackageNames") == ["python"]]
    assert python["matchDatasources"] == ["docker"]
    assert python["matchUpdateTypes"] == ["major", "minor"]
    assert python["enabled"] is False


@parametrize_answers(toggle_rows(ci="github") + toggle_rows(ci="gitlab"))
def test_the_readme_names_the_update_config_the_project_has(
    rendered_project: Project, answers: dict[str, Answer]
) -> None:
    project = rendered_project(**answers)

    (config,) = UPDATE_CONFIGS[str(answers["ci"])]
    assert f"`{config}`" in (project / "README.md").read_text()
