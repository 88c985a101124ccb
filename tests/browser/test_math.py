"""Math is typeset by the site's own KaTeX, also after Material's instant navigation."""
from __future__ import annotations

import re

import pytest

from .support import ROOT, navigate_instantly, wait_for_math

pytestmark = [pytest.mark.build, pytest.mark.browser]

KATEX_FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE")


def test_katex_is_vendored_with_its_fonts_and_license():
    folder = ROOT / "docs" / "assets" / "katex"
    for name in KATEX_FILES:
        assert (folder / name).is_file(), f"{folder / name} is missing: run .ci/vendor-katex"
    css = (folder / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts and all((folder / font).is_file() for font in fonts), "run .ci/vendor-katex"
    assert {f.rsplit(".", 1)[1] for f in fonts} == {"woff2", "woff", "ttf"}


def test_math_renders_after_instant_navigation(visit, math_page):
    """Home page (no math, no KaTeX loaded) -> click through to an article: typeset."""
    page, seen = visit("", "light")
    assert page.evaluate("document.querySelectorAll('.arithmatex').length") == 0
    assert not [r for r in seen.finished if "/katex/" in r.url], "KaTeX loaded without math"
    navigate_instantly(page, math_page, visit=seen)
    page.locator(".arithmatex").first.wait_for(state="attached")   # the new content is in
    wait_for_math(page)
    state = page.evaluate("""() => ({
        math: document.querySelectorAll('.arithmatex').length,
        rendered: document.querySelectorAll('.arithmatex .katex').length,
        errors: document.querySelectorAll('.katex-error').length,
        // A loaded KaTeX_Main face: document.fonts.check() is also true when none is defined.
        font: [...document.fonts].some(f => f.family.replace(/"/g, '') === 'KaTeX_Main'
                                       && f.status === 'loaded'),
    })""")
    assert state["math"] and state["rendered"] == state["math"] and not state["errors"], state
    loaded = {r.url.split("/assets/katex/")[1] for r in seen.finished if "/assets/katex/" in r.url}
    assert {"katex.min.js", "katex.min.css"} <= loaded, loaded
    assert page.evaluate("typeof renderMathInElement") == "undefined", (
        "KaTeX ran on the main thread, not in javascripts/katex-worker.js")
    assert not seen.foreign and not seen.errors, (seen.foreign, seen.errors)


def test_without_a_worker_auto_render_typesets_on_the_main_thread(visit, math_page):
    """The fallback: where the worker cannot start, KaTeX's auto-render does the work."""
    page, seen = visit("", "light")
    page.route("**/katex-worker.js", lambda route: route.abort())
    page.goto(page.url + math_page)
    wait_for_math(page)
    assert page.evaluate("document.querySelectorAll('.katex-error').length") == 0
    assert page.evaluate("typeof renderMathInElement") == "function"
    assert not seen.foreign, seen.foreign
