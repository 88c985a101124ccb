"""Author syntax: `<!-- md:figure -->` and `<!-- md:number -->` expansion and its errors."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gen.build import Failure
from gen.discover import Module
from gen.figure import FigureSpec
from gen.shortcodes import Catalog, Entry, Expander, Page, ShortcodeError, format_number


def make_catalog(error: str | None = None) -> Catalog:
    catalog = Catalog()
    for mod, figs in {"alpha_beta": {"loss-curve": {"best_epoch": 12, "test_acc": 0.934}},
                      "other": {"thing": {"ratio": 3.14159}}}.items():
        module = Module(mod, Path(f"/x/gen/articles/{mod}.py"), root=Path("/x"))
        table = catalog.entries.setdefault(mod, {})
        for name, nums in figs.items():
            spec = FigureSpec(name=name, caption=f"Caption <{name}> & co.",
                              alt=f'Alt "text" of {name}, long enough.', module=mod)
            module.figures.append(spec)
            table[name] = Entry(module, spec, numbers=nums, width=614, height=384, built=True)
    if error:
        catalog.entries["alpha_beta"]["loss-curve"].error = error
    return catalog


PAGE = Page("articles/alpha-beta.md", "alpha_beta", code_url=lambda m: f"../../code/{m}/")


def expand(text: str, serve: bool = False, catalog: Catalog | None = None) -> str:
    return Expander(catalog or make_catalog(), serve=serve).expand(text, PAGE)


def test_figure_becomes_numbered_figure_with_both_themes_alt_caption_and_source_link():
    out = expand("<!-- md:figure loss-curve -->\n\ntext\n\n<!-- md:figure other/thing -->")
    assert out.count('<figure markdown="span"') == 2
    assert "Figure 1.</span> Caption &lt;loss-curve&gt; &amp; co." in out
    assert "Figure 2.</span> Caption &lt;thing&gt;" in out
    assert "](../figures/alpha_beta/loss-curve.svg#only-light)" in out
    assert "](../figures/alpha_beta/loss-curve.dark.svg#only-dark)" in out
    assert '![Alt &quot;text&quot; of loss-curve, long enough.]' in out
    assert 'width="614" height="384"' in out
    assert 'href="../../code/alpha_beta/"' in out and "gen/articles/alpha_beta.py" in out
    assert 'id="figure-loss-curve"' in out


def test_alt_text_quotes_the_figures_numbers_by_name():
    catalog = make_catalog()
    entry = catalog.entries["alpha_beta"]["loss-curve"]
    entry.spec = replace(entry.spec,
                         alt="Accuracy climbs to {test_acc:.0%}, best at epoch {best_epoch}.")
    out = expand("<!-- md:figure loss-curve -->", catalog=catalog)
    assert "![Accuracy climbs to 93%, best at epoch 12.]" in out
    entry.spec = replace(entry.spec, alt="Accuracy climbs to {test_accuracy:.0%}.")
    with pytest.raises(ShortcodeError, match=r"articles/alpha-beta.md.*figure 'loss-curve' "
                                              r"names \{test_accuracy\}.*did you mean 'test_acc'"):
        expand("<!-- md:figure loss-curve -->", catalog=catalog)


@pytest.mark.parametrize("code, expected", [
    ("<!-- md:number test_acc .1% -->", "93.4%"),
    ("<!-- md:number best_epoch -->", "12"),
    ("<!-- md:number test_acc -->", "0.934"),
    ("<!-- md:number other/ratio .2f -->", "3.14"),
    ("<!--md:number best_epoch d-->", "12"),
])
def test_numbers_are_formatted(code, expected):
    assert expand(f"Accuracy {code} here.") == f"Accuracy {expected} here."


def test_shortcodes_in_code_are_left_alone():
    text = ("```markdown\n<!-- md:figure nope -->\n```\n"
            "Use `<!-- md:number nope -->` inline.\n~~~\n<!-- md:number x -->\n~~~")
    assert expand(text) == text


@pytest.mark.parametrize("code, message", [
    ("<!-- md:figure los-curve -->", "no figure 'los-curve' in gen/articles/alpha_beta.py; did you mean 'loss-curve'?"),
    ("<!-- md:number best_epock -->", "no number 'best_epock' .*did you mean 'best_epoch'?"),
    ("<!-- md:numbr x -->", "unknown shortcode kind 'md:numbr'; did you mean 'number'?"),
    ("<!-- md:number test_acc .1z -->", "format '.1z' does not apply"),
    ("<!-- md:number nope-article/x -->", "no figure module for article 'nope-article'"),
    ("<!-- md:figure -->", "write <!-- md:figure NAME -->"),
])
def test_errors_name_the_page_and_suggest_a_fix(code, message):
    with pytest.raises(ShortcodeError, match=message) as info:
        expand(f"text\n{code}\n")
    assert str(info.value).startswith("articles/alpha-beta.md:2: ") and info.value.line == 2


def test_lines_count_from_where_the_markdown_starts_in_its_file():
    page = Page("articles/alpha-beta.md", "alpha_beta", first_line=5)
    with pytest.raises(ShortcodeError, match=r"^articles/alpha-beta.md:7: <!-- md:figure x -->"):
        Expander(make_catalog()).expand("# T\n\n<!-- md:figure x -->", page)
    page.first_line = None      # unknown: name the page only
    with pytest.raises(ShortcodeError, match=r"^articles/alpha-beta.md: <!-- md:figure x -->"):
        Expander(make_catalog()).expand("# T\n\n<!-- md:figure x -->", page)


def test_page_without_a_module_says_how_to_fix_it():
    page = Page("articles/lonely.md", "lonely")
    with pytest.raises(ShortcodeError, match="figures: <article slug>"):
        Expander(make_catalog()).expand("<!-- md:number x -->", page)


def test_serve_shows_error_boxes_instead_of_raising():
    out = expand("<!-- md:figure los-curve -->", serve=True)
    assert 'class="admonition failure nl-error"' in out and "did you mean" in out


def test_failed_figure_shows_error_box_and_keeps_last_good_drawing_in_serve():
    out = expand("<!-- md:figure loss-curve -->", serve=True,
                 catalog=make_catalog(error="ValueError: boom"))
    assert "ValueError: boom" in out and "loss-curve.svg#only-light" in out


def test_catalog_reads_numbers_and_failures(tmp_path):
    module = Module("m", tmp_path / "gen/articles/m.py", root=tmp_path,
                    figures=[FigureSpec("f", "c", "alt text long enough", module="m")])
    (tmp_path / "figures/m").mkdir(parents=True)
    (tmp_path / "figures/m/f.json").write_text('{"numbers": {"a": 1}, "width": 10, "height": 5}')
    catalog = Catalog.load([module], tmp_path / "figures",
                           [Failure("m/f", "gen/articles/m.py", "KeyError: 'x'")])
    entry = catalog.entries["m"]["f"]
    assert entry.numbers == {"a": 1} and entry.built and "KeyError" in entry.error


def test_format_number_defaults():
    assert format_number(7, None) == "7"
    assert format_number(0.000123456, None) == "0.000123"


def test_exponents_are_typeset_for_prose_not_left_as_python_writes_them():
    assert format_number(4.42e26, ".1e") == "4.4\u00a0×\u00a010<sup>26</sup>"
    assert format_number(-1.234e-7, None) == "\u22121.23\u00a0×\u00a010<sup>\u22127</sup>"
    assert format_number(1500.0, ".2g") == "1.5\u00a0×\u00a010<sup>3</sup>"
    assert format_number(0.5, ".1%") == "50.0%"
