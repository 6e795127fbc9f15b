"""Name the files an update removes that users often edit: `removed_files.py NOTE PATH...`.

Run by copier's `_migrations` before an update that crosses the version that stopped rendering
them: copier deletes such a file whatever the user wrote in it. What they wrote stays in git's
last commit (copier updates only a clean work tree), so the message says how to see it.
"""

import sys
from pathlib import Path


def removal_notice(note: str, paths: list[str]) -> str:
    """The notice for those of `paths` the project has; empty when it has none."""
    present = [path for path in paths if Path(path).is_file()]
    if not present:
        return ""
    listed = "".join(f"\n  {path}  (yours: git show HEAD:{path})" for path in present)
    return f"This update removes files you may have edited:{listed}\n{note}"


if __name__ == "__main__":
    note, *paths = sys.argv[1:]
    if notice := removal_notice(note, paths):
        print(notice)
