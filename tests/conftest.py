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
