"""Inside the network (docs/playground/view/units.js): a map per unit, and its weights.

The maps must show the unit they are named after, over the grid units.js declares,
as the numpy reference computes it; the weights editor must change exactly the
entry it is labelled with, in the live network, by keyboard.
"""
from __future__ import annotations

import numpy as np
import pytest

from gen.lib.playground import nn

from .support import AXE_SCHEME_RULES, PHONE, describe, new_context, open_page, run_axe, toggle_palette
from .test_playground import PAGE, live

pytestmark = [pytest.mark.build, pytest.mark.browser]

PLAYGROUND = "document.querySelector('.nl-playground').playground"

# What the page shows: every map's name and values, the network, the grid and the colours.
SHOWN = """async () => {
    const p = document.querySelector('.nl-playground').playground;
    const { AXIS, CELLS } = await import('/playground/view/units.js');
    const { colours } = await import('/playground/view/plane.js');
    const columns = [...document.querySelectorAll('.nlp-net .nlp-layer')].map(c =>
        [...c.querySelectorAll('.nlp-unit')].map(b => {
            const canvas = b.querySelector('canvas');
            return { name: b.getAttribute('aria-label'), values: Array.from(canvas.values),
                     pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, CELLS, CELLS).data) };
        }));
    return { columns, axis: Array.from(AXIS), state: p.state, theme: colours(document.querySelector('.nlp')),
             net: p.trainer.net.map(L => ({ nin: L.nin, nout: L.nout, W: Array.from(L.W), b: Array.from(L.b) })) };
}"""


def names(shown) -> list[list[str]]:
    return [[u["name"] for u in column] for column in shown["columns"]]


def expected_names(layers) -> list[list[str]]:
    hidden = [[f"Layer {i + 1}, unit {k + 1}" for k in range(w)] for i, w in enumerate(layers)]
    return [*hidden, ["Output unit"]]


def reference(shown) -> list[np.ndarray]:
    """numpy's output of every unit over the grid: one (units, cells) array per layer."""
    axis = np.array(shown["axis"])
    X = np.array([(x1, x2) for x2 in axis for x1 in axis])    # from the bottom row, x1 fastest
    net = [[np.array(L["W"]).reshape(L["nin"], L["nout"]), np.array(L["b"])] for L in shown["net"]]
    zs, acts = nn.forward(net, nn.features(X, shown["state"]["features"]), shown["state"]["act"])
    return [a.T for a in acts[1:]] + [zs[-1].T]


def expected_pixels(values, theme) -> np.ndarray:
    """The diverging scale: class 1's colour above 0, class 0's below, scaled per unit."""
    n = int(round(len(values) ** 0.5))
    v = np.array(values).reshape(n, n)[::-1]                  # canvas rows run top-down
    top = np.max(np.abs(v))
    t = (np.abs(v) / top if top > 0 else np.zeros_like(v))[..., None]
    colour = np.where((v > 0)[..., None], np.array(theme["c1"]), np.array(theme["c0"]))
    return np.round(t * colour + (1 - t) * np.array(theme["bg"]))


def check_maps(shown):
    """Every map holds its own unit's values (numpy's, to 1e-12) and is painted from them."""
    for l, (column, ref) in enumerate(zip(shown["columns"], reference(shown), strict=True)):
        assert len(column) == len(ref), f"layer {l + 1}"
        for k, unit in enumerate(column):
            assert np.max(np.abs(np.array(unit["values"]) - ref[k])) <= 1e-12, unit["name"]
            want = expected_pixels(unit["values"], shown["theme"])
            gap = np.max(np.abs(np.array(unit["pixels"]).reshape(-1, 4)[:, :3].reshape(want.shape) - want))
            assert gap <= 1, f"{unit['name']}: painted {gap} levels off its values"


def settle(page):
    """Pause, and let the throttled maps catch up with the network."""
    page.evaluate(f"{PLAYGROUND}.setPlaying(false)")
    page.wait_for_timeout(300)


def test_the_maps_are_laid_out_as_the_network_and_follow_depth_and_width(visit):
    page, _ = visit(PAGE)
    got = live(page)
    shown = page.evaluate(SHOWN)
    assert names(shown) == expected_names(got["state"]["layers"])
    page.get_by_label("Hidden layers").fill("3")
    page.get_by_label("Hidden layers").press("Enter")
    page.get_by_label("Units in layer 2").fill("5")
    page.get_by_label("Units in layer 2").press("Enter")
    shown = page.evaluate(SHOWN)
    assert shown["state"]["layers"] == [16, 5, 4]
    assert names(shown) == expected_names([16, 5, 4])
    page.get_by_label("Hidden layers").fill("0")
    page.get_by_label("Hidden layers").press("Enter")
    assert names(page.evaluate(SHOWN)) == [["Output unit"]]


@pytest.mark.parametrize("query", ["", "?act=tanh&layers=5,3,2&features=x1,x2,x1x2,sinx2&data=xor&epoch=30"],
                         ids=["the figure's run", "tanh, 3 layers, 4 inputs"])
