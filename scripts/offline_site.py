"""Check that a built documentation site loads nothing from another host.

    python scripts/offline_site.py build/site

`nox -s docs` runs it after the build. It fails, naming each page and address, when a page
loads a script, stylesheet, font or image from outside the site (links to read are fine), or
when a page with a diagram does not load the site's own copy of mermaid.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

EXTERNAL = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
MERMAID_SCRIPT = "mermaid.min.js"


class LoadedResources(HTMLParser):
    """The addresses a page makes the browser fetch: not `<a href>`, which a reader follows."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.scripts: list[str] = []
        self.has_diagram = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in attributes:
            self.scripts.append(attributes["src"])
            self.addresses.append(attributes["src"])
        elif tag in {"img", "iframe", "source", "audio", "video"} and "src" in attributes:
            self.addresses.append(attributes["src"])
        elif tag == "link" and "href" in attributes:
            self.addresses.append(attributes["href"])
        if "mermaid" in attributes.get("class", "").split():
            self.has_diagram = True

    def handle_data(self, data: str) -> None:
        self.addresses.extend(CSS_URL.findall(data))


def problems(site: Path) -> list[str]:
    found = []
    for page in sorted(site.rglob("*.html")):
        parser = LoadedResources()
        parser.feed(page.read_text())
        name = page.relative_to(site)
        found += [f"{name}: loads {url}" for url in parser.addresses if EXTERNAL.match(url)]
        own_mermaid = [src for src in parser.scripts if src.endswith(MERMAID_SCRIPT)]
        if parser.has_diagram and not [src for src in own_mermaid if not EXTERNAL.match(src)]:
            found.append(f"{name}: has a diagram but does not load the site's {MERMAID_SCRIPT}")
    for stylesheet in sorted(site.rglob("*.css")):
        name = stylesheet.relative_to(site)
        found += [f"{name}: loads {url}" for url in CSS_URL.findall(stylesheet.read_text())]
    return found


def main() -> int:
    site = Path(sys.argv[1])
    found = problems(site)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{site}: {len(found)} problems; the site must work offline", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
