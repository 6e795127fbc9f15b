"""Rendering the template with copier, as a user would: `copier copy --trust --defaults`."""

from collections.abc import Callable
from pathlib import Path

from copier import run_copy

from template_facts import ROOT

from .answers import Answer

# A fixture's project factory: answers in, the project's folder out.
Project = Callable[..., Path]


def render(destination: Path, **answers: Answer) -> Path:
    return copy_template(ROOT, "HEAD", destination, **answers)


def copy_template(template: Path, ref: str, destination: Path, **answers: Answer) -> Path:
    """`copier copy --trust --defaults --vcs-ref=REF [--data ...]`, through copier's API."""
    run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=ref,
        quiet=True,
    )
    return destination
