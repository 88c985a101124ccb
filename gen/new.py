"""Scaffolding for contributors: `python -m gen new article "Title"` and `python -m gen new roundup`.

    python -m gen new article "Gradient descent"     docs/articles/gradient-descent.md,
                                                     gen/articles/gradient_descent.py,
                                                     tests/test_gradient_descent.py
    python -m gen new roundup [--date 2026-11-16]    docs/blog/posts/<date>-roundup.md

Every file written already builds: the article places one working figure and
quotes one of its numbers, the roundup has complete front matter. Nothing is
ever overwritten: when a file exists the command stops, writes nothing, and
exits with status 1.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import keyword
import posixpath
import re
import sys
import unicodedata
from pathlib import Path

from gen import validate
from gen.discover import ROOT, slug_to_module


class Refused(Exception):
    """The scaffold would overwrite or cannot be written; the message says why."""


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def yaml_text(value: str) -> str:
    """A YAML scalar for `value`: plain when that is safe, double-quoted otherwise."""
    plain = re.fullmatch(r"[A-Za-z0-9(][^:#'\"\n]*", value) and not value.endswith(" ")
    return value if plain else json.dumps(value, ensure_ascii=False)


def _write_all(root: Path, files: dict[str, str], hint: str) -> list[str]:
    existing = [rel for rel in files if (root / rel).exists()]
    if existing:
        raise Refused(f"will not overwrite {', '.join(existing)}; {hint}")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:     # "x": never clobber
            f.write(text)
    return list(files)


# --------------------------------------------------------------------------
# Article
# --------------------------------------------------------------------------

ARTICLE = """\
---
title: {title_yaml}
description: {description_yaml}
date: {today}
# tags:
#   - a topic
---

# {title}

<!-- Shape of a Nonlinear article: intuition -> figure -> explanation -> maths ->
summary -> try it. Figures and numbers come only from gen/articles/{module}.py,
through the two shortcodes below; never type a computed number by hand. -->

One or two sentences: what the reader will understand by the end, and why it
matters.

## The intuition

Say the idea in plain words first, with the picture the reader should keep in
mind. Here, the example: points scattered around a straight line, and the line
that a least-squares fit recovers from them.

<!-- md:figure example -->

## What the figure shows

The data were drawn around a line of slope 2; the fit recovers a slope of
<!-- md:number fitted_slope .2f --> from <!-- md:number num_points --> noisy
points. Explain what the reader sees, and what would change it.

## The maths

The least-squares line minimises the squared vertical distances to the points:

$$
(\\hat a, \\hat b) = \\arg\\min_{{a,\\,b}} \\sum_{{i=1}}^{{n}} \\bigl(y_i - a x_i - b\\bigr)^2 .
$$

## Summary

- The one idea to remember.
- The second one.

## Try it

- Change the noise or the number of points in
  [`gen/articles/{module}.py`](../code/{module}.md) and rebuild: the figure and
  the numbers quoted above follow.
