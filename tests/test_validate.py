"""gen/validate.py: front matter and content checks name the file, line, field and fix."""
from __future__ import annotations

import re

import pytest

from conftest import ROOT
from gen import validate

AUTHORS = "authors:\n  ed:\n    name: Ed\n    description: Editor\n    avatar: ed.png\n"
ARTICLE = "---\ntitle: Gradients\ndescription: How gradients flow.\n---\n\n# Gradients\n\nText.\n"
POST = ("---\ndate: 2026-11-02\nauthors:\n  - ed\ncategories:\n  - News\n"
        "description: The news.\n---\n\n# A post\n\nExcerpt.\n\n<!-- more -->\n\nRest.\n")


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "docs"
    (folder / "blog" / "posts").mkdir(parents=True)
    (folder / "articles").mkdir()
    (folder / "blog" / ".authors.yml").write_text(AUTHORS)
    return folder


def check(docs, **files) -> list[str]:
    for rel, text in files.items():
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return [str(p) for p in validate.check(docs.parent, docs)]


def test_the_real_pages_pass():
    assert [str(p) for p in validate.check(ROOT, ROOT / "docs")] == []


def test_a_good_article_and_post_pass(docs):
    assert check(docs, **{"articles/gradients.md": ARTICLE, "blog/posts/p.md": POST}) == []
    dated = ARTICLE.replace("---\n\n", "date: 2026-11-02\n---\n\n")
    assert check(docs, **{"articles/gradients.md": dated}) == []


@pytest.mark.parametrize("text, expected", [
    (ARTICLE.replace("title: Gradients\n", ""),
     "docs/articles/a.md:1: title: missing; add 'title: The article's title' to the front matter"),
    (ARTICLE.replace("How gradients flow.", "''"),
     "docs/articles/a.md:3: description: must be non-empty text, not ''"),
    ("# No front matter\n",
     "docs/articles/a.md:1: front matter: an article starts with front matter"),
    (ARTICLE.replace("title: Gradients", "title: Gradients: a tour"),
     "docs/articles/a.md:2: front matter: is not valid YAML (mapping values are not allowed "
     "here); MkDocs would show it as text. Quote values that contain ': '"),
    (ARTICLE.replace("---\n\n", "date: 2026-02-30\n---\n\n"),
     "docs/articles/a.md:4: date: date '2026-02-30' is not a real date (day is out of range"),
    (ARTICLE.replace("---\n\n", "date: '2026-11-02'\n---\n\n"),
     "docs/articles/a.md:4: date: date '2026-11-02' is quoted, so it is text, not a date"),
])
def test_article_front_matter(docs, text, expected):
    found = check(docs, **{"articles/a.md": text})
    assert len(found) == 1 and found[0].startswith(expected), found


PAGE = "---\ntitle: About\n---\n\n# About\n\nText.\n"


@pytest.mark.parametrize("rel, text, expected", [
    ("about.md", "---\n# tags:\n#   - a topic\n---\n\n# About\n",
     "docs/about.md:2: front matter: has no 'key: value' line"),
    ("about.md", PAGE.replace("---\n\n", "updated: 2026-02-30\n---\n\n"),
     "docs/about.md:3: front matter: MkDocs would not read it and would show it as text: "
     "'updated' holds an impossible date"),
    ("about.md", PAGE.replace("---\n\n", "date:\n  created: 2026-02-30\n---\n\n"),
     "docs/about.md:3: front matter: MkDocs would not read it"),
    ("about.md", "---\ntitle: About\n---",
     "docs/about.md:3: front matter: MkDocs would not read it and would show it as text: "
     "end the closing '---' line with a line break"),
    ("about.md", "\n" + PAGE, "docs/about.md:2: front matter: must start on the file's very "
     "first line"),
    ("about.md", "# About\n\n---\ntitle: About\n---\n\nText.\n",
     "docs/about.md:3: front matter: must start on the file's very first line"),
    ("articles/a.md", "\n" + ARTICLE, "docs/articles/a.md:2: front matter: must start on"),
    ("blog/posts/p.md", "<!-- draft -->\n" + POST,
     "docs/blog/posts/p.md:2: front matter: must start on"),
])
def test_front_matter_mkdocs_would_not_read(docs, rel, text, expected):
    found = check(docs, **{rel: text})
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize("text", [
    "# About\n\n---\n\nA rule above and below.\n\n---\n",
    "# About\n\n```yaml\n---\ntitle: An example\n---\n```\n",
    PAGE,
])
def test_rules_and_examples_are_not_front_matter(docs, text):
    assert check(docs, **{"about.md": text}) == []


