"""A small pool of reusable worker processes with a per-figure timeout.

Each worker is a fresh Python process running `main()` below started with one BLAS
thread, so edited figure code is always the code that runs, and importing
numpy + matplotlib + scikit-learn (about 1.4 s) is paid once per worker, not
once per figure. A worker that hangs past its figure's timeout is killed and
replaced; one that dies takes only its current figure down with it.

Messages are pickles framed by an 8-byte length, over the worker's stdin and a
dedicated pipe (the figure code's own prints go to stderr).

On x86-64 with AVX2 and FMA (Intel since Haswell, AMD since Zen), workers also
compute with the same kernels whatever the CPU has beyond that (KERNELS).
"""
from __future__ import annotations

import functools
import os
import pickle
import platform
import re
import struct
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

HEADER = struct.Struct("!Q")
READY = "ready"      # a worker's first message: imports done, a figure's clock may start
STARTUP_SECONDS = 120.0   # a worker still importing gets this much on top of the timeout
ONE_THREAD = {name: "1" for name in (
    "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")}

# numpy and OpenBLAS choose their kernels by CPU when numpy is imported, and an AVX-512
# kernel rounds differently from an AVX2 one. The last bit is enough to move a chaotic
# training run: the LayerNorm net of normalisation_and_residuals ended at loss 0.649 on
# an AVX-512 EPYC, at ln 2 = 0.693 on AVX2 machines. So every x86-64 machine with AVX2
# computes as an AVX2 one does (giving AVX-512 up cost no measurable build time); other
# machines compute natively, and the cache keys record which (kernels()).
AVX512 = ("X86_V4 AVX512_ICL AVX512_SPR "           # numpy 2.4's names; older ones below
          "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL")
KERNELS = {"OPENBLAS_CORETYPE": "Haswell", "NPY_DISABLE_CPU_FEATURES": AVX512}


@functools.cache
def _cpu_flags() -> set[str]:
    try:
        found = re.search(r"^flags\s*:(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:
        return set()
    return set(found.group(1).split()) if found else set()


def kernel_env() -> dict[str, str]:
    """The environment that gives workers AVX2 kernels, or {} where they compute natively."""
    if platform.machine().lower() in ("x86_64", "amd64") and {"avx2", "fma"} <= _cpu_flags():
        return dict(KERNELS)
    return {}


def kernels() -> str:
    """Which kernels the figures are computed with, for the cache keys."""
    return "x86-64 AVX2" if kernel_env() else f"native {platform.machine() or 'unknown'}"


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream, size: int) -> bytes:
    """Exactly `size` bytes (an unbuffered pipe returns what has arrived so far)."""
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _recv(stream):
    (size,) = HEADER.unpack(_read(stream, HEADER.size))
    return pickle.loads(_read(stream, size))


@dataclass
class Task:
    key: object          # opaque to the pool, handed back with the result
    path: str            # figure module file
    module: str          # module name
    figure: str          # figure name
    quick: bool
    timeout: float


@dataclass
class Result:
    key: object
    ok: bool
    files: dict | None = None
    numbers: dict | None = None
    seconds: float = 0.0
    error: str = ""      # one line: what went wrong
    detail: str = ""     # the traceback, for logs and error boxes


class _Worker:
    def __init__(self, root: Path):
        read_fd, write_fd = os.pipe()
        # No .pyc files: under `mkdocs serve` a write into gen/__pycache__ would
        # wake the watcher for gen/ and trigger one more (empty) rebuild.
        env = {**os.environ, **ONE_THREAD, **kernel_env(), "MPLBACKEND": "Agg",
               "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(
            # -c, not -m: Task/Result must unpickle as gen.workers.*, not __main__.*
            [sys.executable, "-c", "import sys, gen.workers as w; w.main(int(sys.argv[1]))",
             str(write_fd)],
            cwd=root, env=env, stdin=subprocess.PIPE, pass_fds=(write_fd,))
        os.close(write_fd)
        # Unbuffered: a message read ahead into a buffer would hide from wait().
        self.results = os.fdopen(read_fd, "rb", buffering=0)
        self.task: Task | None = None
        self.started = 0.0
        self.ready = False

    def limit(self) -> float:
        """Seconds its current figure may run: a figure's timeout excludes the imports."""
        return self.task.timeout + (0.0 if self.ready else STARTUP_SECONDS)

    def start(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        _send(self.proc.stdin, task)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.results.close()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def close(self) -> None:
        try:
            self.proc.stdin.close()            # EOF: the worker exits its loop
            self.proc.wait(timeout=10)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.results.close()


def run_tasks(tasks: list[Task], root: Path, jobs: int, on_result=None):
    """Run `tasks` in order on up to `jobs` workers; yield each Result as it ends."""
    pending = list(tasks)
    workers = [_Worker(root) for _ in range(max(1, min(jobs, len(pending))))]
    try:
        while pending or any(w.task for w in workers):
            for w in workers:
                if w.task is None and pending:
                    w.start(pending.pop(0))
            busy = [w for w in workers if w.task]
            now = time.monotonic()
            deadline = min(w.started + w.limit() for w in busy)
            ready = wait([w.results for w in busy], timeout=max(0.0, deadline - now))
            for w in busy:
                task = w.task
                if w.results in ready:
                    try:
                        result = _recv(w.results)
                        if result == READY:     # the figure's clock starts now
                            w.ready, w.started = True, time.monotonic()
                            continue
                    except (EOFError, OSError):
                        code = w.proc.wait()
                        result = Result(task.key, False, error=(
                            f"the worker process died while drawing it (exit code {code})"))
                        workers[workers.index(w)] = w = _replace(w, root, bool(pending))
                    w.task = None
                    yield result
                elif time.monotonic() - w.started >= w.limit():
                    workers[workers.index(w)] = _replace(w, root, bool(pending))
                    yield Result(task.key, False, seconds=task.timeout, error=(
                        f"it ran longer than its {task.timeout:g} s timeout and was stopped; "
                        "make it faster, or raise timeout= in its @figure(...) or "
                        "--timeout / NONLINEAR_TIMEOUT"))
    finally:
        for w in workers:
            w.close()


def _replace(worker: _Worker, root: Path, needed: bool = True) -> _Worker:
    """Kill `worker`; start a fresh one only if figures still wait for it."""
    worker.kill()
    worker.task = None
    return _Worker(root) if needed else worker


def main(fd: int) -> None:
    """Worker loop: read tasks from stdin, answer on `fd`, until stdin closes."""
    out = os.fdopen(fd, "wb")
    os.dup2(2, 1)                       # figure code's prints must not corrupt the channel
    sys.stdout = sys.stderr
    from gen import render              # numpy + matplotlib, once per worker
    _send(out, READY)

    modules: dict[str, object] = {}
    while True:
        try:
            task: Task = _recv(sys.stdin.buffer)
        except EOFError:
            # Every result is sent and flushed. Skip the interpreter's teardown
            # (freeing numpy, matplotlib, scikit-learn: ~0.4 s), which the build
            # would otherwise wait for after its last figure.
            sys.stderr.flush()
            os._exit(0)
        start = time.perf_counter()
        try:
            if task.path not in modules:
                modules[task.path] = render.load_module(Path(task.path), task.module)
            spec = render.find_spec(modules[task.path], task.figure)
            files, numbers = render.render(spec, quick=task.quick)
            result = Result(task.key, True, files=files, numbers=numbers)
        except BaseException as e:      # report everything, including SystemExit
            tb = traceback.format_exc()
            result = Result(task.key, False, error=f"{type(e).__name__}: {e}", detail=tb)
        result.seconds = time.perf_counter() - start
        _send(out, result)

