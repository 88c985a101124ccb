"""Fault injection: whatever breaks, the build says what and where, exits non-zero,
and leaves figures/ as it was.

Everything runs in throw-away copies of a tiny project (the real gen/ code,
figure modules that take milliseconds, a blog), never in this checkout: see
`tiny_site` in conftest.py.
"""
from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import EPOCH, clone_project, run_gen
from gen.discover import discover
from gen.shortcodes import Catalog, Expander, Page, ShortcodeError

BROKEN = '''\
import time

import numpy as np

from gen.figure import figure
'''
FAULTS = {
    # figure name: (body of the figure function, what the error must say). They run in
    # this order; the hanging one last, so that no worker is started just to be closed.
    "raises": ("raise ValueError('bad data')", ["ValueError: bad data"]),
    "wrong-type": ("return 'a picture'",
                   ["returned str", "must return draw, (draw, numbers)"]),
    "too-big": ("""\
def draw(fig, theme):
    rng = np.random.default_rng(seed)
    fig.subplots().scatter(rng.random(4000), rng.random(4000), s=1)
return draw""", ["over the 300 KB budget", "set_rasterized(True)"]),
    # (60 s, not forever: were the timeout broken, this fails in a minute, not hangs.)
    "hangs": ("time.sleep(60)", ["ran longer than its 2 s timeout", "timeout="]),
}


