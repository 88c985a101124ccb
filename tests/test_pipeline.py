"""The figure pipeline: staleness, parallel workers, failures, atomic deterministic writes."""
from __future__ import annotations

import io
import json
import os
import re

import pytest

from conftest import ROOT, tiny_figure
from gen import build as pipeline
from gen import workers
from gen.deps import Analysis
from gen.discover import DeclarationError, parse_module


def build(project, **kw):
    """One worker unless a test needs more: each worker start costs a numpy+matplotlib import."""
    return pipeline.build(project.root, **{"jobs": 1, **kw})


def stale(project, **kw) -> set[str]:
    return {job.label for job in pipeline.plan(project.root, **kw) if job.reasons}


def numbers(project, module: str, figure: str) -> dict:
    return json.loads((project.root / "figures" / module / f"{figure}.json").read_text())["numbers"]


def test_first_build_runs_everything_then_nothing(tiny_project):
    first = build(tiny_project, jobs=2)
    assert not first.failures
    assert sorted(label for label, _ in first.ran) == ["alpha/one", "alpha/two", "beta/three"]
    for name in ("alpha/one.svg", "alpha/one.dark.svg", "beta/three.svg", "beta/three.json"):
        assert (tiny_project.root / "figures" / name).is_file()
    second = build(tiny_project, jobs=2)
    assert second.ran == [] and second.fresh == 3 and second.changed_files == []


def test_workers_are_reused_across_figures(tiny_project):
    build(tiny_project, jobs=2)                      # three figures, two workers
    pids = {numbers(tiny_project, m, f)[f"{f}_pid"]
            for m, f in (("alpha", "one"), ("alpha", "two"), ("beta", "three"))}
    assert len(pids) <= 2 and os.getpid() not in pids


def test_what_a_figure_printed_last_reaches_the_log(tiny_project):
    # A worker leaves without the interpreter's teardown once the build is over;
    # output still in its buffers (a print without a newline) must not be lost.
    tiny_project.write("gen/articles/beta.py", tiny_figure("three").replace(
        "    value = 1.0", "    print('three: no newline yet', end='')\n    value = 1.0"))
    proc = tiny_project.gen("--only", "beta/*", PYTHONUNBUFFERED="")   # buffered, as by default
    assert proc.returncode == 0, proc.stderr
    assert "three: no newline yet" in proc.stderr


def test_editing_a_module_reruns_only_its_figures(tiny_project):
    build(tiny_project)
    tiny_project.write("gen/articles/beta.py", tiny_figure("three", 3.5))
    assert stale(tiny_project) == {"beta/three"}
    report = build(tiny_project)
    assert [label for label, _ in report.ran] == ["beta/three"]
    assert numbers(tiny_project, "beta", "three")["three_value"] == 3.5


def test_editing_an_imported_gen_module_reruns_its_importers(tiny_project):
    tiny_project.write("gen/lib/helper.py", "SCALE = 1\n")
    tiny_project.write("gen/lib/deeper.py", "from gen.lib.helper import SCALE\n")
    src = tiny_figure("three", 3.0).replace("import os\n", "import os\nfrom gen.lib import deeper\n")
    tiny_project.write("gen/articles/beta.py", src.replace("value = 3.0", "value = 3.0 * deeper.SCALE"))
    build(tiny_project)
    tiny_project.write("gen/lib/helper.py", "SCALE = 2\n")       # imported through deeper.py
    assert stale(tiny_project) == {"beta/three"}
    assert any("gen/lib/helper.py::SCALE changed" in r
               for job in pipeline.plan(tiny_project.root) for r in job.reasons)


def test_local_imports_follow_relative_and_absolute_forms(tiny_project):
    root = tiny_project.root
    tiny_project.write("gen/lib/a.py", "from . import b\n")
    tiny_project.write("gen/lib/b.py", "import gen.lib.c\n")
    tiny_project.write("gen/lib/c.py", "import numpy\n")
    analysis = Analysis(root)
    imports = {name: {p.relative_to(root).as_posix() for p in analysis.local_imports(root / name)}
               for name in ("gen/lib/a.py", "gen/lib/b.py", "gen/lib/c.py")}
    assert imports["gen/lib/a.py"] == {"gen/lib/b.py", "gen/lib/__init__.py"}
    assert imports["gen/lib/b.py"] == {"gen/lib/c.py"}
    assert imports["gen/lib/c.py"] == set()


