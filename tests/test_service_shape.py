"""How the generated service is put together: one session dependency, errors answered once."""

import ast
from pathlib import Path

import pytest

from .answers import DRIVERS
from .rendering import render


def package_of(project: Path) -> Path:
    (package,) = (project / "src").iterdir()
    return package


def modules_assigning(package: Path, name: str) -> list[str]:
    return sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(target, ast.Name) and target.id == name
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
    )


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_the_session_dependency_is_defined_once(tmp_path: Path, db_driver: str) -> None:
    package = package_of(render(tmp_path, db_driver=db_driver))

    assert modules_assigning(package, "SessionDep") == ["database.py"]


@pytest.mark.parametrize("db_driver", DRIVERS)
def test_routes_leave_domain_errors_to_the_error_handlers(tmp_path: Path, db_driver: str) -> None:
    """errors.py answers the domain's errors; a route's own try/except would answer differently.

    /health is the one route that catches: it reports the database's state instead of failing.
    """
    routes = package_of(render(tmp_path, db_driver=db_driver)) / "routes"

    catching = sorted(
        path.name
        for path in routes.glob("*.py")
        if any(isinstance(node, ast.Try) for node in ast.walk(ast.parse(path.read_text())))
    )
    assert catching == ["health.py"]
