"""The playground in Chromium: its JS core against the numpy reference, and the page part.

The core (docs/playground/core/) must replay the build's runs (figures/*/*/*.json)
and any other configuration exactly as gen/lib/playground does; the page part
must load lazily, be usable by keyboard, share its state by URL, and treat a URL
as untrusted input.
"""
from __future__ import annotations

import json
import re
import subprocess
import time

import numpy as np
import pytest

from gen.lib.playground import nn

from conftest import REBUILD, rebuild_prints

from .support import PHONE, describe, new_context, open_page, run_axe, toggle_palette

pytestmark = [pytest.mark.build, pytest.mark.browser]

ARTICLE = "articles/activation-functions/"
PAGE = "playground/"
TOLERANCE = 1e-9

# Runs the JS core in the page: the data, initial weights, and after `epochs` epochs
# the weights and history, as plain lists.
REPLAY = """async ([state, epochs]) => {
    const { Trainer } = await import('/playground/core/nn.js');
    const t = new Trainer(state);
    const layers = (net) => net.map(L => ({ W: Array.from(L.W), b: Array.from(L.b) }));
    const initial = layers(t.net);
    for (let e = 0; e < epochs; e++) t.trainEpoch();
    return { X: Array.from(t.points.X), y: Array.from(t.points.y), initial,
             final: layers(t.net), history: t.history };
}"""


def js_state(state: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in state.items() if k != "epochs"}


def gap(js_layers, py_layers) -> float:
    """Largest difference between two networks' parameters ([{W, b}] against [[W, b]])."""
    worst = 0.0
    for L, P in zip(js_layers, py_layers, strict=True):
        W, b = (P["W"], P["b"]) if isinstance(P, dict) else (np.ravel(P[0]), P[1])
        worst = max(worst, float(np.max(np.abs(np.array(L["W"]) - np.array(W)), initial=0)),
                    float(np.max(np.abs(np.array(L["b"]) - np.array(b)), initial=0)))
    return worst


def history_gap(js, py) -> float:
    return max(float(np.max(np.abs(np.array(js[k]) - np.array(py[k])))) for k in py)


@pytest.fixture(scope="module")
def core_page(chromium_browser, origin):
    context = new_context(chromium_browser)
    page, _ = open_page(context, origin, PAGE)
    yield page
    context.close()


def exported_runs(site):
    runs = sorted(site.glob("figures/*/*/*.json"))
    assert runs, "the build exported no playground run"
    return runs


def test_core_replays_every_run_the_build_exported(site, core_page):
    """At least 100 epochs of each exported run: data, initial and final weights, losses."""
    for path in exported_runs(site):
        run = json.loads(path.read_text())
        epochs = run["state"]["epochs"]
        assert epochs >= 100, f"{path.name}: only {epochs} epochs"
        js = core_page.evaluate(REPLAY, [js_state(run["state"]), epochs])
        X = run["data"]["X_train"] + run["data"]["X_test"]
        assert js["X"] == [v for point in X for v in point], f"{path}: data differ"
        assert js["y"] == run["data"]["y_train"] + run["data"]["y_test"]
        assert gap(js["initial"], run["initial"]) == 0.0, f"{path}: initial weights differ"
        assert gap(js["final"], run["final"]) <= TOLERANCE, path
        assert history_gap(js["history"], run["history"]) <= TOLERANCE, path


# Every option at least once: activations, optimisers, losses, penalties, inits,
# data sets, features, depths and batch sizes.
OPTIONS = [
    dict(act="identity", opt="sgd", lr=0.1, data="blobs", layers=()),
    dict(act="relu", opt="momentum", lr=0.03, reg="l2", rate=0.01, init="he"),
    dict(act="leaky_relu", opt="adam", reg="l1", rate=0.001, data="xor", layers=(6, 6, 6, 6, 6, 6)),
    dict(act="elu", opt="sgd", lr=0.3, loss="mse", data="spiral", features=nn.FEATURES),
    dict(act="sigmoid", opt="adam", lr=0.03, data="moons", batch=1, n=60),
    dict(act="tanh", opt="momentum", lr=0.01, init="normal", features=("x1sq", "x2sq", "x1x2")),
    dict(act="gelu", opt="adam", data="circles", features=("x1", "x2", "sinx1", "sinx2"), batch=32),
    dict(act="silu", opt="sgd", lr=1.0, loss="mse", layers=(1,), data="xor"),
    dict(act="softplus", opt="adam", lr=0.1, reg="l2", rate=0.1, layers=(16,), data="spiral"),
    # schedules with warm-up, and early stopping (which must restore the same best weights)
    dict(act="relu", opt="adam", lr=0.1, data="moons", n=60, noise=0.4, patience=4, sched="cosine", horizon=15, warmup=3),
    dict(act="tanh", opt="momentum", lr=0.3, data="xor", n=60, noise=0.5, patience=3, sched="step", every=5, warmup=2),
    # several classes: softmax output and cross-entropy
    dict(act="relu", opt="adam", lr=0.03, data="clusters4", batch=16, init="he"),
    dict(act="tanh", opt="momentum", lr=0.03, data="spiral3", layers=(8, 8), reg="l2", rate=0.001),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o['act']}-{o.get('data', 'circles')}")
