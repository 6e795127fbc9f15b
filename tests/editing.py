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
