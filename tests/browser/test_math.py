"""Math arrives typeset (gen/katex.py) and is styled by the site's own KaTeX
stylesheet and fonts, also after Material's instant navigation; no math script."""
from __future__ import annotations

import re

import pytest

from .support import ROOT, navigate_instantly, wait_for_fonts

pytestmark = [pytest.mark.build, pytest.mark.browser]

KATEX_FILES = ("katex.min.js", "katex.min.css", "LICENSE")


def test_katex_is_vendored_with_its_fonts_and_license():
    folder = ROOT / "docs" / "assets" / "katex"
    for name in KATEX_FILES:
        assert (folder / name).is_file(), f"{folder / name} is missing: run .ci/vendor-katex"
    css = (folder / "katex.min.css").read_text(encoding="utf-8")
    fonts = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    assert fonts and all((folder / font).is_file() for font in fonts), "run .ci/vendor-katex"
    assert {f.rsplit(".", 1)[1] for f in fonts} == {"woff2", "woff", "ttf"}


def math_state(page) -> dict:
    return page.evaluate("""() => ({
        math: document.querySelectorAll('.arithmatex').length,
        rendered: document.querySelectorAll('.arithmatex .katex').length,
        errors: document.querySelectorAll('.katex-error').length,
        mathmlHidden: [...document.querySelectorAll('.katex-mathml')]
            .every(e => getComputedStyle(e).position === 'absolute'),
        font: [...document.fonts].some(f => f.family.replace(/"/g, '') === 'KaTeX_Main'
                                           && f.status === 'loaded'),
    })""")


def test_math_is_styled_after_instant_navigation(visit, math_page):
    """Home page (no math, no KaTeX stylesheet) -> click through to an article: Material
    adds the article's <head> link, so its formulas get KaTeX's stylesheet and fonts."""
    page, seen = visit("", "light")
    assert page.evaluate("document.querySelectorAll('.arithmatex').length") == 0
    assert not [r for r in seen.finished if "/katex/" in r.url], "KaTeX loaded without math"
    navigate_instantly(page, math_page)
    page.locator(".arithmatex").first.wait_for(state="attached")   # the new content is in
    page.wait_for_function("document.querySelector('link[href$=\"katex.min.css\"]')?.sheet")
    wait_for_fonts(page)
    state = math_state(page)
    assert state["math"] and state["rendered"] == state["math"] and not state["errors"], state
    assert state["mathmlHidden"] and state["font"], state
    assert not seen.foreign and not seen.errors, (seen.foreign, seen.errors)


def test_math_needs_no_script(visit, math_page):
    """Formulas are in the HTML as served: with JavaScript off they still show, styled,
    and no page ever fetches KaTeX's script."""
    page, seen = visit(math_page, "light", java_script_enabled=False)
    wait_for_fonts(page)
    state = math_state(page)
    assert state["math"] and state["rendered"] == state["math"], state
    assert state["mathmlHidden"] and state["font"], state
    scripts = [r.url for r in seen.finished if "katex" in r.url and r.url.endswith(".js")]
    assert not scripts, scripts
    assert not seen.foreign, seen.foreign
