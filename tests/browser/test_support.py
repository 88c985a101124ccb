"""The browser tests' own harness: a load on which the browser stops drawing is
opened again (Tab.read), and nothing else is.

A stall is imitated from inside the page: requestAnimationFrame never calls back
and IntersectionObserver never reports, which is what a page sees when its
renderer stops producing frames (support.RendererStalled).
"""
from __future__ import annotations

import pytest

from .support import RendererStalled, Tab, new_context, wait_for_math

pytestmark = [pytest.mark.build, pytest.mark.browser]

# katex.js also typesets in idle time (so that print finds every formula typeset): a page
# whose renderer stalls gets no idle callbacks either.
NO_OBSERVER = """window.IntersectionObserver = class { observe() {} unobserve() {} disconnect() {}
                                                  takeRecords() { return []; } };
                 window.requestIdleCallback = () => 0;"""
NO_FRAMES = "window.requestAnimationFrame = () => 0;" + NO_OBSERVER
FIRST_LOAD_ONLY = ("if (!sessionStorage.getItem('nl-stalled')) {"
                   " sessionStorage.setItem('nl-stalled', '1');" + NO_FRAMES + "}")


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