def broken_module() -> str:
    parts = [BROKEN]
    for name, (body, _) in FAULTS.items():
        func = name.replace("-", "_")
        # Only the hanging figure runs under the 2 s default of --timeout and
        # NONLINEAR_TIMEOUT; the others declare their own, so a loaded machine
        # cannot turn their error into a timeout.
        own = "" if name == "hangs" else ", timeout=60"
        parts.append(f'\n\n@figure("{name}", caption="Broken: {name}.",\n'
                     f'        alt="A figure that is broken on purpose, for the tests."{own})\n'
                     f"def {func}(seed, quick=False):\n{textwrap.indent(body, '    ')}\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def broken(tiny_site_template, tmp_path_factory):
    """One checkout with four broken figures, run once by `python -m gen` and once by
    `mkdocs build --strict`: every failure must be reported, none may mask another."""
    project = clone_project(tiny_site_template, tmp_path_factory.mktemp("broken") / "project")
    project.write("gen/articles/broken.py", broken_module())
    project.write("docs/articles/broken.md", "---\ntitle: Broken\ndescription: Broken "
                  "figures.\n---\n\n# Broken\n\n" +
                  "".join(f"<!-- md:figure {name} -->\n\n" for name in FAULTS))
    before = project.snapshot()
    start = time.monotonic()
    gen = project.gen("--timeout", "2")
    site = project.root.parent / "site"
    build = project.mkdocs(site, NONLINEAR_TIMEOUT="2")
    return project, before, gen, build, site, time.monotonic() - start


@pytest.mark.parametrize("name", FAULTS)
def test_broken_figure_is_named_and_nothing_is_written(broken, name):
    project, before, gen, build, site, _ = broken
    culprit = f"figure 'broken/{name}' in gen/articles/broken.py failed"
    for proc in (gen, build):
        assert proc.returncode != 0
        assert culprit in proc.stderr, proc.stderr
        for words in FAULTS[name][1]:
            assert words in proc.stderr, proc.stderr
    assert gen.returncode == 1
    assert not (site / "index.html").exists()
    assert project.snapshot() == before                   # bytes and mtimes
    assert not (project.root / "figures" / "broken").exists()


def test_a_hanging_figure_costs_its_timeout_not_more(broken):
    *_, seconds = broken
    assert seconds < 45          # two runs; each stops the hanging figure after 2 s, not 60


def test_unknown_shortcode_name_fails_the_build_with_a_suggestion(tiny_site, tmp_path):
    before = tiny_site.snapshot()
    page = tiny_site.root / "docs/articles/alpha.md"
    page.write_text(page.read_text().replace("md:figure one", "md:figure onee"))
    proc = tiny_site.mkdocs(tmp_path / "site")
    assert proc.returncode != 0
    assert ("articles/alpha.md:6: <!-- md:figure onee -->: no figure 'onee' in "
            "gen/articles/alpha.py; did you mean 'one'?") in proc.stderr
    check = run_gen(tiny_site, "check")
    assert check.returncode == 1
    assert "docs/articles/alpha.md:6: shortcode:" in check.stderr
    assert "did you mean 'one'?" in check.stderr
    assert tiny_site.snapshot() == before


@pytest.mark.parametrize("markdown, words", [
    ("<!-- md:figur one -->", ["unknown shortcode kind 'md:figur'", "did you mean 'figure'?"]),
    ("<!-- md:figure onee -->", ["no figure 'onee' in gen/articles/alpha.py",
                                 "did you mean 'one'?"]),
    ("<!-- md:number two_valeu -->", ["no number 'two_valeu'", "did you mean 'two_value'?"]),
    ("<!-- md:number alpah/two_value -->", ["no figure module for article 'alpah'",
                                            "did you mean 'alpha'?"]),
    ("<!-- md:number zzz -->", ["no number 'zzz'", "known: one_value, two_value"]),
])
def test_unknown_names_suggest_the_nearest(tiny_site_template, markdown, words):
    root = tiny_site_template.root
    catalog = Catalog.load(discover(root), root / "figures")
    with pytest.raises(ShortcodeError) as error:
        Expander(catalog).expand(f"Text {markdown} text", Page("articles/alpha.md", "alpha"))
    message = str(error.value)
    assert message.startswith(f"articles/alpha.md:1: {markdown}: ")
    for word in words:
        assert word in message


def test_posts_without_a_date_or_with_an_impossible_one_fail(tiny_site, tmp_path):
    posts = tiny_site.root / "docs/blog/posts"
    good = (posts / "hello.md").read_text()
    (posts / "undated.md").write_text(good.replace("date: 2026-11-02\n", "")
                                      .replace("# Hello", "# Undated"))
    (posts / "impossible.md").write_text(good.replace("2026-11-02", "2026-02-30")
                                         .replace("# Hello", "# Impossible"))
    before = tiny_site.snapshot()
    proc = tiny_site.mkdocs(tmp_path / "site")
    check = run_gen(tiny_site, "check")
    for out in (proc, check):
        assert out.returncode != 0
        assert ("docs/blog/posts/undated.md:1: date: missing; every post needs one, "
                "e.g. date: 2026-11-09") in out.stderr, out.stderr
        assert ("docs/blog/posts/impossible.md:2: date: date '2026-02-30' is not a real "
                "date (day is out of range for month)") in out.stderr, out.stderr
        assert "hello.md" not in out.stderr
    assert not (tmp_path / "site" / "index.html").exists()
    assert tiny_site.snapshot() == before


SLOW = '''
@figure("{name}", caption="Slow {name}.", alt="A line drawn slowly, for the tests.",
        size=(2, 1.5))
def {name}(seed, quick=False):
    time.sleep(0.3)
    def draw(fig, theme):
        fig.subplots().plot([0, 1], [1, 0], color=theme.colors[1])
    return draw, {{"{name}_value": 1}}
'''


def _add_slow_figures(project, count=3):
    names = [f"slow{i}" for i in range(count)]
    project.write("gen/articles/slow.py", "import time\nfrom gen.figure import figure\n" +
                  "".join(SLOW.format(name=n) for n in names))
    project.write("docs/articles/slow.md", "---\ntitle: Slow\ndescription: Slow figures."
                  "\n---\n\n# Slow\n\n" + "".join(f"<!-- md:figure {n} -->\n\n" for n in names))
    shutil.rmtree(project.root / "figures")
    shutil.rmtree(project.root / ".cache")      # or the tiny site's figures come back from it
    return len(names) + 3                       # alpha/one, alpha/two, beta/three


def _mkdocs(project, dest: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
        cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, **popen)


def _figures(project) -> dict[str, bytes]:
    """figures/ as bytes; timings in the cache entries aside (they differ run to run)."""
    out = {}
    for path in sorted((project.root / "figures").rglob("*")):
        if path.is_file() and path.name != ".lock":
            data = path.read_bytes()
            if path.suffix == ".json":
                entry = json.loads(data)
                entry.pop("seconds")
                data = json.dumps(entry, sort_keys=True).encode()
            out[path.relative_to(project.root).as_posix()] = data
    return out


def _same_tree(a: Path, b: Path) -> list[str]:
    """Files that differ between two trees (missing on either side, or other bytes)."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    diff = sorted(files_a ^ files_b)
    diff += [f for f in sorted(files_a & files_b)
             if not filecmp.cmp(a / f, b / f, shallow=False)]
    return diff


def test_build_killed_while_writing_figures_then_rebuilt_equals_a_clean_build(
        tiny_site_template, tmp_path):
    killed = clone_project(tiny_site_template, tmp_path / "killed")
    total = _add_slow_figures(killed)
    proc = _mkdocs(killed, tmp_path / "site-killed", start_new_session=True)
    figures = killed.root / "figures"
    deadline = time.monotonic() + 60
    while not list(figures.glob("*/*.svg")) and proc.poll() is None:
        assert time.monotonic() < deadline, "no figure was written within 60 s"
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)           # the build and its workers, mid-way
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    entries = list(figures.glob("*/*.json"))
    assert len(entries) < total, "the build finished before it was killed"
    # As if the kill had also landed inside a write: a half-written temp file.
    (figures / "alpha").mkdir(exist_ok=True)
    (figures / "alpha" / ".one.svg.tmp.999999").write_bytes(b"<svg")

    clean = clone_project(tiny_site_template, tmp_path / "clean")
    _add_slow_figures(clean)
    rebuilt = _mkdocs(killed, tmp_path / "site-killed")
    fresh = _mkdocs(clean, tmp_path / "site-clean")
    for p in (rebuilt, fresh):
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    assert _figures(killed) == _figures(clean)
    assert len(_figures(clean)) == total * 3      # light, dark, cache entry
    assert not list((killed.root / ".cache").rglob("*.tmp.*"))    # no half-saved result kept
    assert _same_tree(tmp_path / "site-killed", tmp_path / "site-clean") == []


def test_two_builds_at_once_share_the_work_and_agree(tiny_site_template, tmp_path):
    project = clone_project(tiny_site_template, tmp_path / "project")
    total = _add_slow_figures(project, count=1)
    procs = [_mkdocs(project, tmp_path / f"site{i}") for i in (1, 2)]
    logs = []
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        logs.append(err)
    # figures/.lock serialises them: one draws every figure, the other finds them fresh.
    drawn = [len(re.findall(r"figure \[\d+/\d+\] \S+ \(", log)) for log in logs]
    assert sorted(drawn) == [0, total], logs
    assert (project.root / "figures" / ".lock").is_file()
    assert _same_tree(tmp_path / "site1", tmp_path / "site2") == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(what: str, predicate, proc, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mkdocs serve died:\n{log.read_text()}"
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()}")


def test_serve_shows_a_failing_figure_and_recovers_without_restart(tiny_site, tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/articles/beta/"
    module = tiny_site.root / "gen/articles/beta.py"       # one figure: one worker a round
    good = module.read_text()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload",
             "-a", f"127.0.0.1:{port}"],
            cwd=tiny_site.root, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, start_new_session=True)
    try:
        page = _wait_for("the first page", lambda: _get(url), proc, log)
        assert 'id="figure-three"' in page and "nl-error" not in page

        module.write_text(good.replace("value = 3.0", "raise ValueError('bad data')", 1))
        page = _wait_for("the error box", lambda: (p := _get(url)) and "nl-error" in p and p,
                         proc, log)
        assert re.search(r"Figure (&#x27;|')three(&#x27;|') failed in gen/articles/beta.py",
                         page)
        assert "ValueError: bad data" in page
        assert re.search(r"figure 'beta/three' in gen/articles/beta.py failed: "
                         r"ValueError: bad data", log.read_text())
        assert proc.poll() is None

        module.write_text(good.replace("value = 3.0", "value = 3.5", 1))
        page = _wait_for("the page to recover",
                         lambda: (p := _get(url)) and "nl-error" not in p and p, proc, log)
        assert 'id="figure-three"' in page

        # A page problem (here: no description) is logged and boxed on its page, too.
        article = tiny_site.root / "docs/articles/beta.md"
        article.write_text(article.read_text().replace("description: ", "summary: "))
        page = _wait_for("the page problem box",
                         lambda: (p := _get(url)) and "This page has problems" in p and p,
                         proc, log)
        assert "docs/articles/beta.md:1: description: missing" in page
        assert "docs/articles/beta.md:1: description: missing" in log.read_text()
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
