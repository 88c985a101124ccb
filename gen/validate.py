"""Check what contributors write before it is built: front matter and unsafe Markdown.

Runs in the MkDocs hook (`on_files`, before the blog plugin reads the posts)
and as `python -m gen check`. Every problem names the file, the line, the
field (or rule) and the fix; the build stops on any of them.

- Articles (`docs/articles/*.md`) need `title` and `description`; a `date`,
  if given, is a real date, as for posts.
- Posts (`docs/blog/posts/**.md`) need a real `date`, `authors` listed in
  `docs/blog/.authors.yml`, at least one category and a `description`.
- Titles of articles and slugs of posts are unique; two articles may not map
  to one figure module (`foo-bar.md` and `foo_bar.md`).
- Contributed Markdown may not carry raw `<script>`, `<iframe>`, `<object>` or
  `<embed>`, inline event handlers (`onclick=`), `javascript:` URLs, or images
  hot-linked from another host. Code (fenced blocks, `inline`) is not checked,
  so pages can show such things as examples.

MkDocs itself drops front matter it cannot parse (an impossible date such as
2026-02-30 makes PyYAML raise), silently, and renders it as text; here it is
parsed again so that the author hears about it. So is any block MkDocs would
not read as front matter: one that is not on the very first line, holds only
comments (which would render as headings), or lacks the closing line break.
"""
from __future__ import annotations

import argparse
import datetime as dt
import difflib
import html
import posixpath
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ARTICLES = "articles"
BLOG = "blog"
POSTS = "blog/posts"
AUTHORS = "blog/.authors.yml"

FRONT_MATTER = re.compile(r"\A(---[ \t]*\n)(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FENCE = re.compile(r"^\s*(?:[-*+>]\s+|\d+[.)]\s+)*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")


@dataclass(frozen=True)
class Problem:
    file: str        # path relative to the checkout, e.g. docs/blog/posts/x.md
    line: int
    field: str       # front-matter field, or the name of a content rule
    message: str     # what is wrong, then how to fix it

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ValidationError(Exception):
    """Problems in contributed pages; str() lists them, one a line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(report(problems))


def report(problems: list[Problem]) -> str:
    files = len({p.file for p in problems})
    head = (f"{len(problems)} problem{'s' * (len(problems) != 1)} in "
            f"{files} page{'s' * (files != 1)} (see CONTRIBUTING.md):")
    return "\n".join([head, *(f"  {p}" for p in problems)])


# --------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------

class BadDate(str):
    """A date YAML recognised as one but could not construct (2026-02-30)."""
    reason = ""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible timestamp instead of failing on it."""


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as e:
        bad = BadDate(node.value)
        bad.reason = str(e)
        return bad


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass
class Source:
    """One Markdown page as the checks see it."""
    file: str                    # relative to the checkout
    uri: str                     # relative to docs/
    text: str
    meta: dict | None = None     # None: no front matter block
    body_line: int = 1           # line number of the first line after the front matter
    meta_error: Problem | None = None

    def line_of(self, key: str) -> int:
        """Line of `key:` in the front matter (the block's first line if absent)."""
        match = re.search(rf"^{re.escape(key)}\s*:", self.text[: self._end()], re.M)
        return self.text.count("\n", 0, match.start()) + 1 if match else 1

    def _end(self) -> int:
        m = FRONT_MATTER.match(self.text)
        return m.end() if m else 0


