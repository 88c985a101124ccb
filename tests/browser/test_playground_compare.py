"""Compare (docs/playground/view/compare.js): two networks side by side, stepping together.

Side B is side A with a few settings overridden (`cmp=act:sigmoid;lr:0.1` in the link);
both train on the same data from the same seed. What each side shows must be the numpy
reference run of that side's settings, and side B's initial weights must follow the rule
the page states: A's own weights when the layer sizes and the initialisation agree.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gen.lib.playground import nn

from .support import new_context, open_page, toggle_palette
from .test_playground import PAGE, TOLERANCE, core_page, gap, history_gap, js_state, live  # noqa: F401

pytestmark = [pytest.mark.build, pytest.mark.browser]

# Side A's and side B's trainers as plain values, and what the compare section shows.
SIDES = """() => { const p = document.querySelector('.nl-playground').playground, c = p.compare;
    const layers = (net) => net.map(L => ({ W: Array.from(L.W), b: Array.from(L.b) }));
    const side = (t) => ({ state: t.state, epoch: t.epoch, history: t.history,
                           initial: layers(t.initial), final: layers(t.net) });
    const drawn = (canvas) => { const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n / (d.length / 4); };
    return { a: side(c.a), b: side(c.b), epoch: Number(document.querySelector('.nlp-epoch').textContent),
             rule: document.querySelector('.nlp-compare > .nlp-summary').textContent,
             texts: [...document.querySelectorAll('.nlp-sides figcaption')].map(e => e.textContent),
             titles: [...document.querySelectorAll('.nlp-side-title')].map(e => e.textContent),
             drawn: [...document.querySelectorAll('.nlp-sides canvas')].map(drawn) }; }"""

SHOWN = re.compile(r"Epoch (\d+): test accuracy ([\d.]+)%, test loss ([-+.\de]+); "
                   r"training accuracy ([\d.]+)%, training loss ([-+.\de]+)\.")


def assert_shows(text, history, epoch):
    """The side's text shows `history` at `epoch`, to the digits it prints."""
    m = SHOWN.search(text)
    assert m and int(m[1]) == epoch, text
    for split, acc, loss in (("test", m[2], m[3]), ("train", m[4], m[5])):
        assert abs(float(acc) - 100 * history[f"{split}_acc"][epoch]) <= 0.05 + 1e-9, (split, text)
        value = history[f"{split}_loss"][epoch]
        assert abs(float(loss) - value) <= (5e-4 if abs(value) >= 0.01 else 0.05 * abs(value)) + 1e-12, (split, text)


def std(scheme, nin, nout):
    return {"he": math.sqrt(2 / nin), "glorot": math.sqrt(2 / (nin + nout)), "normal": 0.1}[scheme]


BASE = dict(data="circles", n=200, layers=(8, 8, 8), act="relu")
BASE_QUERY = "data=circles&n=200&layers=8,8,8&act=relu"
# side B's overrides in the link, the same as numpy settings, the rule the page must state
CASES = [
    ("act:sigmoid", dict(act="sigmoid"), "starts from exactly side A's initial weights"),
    ("init:he;lr:0.03", dict(init="he", lr=0.03), "starts from side A's random draws (seed 0), scaled for He normal"),
    ("layers:4,4;act:tanh", dict(layers=(4, 4), act="tanh"), "The layer sizes differ"),
]
STEPS = 6