@pytest.mark.parametrize("old, new, expected", [
    ("date: 2026-11-02\n", "",
     "p.md:1: date: missing; every post needs one, e.g. date: 2026-11-09"),
    ("2026-11-02", "2026-02-30",
     "p.md:2: date: date '2026-02-30' is not a real date (day is out of range for month); "
     "write it as YYYY-MM-DD"),
    ("2026-11-02", "2026-13-01", "p.md:2: date: date '2026-13-01' is not a real date (month"),
    ("2026-11-02", "'2026-11-02'",
     "p.md:2: date: date '2026-11-02' is quoted, so it is text, not a date; remove the quotes"),
    ("2026-11-02", "next tuesday", "p.md:2: date: date 'next tuesday' is not a date"),
    ("date: 2026-11-02", "date:\n  updated: 2026-11-03",
     "p.md:2: date: a date block needs 'created: YYYY-MM-DD'"),
    ("  - ed\n", "  - edd\n",
     "p.md:3: authors: unknown author 'edd'; did you mean 'ed'? (add new authors to "
     "docs/blog/.authors.yml)"),
    ("authors:\n  - ed\n", "authors: ed\n", "p.md:3: authors: needs a list of one or more"),
    ("categories:\n  - News\n", "categories: []\n",
     "p.md:5: categories: needs a list of one or more categories"),
    ("description: The news.\n", "", "p.md:1: description: missing; add 'description: "),
    ("# A post\n", "A post without a heading.\n",
     "p.md:9: title: a post needs a '# Title' heading"),
])
def test_post_front_matter(docs, old, new, expected):
    assert old in POST
    found = check(docs, **{"blog/posts/p.md": POST.replace(old, new)})
    assert len(found) == 1 and found[0].startswith(f"docs/blog/posts/{expected}"), found


def test_datetime_and_created_dates_are_fine(docs):
    posts = {"blog/posts/a.md": POST.replace("2026-11-02", "2026-11-02 10:30:00"),
             "blog/posts/b.md": POST.replace("date: 2026-11-02", "date:\n  created: 2026-11-02"
                                             "\n  updated: 2026-11-09")
                                    .replace("# A post", "# B post")}
    assert check(docs, **posts) == []


def test_missing_authors_file_is_named(docs):
    (docs / "blog" / ".authors.yml").unlink()
    found = check(docs, **{"blog/posts/p.md": POST})
    assert found == ["docs/blog/posts/p.md:3: authors: the authors file "
                     "docs/blog/.authors.yml is missing or unreadable; restore it, it lists "
                     "who may sign posts"]


def test_titles_and_slugs_are_unique(docs):
    found = check(docs, **{
        "articles/a.md": ARTICLE, "articles/b.md": ARTICLE,
        "articles/c-d.md": ARTICLE.replace("Gradients", "Other"),
        "articles/c_d.md": ARTICLE.replace("Gradients", "Third"),
        "blog/posts/one.md": POST, "blog/posts/two.md": POST.replace("2026-11-02", "2026-11-09"),
    })
    assert found == [
        "docs/articles/b.md:2: title: 'Gradients' is already used by docs/articles/a.md; "
        "give each article its own title",
        "docs/articles/c_d.md:1: slug: 'c_d' is already used by docs/articles/c-d.md; both "
        "would use one figure module; rename one file",
        "docs/blog/posts/two.md:1: slug: 'a-post' is already used by docs/blog/posts/one.md; "
        "give the post another title or an explicit 'slug:' in its front matter",
    ]


def test_every_problem_of_every_page_is_reported_at_once(docs):
    found = check(docs, **{"articles/a.md": "---\ntitle: ''\n---\n",
                           "blog/posts/p.md": "---\ncategories: []\n---\n"})
    assert [p.split(": ")[0] + ": " + p.split(": ")[1] for p in found] == [
        "docs/articles/a.md:1: description", "docs/articles/a.md:2: title",
        "docs/blog/posts/p.md:1: authors", "docs/blog/posts/p.md:1: date",
        "docs/blog/posts/p.md:1: description", "docs/blog/posts/p.md:2: categories",
        "docs/blog/posts/p.md:4: title"]


