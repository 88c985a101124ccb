"""Author syntax: place a figure or quote one of its numbers by name.

    <!-- md:figure nonlinear-boundaries -->          a numbered <figure> (own line)
    <!-- md:number circles_relu_acc .0% -->           a formatted number, inline
    <!-- md:number activation-functions/linear_test_acc .1% -->   from another article

Names resolve in the page's own figure module (`docs/articles/<slug>.md` ->
`gen/articles/<slug with _>.py`; front matter `figures: <slug>` overrides it).
The format is a Python format spec; the default is `.3g` for floats.
Shortcodes inside code (fenced blocks or `inline`) are left alone, so the
conventions page can show them. Like Material's own `<!-- md:... -->`
shortcodes, they are invisible where the hook does not run.
"""
from __future__ import annotations

import difflib
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from gen.discover import Module, slug_to_module
from gen.figure import FigureSpec, theme_suffix

SHORTCODE = re.compile(r"<!--\s*md:(?P<kind>[\w-]+)(?P<args>[^>]*?)\s*-->")
FENCE = re.compile(r"^\s*(```+|~~~+)")
KINDS = ("figure", "number", "playground")
# The playground's page (docs/playground.md) and the order of its URL's fields
# (docs/playground/state.js reads them back and validates each).
PLAYGROUND_PAGE = "playground/"
PLAYGROUND_FIELDS = ("data", "noise", "n", "train", "seed", "features", "layers", "act", "init",
                     "loss", "opt", "lr", "batch", "reg", "rate")