def test_core_matches_numpy_for_every_option(core_page, options):
    cfg = nn.config(**{"n": 120, "noise": 0.2, "seed": 11, **options})
    py = nn.train(cfg, epochs=20)
    js = core_page.evaluate(REPLAY, [js_state(cfg), 20])
    assert gap(js["initial"], py["initial"]) == 0.0
    assert gap(js["final"], py["net"]) <= TOLERANCE
    assert history_gap(js["history"], py["history"]) <= TOLERANCE


def test_activations_and_derivatives_match_numpy_on_a_grid(core_page):
    grid = np.linspace(-8, 8, 1601).tolist() + [0.0, 1e-12, -1e-12, 40.0, -40.0]
    js = core_page.evaluate("""async (grid) => {
        const { ACTIVATIONS } = await import('/playground/core/nn.js');
        const out = {};
        for (const [name, [f, df]] of Object.entries(ACTIVATIONS)) {
            out[name] = [grid.map(f), grid.map(z => df(z, f(z)))];
        }
        return out;
    }""", grid)
    assert sorted(js) == sorted(nn.ACTIVATIONS)
    z = np.array(grid)
    for name, (f, df) in nn.ACTIVATIONS.items():
        assert np.array_equal(np.array(js[name][0], dtype=float), f(z)), name
        assert np.array_equal(np.array(js[name][1], dtype=float), np.broadcast_to(df(z, f(z)), z.shape)), name


# ------------------------------------------------------------------ the page part

def live(page, timeout=30_000, replayed=True):
    """Wait for the first playground of the page to be live (and replayed); its state."""
    page.locator(".nl-playground").first.scroll_into_view_if_needed()
    page.wait_for_selector(".nl-playground[data-nl-state=live]", timeout=timeout)
    if replayed:
        page.wait_for_function("!document.querySelector('.nl-playground').playground.replaying",
                               timeout=timeout)
    return page.evaluate("""() => { const p = document.querySelector('.nl-playground').playground;
        return { epoch: p.trainer.epoch, state: p.state, notices: p.notices,
                 test_acc: p.trainer.history.test_acc.at(-1),
                 weights: p.trainer.net.map(L => Array.from(L.W)),
                 notice: document.querySelector('.nlp-notice').hidden ? '' :
                         document.querySelector('.nlp-notice').textContent }; }""")


def test_it_loads_only_near_the_viewport_and_then_shows_the_figures_numbers(visit, module_numbers):
    page, v = visit(ARTICLE)
    assert page.locator(".nl-playground .nl-figure img").count() >= 1       # the stand-in
    loaded = [r.url for r in v.finished if "/playground/" in r.url]
    assert not loaded, f"fetched before it was near: {loaded}"
    assert page.evaluate("document.querySelector('.nl-playground').dataset.nlState") == "waiting"
    got = live(page)
    numbers = module_numbers("activation_functions")
    assert got["epoch"] == numbers["play_epochs"]
    assert got["test_acc"] == numbers["play_test_acc"]          # the same run, to the bit
    shown = page.locator(".nlp-summary").first.text_content()
    assert f"test accuracy {100 * numbers['play_test_acc']:.1f}%" in shown
    assert not v.foreign, v.foreign
    assert not v.errors, v.errors


