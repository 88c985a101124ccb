"""Decide which figures are stale, run them, and write their files safely.

A figure's key hashes what it depends on: its own function and the definitions
it uses (see gen/deps.py), the shared drawing code, its declared data and the
library versions. Its entry `figures/<module>/<name>.json` (key, dependencies,
numbers, run time) is written last, after its drawings, so a failed or killed
run leaves a figure stale (it reruns next time), never half-recorded.

Every result is also kept in `.cache/figures/<module>/<name>/<key>/`, the last
KEEP keys of each figure: going back to code that was built before copies its
files back instead of rerunning it. `--quick` results live only there, under
keys of their own, so a reduced figure is never published.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from gen.deps import Analysis
from gen.discover import LIBRARIES, ROOT, SHARED, Module, discover
from gen.figure import THEME_NAMES, FigureSpec, theme_suffix
from gen.workers import kernels

FIGURES = "figures"
CACHE = ".cache/figures"
KEEP = 4                  # results kept per figure (and as many quick ones)
DEFAULT_TIMEOUT = 300.0


@dataclass
class Job:
    module: Module
    spec: FigureSpec
    deps: dict[str, str]
    key: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # where the analysis fell back to a whole module
    last_seconds: float | None = None
    quick: bool = False
    cached: bool = False      # the cache holds a result for this key: restore, don't run

    @property
    def label(self) -> str:
        return f"{self.module.name}/{self.spec.name}"


@dataclass
class Failure:
    label: str           # module/figure
    file: str            # the module's path, relative to the checkout
    error: str
    detail: str = ""

    def message(self) -> str:
        return f"figure '{self.label}' in {self.file} failed: {self.error}"


@dataclass
class Report:
    ran: list[tuple[str, float]] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    fresh: int = 0
    failures: list[Failure] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    seconds: float = 0.0


def available_cores() -> int:
    """CPUs this process may use: affinity mask, capped by a cgroup v2 quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) // int(period))))
    except (OSError, ValueError):
        pass
    return max(1, cores)


