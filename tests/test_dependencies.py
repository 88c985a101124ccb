"""Which figures rerun for which edit: the figure-level keys of gen/deps.py.

One small synthetic checkout (three figures sharing helpers, a gen.lib module,
one figure that looks a name up at run time) is built once; each test edits a
copy and asserts exactly which figures go stale. A coarser analysis (whole
modules) or a wrong one (missing a transitive use) fails them.
"""
from __future__ import annotations

import json

import pytest

from conftest import TinyProject, clone_project
from gen import build as pipeline

DRAW_LINE = '''\
def draw_line(value):
    def draw(fig, theme):
        fig.subplots().plot([0, 1], [0, value], color=theme.colors[0])
    return draw
'''

MODULE = '''\
"""Figures that share some code and not other code."""
from gen.figure import figure
from gen.lib import tools
from gen.lib.tools import ROUND

SCALE = 2.0        # used by helper, so by a and b
OTHER = 5.0        # used by c only


def helper(x):
    """Scale x."""
    return x * SCALE


def only_c():
    return OTHER

{draw_line}

@figure("a", caption="Figure a.", alt="A line rising from left to right.", size=(2, 1.5))
def fig_a(seed, quick=False):
    value = helper(1.0)
    return draw_line(value), {"a": value}


@figure("b", caption="Figure b.", alt="A line rising from left to right.", size=(2, 1.5))
def fig_b(seed, quick=False):
    value = round(helper(2.0) + tools.offset(), ROUND)
    return draw_line(value), {"b": value}


@figure("c", caption="Figure c.", alt="A line rising from left to right.", size=(2, 1.5))
def fig_c(seed, quick=False):
    value = only_c()
    return draw_line(value), {"c": value}
'''.replace("{draw_line}", DRAW_LINE)

TOOLS = '''\
ROUND = 3


def offset():
    return 0.5


def unrelated():
    return 1
'''

