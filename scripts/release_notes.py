"""Check that a release tag and CHANGELOG.md agree; print that version's section as release notes.

    python3 scripts/release_notes.py v0.2.0 [--changelog CHANGELOG.md] [--output notes.md]

The release workflow (.github/workflows/release.yml) runs it on every pushed `v*` tag. It fails,
naming the tag, when the tag is not a version, when CHANGELOG.md has no non-empty `## [X.Y.Z]`
section for it, when the section has no link at the bottom of the file, or when copier.yml has a
`_migrations` entry for a later version (it would run at a later update, not at this one).
"""

import argparse
import re
import sys
from pathlib import Path

# PEP 440 release versions as the template tags them: 1.2.3, 1.2.3rc1, 1.2.3.post1...
VERSION_TAG = re.compile(r"v(?P<version>\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?)")
SECTION_HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\]", re.MULTILINE)
MIGRATIONS_BLOCK = re.compile(r"^_migrations:\n((?:[ #].*\n|\n)*)", re.MULTILINE)
MIGRATION_VERSION = re.compile(r'^\s*- version: "?(?P<version>[^"\s]+)"?', re.MULTILINE)


class ReleaseError(Exception):
    """The tag and the changelog disagree; the message says how."""


def version_of(tag: str) -> str:
    match = VERSION_TAG.fullmatch(tag)
    if match is None:
        raise ReleaseError(
            f"tag {tag!r} is not a version tag: expected v followed by a PEP 440 version, "
            "e.g. v0.2.0"
        )
    return match["version"]


def release_order(version: str) -> tuple[tuple[int, ...], bool]:
    """PEP 440's order, as far as the template's tags go: release numbers, then a pre-release
    (a, b, rc) before its final release."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = tuple(int(n) for n in release[0].split(".")) if release else ()
    return numbers + (0,) * (6 - len(numbers)), not re.search(r"\d(a|b|rc)\d", version)


def migration_versions(copier_yml: str) -> list[str]:
    """The versions of copier.yml's `_migrations` (no YAML parser: the release job has a bare
    python3)."""
    block = MIGRATIONS_BLOCK.search(copier_yml)
    return MIGRATION_VERSION.findall(block[1]) if block else []


def sections(changelog: str) -> dict[str, str]:
    """Each `## [name]` section's text, without its heading line, by name."""
    headings = list(SECTION_HEADING.finditer(changelog))
    found = {}
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(changelog)
        body = changelog[heading.end() : end].split("\n", 1)[-1]
        # The link references at the bottom of the file follow the last section.
        found[heading["name"]] = re.split(r"^\[[^\]]+\]: ", body, flags=re.MULTILINE)[0].strip()
    return found


def release_notes(
    tag: str, changelog: str, changelog_name: str = "CHANGELOG.md", copier_yml: str = ""
) -> str:
    version = version_of(tag)
    later = [v for v in migration_versions(copier_yml) if release_order(v) > release_order(version)]
    if later:
        raise ReleaseError(
            f"tag {tag}: copier.yml has a migration for {', '.join(later)}, a later version: "
            "copier runs it when a project updates to that version, after this release's changes. "
            f"Release {max(later, key=release_order)} or later."
        )
    found = sections(changelog)
    released = [name for name in found if name != "Unreleased"]
    if version not in found:
        newest = f"[{released[0]}]" if released else "none"
        raise ReleaseError(
            f"tag {tag}: {changelog_name} has no section [{version}] (newest release section: "
            f"{newest}). Rename [Unreleased] to [{version}] and commit before tagging."
        )
    if not found[version]:
        raise ReleaseError(f"tag {tag}: section [{version}] of {changelog_name} is empty")
    if not re.search(rf"^\[{re.escape(version)}\]: \S+", changelog, flags=re.MULTILINE):
        raise ReleaseError(
            f"tag {tag}: {changelog_name} has no link for [{version}] at its bottom "
            f"(a line `[{version}]: <URL of the release or the compare view>`)"
        )
    return found[version] + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("tag", help="the pushed tag, e.g. v0.2.0")
    parser.add_argument("--changelog", type=Path, default=Path("CHANGELOG.md"))
    parser.add_argument("--copier-yml", type=Path, default=Path("copier.yml"))
    parser.add_argument("--output", type=Path, help="write the notes here instead of stdout")
    args = parser.parse_args(argv)
    copier_yml = args.copier_yml.read_text() if args.copier_yml.is_file() else ""
    try:
        notes = release_notes(args.tag, args.changelog.read_text(), str(args.changelog), copier_yml)
    except ReleaseError as error:
        print(f"release_notes: {error}", file=sys.stderr)
        return 1
    if args.output:
        args.output.write_text(notes)
    else:
        sys.stdout.write(notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