def read(path: Path, root: Path, docs_dir: Path) -> Source:
    text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    src = Source(rel, path.relative_to(docs_dir).as_posix(), text)
    m = FRONT_MATTER.match(text)
    if not m:
        return src
    src.body_line = text.count("\n", 0, m.end()) + 1
    try:
        meta = yaml.load(m.group(2), Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        what = getattr(e, "problem", None) or str(e).splitlines()[0]
        src.meta_error = Problem(rel, line, "front matter", (
            f"is not valid YAML ({what}); MkDocs would show it as text. Quote values "
            "that contain ': ' or start with a special character, e.g. title: \"A: B\""))
        return src
    if meta is None:
        src.meta_error = Problem(rel, 2, "front matter", (
            "has no 'key: value' line (only comments or nothing), so MkDocs shows the "
            "block as text and its '# ' lines as headings; add a field or delete the block"))
        return src
    if not isinstance(meta, dict):
        src.meta_error = Problem(rel, 2, "front matter",
                                 "must be 'key: value' lines between two '---' lines")
        return src
    src.meta = meta
    return src


def _text_field(src: Source, key: str, fix: str) -> list[Problem]:
    value = (src.meta or {}).get(key)
    if isinstance(value, str) and value.strip():
        return []
    if value is None:
        msg = f"missing; add '{key}: {fix}' to the front matter"
    else:
        msg = f"must be non-empty text, not {value!r}; write '{key}: {fix}'"
    return [Problem(src.file, src.line_of(key), key, msg)]


def check_article(src: Source) -> list[Problem]:
    return (_text_field(src, "title", "The article's title")
            + _text_field(src, "description",
                          "One or two sentences for search results and link previews")
            + _date_problems(src, required=False))


def _date_problem(value, where: str) -> str | None:
    example = "write it as YYYY-MM-DD, e.g. date: 2026-11-09"
    if isinstance(value, BadDate):
        return f"{where} '{value}' is not a real date ({value.reason}); {example}"
    if isinstance(value, (dt.date, dt.datetime)):
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return f"{where} {value!r} is not a date; {example}"
        return f"{where} {value!r} is quoted, so it is text, not a date; remove the quotes"
    return f"{where} {value!r} is not a date; {example}"


def _date_problems(src: Source, required: bool) -> list[Problem]:
    """`date:` (or a `date:` block with `created:`) is a real date; posts must have one."""
    date, line = (src.meta or {}).get("date"), src.line_of("date")
    if date is None:
        return [Problem(src.file, line, "date", "missing; every post needs one, "
                        "e.g. date: 2026-11-09")] if required else []
    values = date if isinstance(date, dict) else {"created": date}
    problems = []
    if "created" not in values:
        problems.append(Problem(src.file, line, "date", "a date block needs 'created: YYYY-MM-DD'"))
    for key, value in values.items():
        msg = _date_problem(value, "date" if not isinstance(date, dict) else f"date.{key}")
        if msg:
            problems.append(Problem(src.file, line, "date", msg))
    return problems


def check_post(src: Source, authors: dict | None) -> list[Problem]:
    meta, file = src.meta or {}, src.file
    problems = _date_problems(src, required=True)

    names = meta.get("authors")
    if authors is None:
        problems.append(Problem(file, src.line_of("authors"), "authors", (
            f"the authors file docs/{AUTHORS} is missing or unreadable; "
            "restore it, it lists who may sign posts")))
    elif not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        problems.append(Problem(file, src.line_of("authors"), "authors", (
            "needs a list of one or more author ids from docs/blog/.authors.yml, e.g.\n"
            "      authors:\n        - " + (next(iter(authors), "your-id")))))
    else:
        for name in names:
            if name not in authors:
                close = difflib.get_close_matches(name, list(authors), n=1, cutoff=0.5)
                hint = (f"did you mean '{close[0]}'?" if close else
                        f"known: {', '.join(sorted(authors)) or 'none'}")
                problems.append(Problem(file, src.line_of("authors"), "authors", (
                    f"unknown author '{name}'; {hint} (add new authors to "
                    f"docs/{AUTHORS})")))

    categories = meta.get("categories")
    if (not isinstance(categories, list) or not categories
            or not all(isinstance(c, str) and c.strip() for c in categories)):
        problems.append(Problem(file, src.line_of("categories"), "categories", (
            "needs a list of one or more categories, e.g.\n"
            "      categories:\n        - Roundups")))
    problems += _text_field(src, "description",
                            "One or two sentences for the blog index, the feed and previews")
    if not isinstance(meta.get("title"), str) and not _heading(src):
        problems.append(Problem(file, src.body_line, "title",
                                "a post needs a '# Title' heading (or title: in its front matter)"))
    return problems


def _heading(src: Source) -> str | None:
    for line in _outside_fences(src):
        if line[1].startswith("# "):
            return line[1][2:].strip()
    return None


def load_authors(docs_dir: Path) -> dict | None:
    try:
        data = yaml.safe_load((docs_dir / AUTHORS).read_text(encoding="utf-8"))
        return dict(data["authors"])
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError):
        return None