def library_versions() -> dict[str, str]:
    out = {"python": ".".join(map(str, sys.version_info[:3])), "kernels": kernels()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def figure_dir(root: Path, module: str) -> Path:
    return root / FIGURES / module


def output_names(spec: FigureSpec) -> list[str]:
    return [f"{spec.name}{theme_suffix(t)}.{spec.format}" for t in THEME_NAMES]


def read_entry(root: Path, module: str, name: str) -> dict | None:
    try:
        return json.loads((figure_dir(root, module) / f"{name}.json").read_text())
    except (OSError, ValueError):
        return None


class NoMatch(ValueError):
    """`--only PATTERN` selected nothing: a typo, not an empty build."""


def cache_dir(root: Path, job: Job) -> Path:
    name = ("quick-" if job.quick else "") + job.key[:24]
    return root / CACHE / job.module.name / job.spec.name / name


def plan(root: Path = ROOT, only: str | None = None, force: bool = False,
         modules: list[Module] | None = None, quick: bool = False) -> list[Job]:
    """Every selected figure with its dependency hashes and why it would rerun."""
    from fnmatch import fnmatch

    modules = discover(root) if modules is None else modules
    analysis = Analysis(root, SHARED)
    common = {s: analysis.source(root / s).hash(None) if (root / s).is_file() else "missing"
              for s in SHARED}
    common.update({f"version:{k}": v for k, v in library_versions().items()})

    jobs = []
    for module in modules:
        for spec in module.figures:
            label = f"{module.name}/{spec.name}"
            if only and not (fnmatch(label, only) or fnmatch(spec.name, only)
                             or fnmatch(module.name, only)):
                continue
            code, notes = analysis.figure(module.path, spec.lineno)
            deps = {**code, **common}
            for data in spec.data:
                deps[data] = _sha(root / data) if (root / data).is_file() else "missing"
            key = hashlib.sha256(json.dumps([label, deps, quick], sort_keys=True).encode()).hexdigest()
            job = Job(module, spec, deps, key, notes=notes, quick=quick)
            job.cached = (cache_dir(root, job) / f"{spec.name}.json").is_file()
            entry = read_entry(root, module.name, spec.name)
            job.last_seconds = entry.get("seconds") if entry else None
            if quick:       # quick results are never published: fresh means cached
                job.reasons = ["--force"] if force else [] if job.cached else ["no quick result yet"]
            else:
                job.reasons = _reasons(root, job, entry, force)
            jobs.append(job)
    if only and not jobs:
        raise NoMatch(f"--only {only!r} matches no figure; "
                      "`python -m gen list` shows every figure's 'module/name'")
    return jobs


def _reasons(root: Path, job: Job, entry: dict | None, force: bool) -> list[str]:
    reasons = []
    if force:
        reasons.append("--force")
    missing = [d for d, h in job.deps.items() if h == "missing"]
    if missing:
        reasons.append("declared data file missing: " + ", ".join(missing))
    if entry is None:
        reasons.append("never built (no cache entry)")
        return reasons
    if entry.get("key") != job.key:
        old = entry.get("deps", {})
        for dep, h in job.deps.items():
            if dep not in old:
                reasons.append(f"new dependency {dep}")
            elif old[dep] != h:
                reasons.append(f"{dep.removeprefix('version:')} {old[dep]} -> {h}"
                               if dep.startswith("version:") else f"{dep} changed")
        reasons += [f"no longer depends on {d}" for d in old if d not in job.deps]
        if not reasons:
            reasons.append("cache entry from another declaration")
    folder = figure_dir(root, job.module.name)
    gone = [n for n in output_names(job.spec) + entry.get("exports", [])
            if not (folder / n).is_file()]
    if gone:
        reasons.append("output missing: " + ", ".join(gone))
    return reasons


def write_atomic(path: Path, data: bytes) -> bool:
    """Write `data` to `path` via a temp file and rename; skip when unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return True


@contextmanager
def locked(root: Path):
    """One build at a time per checkout; a second one waits for the first."""
    folder = root / FIGURES
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clean_temp(root: Path) -> None:
    """Temp files left by a killed build (we hold the lock, so none is live)."""
    for pattern in ("*/.*.tmp.*", "*/*/.*.tmp.*"):      # drawings, and exports in <figure>/
        for tmp in (root / FIGURES).glob(pattern):
            tmp.unlink(missing_ok=True)
    for tmp in (root / CACHE).glob("*/*/.*.tmp.*"):     # half-saved cache results
        shutil.rmtree(tmp, ignore_errors=True)


def _save(root: Path, job: Job, files: dict[str, bytes]) -> None:
    """Keep a result in the cache (whole or not at all), and only the last KEEP per figure."""
    final = cache_dir(root, job)
    tmp = final.with_name(f".{final.name}.tmp.{os.getpid()}")
    for rel, data in files.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(data)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    kept = sorted((d for d in final.parent.iterdir() if not d.name.startswith(".")),
                  key=lambda d: d.stat().st_mtime_ns, reverse=True)
    for quick in (True, False):
        for old in [d for d in kept if d.name.startswith("quick-") == quick][KEEP:]:
            shutil.rmtree(old, ignore_errors=True)


def _load(root: Path, job: Job) -> dict[str, bytes] | None:
    """The files of a cached result (None if unreadable); marks it as recently used."""
    folder = cache_dir(root, job)
    try:
        files = {p.relative_to(folder).as_posix(): p.read_bytes()
                 for p in folder.rglob("*") if p.is_file()}
        os.utime(folder)
    except OSError:
        return None
    return files


def _prune(root: Path, jobs: list[Job]) -> None:
    """Remove outputs of figures and modules that no longer exist."""
    keep: dict[str, set[str]] = {}
    for job in jobs:
        entry = read_entry(root, job.module.name, job.spec.name) or {}
        keep.setdefault(job.module.name, set()).update(
            output_names(job.spec) + [f"{job.spec.name}.json"] + entry.get("exports", []))
    for folder in (root / FIGURES).iterdir():
        if not folder.is_dir():
            continue
        for f in sorted(folder.rglob("*"), reverse=True):      # files before their folders
            rel = f.relative_to(folder).as_posix()
            if f.is_dir():
                if not any(f.iterdir()):
                    f.rmdir()
            elif rel not in keep.get(folder.name, set()):
                f.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
    for folder in (root / CACHE).glob("*/*"):
        if f"{folder.name}.json" not in keep.get(folder.parent.name, ()):
            shutil.rmtree(folder, ignore_errors=True)
    for folder in (root / CACHE).glob("*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def build(root: Path = ROOT, only: str | None = None, force: bool = False,
          jobs: int | None = None, quick: bool = False,
          timeout: float | None = None, progress=None,
          modules: list[Module] | None = None) -> Report:
    """Bring `figures/` up to date. Never raises for a failing figure: see Report.

    `modules`: the figure modules if the caller has discovered them already.
    """
    start = time.perf_counter()
    report = Report()
    timeout = timeout or float(os.environ.get("NONLINEAR_TIMEOUT", DEFAULT_TIMEOUT))
    with locked(root):
        _clean_temp(root)
        planned = plan(root, only=only, force=force, modules=modules, quick=quick)
        stale = [j for j in planned if j.reasons]
        report.fresh = len(planned) - len(stale)
        run = []
        for job in stale:
            files = None if force or not job.cached else _load(root, job)
            if files is None:
                run.append(job)
            else:
                _install(root, job, files, report)
                report.restored.append(job.label)
        if run:
            _run(root, run, jobs or available_cores(), quick, timeout, report, progress)
        if only is None and not quick:
            _prune(root, planned)
    report.seconds = time.perf_counter() - start
    return report


def _run(root, stale, jobs, quick, timeout, report, progress) -> None:
    from gen.workers import Task, run_tasks

    # Longest first (by the last successful run; unknown counts as long) keeps
    # both cores busy until the end.
    stale.sort(key=lambda j: -(j.last_seconds if j.last_seconds is not None else 1e9))
    by_key = {j.key: j for j in stale}
    tasks = [Task(j.key, str(j.module.path), j.module.name, j.spec.name, quick,
                  j.spec.timeout or timeout) for j in stale]
    for done, result in enumerate(run_tasks(tasks, root, jobs), 1):
        job = by_key[result.key]
        if result.ok:
            try:
                _record(root, job, result, report)
            except OSError as e:
                result.ok, result.error = False, f"could not write its files: {e}"
        if not result.ok:
            report.failures.append(Failure(job.label, job.module.rel, result.error,
                                           result.detail))
        if progress:
            progress(done, len(stale), job.label, result)


def _record(root: Path, job: Job, result, report: Report) -> None:
    name = job.spec.name
    files = {f"{name}{suffix}": data for suffix, data in result.files.items()}
    width, height = (round(v * 96) for v in job.spec.size)
    exports = sorted(f for f in files if f.startswith(f"{name}/"))
    entry = {"key": job.key, "deps": job.deps, "numbers": result.numbers,
             "width": width, "height": height, "seconds": round(result.seconds, 3),
             "exports": exports}
    files[f"{name}.json"] = (json.dumps(entry, indent=1, sort_keys=True) + "\n").encode()
    _save(root, job, files)
    if not job.quick:
        _install(root, job, files, report)
    report.ran.append((job.label, result.seconds))


def _install(root: Path, job: Job, files: dict[str, bytes], report: Report) -> None:
    """Publish a result into figures/<module>/: its drawings and exports, the entry last."""
    folder = figure_dir(root, job.module.name)
    entry = f"{job.spec.name}.json"
    for rel, data in sorted(files.items()):
        if rel != entry and write_atomic(folder / rel, data):
            report.changed_files.append((folder / rel).relative_to(root).as_posix())
    write_atomic(folder / entry, files[entry])
