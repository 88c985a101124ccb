"""`python -m gen new`: scaffolds that build at once, and never overwrite."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import run_gen
from gen import new, validate


def test_new_article_builds_with_its_figure_and_number(tiny_site, tmp_path):
    proc = run_gen(tiny_site, "new", "article", "Gradient descent")
    assert proc.returncode == 0, proc.stderr
    written = ["docs/articles/gradient-descent.md", "gen/articles/gradient_descent.py",
               "tests/test_gradient_descent.py"]
    for rel in written:
        assert f"created {rel}" in proc.stdout
        assert (tiny_site.root / rel).is_file()
    assert "Next steps:" in proc.stdout and "mkdocs serve" in proc.stdout
    assert "bash .ci/test" in proc.stdout and "Edit the generated description" in proc.stdout
    page = (tiny_site.root / written[0]).read_text()
    assert "<!-- md:figure example -->" in page and "<!-- md:number fitted_slope .2f -->" in page
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == ["## The intuition", "## What the figure shows", "## The maths",
                        "## Summary", "## Try it"]

    site = tmp_path / "site"
    build = tiny_site.mkdocs(site)
    assert build.returncode == 0, build.stderr
    entry = json.loads((tiny_site.root / "figures/gradient_descent/example.json").read_text())
    slope = entry["numbers"]["fitted_slope"]
    assert slope == pytest.approx(2.0, abs=0.2)    # what the generated test asserts
    html = (site / "articles/gradient-descent/index.html").read_text()
    assert 'id="figure-example"' in html and f"{slope:.2f}" in html
    assert "<!-- md:" not in html
    assert run_gen(tiny_site, "check").returncode == 0


def test_new_article_refuses_to_overwrite(tiny_site):
    assert run_gen(tiny_site, "new", "article", "Gradient descent").returncode == 0
    page = tiny_site.root / "docs/articles/gradient-descent.md"
    page.write_text(page.read_text() + "\nMy own words.\n")
    before = page.read_bytes(), page.stat().st_mtime_ns
    proc = run_gen(tiny_site, "new", "article", "Gradient Descent!")
    assert proc.returncode == 1
    assert "error: an article or figure module named 'gradient-descent' already exists" \
        in proc.stderr
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before
    # An existing test file alone is enough to refuse, and nothing is half-written.
    tiny_site.write("tests/test_momentum.py", "# mine\n")
    proc = run_gen(tiny_site, "new", "article", "Momentum")
    assert proc.returncode == 1 and "will not overwrite tests/test_momentum.py" in proc.stderr
    assert not (tiny_site.root / "docs/articles/momentum.md").exists()
    assert not (tiny_site.root / "gen/articles/momentum.py").exists()


def test_new_article_needs_a_usable_slug(tiny_site):
    proc = run_gen(tiny_site, "new", "article", "3D plots")
    assert proc.returncode == 1 and "--slug" in proc.stderr
    proc = run_gen(tiny_site, "new", "article", "3D plots", "--slug", "three-d-plots")
    assert proc.returncode == 0, proc.stderr
    page = (tiny_site.root / "docs/articles/three-d-plots.md").read_text()
    assert page.startswith("---\ntitle: 3D plots\n")


def test_article_steps_mention_the_nav_only_when_there_is_one(tmp_path):
    written = ["docs/articles/x-y.md", "gen/articles/x_y.py", "tests/test_x_y.py"]
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    assert "mkdocs.yml" not in new.article_steps(tmp_path, "X: y", written)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - index.md\n")
    steps = new.article_steps(tmp_path, "X: y", written)
    assert "under 'Articles'" in steps and '- "X: y": articles/x-y.md' in steps


@pytest.mark.parametrize("title", ["Plain title", "Colon: inside", "#hash", "Quote 'x'",
                                   "Über Größe", "Ends with space "])
def test_generated_front_matter_is_valid_yaml(tmp_path, title):
    import yaml

    assert yaml.safe_load(f"title: {new.yaml_text(title)}\n") == {"title": title}


def test_new_roundup_is_a_week_after_the_latest_post(tiny_site, tmp_path):
    tiny_site.write("docs/articles/momentum.md", "---\ntitle: Momentum\ndescription: Heavy "
                    "balls roll faster.\ndate: 2026-11-05\n---\n\n# Momentum\n")
    proc = run_gen(tiny_site, "new", "roundup")
    assert proc.returncode == 0, proc.stderr
    rel = "docs/blog/posts/2026-11-09-roundup.md"
    assert f"created {rel}" in proc.stdout and "draft: true" in proc.stdout
    post = (tiny_site.root / rel).read_text()
    assert post.startswith("---\ndate: 2026-11-09\nauthors:\n  - ed\ncategories:\n"
                           "  - Roundups\ndescription: ")
    assert "\n<!-- more -->\n" in post
    assert "- [Momentum](../../articles/momentum.md): Heavy balls roll faster." in post
    assert "[Alpha]" not in post                      # not dated after the latest post
    assert [str(p) for p in validate.check(tiny_site.root, tiny_site.root / "docs")] == []

    again = run_gen(tiny_site, "new", "roundup")       # the draft does not count
    assert again.returncode == 1
    assert f"will not overwrite {rel}; edit that post, or pass --date" in again.stderr
    bad = run_gen(tiny_site, "new", "roundup", "--date", "2026-02-30")
    assert bad.returncode == 2 and "'2026-02-30' is not a real date" in bad.stderr

    # A draft builds and stays out of the site; without the draft line it is published.
    build = tiny_site.mkdocs(tmp_path / "draft")
    assert build.returncode == 0, build.stderr
    assert not list((tmp_path / "draft").rglob("*week-of-*/index.html"))
    path = tiny_site.root / rel
    path.write_text(path.read_text().replace("draft: true\n", ""))
    build = tiny_site.mkdocs(tmp_path / "published")
    assert build.returncode == 0, build.stderr
    pages = list((tmp_path / "published").rglob("*week-of-9-november*/index.html"))
    assert len(pages) == 1 and "Week of 9 November" in pages[0].read_text()


def test_first_roundup_is_dated_today(tmp_path):
    (tmp_path / "docs/blog").mkdir(parents=True)
    (tmp_path / "docs/blog/.authors.yml").write_text("authors:\n  ann: {name: Ann}\n  bo: {}\n")
    written = new.new_roundup(tmp_path, today=dt.date(2027, 1, 4))
    assert written == ["docs/blog/posts/2027-01-04-roundup.md"]
    assert "authors:\n  - ann\n" in (tmp_path / written[0]).read_text()
    written = new.new_roundup(tmp_path, date=dt.date(2027, 1, 11), author="bo")
    assert "authors:\n  - bo\n" in (tmp_path / written[0]).read_text()
    with pytest.raises(new.Refused, match="unknown author 'cy'"):
        new.new_roundup(tmp_path, author="cy")
