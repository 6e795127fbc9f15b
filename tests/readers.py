"""Read what a generated project declares: Dockerfile stages, Settings fields, routes, YAML, CI."""

import ast
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The placeholder of a repository address (`github.com/OWNER/...`, `<owner>/<repo>`), not a
# name like OWNER_MARK.
OWNER_PLACEHOLDER = re.compile(r"\bOWNER\b|(?i:<(?:owner|repo|org|user)>)")


def harness_source(project: Path) -> str:
    """The generated test harness (tests/conftest.py and tests/harness/), as one text."""
    paths = [project / "tests" / "conftest.py", *(project / "tests" / "harness").glob("*.py")]
    return "".join(path.read_text() for path in paths)


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile_stages(project: Path) -> dict[str, list[Instruction]]:
    """Each stage's instructions, by the stage's `AS` name (the generated file names them all).

    Enough of the Dockerfile syntax for the generated file: line continuations and comments,
    no heredocs and no escape directive.
    """
    text = (project / "Dockerfile").read_text().replace("\\\n", " ")
    stages: dict[str, list[Instruction]] = {}
    current: list[Instruction] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        instruction = Instruction(keyword.upper(), " ".join(arguments.split()))
        if instruction.keyword == "FROM":
            name = instruction.arguments.split(" AS ")[-1]
            current = stages.setdefault(name, [])
        current.append(instruction)
    return stages


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [instruction.arguments for instruction in stage if instruction.keyword == keyword]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of a CMD (or of a HEALTHCHECK after its options)."""
    command: list[str] = json.loads(arguments[arguments.index("[") :])
    return command


def settings_fields(project: Path, package: str) -> list[str]:
    """The field names of the generated `Settings` class, read from its source."""
    tree = ast.parse((project / "src" / package / "settings.py").read_text())
    (settings,) = [
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Settings"
    ]
    return [
        node.target.id
        for node in settings.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]


def route_paths(project: Path, package: str) -> set[str]:
    """Every `@router.<method>("...")` path, behind its router's `prefix`."""
    decorator = re.compile(r'@router\.\w+\(\s*"([^"]+)"')
    prefix = re.compile(r'APIRouter\([^)]*prefix="([^"]*)"')
    paths = set()
    for source in (project / "src" / package / "routes").glob("*.py"):
        text = source.read_text()
        declared = prefix.search(text)
        paths |= {(declared[1] if declared else "") + path for path in decorator.findall(text)}
    return paths


def pyproject(project: Path) -> dict[str, Any]:
    return tomllib.loads((project / "pyproject.toml").read_text())


def yaml_file(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def schema_errors(path: Path, builtin_schema: str) -> str:
    """check-jsonschema's complaints about `path` (empty when it is valid); works offline."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin_schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


GITHUB_WORKFLOW = Path(".github/workflows/ci.yml")
GITLAB_PIPELINE = Path(".gitlab-ci.yml")


def github_workflow(project: Path) -> dict[str, Any]:
    workflow: dict[str, Any] = yaml_file(project / GITHUB_WORKFLOW)
    return workflow


def gitlab_pipeline(project: Path) -> dict[str, Any]:
    pipeline: dict[str, Any] = yaml_file(project / GITLAB_PIPELINE)
    return pipeline


def github_commands(workflow: dict[str, Any]) -> list[str]:
    """Every `run:` step of every job, in order."""
    return [
        step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def commands_under(markdown: str, heading: str) -> list[str]:
    """The lines of the ```bash blocks in a Markdown section (up to the next heading of its
    level or above), comments and blank lines dropped, `\\` continuations joined."""
    level = heading.split(" ")[0]
    section = markdown.split(f"\n{heading}\n", 1)[1]
    section = re.split(rf"\n#{{1,{len(level)}}} ", section, maxsplit=1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                commands.append(line.strip())
    return commands