def test_each_panel_link_opens_that_run_and_only_identity_fails(visit, site):
    page, _ = visit(ARTICLE)
    links = page.evaluate("""() => [...document.querySelectorAll('#figure-nonlinear-boundaries .nl-explore a')]
                                     .map(a => [a.textContent, a.href])""")
    assert len(links) == 8, links
    assert page.locator("#figure-linear-boundary .nl-explore a").count() == 1
    for title, href in links:
        p, v = visit(href.split("/", 3)[3])
        got = live(p)
        ref = dict(kv.split("=", 1) for kv in href.split("?", 1)[1].split("&"))["ref"]
        run = json.loads((site / "figures" / f"{ref}.json").read_text())
        assert got["test_acc"] == run["history"]["test_acc"][-1], title
        if got["state"]["act"] == "identity":
            assert got["test_acc"] < 0.7, title
        else:
            assert got["test_acc"] >= 0.95, title
        assert not v.errors, v.errors
        p.close()


def test_keyboard_play_pause_step_and_the_status_region(visit):
    page, _ = visit(PAGE)
    live(page)
    play = page.get_by_role("button", name="Play")
    play.focus()
    page.keyboard.press("Space")
    assert play.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.querySelector('.nl-playground').playground.trainer.epoch > 100")
    page.keyboard.press("Space")
    assert play.get_attribute("aria-pressed") == "false"
    assert page.locator(".nlp-status").text_content().startswith("Paused. Epoch ")
    epoch = page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch")
    page.get_by_role("button", name="Step").focus()
    page.keyboard.press("Enter")
    after = page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch")
    assert after == epoch + 1
    assert page.locator(".nlp-status").text_content().startswith(f"Epoch {after}:")
    # Every control has a name; the log-scale slider says its value, not its index.
    lr = page.get_by_label("Learning rate")
    assert lr.get_attribute("aria-valuetext") == "0.01"
    lr.focus()
    page.keyboard.press("ArrowRight")
    assert lr.get_attribute("aria-valuetext") == "0.03"
    unnamed = page.evaluate("""() => [...document.querySelectorAll('.nlp input, .nlp select, .nlp button')]
        .filter(el => !el.labels?.length && !el.textContent.trim() && !el.getAttribute('aria-label'))
        .map(el => el.outerHTML)""")
    assert not unnamed, unnamed


def test_a_shared_url_reproduces_the_run_also_after_reset(visit):
    page, _ = visit(PAGE)
    live(page)
    page.get_by_label("Activation").select_option("tanh")
    page.get_by_role("radio", name="XOR").check()
    for _ in range(3):
        page.get_by_role("button", name="Step").click()
    first = live(page)
    href = page.locator(".nlp-share").get_attribute("href")
    assert "act=tanh" in href and "data=xor" in href and "epoch=3" in href
    assert page.evaluate("location.search").endswith(href.split("?", 1)[1])   # the page's URL too
    other, _ = visit(PAGE + "?" + href.split("?", 1)[1])
    second = live(other)
    assert second["epoch"] == 3 and second["weights"] == first["weights"]
    initial = page.evaluate("document.querySelector('.nl-playground').playground.trainer.initial.map(L => Array.from(L.W))")
    other.get_by_role("button", name="Reset").click()
    reset = other.evaluate("document.querySelector('.nl-playground').playground.trainer.net.map(L => Array.from(L.W))")
    assert reset == initial


