"""The site as GitHub Pages serves a project: under https://OWNER.github.io/REPO/.

At the root of a host a relative URL with one `..` too many is clamped by the
browser and still loads, so the other browser tests cannot see it. Here the site
is built with a site_url that has a path (mkdocs.yml reads SITE_URL, as the
deploy workflow sets it) and served under that path only: anything above it is
a 404 (and, in the browser, a request off the site's origin, cut and recorded).
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tests.conftest import mkdocs_build

from .support import SCHEMES, Tab, describe, new_context, serve, site_pages

pytestmark = [pytest.mark.build, pytest.mark.browser]

PREFIX = "nonlinear/"
SITE_URL = "http://127.0.0.1:8000/" + PREFIX
MISSING = "no/such/page/"

ATTRIBUTE = re.compile(r'\b(?:href|src)="([^"]+)"')
SRCSET = re.compile(r'\bsrcset="([^"]+)"')
CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+)["\']?\s*\)')
ABSOLUTE = re.compile(re.escape(urlsplit(SITE_URL).netloc) + r'[^\s"<>\')]*')


@pytest.fixture(scope="module")
def subpath_site(site, tmp_path_factory) -> Path:
    """The site built for SITE_URL. Depends on `site`: figures/ is then current,
    so this build only reads the figure cache (it trains nothing)."""
    dest = tmp_path_factory.mktemp("subpath-site")
    proc = mkdocs_build(dest, SITE_URL=SITE_URL)
    assert proc.returncode == 0, proc.stderr
    return dest


def _references(path: Path, text: str):
    """Every URL a built file names: attributes, srcsets, CSS url()s, and absolute
    URLs on the site's host (feeds, sitemap, canonical and social links)."""
    refs = ATTRIBUTE.findall(text) + CSS_URL.findall(text)
    for srcset in SRCSET.findall(text):
        refs += [part.split()[0] for part in srcset.split(",") if part.strip()]
    refs += ["http://" + match for match in ABSOLUTE.findall(text)]
    return refs


def _unresolved(site: Path) -> list[str]:
    bad = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css", ".xml", ".json") or path.stat().st_size > 5_000_000:
            continue
        rel = path.relative_to(site).as_posix()
        # 404.html is served at any missing address, however deep.
        here = SITE_URL + (MISSING if rel == "404.html" else rel)
        text = path.read_text(encoding="utf-8", errors="replace")
        for ref in _references(path, text):
            if ref.startswith(("#", "data:", "mailto:", "javascript:")) or "{" in ref:
                continue
            url = urljoin(here, ref.replace("&amp;", "&"))
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or parts.netloc != urlsplit(SITE_URL).netloc:
                continue                                  # another site's link
            if not url.startswith(SITE_URL):
                bad.append(f"{rel}: {ref!r} resolves above the site, to {url}")
                continue
            target = site / unquote(parts.path[len(urlsplit(SITE_URL).path):])
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                bad.append(f"{rel}: {ref!r} -> {url}: no such file in the site")
    return sorted(set(bad))


def test_every_url_in_the_built_files_resolves_under_the_sub_path(subpath_site):
    """Pages, styles, feeds, sitemap, search index, 404 page: each URL they name,
    resolved from where the file is served, is a file of the site under its path."""
    for name in ("404.html", "sitemap.xml", "search/search_index.json"):
        assert (subpath_site / name).is_file(), f"the build wrote no {name}"
    assert list(subpath_site.glob("feed_*.xml")), "the build wrote no feed"
    bad = _unresolved(subpath_site)
    assert not bad, f"{len(bad)} URLs do not resolve under {SITE_URL}:\n" + "\n".join(bad[:40])


def _tour(browser, origin: str, site: Path, scheme: str) -> dict:
    tab = Tab(new_context(browser, scheme), origin)
    failures = {}
    for path in site_pages(site):
        visit = tab.read(path)
        broken = tab.page.evaluate("""() => [...document.images]
            .filter(i => i.checkVisibility() && !(i.complete && i.naturalWidth > 0))
            .map(i => i.currentSrc || i.src)""")
        if visit.foreign or visit.errors or broken:
            failures[path or "(home)"] = {"off the site": visit.foreign, "errors": visit.errors,
                                          "broken images": broken}
    visit = tab.open(MISSING)            # the 404 page, at an address it does not live at
    # Its own 404 is expected (and Chromium logs it); any other failed load is
    # still listed, as "HTTP <status>: <url>".
    errors = [e for e in visit.errors if not e.endswith(origin + MISSING)
              and not e.startswith("console: Failed to load resource")]
    if visit.foreign or errors:
        failures["404 page"] = {"off the site": visit.foreign, "errors": errors}
    # The requests a reader's tools make: search index, feeds, sitemap.
    for name in ["search/search_index.json", "sitemap.xml"] + [
            p.name for p in site.glob("feed_*.xml")]:
        response = tab.page.request.get(origin + name)
        if not response.ok:
            failures[name] = f"HTTP {response.status}"
    tab.page.context.close()
    return failures


def test_every_page_loads_everything_under_the_sub_path(subpath_site, chromium_browser):
    """Every page in light and dark, scrolled so lazy figures and formulas load:
    no request fails and none leaves the site's path."""
    failures = {}
    with serve(subpath_site, PREFIX) as origin:
        assert origin.endswith("/" + PREFIX)
        for scheme in SCHEMES:
            for key, value in _tour(chromium_browser, origin, subpath_site, scheme).items():
                failures[f"{key} ({scheme})"] = value
    assert not failures, f"served under /{PREFIX}:\n" + describe(failures)
