"""Your own points (docs/playground/view/points.js, `pts` in the URL).

A click, a tap or the keyboard cursor must add a point where it was put, of the
chosen class, into the state and the link; removing and clearing must change
exactly that; a link with points must replay the run numpy trains on the same
points, and a hostile `pts` must open a valid state with a notice.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from gen.lib.playground import data, nn

from conftest import rebuild_prints

from .support import describe, run_axe
from .test_playground import PAGE, REPLAY, js_state, live

pytestmark = [pytest.mark.build, pytest.mark.browser]

PLAYGROUND = "document.querySelector('.nl-playground').playground"
HALF_STEP = 7.2 / 2047 / 2               # how far a point may land from where it was put

# What the page holds: your points decoded by the page's own decoder, and where they went.
POINTS = f"""async () => {{
    const {{ decodePoints }} = await import('/playground/core/data.js');
    const p = {PLAYGROUND}, d = decodePoints(p.state.pts), t = p.trainer;
    return {{ pts: p.state.pts, X: Array.from(d.X), y: Array.from(d.y), data: p.state.data,
             points: t.points.y.length, own: Array.from(t.points.own).reduce((a, b) => a + b, 0),
             epoch: t.epoch, href: document.querySelector('.nlp-share').href,
             status: document.querySelector('.nlp-status').textContent,
             weights: t.net.map(L => Array.from(L.W)) }};
}}"""


def plane_position(page, x1, x2):
    """Where (x1, x2) is on the plane's canvas, in CSS pixels from its content's corner."""
    w = page.evaluate("document.querySelector('.nlp-plane').clientWidth")
    return {"x": (x1 + 3.6) / 7.2 * w, "y": (3.6 - x2) / 7.2 * w}, 7.2 / w


def test_a_click_adds_a_point_of_the_chosen_class_where_it_was_put_and_the_link_keeps_it(visit):
    page, v = visit(PAGE)
    before = live(page)
    n = page.evaluate(f"{PLAYGROUND}.trainer.points.y.length")
    page.get_by_label("Class of new points").select_option("1")
    plane = page.locator(".nlp-plane")
    where, pixel = plane_position(page, 1.0, -2.0)
    plane.click(position=where)
    got = page.evaluate(POINTS)
    assert got["y"] == [1] and got["own"] == 1 and got["points"] == n + 1 and got["epoch"] == 0
    assert np.allclose(got["X"], [1.0, -2.0], atol=pixel + HALF_STEP), got["X"]
    assert f"pts={got['pts']}" in got["href"] and len(got["pts"]) == 4
    assert got["status"].startswith("Added a class 1 (triangle)")
    assert before["state"]["pts"] == ""
    # a second point, of class 0, far away; then "remove" takes the nearest: the first
    page.get_by_label("Class of new points").select_option("0")
    where2, _ = plane_position(page, -3.0, 3.0)
    plane.click(position=where2)
    for _ in range(3):
        page.get_by_role("button", name="Step").click()
    shared = page.evaluate(POINTS)
    assert shared["y"] == [1, 0]
    # the link reproduces the points and the run
    other, _ = visit(PAGE + "?" + shared["href"].split("?", 1)[1])
    live(other)
    again = other.evaluate(POINTS)
    assert again["pts"] == shared["pts"] and again["epoch"] == 3 and again["weights"] == shared["weights"]
    page.get_by_label("A click or tap on the plane").select_option("remove")
    near, _ = plane_position(page, 0.8, -1.7)
    plane.click(position=near)
    left = page.evaluate(POINTS)
    assert left["y"] == [0] and np.allclose(left["X"], [-3.0, 3.0], atol=pixel + HALF_STEP)
    assert left["status"].startswith("Removed your class 1 (triangle) point")
    assert not [e for e in v.errors if "playground" in e], v.errors


def test_a_tap_adds_a_point(visit):
    page, _ = visit(PAGE, has_touch=True, is_mobile=True)
    live(page)
    where, pixel = plane_position(page, -1.5, 0.5)
    page.locator(".nlp-plane").tap(position=where)
    got = page.evaluate(POINTS)
    assert got["y"] == [0] and np.allclose(got["X"], [-1.5, 0.5], atol=pixel + HALF_STEP)


def test_the_keyboard_cursor_moves_adds_and_removes(visit):
    page, _ = visit(PAGE)
    live(page)
    cursor = page.get_by_role("button", name=re.compile("^Cursor on the plane"))
    cursor.focus()
    for key, times in (("ArrowRight", 5), ("ArrowUp", 3), ("Shift+ArrowDown", 2)):
        for _ in range(times):
            page.keyboard.press(key)
    assert cursor.get_attribute("aria-label") == "Cursor on the plane at (0.50, -0.70)"
    assert page.evaluate(f"{PLAYGROUND}.plane.cursor") == [0.5, -0.7]      # drawn on the plane
    status = page.locator(".nlp-status").text_content()
    predicted = page.evaluate(f"""() => {{ const t = {PLAYGROUND}.trainer;
        const p = t.probabilities([0.5], [-0.7], new Float64Array(2)); return p[0] >= 0.5 ? 1 : 0; }}""")
    shape = ("circle", "triangle")[predicted]
    assert status == f"Cursor at (0.50, -0.70): the network predicts class {predicted} ({shape}) there.", status
    page.get_by_label("Class of new points").select_option("1")
    cursor.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    got = page.evaluate(POINTS)
    assert got["y"] == [1, 1] and np.allclose(got["X"], [0.5, -0.7, 0.4, -0.7], atol=HALF_STEP)
    assert got["status"].startswith("Added a class 1 (triangle)")
    assert page.evaluate("document.activeElement.classList.contains('nlp-cursor')")   # focus stays
    page.keyboard.press("Delete")                   # the nearest to the cursor: the second
    got = page.evaluate(POINTS)
    assert got["y"] == [1] and np.allclose(got["X"], [0.5, -0.7], atol=HALF_STEP)
    assert got["status"].startswith("Removed your class 1 (triangle) point at (0.40, -0.70)")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    assert page.evaluate(POINTS)["pts"] == ""
    assert page.locator(".nlp-status").text_content() == "You have no points to remove."
    cursor.blur()
    assert page.evaluate(f"{PLAYGROUND}.plane.cursor") is None


def test_clear_leaves_only_your_points(visit, axe_script):
    page, _ = visit(PAGE)
    live(page)
    page.get_by_role("button", name="Clear the data set").click()
    got = page.evaluate(POINTS)
    assert got["data"] == "custom" and got["points"] == 0 and got["pts"] == ""
    assert page.get_by_role("radio", name="Your points only").is_checked()
    assert got["status"].startswith("Data set cleared")
    text = page.locator(".nlp-summary").first.text_content()
    assert "test loss none" in text and "NaN" not in text, text
    page.get_by_role("button", name="Step").click()
    assert page.evaluate(f"{PLAYGROUND}.trainer.epoch") == 0
    assert page.locator(".nlp-status").text_content().startswith("No training points yet")
    cursor = page.get_by_role("button", name=re.compile("^Cursor on the plane"))
    cursor.focus()
    for key in ("Enter", "ArrowRight", "Enter", "ArrowRight", "Enter"):
        page.keyboard.press(key)
    got = page.evaluate(POINTS)
    assert got["points"] == 3 == got["own"] and "data=custom" in got["href"]
    assert "3 (2 training, 1 test)" in page.locator(".nlp-pts-count").text_content()
    page.get_by_role("button", name="Step").click()
    assert page.evaluate(f"{PLAYGROUND}.trainer.epoch") == 1
    cursor.focus()
    violations = run_axe(page)                   # with the cursor on the plane and your points only
    assert not violations, describe(violations)


def test_the_downloaded_run_holds_your_points_and_rebuild_py_scores_it(visit, tmp_path):
    cfg = nn.config(data="custom", pts=own_points(m=40), act="tanh", lr=0.03)
    page, _ = visit(f"{PAGE}?data=custom&pts={cfg['pts']}&act=tanh&lr=0.03&epoch=12")
    live(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download weights (JSON)").click()
    path = tmp_path / "run.json"
    download.value.save_as(path)
    run = json.loads(path.read_text())
    py = nn.train(cfg, epochs=12)
    assert run["state"]["pts"] == cfg["pts"] and run["state"]["data"] == "custom"
    assert run["data"]["X_test"] == py["X_test"].tolist() and run["data"]["y_train"] == py["y_train"].tolist()
    accuracy, _ = rebuild_prints(path)
    assert accuracy == run["history"]["test_acc"][-1] == py["history"]["test_acc"][-1]


def own_points(seed=4, m=48):
    """m points of three classes in three corners, with noise: a `pts` text."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-2.0, -1.5], [2.0, -1.5], [0.0, 2.0]])
    y = np.arange(m) % 3
    return data.encode_points(centres[y] + rng.normal(0, 0.6, (m, 2)), y)


