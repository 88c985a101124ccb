"""Every control can be reached and used with the keyboard alone."""
from __future__ import annotations

import pytest

from .support import SCHEMES, article_pages, navigate_instantly

pytestmark = [pytest.mark.build, pytest.mark.browser]

# What has focus, recorded on every focus change.
RECORD_FOCUS = """() => {
    window.__focused = [];
    document.addEventListener('focusin', event => {
        const el = event.target;
        const img = el.querySelector && el.querySelector('img');
        window.__focused.push({
            tag: el.tagName.toLowerCase(), cls: el.className || '', id: el.id || '',
            name: el.getAttribute('name') || '', href: el.getAttribute('href') || '',
            visible: el.checkVisibility({checkOpacity: false}),
            img: img ? img.getAttribute('src') : null,
        });
    });
}"""
FOCUSABLE = """() => document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])').length"""


def tab_through(page) -> list[dict]:
    page.evaluate(RECORD_FOCUS)
    for _ in range(min(600, page.evaluate(FOCUSABLE) + 10)):
        page.keyboard.press("Tab")
    return page.evaluate("window.__focused")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_tab_reaches_every_kind_of_control(visit, figure_page, scheme):
    page, _ = visit(figure_page, scheme)
    # The links of the site navigation that are shown (collapsed sections aside).
    nav = page.evaluate("""() => [...document.querySelectorAll('.md-nav--primary a.md-nav__link')]
                           .filter(a => a.checkVisibility({visibilityProperty: true}))
                           .map(a => a.getAttribute('href'))""")
    assert len(nav) >= 4, nav
    focused = tab_through(page)
    kinds = {
        "search": [f for f in focused if "md-search__input" in f["cls"]],
        "palette toggle": [f for f in focused if f["name"] == "__palette"],
        "lightbox link": [f for f in focused if "glightbox" in f["cls"]],
        "skip link": [f for f in focused if "md-skip" in f["cls"]],
    }
    missing = [kind for kind, hits in kinds.items() if not hits]
    assert not missing, f"Tab never reached: {missing}"
    reached = {f["href"] for f in focused}
    assert set(nav) <= reached, f"nav links never focused: {set(nav) - reached}"
    for link in kinds["lightbox link"]:
        assert link["img"].endswith(f"#only-{scheme}"), f"the hidden drawing got focus: {link}"
    hidden = [f for f in focused if not f["visible"] and f["name"] != "__palette"]
    assert not hidden, f"focus went to invisible elements: {hidden[:5]}"


def test_keys_toggle_the_palette_and_open_the_lightbox(visit, figure_page):
    page, seen = visit(figure_page, "light")
    page.focus("input[name=__palette][data-md-color-scheme=default]")
    page.keyboard.press("Enter")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    link = page.locator("figure.nl-figure a.glightbox[href$='#only-dark']").first
    link.focus()
    page.keyboard.press("Enter")
    slide = page.locator(".glightbox-container .gslide.current img")
    slide.wait_for(state="visible")
    assert slide.get_attribute("src").endswith("#only-dark")
    page.keyboard.press("Escape")
    page.locator(".glightbox-container").wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('glightbox')"), (
        "focus did not return to the figure after closing the lightbox")
    assert not seen.errors, seen.errors


def test_copy_buttons_are_not_navigation_landmarks_also_after_instant_navigation(visit, site):
    """Material wraps each copy button in a <nav>; javascripts/a11y.js makes them role=none."""
    page, _ = visit("", "light")
    target = next((path for path in article_pages(site)
                   if (site / path / "index.html").read_text(encoding="utf-8").count("<pre") >= 2),
                  None)
    assert target, "no article has two code blocks to check"
    navigate_instantly(page, target)
    page.locator("nav.md-code__nav").nth(1).wait_for(state="attached")
    roles = page.evaluate("[...document.querySelectorAll('nav.md-code__nav')].map(n => n.getAttribute('role'))")
    assert len(roles) >= 2 and set(roles) == {"none"}, roles