@pytest.mark.parametrize("cmp, overrides, rule", CASES, ids=[c[0] for c in CASES])
def test_each_side_shows_the_numpy_run_of_its_settings_from_the_shared_initial_weights(visit, cmp, overrides, rule):
    page, v = visit(f"{PAGE}?{BASE_QUERY}&cmp={cmp}")
    live(page)
    for _ in range(STEPS):
        page.get_by_role("button", name="Step").click()
    got = page.evaluate(SIDES)
    cfg_a, cfg_b = nn.config(**BASE), nn.config(**{**BASE, **overrides})
    py_a, py_b = nn.train(cfg_a, epochs=STEPS), nn.train(cfg_b, epochs=STEPS)
    assert got["b"]["state"] == js_state(cfg_b) and got["a"]["state"] == js_state(cfg_a)
    assert got["epoch"] == got["a"]["epoch"] == got["b"]["epoch"] == STEPS       # one epoch counter
    for side, py, text in (("a", py_a, got["texts"][0]), ("b", py_b, got["texts"][1])):
        js = got[side]
        assert gap(js["initial"], py["initial"]) == 0.0, side
        assert history_gap(js["history"], py["history"]) <= TOLERANCE, side
        assert gap(js["final"], py["net"]) <= TOLERANCE, side
        assert_shows(text, py["history"], STEPS)
    losses = [np.array(got[side]["history"]["test_loss"]) for side in "ab"]
    assert np.max(np.abs(losses[0] - losses[1])) > 1e-3                       # two different runs shown
    assert rule in got["rule"], got["rule"]
    plane_a, chart_a, plane_b, chart_b = got["drawn"]                          # share of pixels drawn
    assert plane_a == plane_b == 1 and min(chart_a, chart_b) > 0.01, got["drawn"]
    assert got["titles"][1].startswith(f"Side B: {dict(sigmoid='sigmoid', relu='ReLU', tanh='tanh')[cfg_b['act']]}")
    same_sizes = nn.sizes(cfg_a) == nn.sizes(cfg_b)
    if same_sizes and cfg_a["init"] == cfg_b["init"]:                         # exactly A's weights
        assert gap(got["b"]["initial"], got["a"]["initial"]) == 0.0
        assert gap(got["b"]["initial"], py_a["initial"]) == 0.0
    elif same_sizes:                                                          # A's draws, B's scale
        for La, Lb, (W, _) in zip(got["a"]["initial"], got["b"]["initial"], py_a["initial"]):
            nin, nout = W.shape
            ratio = std(cfg_b["init"], nin, nout) / std(cfg_a["init"], nin, nout)
            np.testing.assert_allclose(Lb["W"], np.array(La["W"]) * ratio, rtol=1e-14)
    else:
        assert [len(L["b"]) for L in got["b"]["initial"]] == nn.sizes(cfg_b)[1:]
    assert not v.errors, v.errors


def test_play_and_pause_drive_both_sides_and_the_link_replays_both(visit):
    page, _ = visit(f"{PAGE}?{BASE_QUERY}&cmp=act:sigmoid")
    live(page)
    play = page.get_by_role("button", name="Play")
    play.click()
    page.wait_for_function("document.querySelector('.nl-playground').playground.trainer.epoch > 8")
    play.click()
    got = page.evaluate(SIDES)
    epoch = got["a"]["epoch"]
    assert got["b"]["epoch"] == epoch == got["epoch"] and len(got["b"]["history"]["test_acc"]) == epoch + 1
    py_b = nn.train(nn.config(**{**BASE, "act": "sigmoid"}), epochs=epoch)
    assert history_gap(got["b"]["history"], py_b["history"]) <= TOLERANCE
    href = page.locator(".nlp-share").get_attribute("href")
    assert "cmp=act:sigmoid" in href and f"epoch={epoch}" in href
    other, _ = visit(PAGE + "?" + href.split("?", 1)[1])
    live(other)
    again = other.evaluate(SIDES)
    assert again["b"]["epoch"] == epoch and again["b"]["history"] == got["b"]["history"]
    other.get_by_role("button", name="Reset").click()
    reset = other.evaluate(SIDES)
    assert reset["a"]["epoch"] == reset["b"]["epoch"] == 0 and reset["b"]["initial"] == got["b"]["initial"]


