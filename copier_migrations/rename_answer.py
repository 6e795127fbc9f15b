"""Rename a recorded answer in a project's answers file: `rename_answer.py FILE OLD NEW`.

Run by copier's `_migrations` before an update, so the new template finds the user's answer
under its new name instead of falling back to the default. Only the key changes; the value,
the comments and the order of the file stay as they are.
"""

import re
import sys
from pathlib import Path


def rename_answer(answers_file: Path, old: str, new: str) -> bool:
    """Rename the top-level key `old` to `new`; False when there is no `old` key."""
    text = answers_file.read_text()
    renamed, count = re.subn(rf"^{re.escape(old)}:", f"{new}:", text, flags=re.MULTILINE)
    if count:
        answers_file.write_text(renamed)
    return bool(count)


if __name__ == "__main__":
    answers_file, old, new = sys.argv[1:]
    if rename_answer(Path(answers_file), old, new):
        print(f"{answers_file}: renamed answer {old!r} to {new!r}")
