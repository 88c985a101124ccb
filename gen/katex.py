"""Math rendered at build time: the vendored KaTeX, run in V8 (mini-racer).

pymdownx.arithmatex (generic mode) leaves each formula as TeX inside
`<span class="arithmatex">\\(..\\)</span>` or `<div class="arithmatex">\\[..\\]</div>`.
`render_math` replaces that TeX with KaTeX's HTML and MathML, so a reader's
browser only needs KaTeX's stylesheet and fonts (docs/assets/katex/): no
script, formulas in the first paint, nothing reflowed when they are typeset,
and math that reads the same with JavaScript off. The KaTeX used is the one
vendored by .ci/vendor-katex (the same file a browser would have run).
"""
from __future__ import annotations

import functools
import json
import html
import re
from pathlib import Path

KATEX_JS = Path(__file__).resolve().parent.parent / "docs" / "assets" / "katex" / "katex.min.js"

# arithmatex's output: the wrapper keeps its class, the TeX between delimiters is replaced.
FORMULA = re.compile(r'(<(span|div) class="arithmatex">)\\([(\[])(.*?)\\([)\]])(</\2>)', re.S)


# KaTeX follows an operator name (\max, \min, ...) with an invisible "function
# application" <mo>; as a sub- or superscript that gives <msub> a third child,
# which the Nu HTML checker rejects and screen readers may misread.
INVALID_SCRIPT = re.compile(r"<mo>\u2061</mo></m(?:sub|sup|subsup)>")


class MathError(ValueError):
    """A formula KaTeX cannot typeset."""


@functools.cache
def _katex():
    try:
        from py_mini_racer import MiniRacer
    except ImportError:
        raise MathError("the Python package mini-racer is missing: pip install -e .") from None
    if not KATEX_JS.is_file():
        raise MathError(f"{KATEX_JS} is missing: run bash .ci/vendor-katex")
    context = MiniRacer()
    context.eval("var window = globalThis, self = globalThis;")   # KaTeX's UMD wrapper
    context.eval(KATEX_JS.read_text(encoding="utf-8"))
    context.eval("""function nlRender(tex, display, strict) {
        try {
            return JSON.stringify({html: katex.renderToString(tex,
                {displayMode: display, throwOnError: strict, output: "htmlAndMathml"})});
        } catch (e) {
            return JSON.stringify({error: String(e.message || e)});
        }
    }""")
    return lambda tex, display, strict: context.call("nlRender", tex, display, strict)


def render(tex: str, display: bool, strict: bool = True) -> str:
    """KaTeX's HTML for one formula; MathError when it cannot parse (strict)."""
    result = json.loads(_katex()(tex, display, strict))
    if "error" in result:
        raise MathError(result["error"])
    return result["html"]


def render_math(page_html: str, where: str, strict: bool = True) -> str:
    """Typeset every arithmatex formula of a page.

    strict: a formula KaTeX cannot parse raises MathError naming `where` and the
    formula; otherwise it is shown as KaTeX's red error text (for `mkdocs serve`).
    """
    def one(match: re.Match) -> str:
        opening, tag, left, tex, right, closing = match.groups()
        if (left, right) not in (("(", ")"), ("[", "]")):
            return match[0]
        source = html.unescape(tex)
        try:
            out = render(source.strip(), left == "[", strict)
        except MathError as e:
            raise MathError(f"{where}: KaTeX cannot typeset the formula `{source.strip()}`: "
                            f"{e}. Fix the TeX in the page.") from None
        if strict and INVALID_SCRIPT.search(out):
            raise MathError(f"{where}: in `{source.strip()}` an operator name such as \\max "
                            "is used as a sub- or superscript, which KaTeX writes as invalid "
                            "MathML; for a label write \\text{max}, as in \\lambda_{\\text{max}}.")
        return f"{opening}{out}{closing}"

    if 'class="arithmatex"' not in page_html:
        return page_html
    return FORMULA.sub(one, page_html)