def test_shared_style_change_makes_every_figure_stale(tiny_project):
    build(tiny_project)
    style = tiny_project.root / "gen" / "style.py"
    style.write_text(style.read_text() + "\n# a comment changes no figure\n")
    assert stale(tiny_project) == set()
    style.write_text(style.read_text() + "\nNEW_COLOUR = '#123456'\n")
    assert stale(tiny_project) == {"alpha/one", "alpha/two", "beta/three"}


def test_declared_data_file_change_reruns_only_that_figure(tiny_project):
    tiny_project.write("gen/data/points.csv", "1,2\n")
    src = tiny_figure("three", 3.0).replace('size=(2, 1.5))', 'size=(2, 1.5), data=("gen/data/points.csv",))')
    tiny_project.write("gen/articles/beta.py", src)
    build(tiny_project)
    assert stale(tiny_project) == set()
    tiny_project.write("gen/data/points.csv", "1,3\n")
    assert stale(tiny_project) == {"beta/three"}


def test_library_version_change_makes_every_figure_stale(tiny_project, monkeypatch):
    build(tiny_project)
    real = pipeline.library_versions()
    monkeypatch.setattr(pipeline, "library_versions", lambda: {**real, "numpy": "0.0.1"})
    jobs = pipeline.plan(tiny_project.root)
    assert all(f"numpy {real['numpy']} -> 0.0.1" in job.reasons for job in jobs)


KERNEL_FIGURE = '''\
from gen.figure import figure

@figure("kernels", caption="Caption.", alt="A line rising from left to right.", size=(2, 1.5))
def kernels(seed, quick=False):
    import numpy as np, scipy.linalg    # both OpenBLAS copies (numpy's, scipy's) loaded
    from threadpoolctl import threadpool_info
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:                  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__ as features
    blas = [i.get("architecture") for i in threadpool_info() if i["internal_api"] == "openblas"]
    def draw(fig, theme):
        fig.subplots().plot([0, 1], [0, 1], color=theme.colors[0])
    return draw, {"openblas": len(blas), "openblas_haswell": blas.count("Haswell"),
                  "numpy_avx512": sum(bool(features.get(k)) for k in ("X86_V4", "AVX512_SKX"))}
'''


def test_workers_compute_with_avx2_kernels_on_any_avx2_cpu(tiny_project):
    """AVX-512 kernels round differently, enough to move a training run (gen.workers.KERNELS)."""
    tiny_project.write("gen/articles/beta.py", KERNEL_FIGURE)
    assert not build(tiny_project, only="beta/*").failures
    n = numbers(tiny_project, "beta", "kernels")
    assert n["openblas"] >= 1, n
    if workers.kernel_env():
        assert n["openblas_haswell"] == n["openblas"] and n["numpy_avx512"] == 0, n
        assert pipeline.library_versions()["kernels"] == "x86-64 AVX2"
    else:                                # not x86-64, or older than AVX2: native, and keyed so
        assert pipeline.library_versions()["kernels"].startswith("native ")


def test_other_kernels_make_every_figure_stale(tiny_project, monkeypatch):
    """A cache restored from a machine that computed natively is not taken as current."""
    build(tiny_project)
    monkeypatch.setattr(pipeline, "kernels", lambda: "native x86_64")
    jobs = pipeline.plan(tiny_project.root)
    assert jobs and all(any("kernels" in r and "native x86_64" in r for r in job.reasons)
                        for job in jobs), [job.reasons for job in jobs]


def test_deleted_output_is_rebuilt(tiny_project):
    build(tiny_project)
    (tiny_project.root / "figures" / "alpha" / "two.dark.svg").unlink()
    assert stale(tiny_project) == {"alpha/two"}


