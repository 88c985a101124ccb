"""constraints.txt pins every Python package the site and its tests install (README, "Set up")."""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
RELOCK = "run `bash .ci/lock` and commit constraints.txt"


def pins() -> dict[str, str]:
    found = {}
    for n, line in enumerate(CONSTRAINTS.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)", line.strip())
        assert m, f"constraints.txt:{n}: {line!r} is not `name==version`; {RELOCK}"
        found[canonicalize_name(m[1])] = m[2]
    return found


def installed_closure(name: str = "nonlinear", extras: tuple[str, ...] = ("test",)) -> set[str]:
    """Every distribution `pip install -e '.[test]'` installs, read from the installed metadata."""
    seen, todo = set(), [(name, extras)]
    while todo:
        dist, wanted = todo.pop()
        for text in metadata.requires(dist) or []:
            req = Requirement(text)
            if req.marker and not any(req.marker.evaluate({"extra": e}) for e in ("", *wanted)):
                continue
            key = canonicalize_name(req.name)
            if key not in seen:
                seen.add(key)
                todo.append((req.name, tuple(req.extras)))
    return seen


def test_every_installed_dependency_is_pinned():
    missing = installed_closure() - set(pins())
    assert not missing, f"constraints.txt does not pin {sorted(missing)}; {RELOCK}"


def test_the_installed_versions_are_the_pinned_ones():
    # `bash .ci/test` installs with -c constraints.txt, so in CI these agree; a
    # difference means the pins were edited by hand or the environment is older.
    wrong = {name: (metadata.version(name), pinned) for name, pinned in pins().items()
             if metadata.version(name) != pinned}
    assert not wrong, ("installed != pinned: "
                       + ", ".join(f"{n} {got} (pinned {want})" for n, (got, want) in wrong.items())
                       + "; reinstall with `pip install -c constraints.txt -e '.[test]'`")
