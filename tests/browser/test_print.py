"""Printing an article (or saving it as PDF) shows its formulas typeset and its figures.

Chromium lays a page out for print without scrolling, so anything done only as it
nears the viewport would print undone: formulas (docs/javascripts/katex.js) are
also typeset in idle time and before print, and the light drawing of every
figure, the one shown on paper in either scheme (extra.css), is loaded for
print (palette.js). Each article is printed freshly loaded, in the dark scheme.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .conftest import require
from .support import article_pages

pytestmark = [pytest.mark.build, pytest.mark.browser]

TEX = re.compile(r"\\[A-Za-z]{2,}|\\[()\[\]{}]|\$")     # \eta, \frac, \(, \[, $

FIGURES_FOR_PRINT = """() => [...document.querySelectorAll('.nl-figure')].map(figure => {
    const shown = [...figure.querySelectorAll('img')].filter(img => img.checkVisibility());
    return {shown: shown.map(img => img.getAttribute('src')),
            loaded: shown.every(img => img.complete && img.naturalWidth > 0)};
})"""


def settle(page, done: str, timeout: float = 30_000):
    """Wait until `done` holds, or the timeout: what is still missing then is
    what the PDF shows missing, and the test reports it from there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(done, timeout=timeout)
    except PlaywrightTimeout:
        pass


def pdf_text(pdf: bytes) -> str:
    proc = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True)
    return proc.stdout.decode("utf-8", "replace")


def test_every_article_prints_its_formulas_typeset_and_its_light_figures(site, visit):
    require(shutil.which("pdftotext"), "pdftotext (Debian's poppler-utils)")
    problems = {}
    for path in article_pages(site):
        page, loaded = visit(path, "dark")
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        # Not scrolled: what is typeset now was typeset without the reader's help.
        settle(page, """() => [...document.querySelectorAll('.arithmatex')]
            .every(el => el.querySelector('.katex, .katex-error'))""")
        page.emulate_media(media="print")
        settle(page, f"() => ({FIGURES_FOR_PRINT})().every(f => f.loaded)")
        figures = page.evaluate(FIGURES_FOR_PRINT)
        # Text on paper is dark in either scheme (the luminance of each paragraph's colour).
        pale = page.evaluate("""() => [...document.querySelectorAll('.md-typeset p, .md-typeset li')]
            .map(el => getComputedStyle(el).color.match(/[\\d.]+/g).map(Number))
            .filter(([r, g, b, a = 1]) => a > 0.5 && (0.2126 * r + 0.7152 * g + 0.0722 * b) > 110)
            .length""")
        text = pdf_text(page.pdf())
        found = {
            "TeX source": sorted(set(TEX.findall(text)))[:10],
            "figures not one light drawing": [f["shown"] for f in figures
                                              if len(f["shown"]) != 1
                                              or not f["shown"][0].endswith("#only-light")],
            "drawings not loaded": [f["shown"] for f in figures if not f["loaded"]],
            "paragraphs printed in pale text": pale,
            "errors": loaded.errors,
        }
        if any(found.values()):
            problems[path] = {k: v for k, v in found.items() if v}
    assert article_pages(site) and not problems, problems