def test_several_classes_regions_shapes_and_the_confusion_matrix(visit):
    """Three clusters: a softmax network whose regions take each class's colour, whose
    confusion matrix counts the test points as the accuracy says, and squared error is
    replaced by cross-entropy with a notice."""
    page, _ = visit(PAGE + "?data=clusters3&loss=mse&n=300&layers=8&epoch=40")
    got = live(page)
    assert got["state"]["loss"] == "bce" and "squared error needs two classes" in got["notice"]
    out = page.evaluate("""() => {
        const p = document.querySelector('.nl-playground').playground, t = p.trainer;
        const canvas = document.querySelector('.nlp-plane'), ctx = canvas.getContext('2d');
        const css = getComputedStyle(document.querySelector('.nl-playground'));
        const pixel = (x1, x2) => {            // the plane shows [-3.6, 3.6]^2
            const w = canvas.width, px = Math.round((x1 + 3.6) / 7.2 * w), py = Math.round(w - (x2 + 3.6) / 7.2 * w);
            return Array.from(ctx.getImageData(px, py, 1, 1).data.slice(0, 3));
        };
        const centres = [0, 1, 2].map(c => { const a = 2 * Math.PI * c / 3 + Math.PI / 2;
            return [2.2 * Math.cos(a) * 0.6, 2.2 * Math.sin(a) * 0.6]; });   // inside, away from points
        return { classes: t.classes, outputs: t.net.at(-1).nout, confusion: t.confusion(),
                 nTest: t.test.y.length, acc: t.history.test_acc.at(-1),
                 pixels: centres.map(([a, b]) => pixel(a, b)),
                 colours: [0, 1, 2, 'bg'].map(k => css.getPropertyValue('--nlp-' + (k === 'bg' ? k : 'c' + k)).trim()),
                 table: [...document.querySelectorAll('.nlp-confusion tbody tr')].map(r =>
                     [...r.querySelectorAll('td')].map(td => Number(td.textContent))),
                 summary: document.querySelector('.nlp-summary').textContent };
    }""")
    assert out["classes"] == 3 and out["outputs"] == 3
    K = out["classes"]
    assert out["table"] == out["confusion"] and len(out["table"]) == K
    assert sum(map(sum, out["table"])) == out["nTest"]
    assert sum(out["table"][k][k] for k in range(K)) == round(out["acc"] * out["nTest"])
    assert out["acc"] > 0.8
    *rgb, bg = [np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)], float) for c in out["colours"]]
    for k, pixel in enumerate(out["pixels"]):     # each cluster's region is tinted its own colour
        tint = np.array(pixel, float) - bg
        cosine = [tint @ (c - bg) / (np.linalg.norm(tint) * np.linalg.norm(c - bg)) for c in rgb]
        assert int(np.argmax(cosine)) == k, (k, pixel, cosine)
    for k, shape in enumerate(("circles", "triangles", "squares")):
        assert f"class {k} ({shape})" in out["summary"]


