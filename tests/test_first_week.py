"""What a new user meets in the first hour: the READMEs' commands, Copier's prompts and trust."""

import re
from pathlib import Path

import pytest
from copier import run_copy, run_update
from copier.errors import UnsafeTemplateError

from template_facts import ROOT

from .answers import QUESTIONS
from .history import TemplateHistory, git, render_at
from .readers import OWNER_PLACEHOLDER
from .rendering import Project, render
from .running import assert_ok, clean_env, install, run, seed_mypy_cache

USER_FACING = ["README.md", "CHANGELOG.md", "mkdocs.yml", *(ROOT / "docs").rglob("*.md")]
# Where a user reads which commands to run.
INSTRUCTIONS = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "template").rglob("*")]
POSTGRES_WORDS = re.compile(r"postgres|asyncpg|psycopg|testcontainers", re.IGNORECASE)
TERMINAL_COLUMNS = 78
# Copier shows a question's help after its mark, "🎤 " (3 columns).
PROMPT_MARK = 3
# The benchmarks put the three scopes within this of each other (ms per test, per driver).
SPEED_WORDS = re.compile(r"fast|slow|quick", re.IGNORECASE)
# A `copier update` command, or one that changes an answer anywhere in a line: without
# --defaults Copier asks every question again, and stops where no terminal is.
UPDATE_COMMAND = re.compile(r"^\s*copier update |copier update [^`\n]*--data")
# The command, with its message; warnings against it name it without one.
COMMIT_ALL_TRACKED = re.compile(r"commit -am ['\"]")


@pytest.mark.parametrize("path", USER_FACING, ids=str)
def test_no_owner_placeholder_in_what_users_read(path: Path | str) -> None:
    text = (ROOT / path).read_text()

    assert not OWNER_PLACEHOLDER.search(text)


def test_no_instructions_commit_with_dash_am() -> None:
    """`git commit -am` leaves the new files of a re-answered scope out of the commit."""
    found = [
        str(path.relative_to(ROOT))
        for path in INSTRUCTIONS
        if path.is_file() and COMMIT_ALL_TRACKED.search(path.read_text(errors="ignore"))
    ]

    assert found == []


def test_copying_needs_no_trust(tmp_path: Path) -> None:
    run_copy(str(ROOT), tmp_path, defaults=True, vcs_ref="HEAD", quiet=True, unsafe=False)

    assert (tmp_path / ".copier-answers.yml").is_file()


def test_an_update_across_a_migration_stops_without_trust(
    template_history: TemplateHistory, tmp_path: Path
) -> None:
    history = template_history
    project = render_at(history.path, history.before_rename, tmp_path, python_version="3.13")
    before = git(project, "rev-parse", "HEAD")

    with pytest.raises(UnsafeTemplateError, match="migrations"):
        run_update(project, defaults=True, overwrite=True, vcs_ref=history.latest, quiet=True)

    assert git(project, "rev-parse", "HEAD") == before
    assert git(project, "status", "--porcelain") == ""


@pytest.mark.parametrize("question", [name for name in QUESTIONS if not name.startswith("_")])
def test_every_prompt_fits_a_terminal(question: str) -> None:
    help_text = str(QUESTIONS[question].get("help", ""))

    assert max(map(len, help_text.splitlines()), default=0) <= TERMINAL_COLUMNS - PROMPT_MARK


def test_every_update_command_keeps_the_answers() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {line}"
        for path in INSTRUCTIONS
        if path.is_file()
        for line in path.read_text(errors="ignore").splitlines()
        if UPDATE_COMMAND.search(line) and "--defaults" not in line
    ]

    assert found == []


def copy_message(destination: Path, capsys: pytest.CaptureFixture[str], **answers: str) -> str:
    """What `copier copy` prints after copying: the lines after its coloured list of files, the
    destination's path (the user's own) shortened to `my-service`."""
    capsys.readouterr()
    run_copy(str(ROOT), destination, data=answers, defaults=True, vcs_ref="HEAD", quiet=False)
    lines = capsys.readouterr().err.splitlines()
    last_file = max(number for number, line in enumerate(lines) if "\x1b[" in line)
    return "\n".join(lines[last_file + 1 :]).replace(str(destination), "my-service")


