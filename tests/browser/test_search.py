"""Search: what a reader would type for an article finds it among the first results.

Data-driven: every docs/articles/<slug>.md (the index aside) is tested with its
title plus the terms listed for it in TERMS. An article without an entry is
still searched for by its title; an entry without an article is ignored.
Typing goes through Material's own search box in the browser, keystroke by
keystroke, as a reader would.
"""
from __future__ import annotations

import json
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

# Readers' own spellings, abbreviations and other names for what an article
# covers: found through the article's front matter `search_terms:` (or its
# text). Each is a query beyond TERMS, with the article it must find.
SPELLINGS = {
    "minibatch": "optimisers", "mini batch": "optimisers", "SGD": "optimisers",
    "Adam": "optimisers", "weight decay": "optimisers", "optimizer": "optimisers",
    "RMSprop": "optimisers",
    "k fold": "model-selection", "kfold": "model-selection", "CV": "model-selection",
    "hold-out": "model-selection", "holdout": "model-selection",
    "cross validation": "model-selection", "grid search": "model-selection",
    "LR": "learning-rate", "learning rate schedule": "learning-rate",
    "step size": "learning-rate", "warmup": "learning-rate", "LR finder": "learning-rate",
    "BN": "hard-to-train", "batch normalization": "hard-to-train",
    "vanishing gradients": "hard-to-train", "Xavier initialization": "hard-to-train",
    "rectified linear unit": "activation-functions", "leaky relu": "activation-functions",
    "regularization": "early-stopping", "sanity check": "training-recipe",
    "generalization": "what-learning-means", "Tom Mitchell": "what-learning-means",
    "logloss": "classification-losses", "ECE": "classification-losses",
    "AUPRC": "classification-losses", "BCEWithLogitsLoss": "classification-losses",
}


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return (yaml.safe_load(text.split("---", 2)[1]) or {}) if text.startswith("---") else {}


def articles() -> list[tuple[str, str]]:
    """(slug, title) of every article source, title from its front matter or first heading."""
    found = []
    for path in sorted((ROOT / "docs" / "articles").glob("*.md")):
        if path.stem == "index":
            continue
        text = path.read_text(encoding="utf-8")
        title = front_matter(path).get("title")
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


@pytest.mark.parametrize("term,slug", SPELLINGS.items(), ids=list(SPELLINGS))
def test_readers_spellings_find_the_article(search, term, slug):
    results = search(term)
    assert f"/articles/{slug}/" in results, (
        f"searching {term!r} lists {results}, not /articles/{slug}/ among the first {TOP}: "
        f"add it to search_terms: in docs/articles/{slug}.md (CONTRIBUTING.md)")


def test_search_terms_are_in_the_built_index(site):
    """Every article's front matter `search_terms:` reaches its page's index entry."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = {doc["location"]: doc.get("terms", "") for doc in index["docs"]}
    missing = {}
    for slug, _ in articles():
        meta = front_matter(ROOT / "docs" / "articles" / f"{slug}.md")
        lost = [t for t in meta.get("search_terms", []) if t not in indexed.get(f"articles/{slug}/", "")]
        if lost:
            missing[slug] = lost
    assert not missing, f"search_terms missing from search/search_index.json: {missing}"


def test_every_article_is_searched_for():
    slugs = [slug for slug, _ in articles()]
    assert slugs, "no article in docs/articles"
    assert all(Path(ROOT / "docs" / "articles" / f"{slug}.md").is_file() for slug in slugs)