BAD = [
    ("<script>alert(1)</script>", "raw-html", "raw <script> is not allowed"),
    ('<SCRIPT src="x.js"></SCRIPT>', "raw-html", "raw <SCRIPT>"),
    ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "raw-html", "raw <iframe>"),
    ('<object data="x.swf"></object>', "raw-html", "raw <object>"),
    ('<embed src="x.swf">', "raw-html", "raw <embed>"),
    ('<div onclick="steal()">x</div>', "event-handler", "'onclick='"),
    ("<img src=a.png onerror=alert(1)>", "event-handler", "'onerror='"),
    ('Text{ onmouseover="x()" }', "event-handler", "'onmouseover=' in an attribute list"),
    ("[click](javascript:alert(1))", "javascript-url", "'javascript:' URL"),
    ('<a href="JavaScript:void(0)">x</a>', "javascript-url", "'JavaScript:' URL"),
    ("[x](jav&#97;script:alert(1))", "javascript-url", "'javascript:' URL"),
    ("[ref]: javascript:alert(1)", "javascript-url", "'javascript:' URL"),
    ("![a plot](https://example.com/plot.png)", "hotlinked-image",
     "image hot-linked from another host (https://example.com/plot.png)"),
    ("![a plot](//cdn.example.com/plot.png)", "hotlinked-image", "(//cdn.example.com/plot.png)"),
    ('<img alt="x" src="http://example.com/p.png">', "hotlinked-image",
     "(http://example.com/p.png)"),
    ("![logo][l]\n\n[l]: https://example.com/l.png", "hotlinked-image",
     "(https://example.com/l.png)"),
    ("the edge $2/\\lambda_{\\max}$", "operator-script", "'{\\max}' makes an operator name"),
    ("$\\kappa = \\lambda_\\max / \\lambda_{ \\min }$", "operator-script", "'\\max'"),
]
GOOD = [
    "Write `<script>` or ``<iframe src=x>`` inside code spans.",
    "```html\n<script>alert(1)</script>\n<img src=\"https://example.com/a.png\">\n```",
    "!!! note\n    ~~~\n    <iframe src=x></iframe>\n    ~~~",
    "&lt;script&gt; is how the text shows a tag.",
    "JavaScript: the language of browsers. Scripts online = fine.",
    "![a local plot](../assets/plot.png) and [a link](https://example.com/page).",
    "<!-- md:figure example --> and <figure markdown=\"span\">text</figure>",
    "[logo]: https://example.com/logo.png used as [a link][logo], not as an image.",
    "$\\lambda_{\\text{max}}$, $e^{\\max(a, b)}$, $\\arg\\max_x f(x)$, $x_\\mathrm{min}$, $\\lim_{n}$",
]


@pytest.mark.parametrize("markdown, rule, words", BAD)
def test_unsafe_markdown_fails_with_file_and_line(docs, markdown, rule, words):
    found = check(docs, **{"articles/a.md": ARTICLE + "\n" + markdown + "\n"})
    assert found, markdown
    assert found[0].startswith(f"docs/articles/a.md:10: {rule}: "), found
    assert words in found[0]


@pytest.mark.parametrize("markdown", GOOD)
def test_code_and_harmless_text_pass(docs, markdown):
    assert check(docs, **{"articles/a.md": ARTICLE + "\n" + markdown + "\n"}) == []


def test_every_page_is_linted_not_only_articles(docs):
    found = check(docs, **{"index.md": "# Home\n\n<iframe src=x></iframe>\n"})
    assert found == [f"docs/index.md:3: raw-html: {validate.RULES[0][2].format('iframe')}"]


DISPLAY_MATH = [  # (markdown after a blank line, lines flagged)
    ("$$\nx = 1\n$$\nText after.", [12]),
    ("Text before.\n$$\nx = 1\n$$", [11]),
    ("Text before.\n$$x = 1$$\nText after.", [11, 11]),
    ("$$\nx = 1\n$$\n\nText after.", []),
    ("$$x = 1$$", []),
    ("- item\n\n    $$\n    x = 1\n    $$\n\n- two", []),
    ("```\ntext\n$$\n```", []),
]


@pytest.mark.parametrize("markdown, lines", DISPLAY_MATH)
def test_display_math_without_blank_lines_around_it_is_an_error(docs, markdown, lines):
    import markdown as md
    found = check(docs, **{"articles/a.md": ARTICLE + "\n" + markdown + "\n"})
    assert [int(p.split(":")[1]) for p in found] == lines
    assert all("display-math" in p and "blank line" in p for p in found)
    # The rule is arithmatex's own: what it flags is left as raw TeX, the rest typeset.
    html = md.markdown(markdown, extensions=["pymdownx.arithmatex", "fenced_code"],
                       extension_configs={"pymdownx.arithmatex": {"generic": True}})
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert ("$" in outside_code) == bool(lines), html