- Rerun only this article's figures: `python -m gen --only '{module}/*' --force`.
"""

MODULE = '''\
"""Figures for docs/articles/{slug}.md.

Each @figure function computes once from `seed` (randomness only from it) and
returns `draw(fig, theme)` plus the numbers the article quotes with
<!-- md:number NAME -->. `quick=True` asks for a small, fast version (tests).
Replace the example with the article's own figures.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure

TRUE_SLOPE, TRUE_INTERCEPT, NOISE = 2.0, 1.0, 0.5


@figure("example",
        caption="Noisy points drawn around the line y = 2x + 1, and the straight line "
                "that a least-squares fit recovers from them.",
        alt="Scatter plot of points rising from left to right, with a fitted straight "
            "line running through the middle of the cloud.",
        size=(5.0, 3.5))
def example(seed, quick=False):
    rng = np.random.default_rng(seed)
    n = 40 if quick else 100
    x = rng.uniform(-2, 2, n)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + rng.normal(0, NOISE, n)
    slope, intercept = np.polyfit(x, y, 1)
    ends = np.array([-2.0, 2.0])

    def draw(fig, theme):
        ax = fig.subplots()
        ax.scatter(x, y, s=12, color=theme.colors[0], edgecolors="none", label="data")
        ax.plot(ends, slope * ends + intercept, color=theme.colors[1],
                label=f"least-squares fit (slope {{slope:.2f}})")
        ax.set(xlabel="x", ylabel="y")
        ax.legend(loc="upper left")

    return draw, {{"fitted_slope": float(slope), "fitted_intercept": float(intercept),
                  "num_points": n}}
'''

TEST = '''\
"""The {slug} figures show what the article says they show."""
import pytest


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("{module}")


def test_fit_recovers_the_slope_the_data_were_drawn_with(n):
    assert n["fitted_slope"] == pytest.approx(2.0, abs=0.2)
'''


def new_article(root: Path, title: str, slug: str | None = None) -> list[str]:
    title = " ".join(title.split())
    if not title:
        raise Refused('give the article a title: python -m gen new article "Title"')
    slug = slug or slugify(title)
    module = slug.replace("-", "_")
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", slug) or keyword.iskeyword(module):
        raise Refused(f"'{slug}' cannot name an article and its module gen/articles/"
                      f"{module}.py: use lower-case words joined by '-', starting with a "
                      "letter; pass one with --slug, e.g. --slug gradient-descent")
    if (root / "gen" / "articles" / f"{module}.py").exists() or any(
            slug_to_module(p.stem) == module
            for p in (root / "docs" / "articles").glob("*.md")):
        raise Refused(f"an article or figure module named '{slug}' already exists "
                      f"(docs/articles/, gen/articles/{module}.py); choose another title "
                      "or --slug")
    description = (f"{title.rstrip('.')}, explained with figures computed when the site "
                   "is built.")
    values = dict(title=title, title_yaml=yaml_text(title), slug=slug, module=module,
                  description_yaml=yaml_text(description), today=dt.date.today().isoformat())
    return _write_all(root, {
        f"docs/articles/{slug}.md": ARTICLE.format(**values),
        f"gen/articles/{module}.py": MODULE.format(**values),
        f"tests/test_{module}.py": TEST.format(**values),
    }, "choose another title or --slug, or delete the file(s) first")


def article_steps(root: Path, title: str, written: list[str]) -> str:
    page, module_file, test = written
    slug = Path(page).stem
    module = Path(module_file).stem
    steps = []
    config = root / "mkdocs.yml"
    has_nav = config.is_file() and re.search(r"^nav\s*:", config.read_text(), re.M)
    if has_nav:
        steps.append(
            "Add the page to the navigation in mkdocs.yml, under 'Articles' "
            "(until then `mkdocs build --strict` stops: the page is not in the nav):\n"
            f"       - {yaml_text(title)}: articles/{slug}.md")
    if (root / "docs" / "articles" / "index.md").is_file():
        steps.append("List it in docs/articles/index.md:\n"
                     f"       - [{title}]({slug}.md): what it explains, in one line.")
    steps += [
        f"Edit the generated description in {page}: search results and link previews "
        "show it.",
        "Preview while you write: mkdocs serve   (the figures rerun when "
        f"{module_file} changes)",
        f"Replace the example figure in {module_file}; run it alone with\n"
        f"       python -m gen --only '{module}/*'",
        f"State what your figures show as tests in {test}, then run all the tests:\n"
        "       bash .ci/test",
        "Before the pull request: python -m gen check   (front matter, content, "
        "shortcodes)",
    ]
    return "Next steps:\n" + "\n".join(f"  {i}. {s}" for i, s in enumerate(steps, 1))


# --------------------------------------------------------------------------
# Roundup
# --------------------------------------------------------------------------

ROUNDUP = """\
---
date: {date}
authors:
  - {author}
categories:
  - Roundups
description: {description_yaml}
# A draft is shown by `mkdocs serve` but left out of the built site: delete the
# next line when the roundup is ready to publish.
draft: true
---

# {title}

The week in one paragraph: this part is the excerpt shown on the blog index
and in the feed.

<!-- more -->

## New articles

{articles}

## Further reading

Papers, posts or talks worth the reader's time this week, each with a line on
why.
"""


def _posts(root: Path) -> list[validate.Source]:
    docs = root / "docs"
    folder = docs / validate.POSTS
    return [validate.read(p, root, docs) for p in sorted(folder.rglob("*.md"))]


def _date_of(src: validate.Source) -> dt.date | None:
    value = (src.meta or {}).get("date")
    if isinstance(value, dict):
        value = value.get("created")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date) and not isinstance(value, validate.BadDate):
        return value
    return None


def new_roundup(root: Path, date: dt.date | None = None, author: str | None = None,
                today: dt.date | None = None) -> list[str]:
    docs = root / "docs"
    authors = validate.load_authors(docs)
    if not authors:
        raise Refused(f"docs/{validate.AUTHORS} is missing or lists no authors; a post "
                      "must be signed by one of them")
    author = author or next(iter(authors))
    if author not in authors:
        raise Refused(f"unknown author '{author}'; known: {', '.join(authors)} "
                      f"(add yourself to docs/{validate.AUTHORS})")
    # Drafts do not count: running this twice before publishing refuses, it does
    # not start a second draft a week later.
    dates = [d for d in (_date_of(p) for p in _posts(root) if not (p.meta or {}).get("draft"))
             if d]
    latest = max(dates) if dates else None
    if date is None:
        date = latest + dt.timedelta(days=7) if latest else (today or dt.date.today())
    monday = date - dt.timedelta(days=date.weekday())
    title = f"Week of {monday.day} {monday:%B}"     # the house style: "Week of 9 November: ..."
    articles = []
    for path in sorted((docs / validate.ARTICLES).glob("*.md")):
        if path.name == "index.md":
            continue
        src = validate.read(path, root, docs)
        published = _date_of(src)
        if published and (latest is None or latest < published <= date):
            link = posixpath.relpath(f"{validate.ARTICLES}/{path.name}", validate.POSTS)
            desc = (src.meta or {}).get("description") or ""
            title_of = src.meta.get("title") or path.stem
            articles.append((published, f"- [{title_of}]({link}): {desc}".rstrip(": ")))
    listed = "\n".join(line for _, line in sorted(articles)) or (
        "No new article this week: say what changed in the existing ones, or delete "
        "this section.")
    description = (f"This week on Nonlinear (the week of {monday.day} {monday:%B %Y}): "
                   "new and updated articles, and further reading.")
    text = ROUNDUP.format(date=date.isoformat(), author=author, title=title,
                          description_yaml=yaml_text(description), articles=listed)
    return _write_all(root, {f"docs/{validate.POSTS}/{date.isoformat()}-roundup.md": text},
                      "edit that post, or pass --date YYYY-MM-DD for another week")


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"'{text}' is not a real date ({e}); "
                                         "write YYYY-MM-DD, e.g. 2026-11-16") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gen new", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    # The hidden --root (a checkout other than this one, for tests) goes anywhere.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser._add_container_actions(common)
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="{article,roundup}")
    article = kinds.add_parser("article", parents=[common],
                               help="a new article, its figure module and a test")
    article.add_argument("title")
    article.add_argument("--slug", help="file name without .md (default: from the title)")
    roundup = kinds.add_parser("roundup", parents=[common],
                               help="the next weekly roundup post (a draft)")
    roundup.add_argument("--date", type=_date_arg,
                         help="YYYY-MM-DD (default: a week after the latest post, or today)")
    roundup.add_argument("--author", help="an id from docs/blog/.authors.yml (default: the first)")
    args = parser.parse_args(argv)
    root = getattr(args, "root", ROOT).resolve()
    try:
        if args.kind == "article":
            written = new_article(root, args.title, args.slug)
        else:
            written = new_roundup(root, args.date, args.author)
    except Refused as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for rel in written:
        print(f"created {rel}")
    if args.kind == "article":
        print("\n" + article_steps(root, args.title, written))
    else:
        print(f"\nNext steps:\n  1. In {written[0]}: add the week's topics to the title "
              "('# Week of 9 November: early stopping, ...'), write the excerpt, the list "
              "and the reading."
              "\n  2. Preview it: mkdocs serve   (drafts show there)"
              "\n  3. Delete the line 'draft: true' when it is ready to publish.")
    return 0
