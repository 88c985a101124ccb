"""Figures in the browser: light and dark drawings, the lightbox, captions and alt text.

Each figure is drawn twice from one computation (gen/style.py) and placed as
two images, `#only-light` and `#only-dark`; Material shows the one that
matches the scheme. Nothing may invert a plot with CSS.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from gen.discover import discover
from gen.shortcodes import alt_text

from .support import ROOT, SCHEMES, article_pages, scroll_through, toggle_palette

pytestmark = [pytest.mark.build, pytest.mark.browser]
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}

# A live playground hides the figure it stood in for (it comes back in print).
FIGURES = """() => [...document.querySelectorAll('figure.nl-figure')]
  .filter(f => !f.closest('.nl-playground--live')).map(f => ({
    id: f.id,
    images: [...f.querySelectorAll('img')].map(i => ({
        src: i.getAttribute('src'), alt: i.alt, visible: i.checkVisibility(),
        loaded: i.complete && i.naturalWidth > 0,
        link: i.closest('a.glightbox') ? {visible: i.closest('a').checkVisibility(),
                                           gallery: i.closest('a').dataset.gallery} : null})),
}))"""

# Every filter between a figure's image and the page root, and the page's own
# style sheets: an `invert(...)` anywhere there would be a CSS-inverted plot.
FILTERS = """() => {
    const found = [];
    for (const img of document.querySelectorAll('figure.nl-figure img')) {
        for (let el = img; el; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.filter !== 'none' || style.backdropFilter !== 'none'
                || style.mixBlendMode !== 'normal')
                found.push(`${el.tagName}.${el.className}: ${style.filter} ${style.mixBlendMode}`);
        }
    }
    for (const sheet of document.styleSheets) {
        for (const rule of sheet.cssRules) {
            if (/invert\\(/.test(rule.cssText) && /img|figure|nl-|only-/.test(rule.cssText))
                found.push(rule.cssText.slice(0, 200));
        }
    }
    return found;
}"""


def test_the_palette_toggle_swaps_the_drawings(visit, figure_page):
    page, seen = visit(figure_page, "light")
    for scheme in ("light", "dark", "light"):
        if page.evaluate("document.body.dataset.mdColorScheme") != MATERIAL_SCHEME[scheme]:
            toggle_palette(page)
        scroll_through(page)
        figures = page.evaluate(FIGURES)
        assert figures, f"/{figure_page} has no figure"
        for figure in figures:
            shown = [i for i in figure["images"] if i["visible"]]
            assert [i["src"].rsplit("#", 1)[-1] for i in shown] == [f"only-{scheme}"], (
                f"{scheme}: {figure['id']} shows {shown}")
            assert shown[0]["loaded"], f"{scheme}: {figure['id']}: {shown[0]['src']} did not load"
            light, dark = (i["src"].split("#")[0] for i in figure["images"])
            assert light != dark, f"{figure['id']}: the same file for both schemes"
    assert not seen.errors, seen.errors


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_css_inverts_a_figure(visit, figure_page, scheme):
    page, _ = visit(figure_page, scheme)
    assert page.evaluate(FILTERS) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_only_the_visible_drawing_is_a_lightbox_link(visit, figure_page, scheme):
    """The other scheme's link is hidden (out of the tab order) and in the other gallery."""
    page, _ = visit(figure_page, scheme)
    for figure in page.evaluate(FIGURES):
        for image in figure["images"]:
            link = image["link"]
            assert link, f"{figure['id']}: {image['src']} has no lightbox link"
            assert link["visible"] == image["visible"], (figure["id"], image)
            assert link["gallery"] == image["src"].rsplit("-", 1)[-1], (figure["id"], image)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_lightbox_opens_the_drawing_of_the_scheme(visit, figure_page, scheme):
    page, seen = visit(figure_page, scheme)
    figures = page.evaluate(FIGURES)
    link = page.locator(f"figure.nl-figure a.glightbox[href$='#only-{scheme}']").first
    link.click()
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    assert slide.get_attribute("src").endswith(f"#only-{scheme}")
    # One slide per figure: the gallery holds only this scheme's drawings.
    assert page.locator(".glightbox-container .gslide").count() == len(figures)
    # The overlay follows the scheme (a light lightbox on a light page).
    overlay = page.evaluate(
        "getComputedStyle(document.querySelector('.goverlay')).backgroundColor")
    red, green, blue = (int(v) for v in re.findall(r"[\d.]+", overlay)[:3])
    brightness = (red * 299 + green * 587 + blue * 114) / 1000
    assert (brightness > 200) if scheme == "light" else (brightness < 60), overlay
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")
    assert not seen.errors, seen.errors


class _Figures(HTMLParser):
    """The figures of one built page: id, alt texts, caption text."""

    def __init__(self):
        super().__init__()
        self.figures, self.current, self.in_caption = [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure" and "nl-figure" in (attrs.get("class") or ""):
            self.current = {"id": attrs.get("id"), "alts": [], "caption": ""}
        elif self.current is not None and tag == "img":
            self.current["alts"].append(attrs.get("alt"))
        elif self.current is not None and tag == "figcaption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self.in_caption = False
        elif tag == "figure" and self.current is not None:
            self.figures.append(self.current)
            self.current = None

    def handle_data(self, data):
        if self.in_caption:
            self.current["caption"] += data


def figure_numbers(module: str, name: str) -> dict:
    """The numbers a built figure returned (its alt text may quote them)."""
    return json.loads((ROOT / "figures" / module / f"{name}.json").read_text())["numbers"]


def test_captions_are_numbered_and_alt_text_is_the_declared_one(site):
    """On every article: "Figure 1.", "Figure 2."... and both drawings carry the declared alt."""
    modules = {m.slug: {f"figure-{s.name}": alt_text(s, figure_numbers(m.name, s.name))
                        for s in m.figures} for m in discover(ROOT)}
    anywhere = {k: v for table in modules.values() for k, v in table.items()}
    checked = 0
    for path in article_pages(site):
        declared = {**anywhere, **modules.get(path.split("/")[1], {})}
        parser = _Figures()
        parser.feed((site / path / "index.html").read_text(encoding="utf-8"))
        for number, figure in enumerate(parser.figures, start=1):
            where = f"/{path}#{figure['id']}"
            assert figure["caption"].strip().startswith(f"Figure {number}."), (where, figure)
            assert figure["alts"] == [declared[figure["id"]]] * 2, (where, figure["alts"])
            checked += 1
    assert checked, "no figure found on any article page"