def test_failing_figure_keeps_its_last_good_output_and_records_nothing(tiny_project):
    build(tiny_project)
    before = tiny_project.snapshot()
    broken = tiny_figure("one") .replace("value = 1.0", "value = 1 / 0") + tiny_figure("two", 2.5)
    tiny_project.write("gen/articles/alpha.py", broken)
    report = build(tiny_project)
    assert [f.label for f in report.failures] == ["alpha/one"]
    assert "ZeroDivisionError" in report.failures[0].error
    assert report.failures[0].file == "gen/articles/alpha.py"
    after = tiny_project.snapshot()
    for name in ("alpha/one.svg", "alpha/one.dark.svg", "alpha/one.json", "beta/three.svg"):
        assert after[name] == before[name]               # bytes and mtime untouched
    assert numbers(tiny_project, "alpha", "two")["two_value"] == 2.5   # the other one built
    assert "alpha/one" in stale(tiny_project)           # and the failure reruns next time
    assert not list((tiny_project.root / "figures").rglob("*.tmp.*"))


def test_cli_exit_code_and_message_name_the_figure_and_file(tiny_project):
    tiny_project.write("gen/articles/beta.py",
                       tiny_figure("three").replace("value = 1.0", "raise ValueError('bad data')"))
    proc = tiny_project.gen()
    assert proc.returncode == 1
    assert "figure 'beta/three' in gen/articles/beta.py failed: ValueError: bad data" in proc.stderr


def test_forced_rerun_writes_identical_bytes(tiny_project):
    build(tiny_project)
    before = tiny_project.snapshot()
    report = build(tiny_project, force=True)
    assert len(report.ran) == 3 and report.changed_files == []
    after = tiny_project.snapshot()
    for name, (data, mtime) in before.items():
        if name.endswith(".svg"):
            assert after[name] == (data, mtime)          # same bytes, so not even rewritten


def test_real_figure_is_byte_identical_in_a_fresh_process():
    # A cheap real figure, rerun from scratch: a deterministic figure changes no file.
    pipeline.build(ROOT, only="activation_functions/linear-boundary")
    report = pipeline.build(ROOT, only="activation_functions/linear-boundary", force=True)
    assert not report.failures and len(report.ran) == 1
    assert report.changed_files == []


def test_svg_ids_do_not_depend_on_the_last_bit_of_a_coordinate():
    # Two clean builds once differed only in a clip-path id: matplotlib hashes the
    # full-precision clip rectangle (with the project's fixed salt), and a last-bit
    # difference renamed it.
    import matplotlib as mpl
    mpl.use("Agg")
    from matplotlib.figure import Figure

    from gen.render import canonical_ids, save
    from gen.style import BASE_RC

    def svg(left: float, through_pipeline: bool = False) -> bytes:
        with mpl.rc_context(BASE_RC):
            fig = Figure(figsize=(2, 1.5))
            ax = fig.add_axes((left, 0.1, 0.8, 0.8))
            ax.plot([0, 1, 2], [0, 1, 0], marker="o")
            ax.fill_between([0, 1], [0, 1], hatch="//")
            if through_pipeline:
                return save(fig, "svg")
            buf = io.BytesIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    nudged = 0.1 + 2 ** -55                    # equal to 0.1 in any printed coordinate
    assert nudged != 0.1
    assert svg(0.1) == svg(0.1)                                  # the salt is fixed...
    assert svg(0.1) != svg(nudged)                               # ...yet an id moves
    a, b = canonical_ids(svg(0.1)), canonical_ids(svg(nudged))
    assert a == b
    assert svg(0.1, through_pipeline=True) == svg(nudged, through_pipeline=True)
    # Every reference still points at a definition.
    defined = set(re.findall(rb'id="([pmh][0-9a-f]{10})"', a))
    used = set(re.findall(rb'(?:url\(#|href="#)([pmh][0-9a-f]{10})', a))
    assert used and used <= defined


