"""The browser tests' own harness: a load on which the browser stops drawing is
opened again (Tab.read), and nothing else is; a click meant for Material's instant
navigation that becomes a full page load is made again (navigate_instantly), and a
click Material takes late is an instant navigation, not a reason to click again.

A stall is imitated from inside the page: requestAnimationFrame never calls back
and IntersectionObserver never reports, which is what a page sees when its
renderer stops producing frames (support.RendererStalled).
"""
from __future__ import annotations

import pytest

from .support import RendererStalled, Tab, navigate_instantly, new_context, wait_for_math

pytestmark = [pytest.mark.build, pytest.mark.browser]

# katex.js also typesets in idle time (so that print finds every formula typeset): a page
# whose renderer stalls gets no idle callbacks either.
NO_OBSERVER = """window.IntersectionObserver = class { observe() {} unobserve() {} disconnect() {}
                                                  takeRecords() { return []; } };
                 window.requestIdleCallback = () => 0;"""
NO_FRAMES = "window.requestAnimationFrame = () => 0;" + NO_OBSERVER
FIRST_LOAD_ONLY = ("if (!sessionStorage.getItem('nl-stalled')) {"
                   " sessionStorage.setItem('nl-stalled', '1');" + NO_FRAMES + "}")

# On the first page that tries navigate_instantly's link, its first click never reaches
# Material (nor the harness's spy on window), so the browser follows the link itself: one
# full page load, as when Material's fetch fails on a busy machine. The clicks that follow
# while that load is in flight do nothing, and later pages are left alone.
FIRST_CLICK_LOADS = """let forced = false;
document.addEventListener('click', event => {
    if (event.target.id !== 'nl-instant-link') return;
    if (forced) event.preventDefault();
    if (!sessionStorage.getItem('nl-full-load')) {
        sessionStorage.setItem('nl-full-load', '1');
        forced = true;
    }
    if (forced) event.stopImmediatePropagation();
}, true);"""


# Material combines its click stream with the sitemap, so a click it saw before the
# sitemap came is taken when it comes, and the page is swapped in without another
# click. Here the sitemap comes 0.5 s late on the first page, and no click after the
# first reaches Material (nor the spy), so that first click is the one it takes, late.
FIRST_CLICK_TAKEN_LATE = """if (!sessionStorage.getItem('nl-late')) {
    sessionStorage.setItem('nl-late', '1');
    const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url, ...rest) {
        this.nlUrl = String(url);
        return open.call(this, method, url, ...rest);
    };
    XMLHttpRequest.prototype.send = function (...args) {
        if (!this.nlUrl.endsWith('sitemap.xml')) return send.apply(this, args);
        setTimeout(() => send.apply(this, args), 500);
    };
    let clicks = 0;
    document.addEventListener('click', event => {
        if (event.target.id !== 'nl-instant-link' || ++clicks === 1) return;
        event.preventDefault();
        event.stopImmediatePropagation();
    }, true);
}"""

@pytest.fixture
def tab(chromium_browser, origin):
    """tab(script) -> a Tab whose pages run `script` before their own."""
    context = new_context(chromium_browser)

    def open_tab(script: str) -> Tab:
        context.add_init_script(script)
        return Tab(context, origin)

    yield open_tab
    context.close()


def test_a_load_that_stops_drawing_is_opened_again(tab, math_page):
    reader = tab(FIRST_LOAD_ONLY)
    reader.read(math_page)
    assert len(reader.stalls) == 1 and math_page in reader.stalls[0], reader.stalls
    left = reader.page.evaluate(
        "[...document.querySelectorAll('.arithmatex')].filter(el => !el.querySelector('.katex')).length")
    assert left == 0, f"{left} formulas not typeset on the second load"


def test_a_page_that_stalls_every_time_fails(tab, math_page):
    reader = tab(NO_FRAMES)
    with pytest.raises(RendererStalled, match="stopped drawing"):
        reader.read(math_page, tries=2)
    assert len(reader.stalls) == 2, reader.stalls


def test_formulas_left_untypeset_while_frames_run_are_a_failure_not_a_stall(tab, math_page):
    """Only IntersectionObserver is broken: frames run, so it is the page's fault."""
    reader = tab(NO_OBSERVER)
    reader.open(math_page)
    with pytest.raises(AssertionError, match="not typeset within 3 s"):
        wait_for_math(reader.page, timeout=3_000)


def navigate_from_home(reader: Tab, path: str):
    """navigate_instantly from the home page to `path`: (reader, home URL, documents loaded)."""
    reader.open("")
    start = reader.page.url
    documents = []
    reader.page.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))
    navigate_instantly(reader.page, path, timeout=10_000, visit=reader.visit)
    return reader, start, documents


def test_a_click_that_became_a_full_load_is_made_again_from_the_same_page(tab, math_page):
    """The full load is still in flight when the click's script dies with its page:
    going back over it used to hang until the timeout (support._start_again). The
    requests it and the way back abort are the harness's, not the site's errors."""
    reader, start, documents = navigate_from_home(tab(FIRST_CLICK_LOADS), math_page)
    assert documents == [start + math_page, start], (
        f"expected the forced full load of {math_page}, then the way back: {documents}")
    assert reader.page.url == start + math_page
    assert not reader.visit.errors, reader.visit.errors


def test_a_click_taken_late_is_the_instant_navigation(tab, math_page):
    """When Material takes an earlier click late, the swap detaches the link; clicking
    it again was a full page load (Chromium follows a detached link), then a retry."""
    reader, start, documents = navigate_from_home(tab(FIRST_CLICK_TAKEN_LATE), math_page)
    assert reader.page.url == start + math_page
    assert not documents, f"a full page load, not an instant navigation: {documents}"
    assert not reader.visit.errors, reader.visit.errors
