"""The site's source listing of each figure module (`code/<module>/`), highlighted once.

Highlighting the ~5,000 lines of all figure modules takes Pygments about half a
second, at every build, though a build changes at most the modules that were
edited. So a listing's HTML is kept in `.cache/listings/<module>-<key>.html`, the
key hashing its source, the site's Markdown configuration and the versions of
Markdown, pymdownx and Pygments; a build converts only the listings whose key is
new, with the site's own Markdown extensions, and the page carries PLACEHOLDER
until `fill` puts the listing in.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import markdown

from gen.build import write_atomic

CACHE = ".cache/listings"
PLACEHOLDER = "<!-- nonlinear: source listing -->"
VERSIONS = ("markdown", "pymdown-extensions", "pygments")


def fence(source: str) -> str:
    return f'```python linenums="1"\n{source}\n```\n'


def html(root: Path, module: str, source: str, config) -> str:
    """The listing of `module` as the site's Markdown renders it."""
    extensions = [e for e in config["markdown_extensions"] if isinstance(e, str)]
    key = hashlib.sha256(json.dumps(
        [source, extensions, config["mdx_configs"], [metadata.version(v) for v in VERSIONS]],
        sort_keys=True, default=repr).encode()).hexdigest()[:24]
    folder = root / CACHE
    path = folder / f"{module}-{key}.html"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    out = markdown.Markdown(extensions=config["markdown_extensions"],
                            extension_configs=config["mdx_configs"]).convert(fence(source))
    for old in folder.glob(f"{module}-*.html"):     # one listing kept per module
        old.unlink(missing_ok=True)
    write_atomic(path, out.encode())
    return out


def fill(page_html: str, listing: str) -> str:
    return page_html.replace(PLACEHOLDER, listing, 1)
