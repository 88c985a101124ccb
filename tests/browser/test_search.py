"""Search: what a reader would type for an article finds it among the first results.

Data-driven: every docs/articles/<slug>.md (the index aside) is tested with its
title plus the terms listed for it in TERMS. An article without an entry is
still searched for by its title; an entry without an article is ignored.
Typing goes through Material's own search box in the browser, keystroke by
keystroke, as a reader would.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .support import ROOT, Tab, new_context

pytestmark = [pytest.mark.build, pytest.mark.browser]

TOP = 3          # "among the first results": the first three pages listed

TERMS = {
    "activation-functions": ["relu", "sigmoid", "activation function"],
    "early-stopping": ["early stopping", "patience"],
    "learning-rate": ["learning rate"],
    "model-selection": ["model selection", "cross-validation"],
    "what-learning-means": ["what is learning", "Mitchell"],
    "hard-to-train": ["saddle point", "exploding gradients"],
    "training-recipe": ["debugging", "shuffled labels"],
}


def articles() -> list[tuple[str, str]]:
    """(slug, title) of every article source, title from its front matter or first heading."""
    found = []
    for path in sorted((ROOT / "docs" / "articles").glob("*.md")):
        if path.stem == "index":
            continue
        text = path.read_text(encoding="utf-8")
        title = None
        if text.startswith("---"):
            meta = yaml.safe_load(text.split("---", 2)[1]) or {}
            title = meta.get("title")
        if not title:
            title = next((line[2:].strip() for line in text.splitlines()
                          if line.startswith("# ")), path.stem.replace("-", " "))
        found.append((path.stem, title))
    return found


# The first results, once they have stopped changing: Material answers every
# keystroke, so the list passes through the results of each prefix typed.
SETTLED_RESULTS = """async () => {
    const read = () => [...document.querySelectorAll(
        '.md-search-result__list > li > a:first-of-type')].map(a => a.href).join(' ');
    let last = null, stable = 0;
    for (let i = 0; i < 100 && stable < 3; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
        const now = read();
        stable = now === last ? stable + 1 : 0;
        last = now;
    }
    return last ? last.split(' ') : [];
}"""


@pytest.fixture(scope="module")
def search(chromium_browser, origin):
    """search(term): the URL paths of the first results, typed into one shared page."""
    context = new_context(chromium_browser, "light")
    tab = Tab(context, origin)
    tab.open("")
    page = tab.page
    box = page.locator("input.md-search__input")
    box.click()

    def query(term: str) -> list[str]:
        box.press("Control+a")
        box.press("Backspace")
        page.wait_for_function("!document.querySelector('.md-search__input').value")
        box.press_sequentially(term, delay=20)
        page.wait_for_function(
            """term => document.querySelector('.md-search__input').value === term &&
                 /matching|No matching/i.test(document.querySelector('.md-search-result__meta')
                                               .textContent)""", arg=term)
        # One list item per page (its matching sections are nested in it).
        return [urlsplit(link).path for link in page.evaluate(SETTLED_RESULTS)[:TOP]]

    yield query
    errors = tab.visit.errors
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("slug,title", articles(), ids=[slug for slug, _ in articles()])
def test_readers_terms_find_the_article(search, slug, title):
    wanted = f"/articles/{slug}/"
    misses = {}
    for term in [title, *TERMS.get(slug, [])]:
        results = search(term)
        if wanted not in results:
            misses[term] = results
    assert not misses, (f"{wanted} is not in the first {TOP} results for: {misses}; "
                        "improve the article's wording or its terms in TERMS")


def test_every_article_is_searched_for():
    slugs = [slug for slug, _ in articles()]
    assert slugs, "no article in docs/articles"
    assert all(Path(ROOT / "docs" / "articles" / f"{slug}.md").is_file() for slug in slugs)
