"""Shared fixtures: the real figures of the repository, built once per session."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from gen import build as pipeline  # noqa: E402

EPOCH = "1767225600"    # 2026-01-01: fixed so that two builds can be compared byte for byte


@pytest.fixture(scope="session")
def module_numbers():
    """`module_numbers("activation_functions")`: the numbers its figures computed.

    Brings that module's figures up to date with the real pipeline (a cache hit
    when figures/ is current), then reads figures/<module>/*.json. The claims a
    figure makes are asserted on these, the very numbers the articles quote.
    """
    cache: dict[str, dict] = {}

    def get(module: str) -> dict:
        if module not in cache:
            report = pipeline.build(ROOT, only=f"{module}/*")
            assert not report.failures, "\n".join(
                f.message() + "\n" + f.detail for f in report.failures)
            numbers = {}
            for entry in sorted((ROOT / "figures" / module).glob("*.json")):
                numbers.update(json.loads(entry.read_text())["numbers"])
            assert numbers, f"no figures built for gen/articles/{module}.py"
            cache[module] = numbers
        return cache[module]

    return get


REBUILD = ROOT / "docs" / "playground" / "rebuild.py"      # the playground's export script


def rebuild_prints(path):
    """rebuild.py's test accuracy and loss for the export at `path`, as it prints them."""
    done = subprocess.run([sys.executable, str(REBUILD), str(path)], capture_output=True, text=True, check=True)
    printed = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines())
    return float(printed["test accuracy"]), float(printed["test loss"])


def mkdocs_build(dest: Path, *args: str, cwd: Path = ROOT, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest), *args],
        cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env})


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """One real `mkdocs build --strict` of the whole repository."""
    dest = tmp_path_factory.mktemp("site")
    proc = mkdocs_build(dest)
    assert proc.returncode == 0, proc.stderr
    return dest


TINY_MKDOCS = """\
site_name: Tiny
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
hooks:
  - gen/mkdocs_hooks.py
markdown_extensions:
  - attr_list
  - md_in_html
not_in_nav: |
  /code/
nav:
  - index.md
  - articles/alpha.md
"""

TINY_FIGURE = '''\
import os
from gen.figure import figure
{body}'''

FIGURE_BODY = '''

@figure("{name}", caption="Caption of {name}.", alt="A line rising from left to right.",
        size=(2, 1.5))
def {func}(seed, quick=False):
    value = {value}
    def draw(fig, theme):
        ax = fig.subplots()
        ax.plot([0, 1], [0, value], color=theme.colors[0])
    return draw, {{"{func}_value": value{extra}}}
'''


def tiny_figure(name: str, value: float = 1.0) -> str:
    """Source of a fast figure function; its numbers include the worker's pid."""
    func = name.replace("-", "_")
    return TINY_FIGURE.format(body=FIGURE_BODY.format(
        name=name, func=func, value=value, extra=f', "{func}_pid": os.getpid()'))


class TinyProject:
    """A throw-away checkout: the real pipeline code, tiny figure modules, a tiny site."""

    def __init__(self, root: Path):
        import shutil

        self.root = root
        (root / "gen").mkdir(parents=True)
        for src in (ROOT / "gen").glob("*.py"):
            shutil.copy2(src, root / "gen" / src.name)
        for sub in ("articles", "lib"):
            (root / "gen" / sub).mkdir()
            (root / "gen" / sub / "__init__.py").write_text("")
        (root / "mkdocs.yml").write_text(TINY_MKDOCS)
        (root / "docs" / "articles").mkdir(parents=True)
        (root / "docs" / "index.md").write_text("# Tiny\n")
        self.write("gen/articles/alpha.py", tiny_figure("one") + tiny_figure("two", 2.0))
        self.write("gen/articles/beta.py", tiny_figure("three", 3.0))
        self.write("docs/articles/alpha.md",
                   "# Alpha\n\n<!-- md:figure one -->\n\nValue <!-- md:number two_value .1f -->.\n")

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Bytes and mtime of every file under figures/ (the lock file aside)."""
        folder = self.root / "figures"
        return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}

    def gen(self, *args: str, **env) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "gen", "--root", str(self.root), *args],
                              cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, **env})

    def mkdocs(self, dest: Path, *args: str, **env) -> subprocess.CompletedProcess:
        return mkdocs_build(dest, *args, cwd=self.root, **env)


@pytest.fixture
def tiny_project(tmp_path) -> TinyProject:
    return TinyProject(tmp_path / "project")


# --- A tiny project with a blog: built once per session, copied per test ---

TINY_SITE_MKDOCS = """\
site_name: Tiny
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
plugins:
  - blog
hooks:
  - gen/mkdocs_hooks.py
watch:
  - gen
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
not_in_nav: |
  /code/
"""

TINY_POST = """\
---
date: 2026-11-02
authors:
  - ed
categories:
  - News
description: The first post of the tiny blog.
---

# Hello

The excerpt.

<!-- more -->

The rest.
"""


def site_figure(name: str, value: float = 1.0) -> str:
    """Source of a fast, deterministic figure function (same bytes on every run)."""
    return FIGURE_BODY.format(name=name, func=name.replace("-", "_"), value=value, extra="")


def add_blog(project: TinyProject) -> TinyProject:
    """Make `project` a whole site: deterministic figures, front matter, a blog with a post."""
    project.write("mkdocs.yml", TINY_SITE_MKDOCS)
    head = "from gen.figure import figure\n"
    project.write("gen/articles/alpha.py", head + site_figure("one") + site_figure("two", 2.0))
    project.write("gen/articles/beta.py", head + site_figure("three", 3.0))
    project.write("docs/articles/alpha.md",
                  "---\ntitle: Alpha\ndescription: The tiny article.\n---\n\n"
                  "<!-- md:figure one -->\n\nValue <!-- md:number two_value .1f -->.\n")
    project.write("docs/articles/beta.md",
                  "---\ntitle: Beta\ndescription: The other tiny article.\n---\n\n"
                  "<!-- md:figure three -->\n")
    project.write("docs/blog/index.md", "# Blog\n")
    project.write("docs/blog/.authors.yml",
                  "authors:\n  ed:\n    name: Ed\n    description: Editor\n"
                  "    avatar: https://example.invalid/ed.png\n")
    project.write("docs/blog/posts/hello.md", TINY_POST)
    return project


def clone_project(project: TinyProject, dest: Path) -> TinyProject:
    """A copy of `project` at `dest`; file bytes and mtimes kept, so built figures stay fresh."""
    import copy
    import shutil

    shutil.copytree(project.root, dest, symlinks=True)
    twin = copy.copy(project)
    twin.root = dest
    return twin


def run_gen(project: TinyProject, *args: str, **env) -> subprocess.CompletedProcess:
    """`python -m gen ARGS --root PROJECT`, e.g. run_gen(p, "check") or run_gen(p, "new", ...)."""
    return subprocess.run([sys.executable, "-m", "gen", *args, "--root", str(project.root)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env})


@pytest.fixture(scope="session")
def tiny_site_template(tmp_path_factory) -> TinyProject:
    """A tiny site (see add_blog) with its figures built, once; copy it, never change it."""
    project = add_blog(TinyProject(tmp_path_factory.mktemp("tiny-site") / "project"))
    proc = project.gen("--jobs", "1")              # three tiny figures: one worker will do
    assert proc.returncode == 0, proc.stderr
    return project


@pytest.fixture
def tiny_site(tiny_site_template, tmp_path) -> TinyProject:
    """A fresh copy of the built tiny site, for one test to change as it likes."""
    return clone_project(tiny_site_template, tmp_path / "project")
