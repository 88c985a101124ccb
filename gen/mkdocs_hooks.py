"""The MkDocs side of the figure pipeline: a thin hook (listed under `hooks:`).

- on_pre_build: bring figures/ up to date (`gen.build`). In `mkdocs build` a
  failing figure stops the build naming the figure, its module and the error;
  in `mkdocs serve` it is logged, shown as an error box on its page, and the
  server keeps running. Figures run in fresh worker processes, so an edited
  figure module is picked up without restarting `serve` (`watch: [gen]`).
- on_files: check every page's front matter and content (`gen.validate`),
  then publish figures/ and a source listing of every figure module
  (generated files: nothing is ever written into docs/).
- on_page_markdown: expand `<!-- md:figure -->` / `<!-- md:number -->`.
- on_page_content: put each source listing in its page (`gen.listings`: highlighted
  once per version of the module, not at every build).
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # `mkdocs` run without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.plugins import event_priority  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from mkdocs.utils import get_relative_url  # noqa: E402

from gen import build as pipeline  # noqa: E402
from gen import listings  # noqa: E402
from gen import validate  # noqa: E402
from gen.discover import DeclarationError, discover, slug_to_module  # noqa: E402
from gen.shortcodes import Catalog, Expander, Page, ShortcodeError, error_box  # noqa: E402

log = logging.getLogger("mkdocs.hooks.figures")
CODE_DIR = "code"
state: dict = {"serve": False, "catalog": None, "modules": [], "listings": {}}


def on_startup(command, dirty):
    state["serve"] = command == "serve"


def _progress(done, total, label, result):
    if result.ok:
        log.info(f"figure [{done}/{total}] {label} ({result.seconds:.1f} s)")
    else:
        log.error(f"figure [{done}/{total}] {label} failed: {result.error}")


def on_pre_build(config):
    try:
        modules = discover(ROOT)
        if os.environ.get("NONLINEAR_NO_FIGURES"):
            # Fast path for prose edits: pages use figures/ exactly as it is.
            log.info("NONLINEAR_NO_FIGURES is set: figures were not brought up to date")
            report = pipeline.Report()
        else:
            report = pipeline.build(ROOT, progress=_progress, modules=modules)
    except DeclarationError as e:
        if not state["serve"] or state["catalog"] is None:
            raise PluginError(f"figure declaration error: {e}") from None
        # While serving, keep the last good figures and say what to fix.
        log.error(f"figure declaration error (pages keep the last good figures): {e}")
        return
    if report.ran or report.restored:
        slowest = ", ".join(f"{label} {s:.1f} s" for label, s in
                            sorted(report.ran, key=lambda r: -r[1])[:5])
        log.info(f"figures: {len(report.ran)} ran, {len(report.restored)} from the cache, "
                 f"{report.fresh} fresh in {report.seconds:.1f} s"
                 + (f" (slowest: {slowest})" if slowest else ""))
    if report.failures and not state["serve"]:
        first = report.failures[0]
        detail = first.detail.strip().splitlines()[-12:]
        raise PluginError("\n".join(
            [f.message() for f in report.failures] + ["", *detail, "",
             f"Fix the figure, then check it alone with: python -m gen --only '{first.label}'"]))
    for failure in report.failures:
        log.error(failure.message())
    state["modules"] = modules
    state["catalog"] = Catalog.load(modules, ROOT / pipeline.FIGURES, report.failures)


@event_priority(50)      # before the blog plugin (-50) reads the posts' front matter
def on_files(files, config):
    # Front matter and unsafe Markdown (gen/validate.py): stop the build, or in
    # `serve` log the problems and show them on their page.
    problems = validate.check_files(ROOT, config, files)
    if problems and not state["serve"]:
        raise PluginError(validate.report(problems))
    state["problems"] = {}
    for problem in problems:
        log.error(str(problem))
        state["problems"].setdefault(str((ROOT / problem.file).resolve()), []).append(problem)
    figures = ROOT / pipeline.FIGURES
    # Drawings, and the data some figures export (figures/<module>/<figure>/*.json).
    for path in sorted([*figures.glob("*/*"), *figures.glob("*/*/*.json")]):
        if (path.suffix in (".svg", ".png") or path.parent.parent != figures) and \
                path.is_file() and not path.name.startswith("."):
            files.append(File.generated(config, path.relative_to(ROOT).as_posix(),
                                        abs_src_path=str(path)))
    state["listings"] = {}
    for module in state["modules"]:
        source = module.path.read_text(encoding="utf-8")
        state["listings"][f"{CODE_DIR}/{module.name}.md"] = (module.name, source)
        content = (f"---\ntitle: {module.rel}\nsearch:\n  exclude: true\n---\n\n"
                   f"# `{module.rel}`\n\nThe program that draws the figures of "
                   f"[this article](../articles/{module.slug}.md). It runs at every build; "
                   f"`python -m gen --only '{module.name}/*' --force` reruns it alone.\n\n"
                   f"{listings.PLACEHOLDER}\n")
        files.append(File.generated(config, f"{CODE_DIR}/{module.name}.md", content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    slug = page.meta.get("figures") or Path(src).stem

    def code_url(module: str) -> str:
        return get_relative_url(f"{CODE_DIR}/{module}/", page.url)

    expander = Expander(state["catalog"], serve=state["serve"])
    # The source's line the Markdown starts on (MkDocs removed the front matter), so
    # that errors name it; unknown if an earlier plugin changed the Markdown.
    source = page.file.content_string.replace("\r\n", "\n")
    first_line = (source.count("\n", 0, len(source) - len(markdown)) + 1
                  if source.endswith(markdown) else None)
    problems = state.get("problems", {}).get(str(Path(page.file.abs_src_path or "").resolve()))
    if problems:
        box = error_box("This page has problems", "\n".join(map(str, problems)))
        markdown = box + markdown
        first_line = None if first_line is None else first_line - box.count("\n")
    try:
        return expander.expand(markdown, Page(src, slug_to_module(slug), code_url,
                                              lambda path: get_relative_url(path, page.url),
                                              first_line))
    except ShortcodeError as e:
        raise PluginError(str(e)) from None


@event_priority(100)     # before other plugins read the page's HTML
def on_page_content(html, page, config, files):
    listing = state["listings"].get(page.file.src_uri)
    if listing is None:
        return html
    return listings.fill(html, listings.html(ROOT, *listing, config))