def two_class(pts: str) -> str:
    """The same points with every class folded to 0 or 1 (moons has two classes)."""
    X, y = data.decode_points(pts)
    return data.encode_points(X, y % 2)


REPLAYS = [
    dict(data="custom", pts=own_points(), act="tanh", layers=(8, 8), opt="momentum", lr=0.03, batch=4),
    dict(data="moons", n=100, pts=two_class(own_points(m=30)), act="relu", batch=7),
]


@pytest.mark.parametrize("options", REPLAYS, ids=lambda o: o["data"])
def test_a_link_with_your_points_replays_numpys_run(visit, options):
    """The page, opened at such a link, trains the same points to the same bits as numpy;
    and the core alone, given the state, does too."""
    cfg = nn.config(**options)
    py = nn.train(cfg, epochs=30)
    page, _ = visit(PAGE)
    live(page)
    core = page.evaluate(REPLAY, [js_state(cfg), 30])
    assert core["X"] == np.concatenate([py["X_train"], py["X_test"]]).ravel().tolist()
    assert core["history"] == {k: [list(v) if isinstance(v, list) else v for v in vs] for k, vs in py["history"].items()}
    assert core["final"] == [{"W": np.ravel(W).tolist(), "b": b.tolist()} for W, b in py["net"]]
    query = "&".join(f"{k}={','.join(map(str, v)) if isinstance(v, tuple) else v}" for k, v in options.items())
    other, _ = visit(f"{PAGE}?{query}&epoch=30")
    got = live(other)
    assert got["state"]["pts"] == cfg["pts"] and got["epoch"] == 30 and not got["notice"], got["notice"]
    assert got["weights"] == [np.ravel(W).tolist() for W, _ in py["net"]]
    shown = other.evaluate(f"{PLAYGROUND}.trainer.history")
    assert shown["test_loss"] == py["history"]["test_loss"] and shown["train_acc"] == py["history"]["train_acc"]