@pytest.mark.parametrize("act, init, falls_off", [("sigmoid", "glorot", True), ("relu", "he", False)])
def test_the_gradient_view_shows_each_layers_gradient_as_numpy_computes_it(visit, act, init, falls_off):
    """Depth 6: with sigmoid the first layer's gradient is orders of magnitude below the
    output's, with ReLU and He init it is not; the numbers shown are numpy's."""
    query = f"data=circles&n=200&layers=8,8,8,8,8,8&act={act}&init={init}&epoch=4"
    page, _ = visit(PAGE + "?" + query)
    live(page)
    text = page.locator(".nlp-grad-text").first.text_content()
    per_layer = text.split("; first layer ÷ output")[0]
    shown = [float(m) for m in re.findall(r"(?:layer \d|output) (\d\.\d+e[-+]\d+)", per_layer)]
    assert len(shown) == 7, text
    py = nn.train(nn.config(data="circles", n=200, layers=(8,) * 6, act=act, init=init, epochs=4))
    expected = py["history"]["grad_norm"][-1]
    assert shown == pytest.approx(expected, rel=6e-3), text      # shown to 3 significant digits
    assert (shown[0] / shown[-1] < 1e-2) == falls_off, text
    drawn = page.evaluate("""() => { const c = document.querySelector('.nlp-grads');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
    assert drawn > 100, "the gradient chart drew nothing"


def test_early_stopping_in_the_page_stops_where_numpy_does_and_says_so(visit, tmp_path):
    query = "data=circles&n=60&noise=0.6&lr=0.03&patience=5&epoch=60"
    page, _ = visit(PAGE + "?" + query)
    live(page)
    got = page.evaluate("""() => { const t = document.querySelector('.nl-playground').playground.trainer;
        return { stopped: t.stopped, epoch: t.epoch, net: t.net.map(L => Array.from(L.W)),
                 status: document.querySelector('.nlp-status').textContent }; }""")
    py = nn.train(nn.config(data="circles", n=60, noise=0.6, lr=0.03, patience=5), epochs=60)
    assert got["stopped"] == py["stopped"] and got["epoch"] == py["stopped"]["epoch"]
    assert got["net"] == [np.ravel(W).tolist() for W, _ in py["net"]]     # the best weights, restored
    stop, best = py["stopped"]["epoch"], py["stopped"]["best"]
    assert f"Early stopping at epoch {stop}" in got["status"]
    assert f"those of epoch {best}" in got["status"]
    # The numbers it quotes are those of the weights it holds (the best epoch's) ...
    assert f"Epoch {best}: test accuracy" in got["status"] and f"Epoch {stop}:" not in got["status"]
    # ... and so are the export's and rebuild.py's.
    with page.expect_download() as download:
        page.get_by_role("button", name="Download weights (JSON)").click()
    path = tmp_path / "run.json"
    download.value.save_as(path)
    run = json.loads(path.read_text())
    assert run["stopped"] == py["stopped"]
    accuracy, loss = rebuild_prints(path)
    assert accuracy == py["history"]["test_acc"][best]
    assert loss == pytest.approx(py["history"]["test_loss"][best], abs=1e-9, rel=0)
    assert page.locator(".nlp-status").text_content().startswith(f"Weights of epoch {best} (early stopping")


HOSTILE = {
    "script": "act=<script>window.__pwned=1</script>&data=xor",
    "markup": "data=<img src=x onerror=window.__pwned=1>",
    "oversized layers": "layers=99,99,99,99,99,99,99,99,99",
    "huge numbers": "n=1e300&epoch=99999999999&seed=-5&lr=1e9",
    "not numbers": "noise=NaN&lr=Infinity&batch=abc",
    "junk features": "features=x3,<b>,sinx1",
    "malformed escape": "act=%E0%A4%A&%%%=1",
    "very long": "data=" + "x" * 5000,
    "unknown keys": "foo=1&__proto__=2&constructor=3",
}


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_url_opens_a_valid_state_with_a_notice(visit, query):
    page, v = visit(PAGE + "?" + query)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    got = live(page, replayed=False)
    for _ in range(5):                        # a long replay runs in slices: the tab answers
        start = time.monotonic()
        page.evaluate("1")
        assert time.monotonic() - start < 1.0
        page.wait_for_timeout(100)
    assert got["notice"].startswith("Some settings in the link were not used"), got
    state = got["state"]
    assert len(state["layers"]) <= 6 and all(1 <= w <= 16 for w in state["layers"])
    assert 20 <= state["n"] <= 1000 and 0 <= state["epoch"] <= 10000 and state["features"]
    assert state["act"] in nn.ACTIVATIONS and 1e-5 <= state["lr"] <= 10
    assert not page.evaluate("window.__pwned") and not dialogs
    assert page.locator(".nlp img, .nlp script, .nlp b").count() == 0
    assert not [e for e in v.errors if "playground" in e], v.errors


def test_it_pauses_off_screen(visit):
    page, _ = visit(ARTICLE)
    live(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("document.querySelector('.nl-playground').playground.trainer.epoch > 110")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    epoch = page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch")
    page.wait_for_timeout(1000)
    assert page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch") == epoch


def test_no_autoplay_when_the_reader_prefers_reduced_motion(visit):
    page, _ = visit(ARTICLE)                       # the visit fixture's contexts reduce motion
    got = live(page)
    page.wait_for_timeout(500)
    assert page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch") == got["epoch"]
    assert page.get_by_role("button", name="Play").get_attribute("aria-pressed") == "false"


PIXEL = """() => { const c = document.querySelector('.nlp-plane');
    const d = c.getContext('2d').getImageData(2, 2, 1, 1).data; return [d[0], d[1], d[2]]; }"""


def test_colours_follow_the_palette_toggle(visit):
    page, _ = visit(PAGE)
    live(page)
    light = page.evaluate(PIXEL)
    toggle_palette(page)
    page.wait_for_timeout(100)
    dark = page.evaluate(PIXEL)
    assert sum(light) / 3 > 150 and sum(dark) / 3 < 100, (light, dark)


def test_usable_on_a_small_phone(chromium_browser, origin):
    context = new_context(chromium_browser, viewport={"width": 360, "height": 740},
                          has_touch=True, is_mobile=True, device_scale_factor=PHONE["device_scale_factor"])
    page, _ = open_page(context, origin, PAGE)
    live(page)
    overflow = page.evaluate("""() => [...document.querySelectorAll('.nlp *')]
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(el => el.className || el.tagName).slice(0, 5)""")
    assert not overflow, overflow
    page.get_by_role("button", name="Step").tap()
    assert page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch") == 101
    context.close()


@pytest.mark.parametrize("path", [ARTICLE, PAGE, PAGE + "?cmp=act:sigmoid;layers:4"])   # the last: compare on
def test_axe_and_nu_find_nothing_with_the_playground_running(visit, axe_script, vnu_jar, tmp_path, path):
    page, v = visit(path)
    live(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_timeout(300)
    # The Nu checker reads the live playground in a document of its own (the rest of
    # the page's runtime DOM is Material's, checked as built by test_html_valid).
    html = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>live</title>'
            '</head><body>' + page.evaluate("document.querySelector('.nl-playground').outerHTML")
            + "</body></html>")
    violations = run_axe(page)
    assert not violations, describe(violations)
    (tmp_path / "live.html").write_text(html)
    proc = subprocess.run(["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json",
                           str(tmp_path / "live.html")], capture_output=True, text=True, timeout=300)
    errors = [m for m in json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
              if m.get("type") in ("error", "non-document-error")]
    assert not errors, describe(errors[:10])
    assert not v.foreign, v.foreign


def test_without_javascript_the_figure_stands_in(chromium_browser, origin):
    context = new_context(chromium_browser, java_script_enabled=False)
    page, _ = open_page(context, origin, ARTICLE)
    stand_in = page.locator(".nl-playground figure.nl-figure img[src*='playground-run']")
    assert stand_in.count() == 2                                   # light and dark drawings
    assert page.locator(".nl-playground .nl-figure figcaption").is_visible()
    assert page.locator(".nlp").count() == 0
    context.close()


def test_in_print_the_figure_comes_back(visit):
    page, _ = visit(ARTICLE)
    live(page)
    page.emulate_media(media="print")
    assert page.locator(".nl-playground figure.nl-figure").is_visible()
    assert not page.locator(".nlp").is_visible()
    page.emulate_media(media="screen")
    assert not page.locator(".nl-playground figure.nl-figure").is_visible()
    assert page.locator(".nlp").is_visible()


def test_it_pauses_in_a_hidden_tab(visit):
    page, _ = visit(PAGE)
    live(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("document.querySelector('.nl-playground').playground.trainer.epoch > 105")
    page.evaluate("""() => { Object.defineProperty(document, 'hidden', {value: true, configurable: true});
                             document.dispatchEvent(new Event('visibilitychange')); }""")
    page.wait_for_timeout(200)
    epoch = page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch")
    page.wait_for_timeout(800)
    assert page.evaluate("document.querySelector('.nl-playground').playground.trainer.epoch") == epoch
    page.evaluate("""() => { Object.defineProperty(document, 'hidden', {value: false, configurable: true});
                             document.dispatchEvent(new Event('visibilitychange')); }""")
    page.wait_for_function(f"document.querySelector('.nl-playground').playground.trainer.epoch > {epoch}")


def test_the_exported_run_is_the_pages_and_rebuild_py_scores_it(visit, tmp_path):
    """Download weights (JSON) holds the trainer's weights in the build's format; the
    page's rebuild.py prints the page's test accuracy; the PNG is the plane's picture."""
    page, _ = visit(PAGE)
    live(page)
    page.get_by_label("Activation").select_option("gelu")
    page.get_by_label("x₁²").check()
    for _ in range(7):
        page.get_by_role("button", name="Step").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download weights (JSON)").click()
    path = tmp_path / "run.json"
    download.value.save_as(path)
    run = json.loads(path.read_text())
    got = page.evaluate("""() => { const t = document.querySelector('.nl-playground').playground.trainer;
        const layers = (net) => net.map(L => ({ W: Array.from(L.W), b: Array.from(L.b) }));
        return { final: layers(t.net), initial: layers(t.initial), history: t.history, state: t.state }; }""")
    assert run["format"] == "nonlinear-playground-run/1"
    assert set(run) == {"format", "title", "state", "data", "initial", "final", "history", "stopped"}
    assert run["stopped"] is None
    assert run["state"] == {**got["state"], "epochs": 7} and run["state"]["act"] == "gelu"
    assert gap(run["final"], got["final"]) == 0.0 and gap(run["initial"], got["initial"]) == 0.0
    assert run["history"] == got["history"]
    sizes = [len(got["state"]["features"]), *got["state"]["layers"], 1]
    assert "x1sq" in got["state"]["features"] and [L["shape"] for L in run["final"]] == [[a, b] for a, b in zip(sizes, sizes[1:])]
    assert page.locator(".nlp-status").text_content().startswith("Weights and history at epoch 7")
    accuracy, loss = rebuild_prints(path)
    assert accuracy == got["history"]["test_acc"][-1]
    assert loss == pytest.approx(got["history"]["test_loss"][-1], abs=1e-9, rel=0)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download boundary (PNG)").click()
    download.value.save_as(tmp_path / "plane.png")
    assert (tmp_path / "plane.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    script = page.get_by_role("link", name="Python script (rebuild.py)")
    served = page.evaluate("(href) => fetch(href).then(r => r.text())", script.get_attribute("href"))
    assert served == REBUILD.read_text()
