"""Things the first test of a run makes once and every later test starts from (a mypy cache,
compiled modules), published whole."""

import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path


def publish(seed: Path, fill: Callable[[Path], object]) -> None:
    """Make `seed` by `fill`ing a folder beside it and renaming that into place: a worker that
    finds the seed never sees half of it. If another worker published one first, its stays."""
    partial = Path(tempfile.mkdtemp(dir=seed.parent)) / seed.name
    try:
        fill(partial)
        with suppress(OSError):
            partial.rename(seed)
    finally:
        shutil.rmtree(partial.parent, ignore_errors=True)
