"""Make every page valid HTML for the W3C Nu checker (tests/browser/test_html_valid.py).

Three things Material and Pygments write, fixed in the output because they sit
outside any template block:

- `autocomplete="off"` on Material's drawer and search toggles, which are
  checkboxes; HTML allows `autocomplete` on text-like inputs only. (It only
  stops Firefox restoring an open drawer after a reload.)
- `<label for="__toc">` on a section's index page (a blog index), where
  Material renders no `__toc` toggle: the label points at nothing.
- `<a id="__codelineno-0-1" name="__codelineno-0-1"></a>`, the line anchors of
  code listings: `name` on `<a>` is obsolete; `id` alone is the same target.
"""
from __future__ import annotations

import re

CHECKBOX = re.compile(r'<input\b[^>]*\btype="checkbox"[^>]*>')
TOC_LABEL = re.compile(r'(<label\b[^>]*?) for="__toc"')
LINE_ANCHOR = re.compile(r'<a id="(__codelineno-[\w-]+)" name="\1"></a>')


def fix(html: str) -> str:
    html = CHECKBOX.sub(lambda m: m.group(0).replace(' autocomplete="off"', ""), html)
    if 'id="__toc"' not in html:
        html = TOC_LABEL.sub(r"\1", html)
    return LINE_ANCHOR.sub(r'<a id="\1"></a>', html)


def on_post_page(output, page, config):
    return fix(output)


def on_post_template(output_content, template_name, config):
    return fix(output_content)        # 404.html and other static templates
