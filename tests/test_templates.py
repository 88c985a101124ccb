"""The Material templates copied into docs/overrides/ still match the installed Material.

Each file under docs/overrides/ with the path of one of Material's templates
replaces that template: a copy with a change its header comment describes, or
(partials/javascripts/palette.html) nothing at all. tests/material-templates/
holds the originals they were made from, of the Material version in its VERSION
file. When the installed Material's template is no longer that original, the
copy silently misses upstream's changes: this test names the file, shows what
upstream changed and how to re-port it.
"""
from __future__ import annotations

import difflib
from importlib import metadata, resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OVERRIDES = ROOT / "docs" / "overrides"
ORIGINALS = Path(__file__).parent / "material-templates"
COPIED_FROM = (ORIGINALS / "VERSION").read_text().strip()
# Material's own main.html is empty (`{% extends "base.html" %}`): it is the
# file themes are meant to override, with blocks; nothing of it is copied.
EXTENSION_POINT = {"main.html"}


def material_templates() -> Path:
    return Path(str(resources.files("material") / "templates"))


def stored() -> list[str]:
    return sorted(p.relative_to(ORIGINALS).as_posix() for p in ORIGINALS.rglob("*.html"))


def test_every_replaced_template_has_its_original_stored():
    upstream = material_templates()
    replaced = {p.relative_to(OVERRIDES).as_posix() for p in OVERRIDES.rglob("*.html")
                if (upstream / p.relative_to(OVERRIDES)).is_file()} - EXTENSION_POINT
    missing = sorted(replaced - set(stored()))
    assert not missing, (
        f"docs/overrides/ replaces Material's {', '.join(missing)} without a stored original: "
        f"copy each from {upstream} into tests/material-templates/ (same path) so that "
        "test_templates notices when Material changes it")
    assert set(stored()) <= replaced, (
        f"tests/material-templates/ holds {sorted(set(stored()) - replaced)}, which "
        "docs/overrides/ no longer replaces: delete them")


@pytest.mark.parametrize("name", stored())
def test_copied_template_matches_the_installed_material(name):
    original = (ORIGINALS / name).read_text()
    installed = (material_templates() / name).read_text()
    if installed == original:
        return
    version = metadata.version("mkdocs-material")
    diff = "".join(difflib.unified_diff(
        original.splitlines(keepends=True), installed.splitlines(keepends=True),
        f"Material {COPIED_FROM} templates/{name}", f"Material {version} templates/{name}"))
    pytest.fail(
        f"docs/overrides/{name} was made from Material {COPIED_FROM}'s templates/{name}, which "
        f"Material {version} has changed (below). Re-port: start again from the installed "
        f"{material_templates() / name}, re-apply the change the header comment of "
        f"docs/overrides/{name} describes, copy the installed file to "
        f"tests/material-templates/{name} and write {version} into "
        f"tests/material-templates/VERSION (and the header comments).\n{diff}", pytrace=False)
