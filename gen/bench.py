"""Benchmark of the figure pipeline (not a test: timings on shared machines are noisy).

    python -m gen.bench [--module NAME] [--keep] [--no-serve]

Works on a copy of the checkout in a temp folder (your figures/ is untouched)
and prints, from one run, the times and the ratios the project targets:

    no-op rebuild       <= 0.10 x clean build   and <= 1.3 x plain build
    one module edited   <= 0.30 x clean build   (a module-level statement: only its figures rerun)
    one figure edited   <= 0.10 x clean build   (a statement in its function: it alone reruns)
    that edit reverted  <= 1.2 x no-op          (restored from the cache: nothing runs)
    comment-only edits  0 figures rerun         (in that figure's function and in gen/style.py)
    clean build         <= 0.50 x serial sum of the figure jobs, each in a fresh process
    mkdocs serve        save -> figure redrawn and served, / its own run time (reported)

"plain build" is `mkdocs build` with NONLINEAR_NO_FIGURES=1 and figures present:
MkDocs and the theme alone, no pipeline. The edited figure is the one with the
median run time, so that its own time is typical.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from gen.build import available_cores, plan, read_entry
from gen.discover import ROOT, discover

COPY = ("gen", "docs", "mkdocs.yml", "pyproject.toml")
RAN = re.compile(r"figure \[\d+/\d+\] (\S+) \(")      # the hook's line per figure run


def timed(cmd: list[str], cwd: Path, **env) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"benchmark step failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return seconds, proc.stderr


def mkdocs(work: Path, **env) -> tuple[float, list[str]]:
    """Seconds of one `mkdocs build`, and the figures it ran."""
    seconds, log = timed([sys.executable, "-m", "mkdocs", "build", "-d", str(work / "site")],
                         work, **env)
    return seconds, RAN.findall(log)


def edit_function(text: str, lineno: int, line: str) -> str:
    """`text` with `line` inserted before the last statement of the function at `lineno`."""
    func = next(n for n in ast.walk(ast.parse(text))
                if isinstance(n, ast.FunctionDef) and n.lineno == lineno)
    last = func.body[-1]
    lines = text.splitlines(keepends=True)
    lines.insert(last.lineno - 1, " " * last.col_offset + line + "\n")
    return "".join(lines)


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def serve_latency(work: Path, job) -> tuple[float, float] | str:
    """(seconds from saving an edit of `job`'s function to the browsers' reload with the
    figure redrawn, and the figure's own run time), in `mkdocs serve`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/figures/{job.module.name}/{job.spec.name}.{job.spec.format}"
    log_path = work / "serve.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-a", f"127.0.0.1:{port}"],
        cwd=work, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"})
    path = job.module.path
    source = path.read_text()
    try:
        deadline = time.monotonic() + 300
        while _get(url) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                return f"mkdocs serve did not start (see {log_path})"
            time.sleep(0.2)
        time.sleep(2)                                   # let the watcher settle
        start = log_path.stat().st_size
        path.write_text(edit_function(source, job.spec.lineno, "_benchmark_serve = 1"))
        saved = time.perf_counter()
        while True:
            text = log_path.read_text()[start:]
            ran = f"figure [1/1] {job.label} (" in text
            if ran and "Reloading browsers" in text.split(job.label, 1)[1]:
                break
            if time.perf_counter() - saved > 300 or proc.poll() is not None:
                return f"not measured: no rebuild with {job.label} after the save (see {log_path})"
            time.sleep(0.05)
        served = time.perf_counter() - saved
        if _get(url) is None:
            return f"not measured: {url} not served after the rebuild"
    finally:
        path.write_text(source)
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    return served, read_entry(work, job.module.name, job.spec.name)["seconds"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--module", help="module to edit (default: the one with most figures)")
    parser.add_argument("--keep", action="store_true", help="keep the temp copy")
    parser.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve step")
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

    r, ran = {}, {}
    r["clean"], _ = mkdocs(work)
    r["noop"], ran["noop"] = mkdocs(work)
    r["plain"], _ = mkdocs(work, NONLINEAR_NO_FIGURES="1")

    module_file = work / "gen" / "articles" / f"{edited}.py"
    original = module_file.read_text()
    module_file.write_text(original + "\nassert True, 'benchmark edit'\n")
    r["edit"], ran["edit"] = mkdocs(work)
    module_file.write_text(original)
    mkdocs(work)                                    # back as it was (from the cache)

    # One figure function: the figure with the median run time of the clean build.
    jobs = sorted(plan(work), key=lambda j: j.last_seconds)
    job = jobs[len(jobs) // 2]
    label, path = job.label, job.module.path
    source = path.read_text()
    path.write_text(edit_function(source, job.spec.lineno, "_benchmark_edit = 1"))
    r["figure"], ran["figure"] = mkdocs(work)
    path.write_text(source)
    r["revert"], ran["revert"] = mkdocs(work)
    r["noop2"], _ = mkdocs(work)
    style = work / "gen" / "style.py"
    style_source = style.read_text()
    path.write_text(edit_function(source, job.spec.lineno, "# a comment, benchmark edit"))
    style.write_text(style_source + "\n# a comment, benchmark edit\n")
    r["comment"], ran["comment"] = mkdocs(work)
    path.write_text(source)
    style.write_text(style_source)

    serial = 0.0
    for each in plan(work):
        serial += timed([sys.executable, "-m", "gen", "--root", str(work), "--only",
                         each.label, "--force", "--jobs", "1"], ROOT)[0]
    r["serial"] = serial
    serve = "skipped (--no-serve)" if args.no_serve else serve_latency(work, job)

    only_module = bool(ran["edit"]) and all(k.startswith(f"{edited}/") for k in ran["edit"])
    print("\nseconds:")
    for key, text in (("clean", "clean build (mkdocs build, empty figures/)"),
                      ("noop", "no-op rebuild"), ("plain", "plain build (NONLINEAR_NO_FIGURES=1)"),
                      ("edit", f"one module edited ({edited}, module-level statement)"),
                      ("figure", f"one figure function edited ({label})"),
                      ("revert", "that edit reverted"), ("noop2", "no-op rebuild, again"),
                      ("comment", "comment-only edits (that function, gen/style.py)"),
                      ("serial", "serial sum of fresh-process figure jobs")):
        print(f"  {text:<58} {r[key]:7.2f}")
    print(f"  {label} alone ran for {job.last_seconds:.2f} s in the clean build")
    print("figures rerun:")
    for key, text in (("noop", "no-op"), ("edit", f"module edit (all from {edited}?)"),
                      ("figure", "figure edit"), ("revert", "revert"), ("comment", "comment-only")):
        more = f" and {len(ran[key]) - 6} more" if len(ran[key]) > 6 else ""
        print(f"  {text:<34} {len(ran[key]):3}  {' '.join(ran[key][:6])}{more}")
    ratios = {
        "noop / clean": (r["noop"] / r["clean"], "<= 0.10", r["noop"] / r["clean"] <= 0.10),
        "noop / plain": (r["noop"] / r["plain"], "<= 1.30", r["noop"] / r["plain"] <= 1.30),
        "module edit / clean": (r["edit"] / r["clean"], "<= 0.30",
                                r["edit"] / r["clean"] <= 0.30 and only_module),
        "figure edit / clean": (r["figure"] / r["clean"], "<= 0.10",
                                r["figure"] / r["clean"] <= 0.10 and ran["figure"] == [label]),
        "revert / noop": (r["revert"] / r["noop2"], "<= 1.20",
                          r["revert"] / r["noop2"] <= 1.20 and not ran["revert"]),
        "comment-only reruns": (len(ran["comment"]), "0", not ran["comment"]),
        "clean / serial": (r["clean"] / r["serial"], "<= 0.50", r["clean"] / r["serial"] <= 0.50),
    }
    print("\nratios:")
    for name, (value, target, ok) in ratios.items():
        print(f"  {name:<24} {value:7.3f}   target {target:<8} {'ok' if ok else 'MISSED'}")
    if isinstance(serve, tuple):
        served, own = serve
        print(f"\nmkdocs serve: edit of {label} saved -> redrawn and served (browsers "
              f"reloaded) in {served:.2f} s; the figure itself ran {own:.2f} s, ratio "
              f"{served / own:.1f}; the other {served - own:.2f} s are the watcher, a worker's "
              f"imports and rebuilding the site (a plain build takes {r['plain']:.2f} s)")
    else:
        print(f"\nmkdocs serve: {serve}")
    print(json.dumps({"seconds": r, "ratios": {k: round(v[0], 3) for k, v in ratios.items()},
                      "serve": serve, "figure": label}))
    if not args.keep:
        shutil.rmtree(work)
    return 0 if all(ok for _, _, ok in ratios.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
