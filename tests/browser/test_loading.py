"""What a page costs to load on Lighthouse's phone, checked in Chromium.

Speed itself is measured by the Lighthouse report (python -m tests.browser.report),
not here: timings vary from run to run. These tests check the causes found
there, which do not vary: what the largest paint waits for, work the browser
is made to do twice, and content that moves once painted.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from .support import (PHONE, article_pages, navigate_instantly, new_context, open_page,
                      roundup_pages, toggle_palette)

pytestmark = [pytest.mark.build, pytest.mark.browser]


@pytest.fixture
def phone(chromium_browser):
    """A fresh browser context with the screen of Lighthouse's phone."""
    context = new_context(chromium_browser, "light", **PHONE)
    yield context
    context.close()


# The element of the page's Largest Contentful Paint, read once the first
# screen's images have loaded and its formulas are typeset. Nothing scrolls
# before: what came into view later would become a candidate too.
LARGEST_PAINT = """() => new Promise(resolve => {
    setTimeout(() => resolve(null), 5000);
    new PerformanceObserver(list => {
        const element = list.getEntries().at(-1).element;
        const figure = element && element.closest('figure.nl-figure');
        resolve(element && {tag: element.tagName, loading: element.getAttribute('loading'),
                            figure: figure && figure.id});
    }).observe({type: 'largest-contentful-paint', buffered: true});
})"""
FIRST_SCREEN_LOADED = """() => {
    const below = el => el.getBoundingClientRect().top > window.innerHeight;
    return [...document.images].every(i => i.complete || !i.checkVisibility() || below(i))
        && [...document.querySelectorAll('.arithmatex')].every(
            el => el.querySelector('.katex, .katex-error') || below(el));
}"""