def _post_slug(src: Source) -> str:
    from markdown.extensions.toc import slugify

    meta = src.meta or {}
    if isinstance(meta.get("slug"), str):
        return meta["slug"]
    title = meta.get("title") if isinstance(meta.get("title"), str) else _heading(src)
    return slugify(title or "", "-")


def check_unique(articles: list[Source], posts: list[Source]) -> list[Problem]:
    problems: list[Problem] = []

    def once(items, what, fix):
        seen: dict[str, Source] = {}
        for key, src, line in items:
            if not key:
                continue
            if key.casefold() in seen:
                first = seen[key.casefold()]
                problems.append(Problem(src.file, line, what, (
                    f"'{key}' is already used by {first.file}; {fix}")))
            else:
                seen[key.casefold()] = src

    once([(s.meta.get("title"), s, s.line_of("title")) for s in articles
          if s.meta and isinstance(s.meta.get("title"), str)],
         "title", "give each article its own title")
    once([(posixpath.splitext(posixpath.basename(s.uri))[0].replace("-", "_"), s, 1)
          for s in articles if not s.uri.endswith("/index.md")],
         "slug", "both would use one figure module; rename one file")
    once([(_post_slug(s), s, s.line_of("slug") if "slug" in (s.meta or {}) else 1)
          for s in posts if s.meta is not None],
         "slug", "give the post another title or an explicit 'slug:' in its front matter")
    return problems


# --------------------------------------------------------------------------
# Content lint
# --------------------------------------------------------------------------

