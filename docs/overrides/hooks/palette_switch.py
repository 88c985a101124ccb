"""Take Material's "no transitions while the scheme switches" rule off page loads.

Material's palette stylesheet stops every transition while the colour scheme
changes, so the page switches at once instead of element by element:

    [data-md-color-switching] *, ... { transition-duration: 0s !important }

Material's bundle also sets that attribute on <body> as it starts, and clears
it in a later task. With the rule in place each of the two changes restyles
every element of the page, about a third of the style work of a load on
Lighthouse's phone (Chromium traces of the home page at a 4x CPU slowdown,
8 loads each: style 346 -> 230 ms, blocking time after the first paint
652 -> 454 ms). This hook drops the rule from the copy of the stylesheet that
the site serves; docs/javascripts/palette.js and extra.css give the same rule
to a class set only while the reader switches (html.nl-switching).

The rule is replaced by blanks of the same length, so the stylesheet's source
map still points at the right columns.
"""
from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

STYLESHEET = re.compile(r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css")
RULE = ("[data-md-color-switching] *,[data-md-color-switching] :after,"
        "[data-md-color-switching] :before{transition-duration:0s!important}")


def on_files(files, config):
    found = [f for f in files if STYLESHEET.fullmatch(f.src_uri)]
    if len(found) != 1:
        raise PluginError(
            f"docs/overrides/hooks/palette_switch.py: expected one Material palette "
            f"stylesheet (assets/stylesheets/palette.*.min.css), found {len(found)}. "
            "Check that the theme is Material with a palette, or remove the hook.")
    stylesheet = found[0]
    text = stylesheet.content_string
    if text.count(RULE) != 1:
        raise PluginError(
            f"docs/overrides/hooks/palette_switch.py: Material's {stylesheet.src_uri} no "
            "longer has its rule for [data-md-color-switching] as RULE spells it. Update "
            "RULE to the rule in that file (or remove the hook, docs/javascripts/palette.js "
            "and the .nl-switching rule of extra.css if Material dropped it).")
    stylesheet.content_string = text.replace(RULE, " " * len(RULE))
    return files