DYNAMIC = '''\
from gen.figure import figure


def one():
    return 1.0


def two():
    return 2.0

{draw_line}

@figure("by-name", caption="Looked up.", alt="A line rising from left to right.", size=(2, 1.5))
def by_name(seed, quick=False):
    value = globals()["one"]()
    return draw_line(value), {"by_name": value}


@figure("plain", caption="Plain.", alt="A line rising from left to right.", size=(2, 1.5))
def plain(seed, quick=False):
    value = two()
    return draw_line(value), {"plain": value}
'''.replace("{draw_line}", DRAW_LINE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> TinyProject:
    project = TinyProject(tmp_path_factory.mktemp("deps") / "project")
    for rel in ("gen/articles/alpha.py", "gen/articles/beta.py"):
        (project.root / rel).unlink()
    project.write("gen/articles/mod.py", MODULE)
    project.write("gen/lib/tools.py", TOOLS)
    project.write("gen/articles/dyn.py", DYNAMIC)
    report = pipeline.build(project.root, jobs=1)
    assert not report.failures and len(report.ran) == 5
    return project


@pytest.fixture
def project(built, tmp_path) -> TinyProject:
    return clone_project(built, tmp_path / "project")


def edit(project: TinyProject, rel: str, old: str, new: str) -> None:
    path = project.root / rel
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def stale(project: TinyProject, **kw) -> set[str]:
    return {job.label for job in pipeline.plan(project.root, **kw) if job.reasons}


def test_a_fresh_checkout_is_fresh(project):
    assert stale(project) == set()


def test_editing_one_figure_function_reruns_that_figure_alone(project):
    edit(project, "gen/articles/mod.py", "value = helper(1.0)", "value = helper(1.5)")
    assert stale(project) == {"mod/a"}
    report = pipeline.build(project.root, jobs=1)
    assert [label for label, _ in report.ran] == ["mod/a"]


def test_editing_a_helper_reruns_exactly_its_users(project):
    edit(project, "gen/articles/mod.py", "SCALE = 2.0", "SCALE = 3.0")     # through helper()
    assert stale(project) == {"mod/a", "mod/b"}
    reasons = {job.label: job.reasons for job in pipeline.plan(project.root)}
    assert reasons["mod/a"] == ["gen/articles/mod.py::SCALE changed"]


def test_editing_what_only_another_figure_uses_reruns_nothing_here(project):
    edit(project, "gen/articles/mod.py", "OTHER = 5.0", "OTHER = 6.0")
    assert stale(project) == {"mod/c"}


def test_a_helper_in_another_gen_module_is_followed_by_name(project):
    edit(project, "gen/lib/tools.py", "return 0.5", "return 0.25")
    assert stale(project) == {"mod/b"}
    edit(project, "gen/lib/tools.py", "return 1", "return 2")          # nobody uses unrelated()
    assert stale(project) == {"mod/b"}


@pytest.mark.parametrize("old, new", [
    ("SCALE = 2.0        # used by helper, so by a and b", "SCALE = 2.0  # another comment"),
    ('    """Scale x."""\n', '    """Multiply x by the scale."""\n'),
    ('"""Figures that share some code and not other code."""', '"""A new module docstring."""'),
    ("value = helper(1.0)", "value = helper(\n        1.0,\n    )"),
    ('caption="Figure a."', 'caption="A better caption."'),        # the page's, not the drawing's
    ("\n\ndef only_c", "\n\n\n\ndef only_c"),
])
def test_comments_docstrings_formatting_and_captions_rerun_nothing(project, old, new):
    edit(project, "gen/articles/mod.py", old, new)
    assert stale(project) == set()


def test_revert_restores_from_the_cache_without_running(project):
    figure = project.root / "figures" / "mod" / "a.svg"
    original = figure.read_bytes()
    edit(project, "gen/articles/mod.py", "value = helper(1.0)", "value = helper(1.5)")
    assert [label for label, _ in pipeline.build(project.root, jobs=1).ran] == ["mod/a"]
    assert figure.read_bytes() != original
    edit(project, "gen/articles/mod.py", "value = helper(1.5)", "value = helper(1.0)")
    assert pipeline.plan(project.root, only="mod/a")[0].cached
    report = pipeline.build(project.root, jobs=1)
    assert report.ran == [] and report.restored == ["mod/a"] and not report.failures
    assert figure.read_bytes() == original
    entry = json.loads((project.root / "figures/mod/a.json").read_text())
    assert entry["numbers"] == {"a": 2.0}
    again = pipeline.build(project.root, jobs=1)                   # and then a no-op
    assert again.ran == [] and again.restored == [] and again.fresh == 5


def test_the_cache_keeps_only_the_last_few_results_per_figure(project, monkeypatch):
    monkeypatch.setattr(pipeline, "KEEP", 2)
    for value in ("1.25", "1.5", "1.75"):
        edit(project, "gen/articles/mod.py", "value = helper(1.0)", f"value = helper({value})")
        assert [label for label, _ in pipeline.build(project.root, jobs=1).ran] == ["mod/a"]
        edit(project, "gen/articles/mod.py", f"value = helper({value})", "value = helper(1.0)")
    kept = list((project.root / pipeline.CACHE / "mod" / "a").iterdir())
    assert len(kept) == 2
    assert pipeline.plan(project.root, only="mod/a")[0].reasons      # the original was dropped
    assert not pipeline.plan(project.root, only="mod/a")[0].cached


def test_a_run_time_lookup_falls_back_to_the_whole_module_and_explain_says_so(project):
    edit(project, "gen/articles/dyn.py", "return 1.0", "return 1.5")    # one(), via globals()
    assert stale(project) == {"dyn/by-name"}
    edit(project, "gen/articles/dyn.py", "return 2.0", "return 2.5")    # two(): both use it
    assert stale(project) == {"dyn/by-name", "dyn/plain"}
    out = project.gen("--explain").stdout.splitlines()
    line = next(line for line in out if line.startswith("dyn/by-name: "))
    assert "gen/articles/dyn.py (whole module) changed" in line
    assert "globals() in gen/articles/dyn.py:" in line and "whole of gen/articles/dyn.py" in line
    plain = next(line for line in out if line.startswith("dyn/plain: "))
    assert plain == "dyn/plain: gen/articles/dyn.py::two changed"
    assert out[-1] == "2 stale (0 of them restored from the cache), 3 fresh"


@pytest.mark.parametrize("lookup", ['globals()["one"]', 'eval("one")',
                                    'getattr(sys.modules[__name__], "one")'])
def test_every_kind_of_run_time_lookup_falls_back_to_the_whole_module(project, lookup):
    edit(project, "gen/articles/dyn.py", 'globals()["one"]', lookup)
    edit(project, "gen/articles/dyn.py", "from gen.figure", "import sys\nfrom gen.figure")
    edit(project, "gen/articles/dyn.py", "return 2.0", "return 2.5")
    assert {"dyn/by-name", "dyn/plain"} <= stale(project)
    (job,) = pipeline.plan(project.root, only="dyn/by-name")
    assert "gen/articles/dyn.py (whole module)" in job.deps
    assert any("whole of gen/articles/dyn.py" in note for note in job.notes)


def test_explain_names_a_library_version(project, monkeypatch):
    real = pipeline.library_versions()
    monkeypatch.setattr(pipeline, "library_versions", lambda: {**real, "numpy": "0.0.1"})
    reasons = pipeline.plan(project.root, only="mod/c")[0].reasons
    assert reasons == [f"numpy {real['numpy']} -> 0.0.1"]


def test_quick_never_writes_into_figures(project):
    before = project.snapshot()
    proc = project.gen("--only", "mod/*", "--quick", "--force", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert "3 ran" in proc.stderr
    assert project.snapshot() == before                     # figures/ untouched, bytes and mtimes
    assert stale(project) == set()                          # and the real figures still fresh
    quick = list((project.root / pipeline.CACHE / "mod" / "a").glob("quick-*/a.svg"))
    assert len(quick) == 1
    assert stale(project, quick=True, only="mod/*") == set()    # a second --quick runs nothing


def test_quick_on_a_fresh_checkout_publishes_nothing(tmp_path):
    project = TinyProject(tmp_path / "project")
    report = pipeline.build(project.root, jobs=1, quick=True, only="alpha/*")
    assert len(report.ran) == 2 and not report.failures
    assert not (project.root / "figures" / "alpha").exists()
    assert stale(project, only="alpha/*") == {"alpha/one", "alpha/two"}


def test_a_syntax_error_in_a_helper_module_names_its_file_and_line(project):
    edit(project, "gen/lib/tools.py", "ROUND = 3", "ROUND = = 3")
    proc = project.gen("--explain")
    assert proc.returncode == 2
    assert "error: gen/lib/tools.py:1: syntax error" in proc.stderr


def test_a_removed_figure_leaves_nothing_in_the_cache(project):
    cache = project.root / pipeline.CACHE
    assert (cache / "mod" / "c").is_dir()
    text = (project.root / "gen/articles/mod.py").read_text()
    project.write("gen/articles/mod.py", text[:text.index('@figure("c"')])
    report = pipeline.build(project.root, jobs=1)
    assert report.ran == [] and not report.failures
    assert not (cache / "mod" / "c").exists() and (cache / "mod" / "a").is_dir()
    (project.root / "gen/articles/dyn.py").unlink()
    pipeline.build(project.root, jobs=1)
    assert not (cache / "dyn").exists()
