"""The site as GitHub Pages serves a project: under a sub-path (https://OWNER.github.io/REPO/).

Built with a site_url that has a path (as the deploy workflow sets SITE_URL) and
served under that path only. The other browser tests serve the site at a host's
root, where the browser clamps a relative URL with one `..` too many, so they
cannot see one; here such a URL asks for a path outside the site, which the tab
aborts and reports as foreign (tests/test_site.py checks every URL statically).
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from conftest import mkdocs_build

from .support import SCHEMES, Tab, article_pages, describe, new_context, roundup_pages, serve

pytestmark = [pytest.mark.build, pytest.mark.browser]

PREFIX = "nonlinear/"
SITE_URL = f"http://127.0.0.1/{PREFIX}"
HOST_URL = re.compile(r"http://127\.0\.0\.1[^\s\"'<>]*")      # any URL on site_url's host
MISSING = "no/such/page/"           # GitHub Pages answers with the site's 404.html


@pytest.fixture(scope="module")
def sub_path_site(tmp_path_factory):
    """(built site, base URL it is served at): built for and served under /nonlinear/."""
    dest = tmp_path_factory.mktemp("sub-path-site")
    proc = mkdocs_build(dest, SITE_URL=SITE_URL)
    assert proc.returncode == 0, proc.stderr
    with serve(dest, PREFIX) as origin:
        yield dest, origin


@pytest.mark.parametrize("scheme", SCHEMES)
def test_sample_pages_load_every_request_under_a_sub_path(chromium_browser, sub_path_site, scheme):
    site, origin = sub_path_site
    pages = ["", article_pages(site)[0], "blog/", roundup_pages(site)[0], "playground/", MISSING]
    assert (site / "playground" / "index.html").is_file()
    tab = Tab(new_context(chromium_browser, scheme), origin)
    problems, fetched = {}, set()
    for path in pages:
        visit = tab.read(path)
        tab.page.wait_for_load_state("networkidle")     # the search index, the playground
        errors = visit.errors
        if path == MISSING:
            assert "404" in tab.page.locator(".md-content h1").inner_text(), "404.html not shown"
            main = f"HTTP 404: {origin}{MISSING}"
            assert main in errors, errors
            errors = [e for e in errors if e != main and not (
                e.startswith("console: Failed to load resource") and "404" in e)]
        if visit.foreign or errors:
            problems[path] = {"outside /nonlinear/": visit.foreign, "errors": errors}
        fetched |= {request.url.removeprefix(origin) for request in visit.finished}
    assert not problems, f"under /{PREFIX} ({scheme}):\n{describe(problems)}"
    assert "search/search_index.json" in fetched, sorted(fetched)


def test_every_absolute_url_of_pages_feeds_and_sitemap_is_served_under_the_sub_path(sub_path_site):
    # Canonical links, social cards, the feeds' items and images, the sitemap's pages:
    # written from site_url, each must name a file served under /nonlinear/.
    site, origin = sub_path_site
    urls = set()
    for path in [*site.rglob("*.html"), *site.glob("*.xml")]:
        urls |= set(HOST_URL.findall(path.read_text(encoding="utf-8")))
    assert any(url.endswith("/blog/") for url in urls), sorted(urls)     # the sitemap was read
    failed = []
    for url in sorted(urls):
        if not url.startswith(SITE_URL):
            failed.append(f"{url}: outside {SITE_URL}")
            continue
        try:
            urllib.request.urlopen(origin + url.removeprefix(SITE_URL), timeout=30).close()
        except urllib.error.HTTPError as error:
            failed.append(f"{url}: HTTP {error.code}")
    assert not failed, "\n".join(failed)
