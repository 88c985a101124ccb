"""Benchmark of the figure pipeline (not a test: timings on shared machines are noisy).

    python -m gen.bench [--keep]

Works on a copy of the checkout in a temp folder (your figures/ is untouched)
and prints, from one run, the times and the ratios the project targets:

    no-op rebuild      <= 0.10 x clean build   and <= 1.3 x plain build
    one module edited  <= 0.30 x clean build   (and reruns only that module's figures)
    clean build        <= 0.50 x serial sum of the figure jobs, each in a fresh process

"plain build" is `mkdocs build` with NONLINEAR_NO_FIGURES=1 and figures present:
MkDocs and the theme alone, no pipeline.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gen.build import available_cores, plan
from gen.discover import ROOT, discover

COPY = ("gen", "docs", "mkdocs.yml", "pyproject.toml")


def timed(cmd: list[str], cwd: Path, **env) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return seconds


def mkdocs(work: Path, **env) -> float:
    return timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(work / "site")],
                 work, **env)


def entries(work: Path) -> dict[str, float]:
    return {p.relative_to(work / "figures").as_posix(): p.stat().st_mtime_ns
            for p in (work / "figures").glob("*/*.json")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", help="module to edit (default: the one with most figures)")
    parser.add_argument("--keep", action="store_true", help="keep the temp copy")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="nonlinear-bench-"))
    for name in COPY:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, work / name)
    modules = discover(work)
    n_figures = sum(len(m.figures) for m in modules)
    edited = args.module or max(modules, key=lambda m: len(m.figures)).name
    print(f"{n_figures} figures in {len(modules)} modules; {available_cores()} usable cores; "
          f"copy in {work}", flush=True)

    r = {}
    r["clean"] = mkdocs(work)
    r["noop"] = mkdocs(work)
    r["plain"] = mkdocs(work, NONLINEAR_NO_FIGURES="1")
    before = entries(work)
    module_file = work / "gen" / "articles" / f"{edited}.py"
    module_file.write_text(module_file.read_text() + "\n# benchmark edit\n")
    r["edit"] = mkdocs(work)
    after = entries(work)
    rerun = sorted(k for k in after if after[k] != before.get(k))
    only_module = all(k.startswith(f"{edited}/") for k in rerun)

    serial = 0.0
    for job in plan(work):
        serial += timed([sys.executable, "-m", "gen", "--root", str(work), "--only",
                         job.label, "--force", "--jobs", "1"], ROOT)
    r["serial"] = serial

    def line(name, value, target, ok):
        print(f"  {name:<38} {value:6.3f}   target {target:<8} {'ok' if ok else 'MISSED'}")

    print("\nseconds:")
    for key, label in (("clean", "clean build (mkdocs build, empty figures/)"),
                       ("noop", "no-op rebuild"), ("plain", "plain build (NONLINEAR_NO_FIGURES=1)"),
                       ("edit", f"one module edited ({edited})"),
                       ("serial", "serial sum of fresh-process figure jobs")):
        print(f"  {label:<44} {r[key]:7.2f}")
    print(f"  figures rerun after the edit: {len(rerun)} "
          f"({'all from ' + edited if only_module else 'NOT only ' + edited})")
    print("\nratios:")
    ratios = {
        "noop / clean": (r["noop"] / r["clean"], "<= 0.10", r["noop"] / r["clean"] <= 0.10),
        "noop / plain": (r["noop"] / r["plain"], "<= 1.30", r["noop"] / r["plain"] <= 1.30),
        "edit / clean": (r["edit"] / r["clean"], "<= 0.30",
                         r["edit"] / r["clean"] <= 0.30 and only_module),
        "clean / serial": (r["clean"] / r["serial"], "<= 0.50", r["clean"] / r["serial"] <= 0.50),
    }
    for name, (value, target, ok) in ratios.items():
        line(name, value, target, ok)
    print(json.dumps({"seconds": r, "ratios": {k: round(v[0], 3) for k, v in ratios.items()}}))
    if not args.keep:
        shutil.rmtree(work)
    return 0 if all(ok for _, _, ok in ratios.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
