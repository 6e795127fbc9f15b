"""Bad answers are refused, each with a message that names the bad value."""

import json
import keyword
import re
import sys
from pathlib import Path

import jinja2
import pytest

from template_facts import QUESTIONS, ROOT

from .answers import DRIVERS
from .rendering import Project, render
from .running import assert_ok, run

REFUSED_TEXT = [
    pytest.param("project_name", "   ", id="project_name-blank"),
    pytest.param("project_name", "x" * 51, id="project_name-too-long"),
    pytest.param("project_name", 'The "Best" Service', id="project_name-double-quote"),
    pytest.param("project_name", "Back\\slash", id="project_name-backslash"),
    pytest.param("project_name", "Ticketing\nService", id="project_name-line-break"),
    pytest.param("project_name", "Ticketing\rService", id="project_name-carriage-return"),
    pytest.param("package_name", "ticketing-service", id="package_name-hyphen"),
    pytest.param("package_name", "1st_service", id="package_name-leading-digit"),
    pytest.param("package_name", "Ticketing", id="package_name-uppercase"),
    pytest.param("package_name", "class", id="package_name-keyword"),
    pytest.param("package_name", "email", id="package_name-stdlib"),
    pytest.param("package_name", "test", id="package_name-stdlib-test"),
    pytest.param("package_name", "fastapi", id="package_name-fastapi"),
    pytest.param("package_name", "sqlalchemy", id="package_name-sqlalchemy"),
    pytest.param("package_name", "tests", id="package_name-tests"),
    pytest.param("package_name", "alembic", id="package_name-alembic"),
    pytest.param("package_name", "schemathesis", id="package_name-schemathesis"),
    pytest.param("description", "two\nlines", id="description-multiline"),
    pytest.param("description", "cr\rx", id="description-carriage-return"),
    pytest.param("description", "ctl\x01x", id="description-control-character"),
    pytest.param("description", "d" * 81, id="description-too-long"),
    pytest.param("description", 'A "quoted" word', id="description-double-quote"),
]

REFUSED_CHOICES = [
    pytest.param("db_driver", "mysql", id="db_driver-mysql"),
    pytest.param("test_scope", "module", id="test_scope-module"),
    pytest.param("min_python_version", "3.10", id="min_python_version-3.10"),
    pytest.param("test_database_provider", "docker", id="test_database_provider-docker"),
]


@pytest.mark.parametrize(("question", "value"), REFUSED_TEXT)
def test_a_refused_answer_is_named_in_the_message(
    tmp_path: Path, question: str, value: str
) -> None:
    with pytest.raises(ValueError, match=f"Validation error for question '{question}'") as refusal:
        render(tmp_path, **{question: value})

    # A control character is named escaped, as JSON writes it.
    assert value in str(refusal.value) or json.dumps(value) in str(refusal.value)


@pytest.mark.parametrize(("question", "value"), REFUSED_CHOICES)
def test_invalid_choice_is_refused(tmp_path: Path, question: str, value: str) -> None:
    with pytest.raises(ValueError, match=f"Invalid choice for '{question}'") as refusal:
        render(tmp_path, **{question: value})

    assert repr(value) in str(refusal.value)


def reserved_names(list_name: str) -> set[str]:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT))
    module = environment.get_template("includes/package_names.jinja").module
    return set(getattr(module, list_name))


def test_every_python_keyword_is_reserved() -> None:
    keywords = {word for word in keyword.kwlist if word.islower()}

    assert keywords - reserved_names("KEYWORDS") == set()


def test_every_standard_library_module_is_reserved() -> None:
    modules = {name for name in sys.stdlib_module_names if not name.startswith("_")}

    assert modules - reserved_names("STDLIB") == set()


# The top-level modules of every distribution in the project's environment, as Python sees them.
INSTALLED_MODULES = """\
import importlib.metadata
print("\\n".join(importlib.metadata.packages_distributions()))
"""


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_every_module_the_project_installs_is_reserved(
    installed_project: Project, db_driver: str
) -> None:
    project = installed_project(db_driver=db_driver)
    result = run(project, "uv", "run", "--no-sync", "python", "-c", INSTALLED_MODULES)
    assert_ok(result)
    # Names that are no lowercase identifier fail the validator's pattern before any list.
    installed = {name for name in result.stdout.split() if re.fullmatch("[a-z][a-z0-9_]*", name)}

    reserved = reserved_names("DEPENDENCIES") | reserved_names("STDLIB")
    assert sorted(installed - reserved - {"ticketing_service"}) == []


PROMPTS_PAGE = (ROOT / "docs" / "prompts.md").read_text()
QUOTED_REFUSALS = [
    pytest.param("project_name", "", id="project_name-empty"),
    pytest.param("project_name", 'Say "hi"', id="project_name-quote"),
    pytest.param("package_name", "2shop", id="package_name-leading-digit"),
    pytest.param("package_name", "class", id="package_name-keyword"),
    pytest.param("package_name", "email", id="package_name-stdlib"),
    pytest.param("package_name", "fastapi", id="package_name-dependency"),
    pytest.param("package_name", "tests", id="package_name-tests"),
    pytest.param("ci_shards", 0, id="ci_shards-zero"),
]


def prompts_section(question: str) -> str:
    return PROMPTS_PAGE.partition(f"\n## `{question}`\n")[2].partition("\n## ")[0]


@pytest.mark.parametrize(("question", "value"), QUOTED_REFUSALS)
def test_the_prompts_page_quotes_each_refusal_as_copier_prints_it(
    tmp_path: Path, question: str, value: str | int
) -> None:
    with pytest.raises(ValueError, match=question) as refusal:
        render(tmp_path, **{question: value})

    message = str(refusal.value).partition(f"question '{question}': ")[2].strip()
    assert message
    assert f"\n{message}\n" in prompts_section(question)


ASKED = [
    name
    for name, spec in QUESTIONS.items()
    if not name.startswith("_") and spec.get("when") is not False  # `_` settings are no dicts
]


FREE_TEXT = [
    name for name in ASKED if "choices" not in QUESTIONS[name] and QUESTIONS[name]["type"] != "bool"
]


@pytest.mark.parametrize("question", ASKED)
def test_every_question_has_help(question: str) -> None:
    assert QUESTIONS[question].get("help"), f"copier.yml: {question} needs a `help`"


@pytest.mark.parametrize("question", FREE_TEXT)
def test_every_free_text_question_has_a_validator(question: str) -> None:
    assert QUESTIONS[question].get("validator"), f"copier.yml: {question} needs a `validator`"


@pytest.mark.parametrize("question", ASKED)
def test_the_prompts_page_quotes_the_question_and_names_its_choices(question: str) -> None:
    spec, section = QUESTIONS[question], prompts_section(question)

    assert section, f"docs/prompts.md has no section for {question} (a heading ## `{question}`)"
    assert f'**Asks:** "{spec.get("help")}"' in section
    for label, value in spec.get("choices", {}).items():
        assert f"`{value}`" in section, value
        if "| choice |" in section:
            assert f"\n| {label} | `{value}` |" in section, label