class ShortcodeError(Exception):
    """A shortcode that cannot be expanded; the message names page, line, name and fix."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line        # in the page's source file, when known


@dataclass
class Entry:
    """What a page needs to show one figure."""
    module: Module
    spec: FigureSpec
    numbers: dict = field(default_factory=dict)
    width: int = 0
    height: int = 0
    built: bool = False
    exports: list = field(default_factory=list)   # "<figure>/<name>.json", under figures/<module>/
    error: str | None = None        # set when its last run failed (serve shows it)


@dataclass
class Catalog:
    """Figures and numbers by module, read from the declarations and figures/*/*.json."""
    entries: dict[str, dict[str, Entry]] = field(default_factory=dict)

    figures_dir: Path | None = None

    @classmethod
    def load(cls, modules: list[Module], figures_dir: Path, failures=()) -> "Catalog":
        errors = {f.label: f for f in failures}
        catalog = cls(figures_dir=figures_dir)
        for module in modules:
            table = catalog.entries.setdefault(module.name, {})
            for spec in module.figures:
                entry = Entry(module, spec)
                try:
                    data = json.loads((figures_dir / module.name / f"{spec.name}.json").read_text())
                    entry.numbers, entry.built = data["numbers"], True
                    entry.width, entry.height = data["width"], data["height"]
                    entry.exports = data.get("exports", [])
                except (OSError, ValueError, KeyError):
                    pass
                failure = errors.get(f"{module.name}/{spec.name}")
                entry.error = failure and f"{failure.error}\n\n{failure.detail}".strip()
                table[spec.name] = entry
        return catalog

    def run(self, entry: Entry, export: str) -> dict:
        """The title and state of an exported playground run (figures/<module>/<export>)."""
        data = json.loads((self.figures_dir / entry.module.name / export).read_text())
        return {"title": data.get("title", Path(export).stem), "state": data["state"]}

    def numbers(self, module: str) -> dict[str, tuple[Entry, object]]:
        out = {}
        for entry in self.entries.get(module, {}).values():
            for name, value in entry.numbers.items():
                out[name] = (entry, value)
        return out


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known: {', '.join(sorted(known)) or 'none'}"


EXPONENT = re.compile(r"^(-?[\d.]+)e([+-]\d+)$")
MINUS, NBSP = "\u2212", "\u00a0"


def format_number(value, spec: str | None) -> str:
    """`value` formatted by a Python format spec, for prose: an exponent is typeset
    as "4.4 × 10<sup>26</sup>" (no-break spaces, a true minus), not "4.4e+26"."""
    if spec is None:
        spec = "d" if isinstance(value, int) else ".3g"
    try:
        text = format(value, spec)
    except ValueError as e:
        raise ValueError(f"format '{spec}' does not apply to {value!r}: {e}") from None
    m = EXPONENT.match(text)
    if m:
        mantissa = m[1].replace("-", MINUS)
        exponent = str(int(m[2])).replace("-", MINUS)
        text = f"{mantissa}{NBSP}×{NBSP}10<sup>{exponent}</sup>"
    return text


@dataclass
class Page:
    """The page being expanded: where it is and how to link from it."""
    src: str             # docs-relative source path, e.g. articles/activation-functions.md
    module: str          # default figure module
    code_url: callable = None   # module name -> URL of its source listing, relative to page
    url_for: callable = None    # site path ("playground/") -> URL relative to the page
    first_line: int | None = 1  # line of the source file the Markdown starts on (None: unknown)


class Expander:
    def __init__(self, catalog: Catalog, serve: bool = False):
        self.catalog, self.serve = catalog, serve

    def expand(self, markdown: str, page: Page) -> str:
        self.count = 0
        out, fence = [], None
        for self.lineno, line in enumerate(markdown.split("\n"), start=page.first_line or 0):
            match = FENCE.match(line)
            if fence:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
                out.append(line)
                continue
            if match:
                fence = match.group(1)
                out.append(line)
                continue
            out.append(self._line(line, page))
        return "\n".join(out)

    def _line(self, line: str, page: Page) -> str:
        # Split off `inline code` spans; expand only the text between them.
        parts = re.split(r"(`+[^`]*`+)", line)
        for i in range(0, len(parts), 2):
            parts[i] = SHORTCODE.sub(lambda m: self._one(m, page), parts[i])
        return "".join(parts)

    def _one(self, match: re.Match, page: Page) -> str:
        kind, args = match["kind"], match["args"].split()
        try:
            if kind == "figure":
                return self._figure(args, page)
            if kind == "number":
                return self._number(args, page)
            if kind == "playground":
                return self._playground(args, page)
            raise ShortcodeError(f"unknown shortcode kind 'md:{kind}'{_suggest(kind, KINDS)}")
        except ShortcodeError as e:
            line = None if page.first_line is None else self.lineno
            message = f"{page.src}{'' if line is None else f':{line}'}: {match.group(0)}: {e}"
            if not self.serve:
                raise ShortcodeError(message, line) from None
            return error_box("Shortcode error", message)

    def _resolve(self, ref: str, page: Page) -> tuple[str, str]:
        if "/" in ref:
            slug, name = ref.split("/", 1)
            module = slug_to_module(slug)
            if module not in self.catalog.entries:
                raise ShortcodeError(f"no figure module for article '{slug}' "
                                     f"(gen/articles/{module}.py){_suggest(module, self.catalog.entries)}")
            return module, name
        if page.module not in self.catalog.entries:
            raise ShortcodeError(
                f"this page has no figure module gen/articles/{page.module}.py; create it, "
                "set 'figures: <article slug>' in the front matter, or write <slug>/<name>")
        return page.module, ref

    def _entry(self, ref: str, page: Page) -> Entry:
        module, name = self._resolve(ref, page)
        table = self.catalog.entries[module]
        if name not in table:
            raise ShortcodeError(f"no figure '{name}' in gen/articles/{module}.py"
                                 f"{_suggest(name, table)}")
        return table[name]

    def _figure(self, args: list[str], page: Page) -> str:
        if len(args) != 1:
            raise ShortcodeError("write <!-- md:figure NAME -->")
        entry = self._entry(args[0], page)
        self.count += 1
        return figure_html(entry, self.count, page, self._explore(entry, page))

    def _explore(self, entry: Entry, page: Page) -> list[tuple[str, str]]:
        """(title, URL) of the playground for each run the figure exports."""
        if not page.url_for:
            return []
        out = []
        for export in entry.exports:
            run = self.catalog.run(entry, export)
            ref = f"{entry.module.name}/{export.removesuffix('.json')}"
            out.append((run["title"],
                        page.url_for(PLAYGROUND_PAGE) + "?" +
                        playground_query(run["state"], ref, epoch=run["state"]["epochs"])))
        return out

    def _playground(self, args: list[str], page: Page) -> str:
        """A live playground that starts from a figure's exported run; the figure stands in."""
        flags = [a for a in args if a == "page"]
        args = [a for a in args if a != "page"]
        if len(args) not in (1, 2):
            raise ShortcodeError("write <!-- md:playground FIGURE [RUN] [page] -->, where the "
                                 "figure returns the run in its exports")
        entry = self._entry(args[0], page)
        runs = {e.split("/", 1)[1].removesuffix(".json"): e for e in entry.exports}
        name = args[1] if len(args) == 2 else next(iter(runs), "")
        if entry.built and name not in runs:
            raise ShortcodeError(f"figure '{entry.spec.name}' exports no playground run "
                                 f"'{name}'{_suggest(name, runs)}; return it from the figure "
                                 "function as (draw, numbers, {name: nn.export(run, title)})")
        self.count += 1
        explore = self._explore(entry, page)
        if not entry.built:
            return figure_html(entry, self.count, page, explore)
        run = self.catalog.run(entry, runs[name])
        ref = f"{entry.module.name}/{runs[name].removesuffix('.json')}"
        run_path = f"figures/{entry.module.name}/{runs[name]}"
        attrs = {
            "class": "nl-playground",
            # Raw HTML: MkDocs rewrites no URL in it, so it is made relative to the page's URL.
            "data-run": page.url_for(run_path) if page.url_for else run_path,
            "data-query": playground_query(run["state"], ref, epoch=run["state"]["epochs"]),
            "data-page": page.url_for(PLAYGROUND_PAGE) if page.url_for else "",
        }
        if flags:
            attrs["data-mode"] = "page"
        own = [(t, u) for t, u in explore if u.endswith(f"ref={ref}")]
        opened = figure_html(entry, self.count, page, own if not flags else [])
        attributes = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())
        return f'\n<div {attributes} markdown="block">\n{opened}\n</div>\n'



    def _number(self, args: list[str], page: Page) -> str:
        if len(args) not in (1, 2):
            raise ShortcodeError("write <!-- md:number NAME [FORMAT] -->, e.g. .1% or .3f")
        module, name = self._resolve(args[0], page)
        numbers = self.catalog.numbers(module)
        if name not in numbers:
            entry = next((e for e in self.catalog.entries[module].values() if e.error), None)
            if entry and self.serve:
                return error_box(f"Figure '{entry.spec.name}' failed", entry.error, inline=True)
            raise ShortcodeError(f"no number '{name}' from gen/articles/{module}.py"
                                 f"{_suggest(name, numbers)}")
        try:
            return format_number(numbers[name][1], args[1] if len(args) > 1 else None)
        except ValueError as e:
            raise ShortcodeError(str(e)) from None


def error_box(title: str, text: str, inline: bool = False) -> str:
    if inline:
        return f'<mark class="nl-error" title="{html.escape(text)}">[{html.escape(title)}]</mark>'
    return ('\n<div class="admonition failure nl-error" role="alert">'
            f'<p class="admonition-title">{html.escape(title)}</p>'
            f"<pre><code>{html.escape(text)}</code></pre></div>\n")


def playground_query(state: dict, ref: str, epoch: int = 0) -> str:
    """The playground URL's query for a run's state (docs/playground/state.js parses it)."""
    def text(v):
        return ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)

    fields = [(k, text(state[k])) for k in PLAYGROUND_FIELDS] + [("epoch", str(epoch)),
                                                                   ("ref", ref)]
    return "&".join(f"{k}={quote(v, safe=',/')}" for k, v in fields)


ALT_NUMBER = re.compile(r"\{(\w+)(?::([^{}]*))?\}")


def alt_text(spec: FigureSpec, numbers: dict) -> str:
    """The figure's alt text with each `{name}` or `{name:.0%}` replaced by the number
    the figure returned, so a quantitative alt text is never typed by hand."""
    def one(m: re.Match) -> str:
        if m[1] not in numbers:
            raise ShortcodeError(f"alt text of figure '{spec.name}' names {{{m[1]}}}, which "
                                 f"the figure does not return{_suggest(m[1], numbers)}")
        return format(numbers[m[1]], m[2] or ".3g")
    return ALT_NUMBER.sub(one, spec.alt)


def figure_html(entry: Entry, number: int, page: Page, explore=()) -> str:
    """A numbered <figure>: light and dark drawings, caption, link to its code, and
    links that open each of its exported runs in the playground."""
    spec, module = entry.spec, entry.module
    depth = page.src.count("/")
    base = "../" * depth + f"figures/{module.name}/{spec.name}"
    alt = html.escape(alt_text(spec, entry.numbers) if entry.built else spec.alt, quote=True)
    size = f'width="{entry.width}" height="{entry.height}"' if entry.width else ""
    parts = []
    if entry.error:
        parts.append(error_box(f"Figure '{spec.name}' failed in {module.rel}", entry.error))
    if entry.built:
        for theme in ("light", "dark"):
            src = f"{base}{theme_suffix(theme)}.{spec.format}"
            parts.append(f'![{alt}]({src}#only-{theme}){{ {size} loading="lazy" }}')
    code = page.code_url(module.name) if page.code_url else None
    link = (f' <a class="nl-source" href="{code}">Drawn by <code>{module.rel}</code></a>'
            if code else "")
    if explore:
        runs = " · ".join(f'<a href="{html.escape(url)}">{html.escape(title)}</a>' for title, url in explore)
        link += f' <span class="nl-explore">Explore in the playground: {runs}</span>'
    caption = (f'<figcaption><span class="nl-fignum">Figure {number}.</span> '
               f"{html.escape(spec.caption)}{link}</figcaption>")
    body = "\n".join(parts)
    return (f'\n<figure markdown="span" class="nl-figure" id="figure-{spec.name}">\n'
            f"{body}\n{caption}\n</figure>\n")