_TAG = r"<\s*(script|iframe|object|embed|frame|frameset|applet)\b"
_OPERATORS = r"\\(?:max|min|sup|inf|lim|arg|det|dim|exp|log|ln|sin|cos|tan|Pr|gcd|deg|ker)"
RULES = [
    ("raw-html", re.compile(_TAG, re.I),
     "raw <{0}> is not allowed in an article or post: pages carry no scripts or "
     "embedded content of their own. Draw it as a figure in gen/articles/, link to it, "
     "or propose a site-wide change to docs/javascripts/ in its own pull request"),
    ("event-handler", re.compile(
        r"<[a-zA-Z][\w:-]*(?:\s[^>]*?)?[\s\"'/](on[a-zA-Z]+)\s*=", re.I),
     "inline event handler '{0}=' is not allowed: remove it (pages carry no scripts)"),
    ("event-handler", re.compile(r"\{:?\s*[^{}]*?(?<![\w-])(on[a-zA-Z]+)\s*=[^{}]*\}", re.I),
     "inline event handler '{0}=' in an attribute list is not allowed: remove it"),
    ("javascript-url", re.compile(
        r"(?:\]\(\s*<?|^\s*\[[^\]]+\]:\s*<?|<|=\s*[\"']?)\s*((?:java|vb)script)\s*:", re.I),
     "'{0}:' URL is not allowed: link to a page or an https:// address instead"),
    ("hotlinked-image", re.compile(r"!\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?\s*((?:https?:)?//[^)\s>]+)", re.I),
     "image hot-linked from another host ({0}): save it under docs/assets/ (check its "
     "licence) and link it relatively, or draw it as a figure"),
    ("hotlinked-image", re.compile(
        r"<\s*(?:img|source|video|audio|input)\b[^>]*?\s(?:src|srcset|poster)\s*=\s*[\"']?\s*"
        r"((?:https?:)?//[^\"'\s>]+)", re.I),
     "image hot-linked from another host ({0}): save it under docs/assets/ (check its "
     "licence) and link it relatively, or draw it as a figure"),
    ("operator-script", re.compile(
        r"[_^]\s*(\{\s*" + _OPERATORS + r"\s*\}|" + _OPERATORS + r"(?![A-Za-z]))"),
     "'{0}' makes an operator name the whole sub- or superscript: KaTeX turns that into "
     "invalid MathML (an operator inside <msub>), and MathML is what screen readers read. "
     "For a label write it as text, e.g. \\lambda_{{\\text{{max}}}}"),
]
REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?\s*((?:https?:)?//\S+?)>?(?:\s|$)", re.I)
REF_IMAGE = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?(?!\()")


def _outside_fences(src: Source):
    """(line number, text) of every body line outside fenced code, code spans blanked."""
    lines = src.text.split("\n")
    fence = None
    for i in range(src.body_line - 1, len(lines)):
        line = lines[i]
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line[m.end():].strip():
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield i + 1, CODE_SPAN.sub(lambda c: " " * len(c.group(0)), line)


DISPLAY_MATH = ("display math ($$ ... $$) {0}: arithmatex only typesets a $$ block that "
                "is a paragraph of its own, and leaves this one as raw TeX on the page. "
                "Add a blank line {1} it")


def _display_math(src: Source, body: list[tuple[int, str]]) -> list[Problem]:
    """A $$ block must have a blank line (or the page's edge) before and after it."""
    lines = src.text.split("\n")
    blank = lambda n: n < src.body_line or n > len(lines) or not lines[n - 1].strip()
    problems, opened = [], None
    for number, line in body:
        text = line.strip()
        if opened is None and text.startswith("$$"):
            opened = number
            if not blank(number - 1):
                problems.append(Problem(src.file, number, "display-math",
                                        DISPLAY_MATH.format("starts right after text", "above")))
            text = text[2:]
        if opened is not None and text.endswith("$$"):
            if not blank(number + 1):
                problems.append(Problem(src.file, number, "display-math",
                                        DISPLAY_MATH.format("is followed right by text", "below")))
            opened = None
    return problems


def lint(src: Source) -> list[Problem]:
    body = list(_outside_fences(src))
    problems = _display_math(src, body)
    refs = {}
    for number, line in body:
        m = REF_DEF.match(line)
        if m:
            refs[m.group(1).strip().casefold()] = m.group(2)
    for number, line in body:
        for rule, pattern, message in RULES:
            # Browsers decode entities inside attribute values: jav&#97;script: is javascript:
            text = html.unescape(line) if rule == "javascript-url" else line
            for m in pattern.finditer(text):
                problems.append(Problem(src.file, number, rule, message.format(m.group(1))))
        for m in REF_IMAGE.finditer(line):
            label = (m.group(2) or m.group(1)).strip().casefold()
            if label in refs:
                problems.append(Problem(src.file, number, "hotlinked-image", (
                    f"image hot-linked from another host ({refs[label]}): save it under "
                    "docs/assets/ (check its licence) and link it relatively, or draw it "
                    "as a figure")))
    return problems


FRONT_MATTER_KEYS = {"title", "description", "date", "authors", "categories", "tags",
                     "figures", "hide", "template", "search", "slug", "draft"}


def unread_front_matter(src: Source) -> list[Problem]:
    """Front matter MkDocs would not read, and so would show as text: where and why."""
    from mkdocs.utils.meta import get_data

    if src.meta_error:
        return []                   # read() already said why
    if src.meta is not None:
        if get_data(src.text)[1]:
            return []
        bad = [k for k, v in src.meta.items() if _has_bad_date(v)]
        if bad:
            return [Problem(src.file, src.line_of(bad[0]), "front matter", (
                f"MkDocs would not read it and would show it as text: '{bad[0]}' holds "
                "an impossible date; write a real one as YYYY-MM-DD"))]
        closing = src.text.count("\n", 0, FRONT_MATTER.match(src.text).end() - 1) + 1
        return [Problem(src.file, closing, "front matter", (
            "MkDocs would not read it and would show it as text: "
            "end the closing '---' line with a line break"))]
    lines = src.text.split("\n")
    for number, line in _outside_fences(src):
        block = FRONT_MATTER.match("\n".join(lines[number - 1:])) if line.rstrip() == "---" \
            else None
        if block and FRONT_MATTER_KEYS & set(_mapping(block.group(2))):
            return [Problem(src.file, number, "front matter", (
                "must start on the file's very first line, or MkDocs shows it as text; "
                "move the block to the top and delete what comes before its '---'"))]
    return []


def _has_bad_date(value) -> bool:
    if isinstance(value, dict):
        return any(_has_bad_date(v) for v in value.values())
    return isinstance(value, BadDate)


def _mapping(text: str) -> dict:
    try:
        value = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    return value if isinstance(value, dict) else {}


# --------------------------------------------------------------------------
# Everything
# --------------------------------------------------------------------------

def check(root: Path, docs_dir: Path, pages: list[Path] | None = None, *,
          articles: str = ARTICLES, posts: str = POSTS) -> list[Problem]:
    """Problems in the Markdown pages of `docs_dir` (or just `pages`), sorted by file."""
    if pages is None:
        pages = sorted(p for p in docs_dir.rglob("*.md") if p.is_file())
    sources = [read(p, root, docs_dir) for p in pages]
    authors = load_authors(docs_dir)
    problems: list[Problem] = []
    article_srcs, post_srcs = [], []
    for src in sources:
        is_post = src.uri.startswith(posts.rstrip("/") + "/")
        is_article = posixpath.dirname(src.uri) == articles.rstrip("/")
        if src.meta_error:
            problems.append(src.meta_error)
        elif is_post:
            if src.meta is None:
                problems += unread_front_matter(src) or [Problem(src.file, 1, "front matter", (
                    "a post starts with front matter: a '---' line, date:, authors:, "
                    "categories:, description:, and another '---' line "
                    "(python -m gen new roundup writes one)"))]
            else:
                problems += check_post(src, authors)
            post_srcs.append(src)
        elif is_article:
            if src.meta is None:
                problems += unread_front_matter(src) or [Problem(src.file, 1, "front matter", (
                    "an article starts with front matter: a '---' line, title:, "
                    "description:, and another '---' line"))]
            else:
                problems += check_article(src)
            article_srcs.append(src)
        if not any(p.file == src.file for p in problems):
            problems += unread_front_matter(src)
        problems += lint(src)
    problems += check_unique(article_srcs, post_srcs)
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.field, p.message))