HOSTILE = {
    "markup": "pts=<img src=x onerror=window.__pwned=1>",
    "not whole points": "data=custom&pts=AAAABBBBCC",
    "too many": "pts=" + "AAAA" * 450,
    "wrong classes": "data=circles&pts=AAAA____AAAD",
    "nothing to train": "data=custom&pts=&epoch=500",
}


@pytest.mark.parametrize("query", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_pts_opens_a_valid_state_with_a_notice(visit, query):
    page, _ = visit(PAGE + "?" + query)
    got = live(page)
    assert got["notice"].startswith("Some settings in the link were not used"), got
    pts = got["state"]["pts"]
    assert len(pts) % 4 == 0 and len(pts) <= 4 * 400 and set(pts) <= set(data.B64)
    _, y = data.decode_points(pts)
    assert all(c < (4 if got["state"]["data"] == "custom" else 2) for c in y)
    assert got["epoch"] == 0 or got["state"]["data"] != "custom"
    assert not page.evaluate("window.__pwned") and page.locator(".nlp img").count() == 0


# ------------------------------------------------------------------ small fixes beside

def test_the_gradient_legend_names_every_layer_and_tells_them_apart_without_colour(visit):
    page, _ = visit(PAGE + "?layers=4,4,4&epoch=2")
    live(page)
    legend = page.evaluate("""() => [...document.querySelectorAll('.nlp-legend li')].map(li => {
        const c = li.querySelector('canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return { name: li.textContent.trim(), hidden: c.getAttribute('aria-hidden'),
                 mask: Array.from({ length: d.length / 4 }, (_, i) => d[4 * i + 3] > 0 ? 1 : 0).join('') };
    })""")
    assert [item["name"] for item in legend] == ["layer 1", "layer 2", "layer 3", "output"]
    masks = [item["mask"] for item in legend]
    assert len(set(masks)) == 4 and all("1" in m for m in masks)      # four line shapes, none empty
    assert all(item["hidden"] == "true" for item in legend)
    assert page.get_by_role("list", name="Lines of the gradient chart").count() == 1


def test_a_hand_edit_of_a_weight_updates_the_accuracy_and_loss_at_once(visit):
    page, _ = visit(PAGE + "?data=xor&layers=4&epoch=20")
    live(page)
    page.locator(".nlp-unit").first.click()
    before = page.evaluate(f"{PLAYGROUND}.trainer.history.test_loss.at(-1)")
    weight = page.locator(".nlp-weights input").first
    weight.fill("25")
    got = page.evaluate(f"""() => {{ const t = {PLAYGROUND}.trainer, [loss, acc] = t.evaluate(t.test);
        return {{ loss, acc, shown: t.history.test_loss.at(-1), shownAcc: t.history.test_acc.at(-1),
                 length: t.history.test_loss.length, epoch: t.epoch,
                 text: document.querySelector('.nlp-summary').textContent }}; }}""")
    assert got["shown"] == got["loss"] != before and got["shownAcc"] == got["acc"]
    assert got["length"] == got["epoch"] + 1 == 21
    assert f"test accuracy {100 * got['acc']:.1f}%" in got["text"]
