"""The theme hooks of docs/overrides/hooks/, on made-up input."""
from __future__ import annotations

import importlib.util

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from conftest import ROOT


def hook(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs/overrides/hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stylesheet(path: str, text: str) -> File:
    file = File(path, src_dir=None, dest_dir="/nonexistent", use_directory_urls=True)
    file.content_string = text
    return file


PALETTE = "assets/stylesheets/palette.0123abcd.min.css"


def test_palette_switch_blanks_the_rule_and_keeps_every_column():
    palette = hook("palette_switch")
    before, after = "@media screen{[data-md-color-scheme=slate]{color-scheme:dark}", "}a{b:c}"
    files = palette.on_files(Files([stylesheet(PALETTE, before + palette.RULE + after)]), None)
    text = files.get_file_from_path(PALETTE).content_string
    assert "data-md-color-switching" not in text
    assert text == before + " " * len(palette.RULE) + after     # the source map still fits


@pytest.mark.parametrize("files, expected", [
    ([stylesheet(PALETTE, "[data-md-color-switching] *{transition:none}")],
     [PALETTE, "no longer has its rule", "Update RULE"]),
    ([stylesheet("assets/stylesheets/main.0123abcd.min.css", "a{}")],
     ["expected one Material palette stylesheet", "found 0"]),
])
def test_palette_switch_says_what_changed_in_material(files, expected):
    with pytest.raises(PluginError) as error:
        hook("palette_switch").on_files(Files(files), None)
    message = str(error.value)
    assert message.startswith("docs/overrides/hooks/palette_switch.py: ")
    for words in expected:
        assert words in message
