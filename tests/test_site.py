"""One real `mkdocs build --strict` of the repository, checked from the outside."""
from __future__ import annotations

import filecmp
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import ROOT, mkdocs_build
from gen.discover import discover
from gen.shortcodes import format_number

SHORTCODE = re.compile(r"<!--\s*md:(\w+)\s+(\S+)(?:\s+(\S+))?\s*-->")
DOCS = ROOT / "docs"
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')


def prose(text: str) -> str:
    """Markdown without front matter, fenced code, inline code and maths."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`|\$[^$\n]*\$", "", text)
    return text


def html_of(site: Path, md: Path) -> str:
    rel = md.relative_to(DOCS).with_suffix("")
    page = site / (rel.parent if rel.name == "index" else rel) / "index.html"
    return page.read_text(encoding="utf-8")


def articles() -> list[Path]:
    return sorted((DOCS / "articles").glob("*.md"))


def test_every_figure_is_published_in_both_themes(site):
    modules = discover(ROOT)
    assert modules
    for module in modules:
        for spec in module.figures:
            for suffix in ("", ".dark"):
                path = site / "figures" / module.name / f"{spec.name}{suffix}.{spec.format}"
                assert path.is_file(), f"{path} missing from the site"
                assert path.stat().st_size <= 300_000
        assert (site / "code" / module.name / "index.html").is_file()


def test_every_quoted_number_appears_as_computed(site):
    checked = 0
    for md in articles():
        html = html_of(site, md)
        module = md.stem.replace("-", "_")
        numbers = {}
        for entry in (ROOT / "figures" / module).glob("*.json"):
            numbers.update(json.loads(entry.read_text())["numbers"])
        for kind, name, fmt in SHORTCODE.findall(prose(md.read_text())):
            if kind != "number" or "/" in name:
                continue
            text = format_number(numbers[name], fmt or None)   # as the build formats it
            assert text in unescape(html), f"{md.name}: {name} = {text} not in the page"
            checked += 1
    assert checked >= 10


def test_figures_on_pages_have_alt_text_and_numbered_captions(site):
    for md in articles():
        html = html_of(site, md)
        # A playground stands in place of a figure, and is numbered like one.
        wanted = [n for k, n, _ in SHORTCODE.findall(prose(md.read_text()))
                  if k in ("figure", "playground")]
        assert html.count('class="nl-figure"') == len(wanted), md.name
        for i in range(1, len(wanted) + 1):
            assert f"Figure {i}.</span>" in html
        for alt in re.findall(r'<img[^>]*\balt="([^"]*)"', html):
            assert len(alt) > 15, f"{md.name}: an image has no real alt text"
            assert not re.search(r"\{\w+(:[^{}]*)?\}", alt), f"{md.name}: unfilled alt {alt}"


def test_no_shortcode_is_left_unexpanded(site):
    for page in site.rglob("*.html"):
        assert "<!-- md:" not in page.read_text(encoding="utf-8"), page


def test_articles_type_no_result_percentages_by_hand():
    # A percentage in prose is almost always a result: it must come from the build.
    for md in articles():
        text = SHORTCODE.sub("", prose(md.read_text()))
        typed = re.findall(r"\b\d+(?:\.\d+)?\s?%", text)
        assert not typed, f"{md.name} types {typed}: quote them with <!-- md:number -->"


def test_nothing_is_fetched_from_other_hosts(site):
    # No CDN scripts, stylesheets or fonts: every src/href of a resource is local.
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            url = re.search(r'\b(?:src|href)="([^"]*)"', tag)
            if url and tag.startswith("<link") and not re.search(
                    r'rel="(stylesheet|preload|modulepreload|icon|manifest)"', tag):
                continue
            assert not (url and re.match(r"(https?:)?//", url.group(1))), f"{page}: {tag}"


def test_noop_rebuild_is_identical_and_imports_no_heavy_library(site, tmp_path):
    again = tmp_path / "again"
    proc = mkdocs_build(again, PYTHONPROFILEIMPORTTIME="1")
    assert proc.returncode == 0, proc.stderr
    imported = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    for heavy in ("matplotlib", "sklearn", "numpy", "scipy"):
        assert heavy not in imported, f"a no-op build imported {heavy}"
    cmp = filecmp.dircmp(site, again)
    differ = []

    def walk(c, prefix=""):
        differ.extend(prefix + n for n in c.diff_files + c.left_only + c.right_only)
        for name, sub in c.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(cmp)
    assert differ == []


def test_build_dates_come_from_source_date_epoch(site):
    # conftest.EPOCH is 2026-01-01: no date of the build machine's clock may leak in.
    assert re.findall(r"<lastmod>([^<]*)</lastmod>", (site / "sitemap.xml").read_text()) \
        and set(re.findall(r"<lastmod>([^<]*)</lastmod>", (site / "sitemap.xml").read_text())) == {"2026-01-01"}
    feed = (site / "feed_rss_created.xml").read_text()
    assert "<lastBuildDate>Thu, 01 Jan 2026 00:00:00" in feed


def test_every_page_title_is_unique_and_names_the_site_once(site):
    # The home page is "Nonlinear", every other page "<its name> - Nonlinear".
    titles = {}
    for page in sorted(site.rglob("index.html")):
        title = re.search(r"<title>([^<]*)</title>", page.read_text(encoding="utf-8")).group(1)
        name = title.removesuffix(" - Nonlinear")
        assert name and name != "Nonlinear" or title == "Nonlinear", f"{page}: <title>{title}</title>"
        assert title not in titles, f"{page} and {titles.get(title)} share <title>{title}</title>"
        titles[title] = page


def test_katex_stylesheet_is_linked_in_the_head_of_pages_with_math_only(site):
    # Linked late by katex.js it restyled the whole page after the first paint;
    # a page without formulas must not pay for it.
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        linked = "katex.min.css" in head
        assert linked == ('class="arithmatex"' in html), (
            f"{page}: {'links' if linked else 'does not link'} katex.min.css in <head>")


class _Urls(HTMLParser):
    """Every src, href and srcset URL of one HTML page, in document order."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)
            elif key == "srcset" and value:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]


SUB_PATH = "http://h/nonlinear/"      # as GitHub Pages serves a project: https://OWNER.github.io/REPO/


def test_every_url_resolves_inside_the_site_under_a_sub_path(site):
    # GitHub Pages serves the site under /REPO/. At a host's root the browser clamps
    # a relative URL with one `..` too many, so a root-served browser test cannot see
    # it; here each page's URLs are resolved as if served under /nonlinear/.
    # (404.html is served at any depth: MkDocs writes its URLs from site_url's path.)
    site_path = urlsplit(CANONICAL.search((site / "index.html").read_text()).group(1)).path
    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        base = SUB_PATH + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        parser = _Urls()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue        # another host, or an absolute URL from site_url
            if rel == "404.html" and url.startswith(site_path):
                url = url[len(site_path):]
            path = urlsplit(urljoin(base, url)).path
            inside = path.startswith("/nonlinear/")
            target = site / unquote(path.removeprefix("/nonlinear/"))
            if not inside or not (target / "index.html" if path.endswith("/") else target).exists():
                broken.append(f"{rel}: {url!r} -> {path}" + ("" if inside else " (above the site)"))
    assert not broken, f"{len(broken)} URLs do not resolve under {SUB_PATH}:\n" + "\n".join(
        sorted(set(broken))[:40])
