"""Let readers find a page by their own spelling: front matter `search_terms:`.

    search_terms: [minibatch, mini batch, SGD]

The terms are written into the page's entry of the search index
(search/search_index.json) as the field `terms`, which mkdocs.yml's search
plugin indexes with the weight of a title; they are not shown on the page.
Kept with the content it finds (CONTRIBUTING.md, "Search terms").
"""
from __future__ import annotations

import json
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

FIELD = "search_terms"
_terms: dict[str, str] = {}          # page URL -> its terms, one string


def on_page_markdown(markdown, page, config, files):
    terms = page.meta.get(FIELD)
    if terms is None:
        return markdown
    if not (isinstance(terms, list) and terms and all(isinstance(t, str) and t.strip() for t in terms)):
        raise PluginError(f"{page.file.src_uri}: front matter `{FIELD}:` must be a list of "
                          f"words or phrases, e.g. `{FIELD}: [minibatch, SGD]`; got {terms!r}")
    _terms[page.url] = " ".join(t.strip() for t in terms)
    return markdown


@event_priority(-100)                # after the search plugin has written its index
def on_post_build(config):
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not _terms or not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        if doc["location"] in _terms:        # the page itself, not one of its sections
            doc["terms"] = _terms[doc["location"]]
    path.write_text(json.dumps(index, separators=(",", ":")), encoding="utf-8")


def on_pre_build(config):
    _terms.clear()                   # `mkdocs serve` rebuilds in the same process