def test_compare_by_keyboard_its_settings_in_the_link_and_the_dark_scheme(visit):
    """(axe and the Nu checker see compare in test_playground.py's live-playground check.)"""
    page, _ = visit(PAGE)
    live(page)
    assert page.locator(".nlp-compare").count() == 0
    toggle = page.get_by_label("Side by side with a second network, B")
    toggle.focus()
    page.keyboard.press("Space")
    page.wait_for_selector(".nlp-compare")
    sides = page.evaluate(SIDES)
    assert sides["a"]["state"]["act"] == "relu" and sides["b"]["state"]["act"] == "sigmoid"
    assert "cmp=act:sigmoid" in page.evaluate("location.search")
    lr = page.get_by_label("Side B: learning rate")
    lr.focus()
    lr.select_option("0.1")
    layers = page.get_by_label("Side B: hidden layers")
    layers.fill("4, 4")
    layers.press("Tab")
    page.get_by_role("button", name="Step").focus()
    page.keyboard.press("Enter")
    sides = page.evaluate(SIDES)
    assert sides["b"]["state"]["lr"] == 0.1 and sides["b"]["state"]["layers"] == [4, 4]
    assert sides["a"]["state"]["lr"] == 0.01 and sides["a"]["state"]["layers"] == [16, 16]
    assert sides["a"]["epoch"] == sides["b"]["epoch"] == 1
    status = page.locator(".nlp-status").text_content()             # the one status line says both
    assert status.startswith("Epoch 1:") and f"Side B. Epoch 1: test accuracy {100 * sides['b']['history']['test_acc'][1]:.1f}%" in status
    assert "The layer sizes differ" in sides["rule"]
    assert "cmp=layers:4,4;act:sigmoid;lr:0.1" in page.evaluate("location.search")
    light = page.evaluate("(() => { const c = document.querySelectorAll('.nlp-sides .nlp-plane')[1];"
                          " return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3)); })()")
    toggle_palette(page)
    page.wait_for_timeout(100)
    dark = page.evaluate("(() => { const c = document.querySelectorAll('.nlp-sides .nlp-plane')[1];"
                         " return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3)); })()")
    assert sum(light) / 3 > 150 and sum(dark) / 3 < 100, (light, dark)
    toggle.focus()
    page.keyboard.press("Space")
    page.wait_for_function("!document.querySelector('.nlp-compare')")
    assert "cmp" not in page.evaluate("location.search")


