"""Source listings (code/<module>/): highlighted once per version of a module, and the
page is what the site's Markdown would have made of the module's source."""
from __future__ import annotations

import markdown

from conftest import tiny_figure
from gen import listings

HIGHLIGHT = "  - pymdownx.highlight:\n      anchor_linenums: true\n  - pymdownx.superfences\n"


def test_listings_are_highlighted_once_and_follow_edits(tiny_site, tmp_path):
    project = tiny_site
    mkdocs_yml = project.root / "mkdocs.yml"
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace(
        "  - md_in_html\n", "  - md_in_html\n" + HIGHLIGHT))
    site = tmp_path / "site"
    assert project.mkdocs(site).returncode == 0
    cache = project.root / listings.CACHE
    (entry,) = cache.glob("beta-*.html")
    source = (project.root / "gen/articles/beta.py").read_text()
    expected = markdown.Markdown(
        extensions=["attr_list", "md_in_html", "pymdownx.highlight", "pymdownx.superfences"],
        extension_configs={"pymdownx.highlight": {"anchor_linenums": True}},
    ).convert(listings.fence(source))
    assert entry.read_text() == expected and 'id="__codelineno-0-1"' in expected
    page = (site / "code/beta/index.html").read_text()
    assert expected in page and listings.PLACEHOLDER not in page

    # An unchanged module is not highlighted again: the cached listing is what is served.
    entry.write_text(expected.replace("figure", "figure-from-the-cache"))
    assert project.mkdocs(site).returncode == 0
    assert "figure-from-the-cache" in (site / "code/beta/index.html").read_text()

    # An edited module gets a new listing, which replaces the old one.
    project.write("gen/articles/beta.py", tiny_figure("three", 3.25))
    assert project.mkdocs(site).returncode == 0
    (new,) = cache.glob("beta-*.html")
    assert new != entry and "3.25" in (site / "code/beta/index.html").read_text()

    # So does another Markdown configuration.
    mkdocs_yml.write_text(mkdocs_yml.read_text().replace("anchor_linenums: true",
                                                         "anchor_linenums: false"))
    assert project.mkdocs(site).returncode == 0
    assert 'id="__codelineno-0-1"' not in (site / "code/beta/index.html").read_text()
