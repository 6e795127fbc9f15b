"""Editing a shared project's files for one test, and putting them back."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def restored(*paths: Path) -> Iterator[None]:
    """Put `paths` back as they were (a new file is removed) at the end of the block."""
    originals = {path: path.read_text() if path.exists() else None for path in paths}
    try:
        yield
    finally:
        for path, text in originals.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text)


def edit(path: Path, replacements: list[tuple[str, str]]) -> None:
    """Replace the first occurrence of each `old` with its `new`, in order; each must be there."""
    text = path.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)


SOLD_TO = "    sold_to: Mapped[str | None] = mapped_column(String(255), default=None)\n"
# A PostgreSQL enum type is created apart from its table: its members are in no CREATE TABLE.
TIER = """\
import enum


class Tier(enum.Enum):
    standard = "standard"
    vip = "vip"


"""
# Edits of a generated models.py: tickets get a `tier` enum column; then the enum a member more.
TIERS_ON_TICKETS = [
    ("NEVER_REUSE_IDS = ", TIER + "NEVER_REUSE_IDS = "),
    (SOLD_TO, SOLD_TO + "    tier: Mapped[Tier | None] = mapped_column(default=None)\n"),
]
A_NEW_TIER = [('    vip = "vip"\n', '    vip = "vip"\n    balcony = "balcony"\n')]