@pytest.mark.parametrize("db_driver", ["asyncpg", "aiosqlite"])
def test_the_messages_fit_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db_driver: str
) -> None:
    after_copy = copy_message(tmp_path / "p", capsys, db_driver=db_driver)
    after_update = str(QUESTIONS["_message_after_update"])

    assert "Next steps:" in after_copy
    for message in (after_copy, after_update):
        assert max(map(len, message.splitlines())) <= TERMINAL_COLUMNS, message


def test_the_update_message_reviews_new_files_too() -> None:
    message = str(QUESTIONS["_message_after_update"])

    assert "git add -A" in message
    assert "git status" in message


def test_the_update_message_records_the_durations_of_new_tests() -> None:
    """`.test_durations` is the user's (`_skip_if_exists`): an update's new tests have none."""
    message = str(QUESTIONS["_message_after_update"])

    assert "uv run pytest --store-durations --clean-durations" in message


def test_the_next_steps_leave_a_clean_tree(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one-time steps of the after-copy message (all but serving and testing)."""
    project = project_path / "project"
    message = copy_message(project, capsys)
    steps = message.split("Next steps:\n")[1].split("\n\n")[0].splitlines()
    commands = [
        step.strip()
        for step in steps
        if not step.strip().startswith(("cd ", "uv run fastapi", "uv run pytest"))
    ]
    assert any("git commit" in command for command in commands)
    env = clean_env(
        GIT_AUTHOR_NAME="Meta Tests",
        GIT_AUTHOR_EMAIL="meta-tests@example.invalid",
        GIT_COMMITTER_NAME="Meta Tests",
        GIT_COMMITTER_EMAIL="meta-tests@example.invalid",
    )
    for command in commands:
        assert_ok(run(project, "/bin/bash", "-c", command, env=env))

    assert git(project, "status", "--porcelain") == ""
    # The branch the generated CI runs on for a push, whatever git's own default.
    assert git(project, "branch", "--show-current").strip() == "main"


ASKED_WITH_CHOICES = [
    name
    for name, question in QUESTIONS.items()
    if isinstance(question, dict) and "choices" in question and question.get("when") is not False
]


@pytest.mark.parametrize("question", ASKED_WITH_CHOICES)
def test_every_choice_has_a_description(question: str) -> None:
    choices = QUESTIONS[question]["choices"]

    assert isinstance(choices, dict)
    assert all(label != value for label, value in choices.items())


def test_the_scope_choices_claim_no_speed() -> None:
    """The benchmarks' ranking of the scopes changes with the machine and the auditor."""
    labels = " ".join(QUESTIONS["test_scope"]["choices"])
    assert not SPEED_WORDS.search(labels), labels


def test_the_scope_question_says_what_to_pick_when_unsure() -> None:
    assert "not sure? keep session" in QUESTIONS["test_scope"]["help"]


@pytest.mark.parametrize("path", ["README.md", ".env.example"])
def test_a_sqlite_project_makes_no_postgresql_promises(
    rendered_project: Project, path: str
) -> None:
    project = rendered_project(db_driver="aiosqlite")

    assert POSTGRES_WORDS.findall((project / path).read_text()) == []


def test_the_class_scope_readme_runs_classes_whole_on_each_worker(
    rendered_project: Project,
) -> None:
    readme = (rendered_project(test_scope="class") / "README.md").read_text()

    assert "pytest -n 2 --dist loadscope" in readme


@pytest.mark.parametrize("path", ["README.md", ".env.example"])
def test_the_documented_container_image_is_the_default_one(
    rendered_project: Project, path: str
) -> None:
    project = rendered_project(db_driver="asyncpg")
    databases = (project / "tests" / "harness" / "databases.py").read_text()
    (image,) = re.findall(r'^DEFAULT_POSTGRES_IMAGE = "([^"]+)"', databases, re.MULTILINE)

    text = (project / path).read_text()

    assert "TEST_POSTGRES_IMAGE" in text
    assert image in text


def test_pre_commit_passes_in_a_new_committed_project(project_path: Path) -> None:
    project = install(render(project_path / "project"))
    seed_mypy_cache(project)
    git(project, "init", "--quiet")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "Generate from the template")
    env = clean_env(PRE_COMMIT_HOME=str(project_path / "pre-commit"), UV_OFFLINE="1")

    result = run(project, "uv", "run", "--no-sync", "pre-commit", "run", "--all-files", env=env)

    assert_ok(result)
    assert git(project, "status", "--porcelain") == ""
