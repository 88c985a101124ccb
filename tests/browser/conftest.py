"""The reader's experience, checked on the real built site in headless Chromium.

The site is built once (the `site` fixture of tests/conftest.py) and served over
HTTP on 127.0.0.1 (search needs fetch; file:// breaks it). The browser is
Debian's chromium driven by Playwright (never a downloaded browser); axe-core and
the Nu HTML checker come from the top-level package.json (`npm ci`).

With CI=true a missing tool fails these tests; elsewhere they are skipped,
naming the tool and how to install it.
"""
from __future__ import annotations

import shutil

import pytest

from .support import (AXE, INSTALL, SCHEMES, VNU, article_pages, chromium_path, in_ci, launch,
                      new_context, open_page, serve, site_pages)


def require(ok, what: str):
    """Skip (locally) or fail (CI=true) when a tool the browser checks need is missing."""
    if not ok:
        message = f"{what} is missing: {INSTALL}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def origin(site) -> str:
    """The built site served by a threaded http.server on 127.0.0.1: its base URL."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site) -> list[str]:
    """URL path of every page of the built site ("" is the home page)."""
    found = site_pages(site)
    assert "" in found and any(p.startswith("articles/") for p in found), found
    return found


def first_article_with(site, marker: str, what: str) -> str:
    """URL path of the first article whose HTML contains `marker`."""
    for path in article_pages(site):
        if marker in (site / path / "index.html").read_text(encoding="utf-8"):
            return path
    pytest.fail(f"no article {what}")


@pytest.fixture(scope="session")
def figure_page(site) -> str:
    """URL path of the first article with figures."""
    return first_article_with(site, 'class="nl-figure"', "shows a figure")


@pytest.fixture(scope="session")
def math_page(site) -> str:
    """URL path of the first article with math."""
    return first_article_with(site, 'class="arithmatex"', "has math")


@pytest.fixture(scope="session")
def chromium_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "The Python package playwright (in the [test] extra)")
    require(chromium_path(), "Debian's chromium")
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


@pytest.fixture
def visit(chromium_browser, origin):
    """visit(path, scheme="light") -> (page, Visit), in a fresh context with the network cut."""
    contexts = []

    def open_(path: str, scheme: str = "light", **kwargs):
        assert scheme in SCHEMES
        context = new_context(chromium_browser, scheme, **kwargs)
        contexts.append(context)
        return open_page(context, origin, path)

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_script():
    require(AXE.is_file(), f"axe-core ({AXE})")
    return AXE


@pytest.fixture(scope="session")
def vnu_jar():
    require(shutil.which("java"), "Java (for the Nu HTML checker)")
    require(VNU.is_file(), f"The Nu HTML checker ({VNU})")
    return VNU
