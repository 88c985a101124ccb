"""Build-time math (gen/katex.py): arithmatex's TeX in, KaTeX's HTML and MathML out."""
from __future__ import annotations

import pytest

from gen.katex import MathError, render_math

INLINE = '<p>For <span class="arithmatex">\\(x &gt; 0\\)</span>, ReLU is the identity.</p>'
DISPLAY = '<div class="arithmatex">\\[\n\\eta &lt; \\frac{2}{\\lambda_{\\text{max}}}\n\\]</div>'


def test_inline_and_display_formulas_are_typeset_in_their_wrappers():
    out = render_math(INLINE + DISPLAY, "docs/x.md")
    inline, display = out.split('<div class="arithmatex">')
    assert inline.startswith('<p>For <span class="arithmatex"><span class="katex">')
    assert inline.endswith("</span>, ReLU is the identity.</p>")
    assert "katex-display" not in inline and display.startswith('<span class="katex-display">')
    assert "\\(" not in out and "\\[" not in out


def test_tex_is_unescaped_before_katex_reads_it():
    """arithmatex HTML-escapes the TeX: KaTeX must see `x > 0`, not `x &gt; 0`."""
    out = render_math(INLINE + DISPLAY, "docs/x.md")
    assert "<mo>&gt;</mo>" in out and "<mo>&lt;</mo>" in out
    assert '<annotation encoding="application/x-tex">x &gt; 0</annotation>' in out
    assert "amp;" not in out


def test_a_formula_katex_cannot_parse_names_the_page_and_the_formula():
    bad = '<span class="arithmatex">\\(\\frac{1}{\\)</span>'
    with pytest.raises(MathError) as e:
        render_math(f"<p>{bad}</p>", "docs/articles/early-stopping.md")
    message = str(e.value)
    assert "docs/articles/early-stopping.md" in message and "`\\frac{1}{`" in message
    assert "Fix the TeX" in message


def test_serve_shows_katex_error_text_instead_of_stopping():
    bad = '<span class="arithmatex">\\(\\frac{1}{\\)</span>'
    out = render_math(f"<p>{bad}</p>", "docs/x.md", strict=False)
    assert 'class="katex-error"' in out


def test_pages_without_math_and_text_that_only_looks_like_it_are_left_alone():
    page = "<p>Code: <code>\\(x\\)</code> and a <span class=\"other\">\\(y\\)</span>.</p>"
    assert render_math(page, "docs/x.md") == page


def test_an_operator_name_as_a_subscript_is_refused_with_the_fix():
    """KaTeX writes \\lambda_{\\max} as invalid MathML (Nu: <mo> not allowed in <msub>)."""
    bad = '<span class="arithmatex">\\(\\lambda_{\\max}\\)</span>'
    with pytest.raises(MathError, match=r"\\text\{max\}"):
        render_math(bad, "docs/x.md")
    good = render_math(bad.replace("\\max", "\\text{max}"), "docs/x.md")
    assert "<msub><mi>λ</mi><mtext>max</mtext></msub>" in good