def test_no_figure_is_the_largest_paint_on_a_phone(phone, origin, site):
    """A phone's first screen is complete when its text is: figures load lazily.

    When a figure is the largest element on the first screen of Lighthouse's
    phone, the page's Largest Contentful Paint waits for a lazily loaded drawing,
    which is requested only after layout and painted only after Material's
    scripts ran (Lighthouse's lcp-lazy-loaded). Why neural networks are hard to
    train had its first figure there: LCP 2.7 s, performance 92 (median of 6);
    with its four reasons listed before it, 1.5 s and 96.
    """
    found = {}
    for path in article_pages(site):
        page, _ = open_page(phone, origin, path)
        page.wait_for_function(FIRST_SCREEN_LOADED, timeout=30_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.wait_for_timeout(500)
        largest = page.evaluate(LARGEST_PAINT)
        assert largest, f"/{path}: Chromium reported no Largest Contentful Paint"
        if largest["figure"] or largest["tag"] == "IMG":
            source = f"docs/{path.rstrip('/')}.md"
            found[source] = (
                f"figure '{(largest['figure'] or '').removeprefix('figure-')}' "
                f"({largest['tag'].lower()}, loading={largest['loading']}) is the largest "
                "element on a phone's first screen (412 x 823 px), so the page's largest "
                "paint waits for it. Put more of the opening (what the article shows, "
                "in a paragraph or a list) before the first figure.")
        page.close()
    assert not found, "\n".join(f"{file}: {why}" for file, why in found.items())


# Every change to the set of classes on <html> once <body> exists, with the
# stylesheet rules for the classes involved: such a change restyles the document.
HTML_CLASS_CHANGES = """
window.__classChanges = [];
new MutationObserver(records => {
    for (const record of records) {
        if (record.target !== document.documentElement) continue;
        const before = new Set((record.oldValue || '').split(/\\s+/).filter(Boolean));
        const after = new Set(record.target.classList);
        const changed = [...before].filter(c => !after.has(c)).map(c => '-' + c)
            .concat([...after].filter(c => !before.has(c)).map(c => '+' + c));
        if (changed.length && document.body) window.__classChanges.push(changed.join(' '));
    }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['class'],
                      attributeOldValue: true});     // <html> may not exist yet
"""


def test_material_finds_its_classes_on_html_already_set(phone, origin, site):
    """Material's bundle swaps "no-js" for "js" and adds "js-focus-visible" on <html>
    as it starts; done then, that restyles the whole document inside the page's
    longest task. docs/overrides/main.html sets them in <head>, before the first
    style pass, so the bundle finds nothing to change."""
    phone.add_init_script(HTML_CLASS_CHANGES)
    changes = {}
    for path in ["", article_pages(site)[0]]:
        page, _ = open_page(phone, origin, path)
        page.wait_for_function("window.component$ !== undefined")    # the bundle ran
        page.wait_for_timeout(300)
        if found := page.evaluate("window.__classChanges"):
            changes[f"/{path}"] = found
        classes = page.evaluate("[...document.documentElement.classList]")
        assert "js" in classes and "no-js" not in classes, classes
        page.close()
    assert not changes, (
        "<html> classes changed after the first style pass (set them in the <head> "
        f"script of docs/overrides/main.html): {changes}")


POST_ORDER = """() => {
    const article = document.querySelector('.md-content--post > .md-content__inner');
    const sidebar = document.querySelector('.md-content--post > .md-sidebar--post');
    if (!article || !sidebar) return 'no article and sidebar in .md-content--post';
    const problems = [];
    if (!(article.compareDocumentPosition(sidebar) & Node.DOCUMENT_POSITION_FOLLOWING))
        problems.push('the sidebar comes before the article in the document');
    if (sidebar.getBoundingClientRect().top < article.getBoundingClientRect().bottom)
        problems.push('the sidebar is not shown below the article');
    return problems.join('; ');
}"""


def test_a_post_on_a_phone_is_in_document_order(phone, origin, site):
    """A roundup shows its article, then the sidebar (author, date, categories).

    Material puts the sidebar first in the document and shows it below the
    article with `flex-flow: column-reverse`. A page painted before it was
    fully parsed had the sidebar under the first paragraphs and pushed it down
    as the rest arrived (Lighthouse on the phone: CLS up to 0.25 in some runs
    of a roundup), and a screen reader met the sidebar before the article.
    docs/overrides/blog-post.html puts the article first.
    """
    pages = roundup_pages(site)
    assert pages, "no roundup found"
    wrong = {}
    for path in pages:
        page, _ = open_page(phone, origin, path)
        if problem := page.evaluate(POST_ORDER):
            wrong[f"/{path}"] = problem
        page.close()
    assert not wrong, wrong


def startup_work(browser, origin: str, path: str) -> tuple[list[tuple[str, int]], int]:
    """Style recalculations and layouts run inside the task in which Material's
    bundle starts, each with the number of elements (style) or layout objects
    (layout) it went through, read from a Chromium trace of a load on the phone;
    and the number of elements of the page."""
    context = new_context(browser, "light", **PHONE)
    try:
        page = context.new_page()
        with tempfile.TemporaryDirectory() as tmp:
            trace = Path(tmp) / "trace.json"
            browser.start_tracing(page=page, path=str(trace), categories=["devtools.timeline"])
            try:
                page.goto(origin + path, wait_until="load")
            finally:
                browser.stop_tracing()
            events = json.loads(trace.read_text())["traceEvents"]
        elements = page.evaluate("document.getElementsByTagName('*').length")
    finally:
        context.close()
    [bundle] = [e for e in events if e["name"] == "EvaluateScript"
                and "/bundle." in e["args"].get("data", {}).get("url", "")]
    start, end = bundle["ts"], bundle["ts"] + bundle["dur"]
    work = []
    for event in events:
        if event.get("tid") == bundle["tid"] and start <= event.get("ts", -1) <= end:
            if event["name"] == "UpdateLayoutTree":
                work.append(("style", event["args"].get("elementCount", 0)))
            elif event["name"] == "Layout":
                work.append(("layout", event["args"].get("beginData", {}).get("dirtyObjects", 0)))
    return work, elements


def test_materials_bundle_lays_the_page_out_at_most_once_as_it_starts(chromium_browser, origin,
                                                                      site):
    """Each change that Material's bundle made to the page as it started, read
    back before the next, restyled or laid out the whole page once more, inside
    its own long task: it appended `<meta name="color-scheme">` as it mounted
    the palette (a change of colour scheme restyles everything), set that meta's
    content, set `data-md-color-switching` on <body>, and wrote every relative
    URL of the page back as an absolute one (a stylesheet <link> whose href is
    set loads its stylesheet again). That was two or three full style passes
    and up to two full layouts per load: half the bundle's task or more.

    The site now runs the palette itself (docs/overrides/partials/palette.html,
    docs/javascripts/palette.js) and makes URLs absolute before the first style
    pass (docs/overrides/hooks/absolute_urls.py). What the bundle may still do
    is the page's first style pass and layout, when no frame was drawn before it.
    """
    found = {}
    for path in ["", article_pages(site)[0], roundup_pages(site)[0]]:
        work, elements = startup_work(chromium_browser, origin, path)
        whole = [(kind, n) for kind, n in work if n >= elements / 2]
        if sum(kind == "style" for kind, _ in whole) > 1 or \
                sum(kind == "layout" for kind, _ in whole) > 1:
            found[f"/{path}"] = f"{elements} elements; {whole}"
    assert not found, f"Material's bundle restyles or lays out the whole page twice: {found}"


# The CSS transitions running two frames after a click, and the transition of a
# navigation link (Material: `color 125ms`) once the page has settled.
TRANSITIONS = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(
    () => resolve(document.getAnimations().filter(a => a instanceof CSSTransition)
        .map(a => `${a.transitionProperty} of ${a.effect.target.className || a.effect.target.tagName}`)))))"""
LINK_TRANSITION = "getComputedStyle(document.querySelector('.md-nav__link')).transitionDuration"


def test_switching_the_scheme_changes_every_colour_at_once(chromium_browser, origin, site):
    """The reader's switch of colour scheme starts no transition, and the page's
    own transitions (a link fading on hover) are back once the switch is drawn."""
    context = new_context(chromium_browser, "light", reduced_motion="no-preference")
    try:
        page, seen = open_page(context, origin, article_pages(site)[0])
        settled = page.evaluate(LINK_TRANSITION)
        assert settled != "0s", f"a navigation link has no transition to check: {settled}"
        for scheme in ("dark", "light"):
            toggle_palette(page)
            running = page.evaluate(TRANSITIONS)
            assert not running, (
                f"switching to {scheme} started transitions (docs/javascripts/palette.js "
                f"sets body[data-md-color-switching] around the switch): {running[:8]}")
            page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
            assert page.evaluate(LINK_TRANSITION) == settled
        assert not seen.errors, seen.errors
    finally:
        context.close()


# Changes of the body's colour scheme to a different value once the document is
# parsed, that is by a deferred script such as Material's bundle, not by one
# that runs before the content is parsed and painted.
SCHEME_CHANGES = """
window.__schemeChanges = [];
new MutationObserver(records => {
    const parsed = document.readyState !== 'loading';
    for (const record of records) {
        const now = record.target.getAttribute(record.attributeName);
        if (record.target === document.body && parsed && record.oldValue !== now)
            window.__schemeChanges.push(`${record.oldValue} -> ${now}`);
    }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-md-color-scheme']});
"""
MATCHING_SCHEME = """() => [...document.querySelectorAll('form.nl-palette input')]
    .find(input => matchMedia(input.dataset.mdColorMedia).matches).dataset.mdColorScheme"""


@pytest.mark.parametrize("system", ["light", "dark"])
def test_a_first_visit_is_painted_in_the_systems_scheme(chromium_browser, origin, site, system):
    """A first-time reader whose system is dark gets the dark palette before the
    first paint, not once Material's bundle has run: with the bundle blocked the
    page is already in the palette whose media query matches, and with it, the
    bundle leaves the scheme as it is (docs/overrides/partials/javascripts/nl-palette.html)."""
    path = article_pages(site)[0]
    for blocked in (True, False):
        context = new_context(chromium_browser, system)
        context.add_init_script(SCHEME_CHANGES)
        if blocked:
            context.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
        page, _ = open_page(context, origin, path)
        if not blocked:
            page.wait_for_function("window.component$ !== undefined")    # the bundle ran
            page.wait_for_timeout(300)
        shown = page.evaluate("document.body.dataset.mdColorScheme")
        expected = page.evaluate(MATCHING_SCHEME)
        changes = page.evaluate("window.__schemeChanges")
        context.close()
        assert shown == expected, (
            f"/{path}, {system} system, bundle {'blocked' if blocked else 'run'}: "
            f"the page is in scheme {shown!r}, the matching palette is {expected!r}")
        assert not changes, f"/{path}, {system} system: the scheme changed after parsing: {changes}"


# What the reader sees of the palette: the scheme, the radio button that is
# checked, the toggle shown (its `for` names the palette it switches to), and
# the two metas that follow the scheme.
PALETTE_STATE = """() => ({
    scheme: document.body.dataset.mdColorScheme,
    checked: document.querySelector('form.nl-palette input:checked')?.dataset.mdColorScheme,
    toggle: [...document.querySelectorAll('form.nl-palette label')].filter(l => !l.hidden)
        .map(l => document.getElementById(l.htmlFor).dataset.mdColorScheme).join(),
    colorScheme: document.querySelector('meta[name=color-scheme]').content,
    themeColor: document.querySelector('meta[name=theme-color]')?.content ==
        getComputedStyle(document.querySelector('.md-header')).backgroundColor,
})"""


def test_a_chosen_palette_is_kept_from_page_to_page(chromium_browser, origin, site):
    """The site runs the palette itself (docs/javascripts/palette.js): a switch
    shows the other toggle and sets both metas, survives instant navigation,
    and is stored, so that a later page opens in it before Material's bundle runs."""
    articles = article_pages(site)
    dark = {"scheme": "slate", "checked": "slate", "toggle": "default",
            "colorScheme": "dark", "themeColor": True}
    context = new_context(chromium_browser, "light")
    try:
        page, seen = open_page(context, origin, "")
        page.wait_for_function("window.component$ !== undefined")    # the bundle ran
        light = page.evaluate(PALETTE_STATE)
        assert light == {"scheme": "default", "checked": "default", "toggle": "slate",
                         "colorScheme": "light", "themeColor": True}, light
        toggle_palette(page)
        assert page.evaluate(PALETTE_STATE) == dark
        navigate_instantly(page, articles[0], visit=seen)
        assert page.evaluate(PALETTE_STATE) == dark, "after instant navigation"
        assert not seen.errors, seen.errors
        page.close()
        context.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
        page, _ = open_page(context, origin, articles[1])
        state = page.evaluate(PALETTE_STATE)
        assert {**state, "themeColor": True} == dark, f"a new page, before the bundle: {state}"
    finally:
        context.close()
