"""The theme hooks of docs/overrides/hooks/, on made-up input."""
from __future__ import annotations

import importlib.util
from types import SimpleNamespace

from conftest import ROOT


def hook(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs/overrides/hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def config(*features: str):
    return SimpleNamespace(theme={"features": list(features)})


PAGE = ('<html><head><link rel="stylesheet" href="a.css"></head>'
        '<body><a href="b/">b</a><script defer src="c.js"></script></body></html>')


def test_absolute_urls_runs_after_the_head_and_before_the_deferred_scripts():
    absolute = hook("absolute_urls")
    html = absolute.on_post_page(PAGE, None, config("navigation.instant"))
    head, body = html.split("</head>")
    # Last in <head>: after every stylesheet, so every one of them is resolved.
    assert head.endswith(absolute.DEFINE) and head.index('href="a.css"') < head.index(absolute.DEFINE)
    # Last in <body>: every element is parsed, and deferred scripts run only after it.
    assert body.endswith(absolute.CALL + "</body></html>")
    assert html.replace(absolute.DEFINE, "").replace(absolute.CALL, "") == PAGE


def test_absolute_urls_leaves_pages_alone_without_instant_navigation():
    assert hook("absolute_urls").on_post_page(PAGE, None, config("navigation.tabs")) == PAGE