def check_files(root: Path, config, files) -> list[Problem]:
    """The hook's entry point: the pages MkDocs found, with the blog's own folders."""
    docs_dir = Path(config["docs_dir"])
    posts = POSTS
    blog = config["plugins"].get("material/blog") if "plugins" in config else None
    if blog is not None:
        posts = blog.config.post_dir.format(blog=blog.config.blog_dir)
    pages = [Path(f.abs_src_path) for f in files.documentation_pages()
             if f.abs_src_path and not getattr(f, "generated_by", None)]
    return check(root, docs_dir, sorted(pages), posts=posixpath.normpath(posts))


def main(argv: list[str] | None = None) -> int:
    """`python -m gen check`: the build's checks on front matter, content and shortcodes."""
    from gen.discover import ROOT

    parser = argparse.ArgumentParser(
        prog="python -m gen check",
        description="Check the front matter and content of every page, and the names "
                    "their shortcodes use, without building the site.")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    docs_dir = root / "docs"
    problems = check(root, docs_dir)
    notes = []
    try:
        problems += check_shortcodes(root, docs_dir)
    except Exception as e:          # a broken declaration: say so, still report the rest
        notes.append(f"shortcodes not checked: {e}")
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    print("ok: front matter, content and shortcodes of every page", file=sys.stderr)
    return 0


def check_shortcodes(root: Path, docs_dir: Path) -> list[Problem]:
    """Expand every page's shortcodes against the declared figures and cached numbers."""
    from gen import build as pipeline
    from gen.discover import discover, slug_to_module
    from gen.shortcodes import Catalog, Expander, Page, ShortcodeError

    modules = discover(root)
    stale = {j.module.name for j in pipeline.plan(root, modules=modules) if j.reasons}
    catalog = Catalog.load(modules, root / pipeline.FIGURES)
    problems = []
    for path in sorted(docs_dir.rglob("*.md")):
        src = read(path, root, docs_dir)
        meta = src.meta or {}
        slug = meta.get("figures") or path.stem
        page = Page(src.uri, slug_to_module(str(slug)))
        try:
            Expander(catalog).expand(src.text, page)
        except ShortcodeError as e:
            module = re.search(r"no number .* from gen/articles/(\w+)\.py", str(e))
            if module and module.group(1) in stale:     # numbers exist only once built
                print(f"note: {src.file}: numbers not checked: the figures of "
                      f"gen/articles/{module.group(1)}.py are not built yet "
                      "(python -m gen builds them)", file=sys.stderr)
                continue
            problems.append(Problem(src.file, e.line or 1, "shortcode",
                                    str(e).removeprefix(f"{src.uri}:{e.line}: ")))
    return problems