def test_each_map_shows_its_own_unit_as_numpy_computes_it_in_light_and_dark(visit, query):
    page, _ = visit(PAGE + query)
    live(page)
    page.get_by_role("button", name="Step").click()
    settle(page)
    shown = page.evaluate(SHOWN)
    check_maps(shown)
    assert len({tuple(u["values"]) for column in shown["columns"] for u in column}) > 3   # not all alike
    toggle_palette(page)
    page.wait_for_timeout(100)
    dark = page.evaluate(SHOWN)
    assert dark["theme"] != shown["theme"]
    check_maps(dark)


def test_every_unit_is_reachable_by_keyboard_and_its_weights_edit_the_live_network(visit):
    page, _ = visit(PAGE + "?layers=6,5&epoch=40")
    live(page)
    page.get_by_role("button", name="Step").focus()
    for _ in range(40):                                  # Tab from the controls to the maps
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('nlp-unit')"):
            break
    focused = lambda: page.evaluate("document.activeElement.getAttribute('aria-label')")  # noqa: E731
    assert focused() == "Layer 1, unit 1"
    seen = [focused()]                                   # the arrow keys reach every unit
    for key in ["ArrowDown"] * 5 + ["ArrowRight"] + ["ArrowUp"] * 4 + ["ArrowRight"]:
        page.keyboard.press(key)
        seen.append(focused())
    assert sorted(set(seen)) == sorted(n for column in expected_names([6, 5]) for n in column)
    for key in ["ArrowLeft"] + ["ArrowDown"] * 4:
        page.keyboard.press(key)
    assert focused() == "Layer 2, unit 5"
    page.keyboard.press("Enter")
    editor = page.locator(".nlp-weights")
    assert editor.is_visible()
    assert "Layer 2, unit 5: incoming weights and bias" in editor.text_content()
    assert "reproduces the settings, not hand edits" in editor.text_content()
    assert page.evaluate("document.activeElement.labels[0].textContent") == "from layer 1 unit 1"

    net = lambda: page.evaluate(f"{PLAYGROUND}.trainer.net.map(L => [Array.from(L.W), Array.from(L.b)])")  # noqa: E731
    plane = lambda: page.evaluate("Array.from(document.querySelector('.nlp-plane').getContext('2d')"  # noqa: E731
                                  ".getImageData(0, 0, 300, 300).data)")
    before, before_plane = net(), plane()
    nout = 5
    for j, label in enumerate(f"from layer 1 unit {j + 1}" for j in range(6)):
        box = page.get_by_label(label, exact=True)
        box.focus()
        page.keyboard.press("ArrowUp")
        after = net()
        value = float(box.input_value())
        index = j * nout + 4                             # W[j][k] of unit 5 (k = 4)
        assert after[1][0][index] == value and value > before[1][0][index], label
        changed = [(l, p, i) for l in range(3) for p in range(2) for i in range(len(after[l][p]))
                   if after[l][p][i] != before[l][p][i]]
        assert changed == [(1, 0, index)], (label, changed)
        before = after
    bias = page.get_by_label("bias", exact=True)
    bias.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2.5")
    after = net()
    assert after[1][1][4] == 2.5 and after[1][1][:4] == before[1][1][:4]
    assert plane() != before_plane                      # the plane redrew the edited network
    shown = page.evaluate(SHOWN)
    assert shown["net"][1]["b"][4] == 2.5
    check_maps(shown)                                   # and the maps show it, at once
    page.get_by_role("button", name="Close").click()
    assert not editor.is_visible() and focused() == "Layer 2, unit 5"
    page.keyboard.press("Space")                         # open again, and close with Escape
    assert editor.is_visible()
    page.keyboard.press("Escape")
    assert not editor.is_visible() and focused() == "Layer 2, unit 5"


def test_axe_finds_nothing_with_a_unit_open_and_a_phone_shows_it_whole(visit, axe_script, chromium_browser, origin):
    page, _ = visit(PAGE)
    live(page)
    page.get_by_role("button", name="Layer 2, unit 4").click()
    assert page.get_by_label("from layer 1 unit 16", exact=True).is_visible()
    toggle_palette(page)
    dark = run_axe(page, AXE_SCHEME_RULES)                # colours first: run_axe changes the page
    toggle_palette(page)
    violations = run_axe(page)
    assert not violations + dark, describe(violations + dark)
    context = new_context(chromium_browser, "dark", viewport={"width": 360, "height": 740},
                          has_touch=True, is_mobile=True, device_scale_factor=PHONE["device_scale_factor"])
    phone, _ = open_page(context, origin, PAGE + "?layers=16,16,16,16,16,16")
    live(phone)
    phone.get_by_role("button", name="Layer 6, unit 16").tap()
    phone.get_by_label("bias", exact=True).scroll_into_view_if_needed()
    overflow = phone.evaluate("""() => [...document.querySelectorAll('.nlp-units *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(el => el.className || el.tagName).slice(0, 5)""")
    assert not overflow, overflow
    size = phone.evaluate("document.querySelector('.nlp-unit').getBoundingClientRect().width")
    assert size >= 24, f"a unit's map is {size} px wide"           # WCAG 2.5.8's target size
    context.close()
