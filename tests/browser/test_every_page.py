"""Every page of the built site, in the light and the dark scheme, with the network cut.

One tour opens each page once per scheme (only the site's own origin is
reachable), scrolls to the bottom so lazy figures load, waits for math, runs
axe-core and saves a full-page screenshot under reports/screenshots/<scheme>/.
The tests below each read one aspect of that tour.
"""
from __future__ import annotations

import re
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

from .support import (AXE_SCHEME_RULES, MAX_PAGE_BYTES, SCHEMES, RendererStallWarning, Tab,
                      describe, launch, new_context, run_axe, screenshot_path)

pytestmark = [pytest.mark.build, pytest.mark.browser]


def _tour(scheme: str, origin: str, pages: list[str]) -> tuple[dict, list[str]]:
    """Visit every page in one scheme, in a browser of its own (one thread per scheme):
    (what each page showed, the loads opened again because the browser stopped drawing)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = launch(p)
        tab = Tab(new_context(browser, scheme), origin)
        page = tab.page
        for path in pages:
            visit = tab.read(path)
            state = page.evaluate("""() => ({
                scheme: document.body.dataset.mdColorScheme,
                h1: (document.querySelector('.md-content h1') || {}).textContent || '',
                math: document.querySelectorAll('.arithmatex').length,
                rendered: document.querySelectorAll('.arithmatex .katex').length,
                katexErrors: [...document.querySelectorAll('.katex-error')].map(e => e.title),
                brokenImages: [...document.images]
                    .filter(i => i.checkVisibility() && !(i.complete && i.naturalWidth > 0))
                    .map(i => i.getAttribute('src')),
            })""")
            state["bytes"] = visit.transferred()
            foreign, errors = visit.foreign, visit.errors
            shot = screenshot_path(path, scheme)
            shot.parent.mkdir(parents=True, exist_ok=True)
            shot.unlink(missing_ok=True)              # no stale file stands in for this run's
            try:
                page.screenshot(path=shot, full_page=True, timeout=60_000)
            except PlaywrightTimeout:
                # Seen about once in five tours on a busy 2-core machine: the full-page
                # capture never gets its frame. Load the page again and take it once more;
                # a second timeout is left to test_a_screenshot_of_every_page to report.
                again = tab.read(path)
                foreign, errors = foreign + again.foreign, errors + again.errors
                try:
                    page.screenshot(path=shot, full_page=True, timeout=120_000)
                except PlaywrightTimeout:
                    pass
            state["axe"] = run_axe(page, None if scheme == SCHEMES[0] else AXE_SCHEME_RULES)
            results[path, scheme] = dict(state, foreign=foreign, errors=errors)
        browser.close()
    return results, tab.stalls


@pytest.fixture(scope="module")
def tour(chromium_browser, origin, pages, axe_script):
    """{(path, scheme): what the page showed}; both schemes run side by side."""
    results = {}
    with ThreadPoolExecutor(len(SCHEMES)) as pool:
        for part, stalls in pool.map(lambda scheme: _tour(scheme, origin, pages), SCHEMES):
            results.update(part)
            for stall in stalls:     # opened again (Tab.read); said, not hidden
                warnings.warn(stall + "; the page was opened again", RendererStallWarning)
    return results


def _failing(tour, check):
    return {f"{scheme}: /{path}": problem for (path, scheme), r in tour.items()
            if (problem := check(r))}


def test_no_request_leaves_the_site(tour):
    """Zero requests to any host but the site's own (fonts, CDNs, analytics...)."""
    bad = _failing(tour, lambda r: r["foreign"])
    assert not bad, "requests to third parties:\n" + describe(bad)


def test_pages_work_with_the_network_cut(tour):
    """No console error, page error or failed request on the site; the page has its heading."""
    bad = _failing(tour, lambda r: r["errors"] or (not r["h1"].strip() and "no <h1>"))
    assert not bad, describe(bad)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_scheme_follows_the_reader(tour, scheme):
    expected = {"light": "default", "dark": "slate"}[scheme]
    bad = {f"/{p}": r["scheme"] for (p, s), r in tour.items() if s == scheme and r["scheme"] != expected}
    assert not bad, f"pages not in Material's {expected} scheme: {bad}"


def test_axe_finds_no_violation(tour):
    """axe-core, rules tagged wcag2a, wcag2aa and best-practice: all of them on the light
    scheme, those whose outcome can depend on the scheme (AXE_SCHEME_RULES) on the dark."""
    bad = _failing(tour, lambda r: r["axe"])
    assert not bad, describe(bad)


def test_every_visible_image_loads(tour):
    bad = _failing(tour, lambda r: r["brokenImages"])
    assert not bad, describe(bad)


def test_math_is_rendered(tour):
    """Every \\(..\\) and \\[..\\] is typeset by KaTeX, with no parse error."""
    assert any(r["math"] for r in tour.values()), "no page has math: is arithmatex still on?"
    bad = _failing(tour, lambda r: (r["rendered"] != r["math"] or r["katexErrors"])
                   and {"math": r["math"], "rendered": r["rendered"], "errors": r["katexErrors"]})
    assert not bad, describe(bad)


def test_heaviest_article_is_light_enough(tour):
    """All bytes an article page fetches (HTML, CSS, JS, fonts, search index, figures) <= 1.0 MB."""
    weights = {f"{s}: /{p}": r["bytes"] for (p, s), r in tour.items()
               if re.fullmatch(r"articles/[^/]+/", p)}
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] <= MAX_PAGE_BYTES, (
        f"{heaviest} fetches {weights[heaviest]:,} bytes (limit {MAX_PAGE_BYTES:,}):\n"
        + describe(weights))


def test_a_screenshot_of_every_page(tour, pages):
    """Taken by this tour (an earlier run's file is removed first), twice at most."""
    missing = [f"{s}: /{p}" for s in SCHEMES for p in pages
               if not screenshot_path(p, s).is_file()]
    assert not missing, f"full-page screenshot timed out twice: {missing}"