def test_on_a_small_phone_the_sides_stack(chromium_browser, origin):
    context = new_context(chromium_browser, viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    page, _ = open_page(context, origin, f"{PAGE}?{BASE_QUERY}&cmp=act:sigmoid")
    live(page)
    got = page.evaluate("""() => { const [a, b] = [...document.querySelectorAll('.nlp-sides figure')].map(f => f.getBoundingClientRect());
        const over = [...document.querySelectorAll('.nlp *')].filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1);
        return { a: [a.left, a.bottom], b: [b.left, b.top], over: over.map(el => el.className || el.tagName).slice(0, 5) }; }""")
    assert not got["over"], got["over"]
    assert got["b"][1] >= got["a"][1] and abs(got["a"][0] - got["b"][0]) < 1, got
    context.close()


# The compare field of the link, parsed and written by state.js (no network trained).
PARSE = """async (queries) => {
    const { parse, serialise, sideB } = await import('/playground/state.js');
    return queries.map(q => { const { state, notices } = parse(q);
        return { cmp: state.cmp, b: state.cmp ? sideB(state) : null, data: state.data, seed: state.seed,
                 notices, link: serialise(state), again: parse(serialise(state)) }; });
}"""


def test_the_compare_field_of_the_link(core_page):
    queries = ["act=tanh", "cmp=", "cmp=act:sigmoid;lr:0.1", "cmp=lr:0.1;act:sigmoid;act:elu",
               "cmp=act:<script>;layers:99,3;lr:1e9;data:xor;seed:5;__proto__:1;noise&data=moons",
               "data=clusters3&cmp=loss:mse;act:tanh", "n=100&cmp=batch:1000", "cmp=layers:;features:x1sq,zz"]
    off, empty, plain, twice, hostile, rules, batch, no_hidden = core_page.evaluate(PARSE, queries)
    assert off["cmp"] is None and "cmp" not in off["link"] and not off["notices"]
    assert empty["cmp"] == {} and empty["link"].endswith("&cmp=") and empty["b"]["act"] == "relu"
    assert plain["cmp"] == {"act": "sigmoid", "lr": 0.1} and not plain["notices"]
    assert plain["link"].endswith("&cmp=act:sigmoid;lr:0.1")
    assert plain["b"]["act"] == "sigmoid" and plain["b"]["lr"] == 0.1 and plain["b"]["layers"] == [16, 16]
    assert twice["cmp"] == {"lr": 0.1, "act": "sigmoid"}                        # the first one counts
    assert twice["link"].endswith("&cmp=act:sigmoid;lr:0.1")                    # in a fixed order
    assert hostile["cmp"] == {"layers": [16, 3], "lr": 10}
    assert hostile["data"] == "moons" and hostile["b"]["data"] == "moons" and hostile["b"]["seed"] == 0
    notes = " ".join(hostile["notices"])
    for part in ("side B: ignored act=<script>", "side B: layers=99,3 exceeds", "side B: lr=1e9 is out of range",
                 "ignored data:xor in cmp", "ignored seed:5 in cmp", "ignored __proto__:1 in cmp", "ignored noise in cmp"):
        assert part in notes, (part, notes)
    assert rules["cmp"] == {"loss": "bce", "act": "tanh"}
    assert any("side B: squared error needs two classes" in n for n in rules["notices"]), rules["notices"]
    assert batch["cmp"] == {"batch": 70} and any("side B: batch=1000" in n for n in batch["notices"])
    assert no_hidden["cmp"] == {"layers": [], "features": ["x1sq"]}
    for case in (off, empty, plain, twice, hostile, rules, batch, no_hidden):
        assert case["again"]["state"]["cmp"] == case["cmp"] and not case["again"]["notices"], case


def test_a_hostile_compare_link_opens_valid_sides_with_a_notice(visit):
    page, v = visit(PAGE + "?data=xor&cmp=act:<img src=x onerror=window.__pwned=1>;"
                    "layers:99,99,99,99,99,99,99;lr:NaN;batch:-4;data:spiral")
    got = live(page)
    assert got["notice"].startswith("Some settings in the link were not used") and "side B" in got["notice"], got
    b = page.evaluate(SIDES)["b"]["state"]
    assert b["act"] == "relu" and b["layers"] == [16] * 6 and b["lr"] == 0.01 and b["batch"] == 1
    assert b["data"] == "xor"
    assert not page.evaluate("window.__pwned") and page.locator(".nlp img, .nlp script").count() == 0
    assert not [e for e in v.errors if "playground" in e], v.errors


def test_side_b_stops_early_on_its_own_while_side_a_goes_on(visit):
    cfg = dict(data="circles", n=60, noise=0.6, lr=0.03)
    page, _ = visit(f"{PAGE}?data=circles&n=60&noise=0.6&lr=0.03&cmp=patience:5&epoch=40")
    live(page)
    got = page.evaluate(SIDES)
    py_a, py_b = nn.train(nn.config(**cfg), epochs=40), nn.train(nn.config(**cfg, patience=5), epochs=40)
    stop = py_b["stopped"]
    assert stop and stop["epoch"] < 40 and got["a"]["epoch"] == got["epoch"] == 40
    assert got["b"]["epoch"] == stop["epoch"] and gap(got["b"]["final"], py_b["net"]) <= TOLERANCE   # best weights back
    assert history_gap(got["b"]["history"], py_b["history"]) <= TOLERANCE
    assert history_gap(got["a"]["history"], py_a["history"]) <= TOLERANCE
    assert f"Stopped early at epoch {stop['epoch']}, with the weights of epoch {stop['best']}." in got["texts"][1]
    assert_shows(got["texts"][1], py_b["history"], stop["best"])    # the numbers of the weights it holds


def test_both_loss_charts_share_one_scale(visit):
    """Each side's chart dots the other's test curve; the scale covers both runs' curves,
    so the two charts read alike. Here side A's training loss is the highest of all, which
    side B's chart missed while it counted only the other side's test loss."""
    page, _ = visit(f"{PAGE}?data=circles&n=60&noise=0.6&lr=0.03&cmp=layers:4&epoch=30")
    live(page)
    got = page.evaluate(SIDES)
    scales = page.evaluate("[...document.querySelectorAll('.nlp-sides canvas.nlp-chart')].map(c => Number(c.dataset.lossMax))")
    curves = [v for side in ("a", "b") for key in ("train_loss", "test_loss") for v in got[side]["history"][key]]
    assert scales == [min(5, max([0.1, *curves]))] * 2, scales
    b_own = max(v for key in ("train_loss", "test_loss") for v in got["b"]["history"][key])
    assert max(got["a"]["history"]["train_loss"]) > max(b_own, *got["a"]["history"]["test_loss"]), (
        "the case no longer tells one shared scale from a scale per side")