def test_svg_has_no_date_and_png_no_software_tag(tiny_project):
    src = tiny_figure("three", 3.0).replace('size=(2, 1.5))', 'size=(2, 1.5), format="png")')
    tiny_project.write("gen/articles/beta.py", src)
    build(tiny_project)
    svg = (tiny_project.root / "figures/alpha/one.svg").read_text()
    png = (tiny_project.root / "figures/beta/three.png").read_bytes()
    assert "<dc:date>" not in svg
    assert png.startswith(b"\x89PNG") and b"matplotlib" not in png.lower()


def test_write_atomic_replaces_whole_files_and_skips_identical(tmp_path):
    target = tmp_path / "f" / "x.svg"
    assert pipeline.write_atomic(target, b"one")
    mtime = target.stat().st_mtime_ns
    assert not pipeline.write_atomic(target, b"one")
    assert target.stat().st_mtime_ns == mtime
    assert pipeline.write_atomic(target, b"two") and target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["x.svg"]


def test_leftover_temp_files_from_a_killed_build_are_removed(tiny_project):
    build(tiny_project)
    leftover = tiny_project.write("figures/alpha/.one.svg.tmp.999999", "half")
    build(tiny_project)
    assert not leftover.exists()


def test_removed_figures_are_pruned(tiny_project):
    build(tiny_project)
    (tiny_project.root / "gen/articles/beta.py").unlink()
    build(tiny_project)
    assert not (tiny_project.root / "figures" / "beta").exists()
    assert (tiny_project.root / "figures" / "alpha" / "one.svg").exists()


def test_explain_says_why(tiny_project):
    proc = tiny_project.gen("--explain")
    assert "never built" in proc.stdout
    build(tiny_project)
    tiny_project.write("gen/articles/beta.py", tiny_figure("three", 4.0))
    proc = tiny_project.gen("--explain")
    assert proc.stdout.splitlines() == [
        "beta/three: gen/articles/beta.py::three changed", "1 stale (0 of them restored "
        "from the cache), 2 fresh"]


def test_only_selects_by_glob(tiny_project):
    report = build(tiny_project, only="alpha/*")
    assert sorted(label for label, _ in report.ran) == ["alpha/one", "alpha/two"]


@pytest.mark.parametrize("command", [[], ["list"], ["--explain"], ["--quick", "--force"]])
def test_only_matching_nothing_is_an_error(tiny_project, command):
    proc = tiny_project.gen(*command, "--only", "nosuch/*")
    assert proc.returncode == 2, proc.stderr
    assert "'nosuch/*' matches no figure" in proc.stderr
    assert "python -m gen list" in proc.stderr
    assert not (tiny_project.root / "figures").exists() or not any(
        (tiny_project.root / "figures").rglob("*.json"))


def test_usage_names_every_subcommand(tiny_project):
    from gen import __main__ as cli
    commands = [*cli.COMMANDS, *cli.DELEGATED]
    assert {"build", "list", "new", "check"} <= set(commands)
    usage = tiny_project.gen("--help").stdout.splitlines()[0]
    for text in (cli.__doc__.splitlines()[0], usage):
        assert all(re.search(rf"\b{c}\b", text) for c in commands), text


def test_declarations_must_be_literal(tiny_project):
    path = tiny_project.write("gen/articles/bad.py", tiny_figure("x-y").replace(
        'caption="Caption of x-y."', 'caption="Caption " + NAME'))
    with pytest.raises(DeclarationError, match=r"bad.py:\d+ .*caption must be a literal"):
        parse_module(path, tiny_project.root)


def test_duplicate_figure_names_are_rejected(tiny_project):
    path = tiny_project.write("gen/articles/dup.py", tiny_figure("same") +
                              tiny_figure("same").replace("def same", "def other"))
    with pytest.raises(DeclarationError, match="already used"):
        parse_module(path, tiny_project.root)


def test_default_jobs_respect_the_affinity_mask():
    assert 1 <= pipeline.available_cores() <= len(os.sched_getaffinity(0))
