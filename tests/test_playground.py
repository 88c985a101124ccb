"""The playground's numpy reference (gen/lib/playground) and what the build exports for it.

The browser side is checked against these in tests/browser/test_playground.py.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.special import erf, expit

from conftest import REBUILD, ROOT, rebuild_prints, tiny_figure
from gen import build as pipeline
from gen.lib import activations as ref
from gen.lib.playground import data, nn, xmath

PLAYGROUND = ROOT / "docs" / "playground"
LOADER = ROOT / "docs" / "javascripts" / "playground.js"
BUDGET_GZIP = 40_000          # bytes of JS and CSS, gzipped (issue 16: at most 40 kB in all)


def rel_err(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


X = np.concatenate([np.linspace(-40, 40, 40001), np.geomspace(1e-12, 1, 500),
                    -np.geomspace(1e-12, 1, 500)])


@pytest.mark.parametrize("name, ours, numpys", [
    ("exp", xmath.exp, np.exp), ("expm1", xmath.expm1, np.expm1), ("tanh", xmath.tanh, np.tanh),
    ("sigmoid", xmath.sigmoid, expit)])
def test_elementary_functions_are_within_a_few_ulp_of_numpy(name, ours, numpys):
    assert rel_err(ours(X), numpys(X)) < 4e-16 * 2, name


def test_log_and_log1p_cover_the_whole_range():
    x = np.concatenate([np.geomspace(5e-324, 1e308, 20001), [1.0, 2.0, 0.5]])
    assert rel_err(xmath.log(x[x != 1]), np.log(x[x != 1])) < 5e-16
    assert xmath.log(np.array([1.0]))[0] == 0.0
    assert np.isneginf(xmath.log(np.array([0.0]))[0]) and np.isnan(xmath.log(np.array([-1.0]))[0])
    t = np.geomspace(1e-300, 1e3, 5001)
    assert rel_err(xmath.log1p(t), np.log1p(t)) < 5e-16


def test_sin_and_cos_on_the_range_the_data_uses():
    x = np.linspace(-50, 50, 100001)
    assert np.max(np.abs(xmath.sin(x) - np.sin(x))) < 5e-16
    assert np.max(np.abs(xmath.cos(x) - np.cos(x))) < 5e-16


def test_exp_limits():
    assert xmath.exp(np.array([710.0]))[0] == np.inf and xmath.exp(np.array([-746.0]))[0] == 0
    sub = np.array([-740.0, -744.0, -709.0, 709.7])
    assert np.all(rel_err(xmath.exp(sub), np.exp(sub)) < 1e-15)


GRID = np.linspace(-6, 6, 2401)


@pytest.mark.parametrize("name", sorted(nn.ACTIVATIONS))
def test_activations_match_the_figures_ones(name):
    """The playground's activations are gen.lib.activations' (GELU: its tanh form)."""
    f, _ = nn.ACTIVATIONS[name]
    if name == "gelu":
        c = np.sqrt(2 / np.pi)
        tanh_form = 0.5 * GRID * (1 + np.tanh(c * (GRID + 0.044715 * GRID**3)))
        np.testing.assert_allclose(f(GRID), tanh_form, rtol=1e-14, atol=1e-15)
        erf_form = GRID * 0.5 * (1 + erf(GRID / np.sqrt(2)))
        assert np.max(np.abs(f(GRID) - erf_form)) < 1e-3      # the approximation, as documented
        return
    theirs = (lambda x: ref.leaky_relu(x, nn.LEAKY_SLOPE)) if name == "leaky_relu" else ref.ACTIVATIONS[name][0]
    np.testing.assert_allclose(f(GRID), theirs(GRID), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", sorted(nn.ACTIVATIONS))
def test_activation_derivatives_match_finite_differences(name):
    f, df = nn.ACTIVATIONS[name]
    x = GRID[np.abs(GRID) > 1e-3]                     # ReLU family: kink at 0
    h = 1e-6
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(df(x, f(x)), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("loss, classes", [("bce", 2), ("mse", 2), ("bce", 3)])
@pytest.mark.parametrize("act", ["tanh", "relu", "softplus"])
def test_backward_matches_finite_differences(act, loss, classes):
    rng = np.random.default_rng(3)
    A = rng.normal(size=(6, 3))
    y = rng.integers(0, classes, 6)
    net = nn.init([3, 5, 4, 1 if classes == 2 else classes], seed=4, scheme="he")
    for layer in net:                     # biases off zero: no pre-activation sits on ReLU's kink
        layer[1] = rng.normal(0, 0.5, layer[1].shape)
    grads = nn.backward(net, A, y, act, loss)
    h = 1e-6
    for layer, grad in zip(net, grads):
        for k in range(2):
            for idx in list(np.ndindex(layer[k].shape))[:8]:
                old = layer[k][idx]
                layer[k][idx] = old + h
                up = nn.evaluate(net, A, y, act, loss)[0]
                layer[k][idx] = old - h
                down = nn.evaluate(net, A, y, act, loss)[0]
                layer[k][idx] = old
                assert grad[k][idx] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("first_shape, terms_shape", [
    ((16,), (11, 16)), ((1,), (11, 1)), ((16, 16), (11, 16, 16)), ((280, 1), (9, 280, 1)),
    ((10, 1), (17, 10, 1)), ((), (130,))])
def test_in_order_adds_one_term_at_a_time_as_the_js_loops_do(first_shape, terms_shape):
    """The first term is 1e16 and the rest are ones: added in order, every one is lost
    (the spacing of doubles there is 2). A pairwise or blocked sum, which numpy uses along
    a fast axis, keeps some of them. The (9, 280, 1) case is what dense() meets with a
    one-unit layer; its terms come out of a broadcast product in Fortran order."""
    terms = np.ones(terms_shape)
    terms[0] = 1e16
    if len(terms_shape) == 3:
        terms = np.asfortranarray(terms)
    first = np.zeros(first_shape)
    expected = first.copy()
    for term in terms:
        expected = expected + term
    assert np.array_equal(expected, np.full(first_shape, 1e16))
    total = nn.in_order(first, terms)
    assert total.shape == first_shape and np.array_equal(total, expected)


def test_dense_is_the_same_in_blocks_of_rows():
    rng = np.random.default_rng(5)
    A, W, b = rng.normal(size=(nn.ROWS * 2 + 7, 16)), rng.normal(size=(16, 5)), rng.normal(size=5)
    whole = nn.dense(A, W, b)
    assert whole.shape == (len(A), 5)
    assert np.array_equal(whole[-3:], nn.dense(A[-3:], W, b))
    np.testing.assert_allclose(whole, A @ W + b, rtol=1e-12, atol=1e-12)


def test_bce_from_logits_is_stable_where_the_naive_form_fails():
    z = np.array([[-800.0], [-30.0], [0.0], [30.0], [800.0]])
    per, _ = nn.losses(z, np.array([1, 1, 0, 0, 0]), "bce")
    assert np.all(np.isfinite(per))
    np.testing.assert_allclose(per, [800.0, 30.0, np.log(2), 30.0, 800.0], rtol=1e-12)


def test_mulberry32_streams():
    """Known first outputs of mulberry32 (seed 0), and independent streams per purpose."""
    rng = data.Mulberry32(0)
    first = [rng() for _ in range(3)]
    assert first[0] == 1144304738 / 2**32            # the reference implementation's
    assert len(set(first)) == 3 and all(0 <= u < 1 for u in first)
    u = data.stream(7, "data").uniforms(20000)
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    assert not np.array_equal(data.stream(7, "data").uniforms(5), data.stream(7, "init").uniforms(5))
    z = data.stream(7, "init").normals(20001)
    assert len(z) == 20001 and abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03


@pytest.mark.parametrize("name", data.DATASETS)
def test_data_sets_are_balanced_and_seeded(name):
    X, y = data.generate(name, 300, 0.1, seed=5)
    assert X.shape == (300, 2) and y.tolist() == [i % data.classes(name) for i in range(300)]
    assert np.all(np.abs(X) < 4.5)
    X2, _ = data.generate(name, 300, 0.1, seed=5)
    assert np.array_equal(X, X2)
    assert not np.array_equal(X, data.generate(name, 300, 0.1, seed=6)[0])


def test_what_the_data_sets_are():
    X, y = data.generate("circles", 400, 0.0, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 1.0 + 1e-12 and r[y == 0].min() >= 1.6 - 1e-12
    X, y = data.generate("xor", 400, 0.0, seed=1)
    assert np.all((X[:, 0] * X[:, 1] > 0) == (y == 1))
    X, y = data.generate("blobs", 400, 0.0, seed=1)
    assert np.all((X[:, 0] + X[:, 1] > 0) == (y == 1))             # separable by a line
    for name, K in (("clusters3", 3), ("clusters4", 4)):              # K clouds round a circle
        X, y = data.generate(name, 400, 0.0, seed=1)
        assert data.classes(name) == K and sorted(set(y.tolist())) == list(range(K))
        angle = np.arctan2(X[:, 1], X[:, 0]) - np.pi / 2 - 2 * np.pi * y / K
        centres = np.array([X[y == k].mean(axis=0) for k in range(K)])
        assert np.allclose(np.hypot(*centres.T), 2.2, atol=0.15), name
        assert np.all(np.abs(np.angle(np.exp(1j * angle))) < 1.4), name   # each near its own centre
    X, y = data.generate("spiral3", 600, 0.0, seed=1)
    r = np.hypot(X[:, 0], X[:, 1])
    arm = np.angle(np.exp(1j * (np.arctan2(X[:, 1], X[:, 0]) - 1.25 * 2 * np.pi * r / 2.8)))
    assert np.allclose(np.angle(np.exp(1j * (arm - 2 * np.pi * y / 3))), 0, atol=1e-9)  # on arm y


def test_several_classes_get_a_softmax_output_and_train():
    cfg = nn.config(data="clusters3", n=300, epochs=15)
    run = nn.train(cfg)
    assert [W.shape[1] for W, _ in run["net"]][-1] == 3
    assert run["history"]["test_acc"][-1] > 0.85 and run["history"]["test_acc"][0] < 0.6   # chance: 1/3
    P = nn.probabilities(run["net"], cfg, run["X_test"])
    assert P.shape == (len(run["X_test"]), 3) and np.allclose(P.sum(axis=1), 1)


def test_training_reproduces_itself_and_reset_gives_the_same_start():
    cfg = nn.config(data="xor", act="tanh", epochs=5, n=120)
    a, b = nn.train(cfg), nn.train(cfg)
    assert a["history"] == b["history"]
    for (Wa, _), (Wb, _) in zip(a["initial"], b["initial"]):
        assert np.array_equal(Wa, Wb)
    other = nn.train(nn.config(data="xor", act="tanh", epochs=5, n=120, seed=1))
    assert other["history"] != a["history"]


def test_the_unknown_setting_is_named():
    with pytest.raises(ValueError, match="activation"):
        nn.config(activation="relu")


def test_export_holds_what_the_browser_replays():
    run = nn.train(nn.config(data="circles", n=60, epochs=3))
    out = nn.export(run, "circles, ReLU")
    text = json.dumps(out, allow_nan=False)
    back = json.loads(text)
    assert back["state"]["epochs"] == 3 and len(back["history"]["train_loss"]) == 4
    assert back["initial"][0]["shape"] == [2, 16]
    assert np.array_equal(np.array(back["initial"][0]["W"]), run["initial"][0][0].ravel())
    assert np.array_equal(np.array(back["data"]["X_train"]), run["X_train"])   # exact floats


# Every activation and loss, every feature; spiral on all seven features, with ELU and
# squared error, is where a wrong order of features or a wrong activation shows.
REBUILT = [
    dict(act="elu", loss="mse", data="spiral", features=nn.FEATURES, lr=0.03),
    dict(act="gelu", features=("x1", "x2", "sinx1", "sinx2")),
    dict(act="leaky_relu", data="xor", features=("x1sq", "x2sq", "x1x2"), layers=(6, 6)),
    dict(act="silu", data="moons", features=("x2", "sinx1"), loss="mse"),
    dict(act="softplus", data="spiral", features=("x1", "x2", "x1x2"), layers=(16,)),
    dict(act="sigmoid"), dict(act="tanh", data="xor"), dict(act="relu"),
    dict(act="identity", data="blobs", layers=()),
    # early stopping: the final weights are the best epoch's, not the last's
    dict(act="relu", data="circles", n=60, noise=0.6, lr=0.03, patience=5, seed=0),
]


def exported(options):
    """nn.export of a 30-epoch run with `options`, as plain JSON values."""
    run = nn.train(nn.config(**{"n": 200, "noise": 0.15, "seed": 3, "epochs": 30, **options}))
    return json.loads(json.dumps(nn.export(run, "test"), allow_nan=False))


@pytest.mark.parametrize("options", REBUILT, ids=lambda o: o["act"])
def test_the_rebuild_script_scores_an_export_as_the_run_did(tmp_path, options):
    """docs/playground/rebuild.py (numpy only, no gen code) rebuilds the exported network."""
    run = exported(options)
    path = tmp_path / "run.json"
    path.write_text(json.dumps(run, allow_nan=False))
    accuracy, loss = rebuild_prints(path)
    held = run["stopped"]["best"] if run["stopped"] else -1       # the epoch of the final weights
    assert (run["stopped"] is not None) == bool(options.get("patience"))
    assert accuracy == run["history"]["test_acc"][held]
    assert loss == pytest.approx(run["history"]["test_loss"][held], abs=1e-9, rel=0)
    if run["stopped"]:              # and not the last epoch's, which differ here
        last = run["history"]["test_loss"][-1]
        assert abs(loss - last) > 1e-6, "the early-stopping case does not tell best from last"


def test_the_first_rebuilt_run_notices_a_wrong_feature_order_or_activation(monkeypatch):
    """REBUILT[0]'s accuracy changes if rebuild.py took the inputs in another order or
    another activation, so the test above could not pass with either mistake."""
    spec = importlib.util.spec_from_file_location("rebuild", REBUILD)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    run = exported(REBUILT[0])
    right = script.score(run)[0]
    assert right == run["history"]["test_acc"][-1]
    monkeypatch.setattr(script, "FEATURES", dict(reversed(script.FEATURES.items())))
    assert script.score(run)[0] != right
    monkeypatch.undo()
    for other in ("relu", "gelu", "silu"):
        monkeypatch.setitem(script.ACTIVATIONS, "elu", script.ACTIVATIONS[other])
        assert script.score(run)[0] != right, other


def test_the_page_weight_budget():
    """The playground's JavaScript and CSS, gzipped, within issue 16's 40 kB."""
    files = [*PLAYGROUND.rglob("*.js"), *PLAYGROUND.rglob("*.css"), LOADER]
    total = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    assert total <= BUDGET_GZIP, f"{total} bytes gzipped over {len(files)} files"


# --- the pipeline's exports -----------------------------------------------------------

EXPORTING = tiny_figure("one").replace(
    'return draw, {"one_value"', 'return draw, {"one_x": 1}, {"run-a": {"v": value}, "run-b": [1, 2]}\n    _unused = {"one_value"')


def test_exports_are_written_next_to_the_figure_and_pruned(tiny_project):
    tiny_project.write("gen/articles/alpha.py", EXPORTING)
    report = pipeline.build(tiny_project.root, jobs=1)
    assert not report.failures, report.failures
    folder = tiny_project.root / "figures" / "alpha"
    assert json.loads((folder / "one" / "run-a.json").read_text()) == {"v": 1.0}
    entry = json.loads((folder / "one.json").read_text())
    assert entry["exports"] == ["one/run-a.json", "one/run-b.json"]
    (folder / "one" / "run-b.json").unlink()                  # a lost export reruns the figure
    assert any("output missing" in r for job in pipeline.plan(tiny_project.root)
               for r in job.reasons if job.label == "alpha/one")
    tiny_project.write("gen/articles/alpha.py", tiny_figure("one"))   # no exports any more
    assert not pipeline.build(tiny_project.root, jobs=1).failures
    assert not (folder / "one").exists()


def test_a_bad_export_names_the_figure(tiny_project):
    tiny_project.write("gen/articles/alpha.py", EXPORTING.replace('"run-b": [1, 2]', '"run-b": float("nan")'))
    report = pipeline.build(tiny_project.root, jobs=1)
    assert report.failures and "export 'run-b'" in report.failures[0].error
    assert "figure 'one'" in report.failures[0].error


DEEP = dict(data="circles", layers=(8,) * 6, n=200, epochs=3)


def test_gradient_norms_are_the_weights_gradients_mean_over_the_epochs_steps():
    run = nn.train(nn.config(**DEEP, act="tanh"))
    assert len(run["history"]["grad_norm"]) == 3 and len(run["history"]["grad_norm"][0]) == 7
    rng = np.random.default_rng(0)
    grads = [[rng.normal(size=(4, 3)), rng.normal(size=3)], [rng.normal(size=(3, 1)), rng.normal(size=1)]]
    assert nn.grad_norms(grads) == pytest.approx([np.linalg.norm(g[0]) for g in grads], rel=1e-14)


def test_with_sigmoid_the_early_layers_gradients_fall_off_and_with_relu_and_he_they_do_not():
    """What the gradient view is for (issue 16): depth 6, the first epoch."""
    sigmoid = nn.train(nn.config(**DEEP, act="sigmoid", init="glorot"))["history"]["grad_norm"][0]
    relu = nn.train(nn.config(**DEEP, act="relu", init="he"))["history"]["grad_norm"][0]
    assert sigmoid[0] / sigmoid[-1] < 1e-2                     # orders of magnitude smaller
    assert all(a < b for a, b in zip(sigmoid, sigmoid[1:]))  # shrinking layer by layer backwards
    assert relu[0] / relu[-1] > 0.1


def test_learning_rate_schedules_and_warm_up():
    cfg = nn.config(lr=0.2, warmup=4, sched="step", every=3)
    assert [nn.lr_at(cfg, e) for e in range(4)] == pytest.approx([0.05, 0.1, 0.15, 0.2])
    assert [nn.lr_at(cfg, e) for e in (4, 6, 7, 10)] == pytest.approx([0.2, 0.2, 0.02, 0.002])
    cosine = nn.config(lr=0.2, sched="cosine", horizon=10)
    assert nn.lr_at(cosine, 0) == 0.2 and nn.lr_at(cosine, 5) == pytest.approx(0.1)
    assert nn.lr_at(cosine, 10) == pytest.approx(0, abs=1e-15) == nn.lr_at(cosine, 50)
    assert nn.lr_at(nn.config(lr=0.2), 999) == 0.2


def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    cfg = nn.config(data="circles", n=60, noise=0.6, lr=0.03, patience=5)
    run = nn.train(cfg, epochs=60)
    stop, best = run["stopped"]["epoch"], run["stopped"]["best"]
    losses = run["history"]["test_loss"]
    assert len(losses) == stop + 1 < 61 and stop - best == 5 and best > 0
    assert losses[best] == min(losses) and all(v >= losses[best] for v in losses[best + 1:])
    X_test = nn.features(run["X_test"], cfg["features"])
    assert nn.evaluate(run["net"], X_test, run["y_test"], cfg["act"], cfg["loss"])[0] == losses[best]
    assert nn.train(nn.config(data="circles", n=60, noise=0.6, lr=0.03), epochs=10)["stopped"] is None


# ------------------------------------------------------------------ your own points (pts)

def test_own_points_are_24_bits_each_over_the_plane():
    """4 base64url characters a point: the corners land exactly on the plane's edges,
    a point lands within half a step (7.2 / 2047 / 2) of where it was put."""
    X, y = data.decode_points("AAAA" + "____")
    assert X.tolist() == [[-3.6, -3.6], [3.6, 3.6]] and y.tolist() == [0, 3]
    rng = np.random.default_rng(1)
    P, c = rng.uniform(-3.6, 3.6, (50, 2)), rng.integers(0, 4, 50)
    text = data.encode_points(P, c)
    assert len(text) == 200 and set(text) <= set(data.B64)
    back, cls = data.decode_points(text)
    assert np.max(np.abs(back - P)) <= 7.2 / 2047 / 2 + 1e-12 and cls.tolist() == c.tolist()
    for bad in ("AAA", "AA!A", "<scr"):
        with pytest.raises(ValueError, match="pts="):
            data.decode_points(bad)


def test_own_points_join_the_data_and_split_as_the_generated_ones():
    P = np.array([[0.5 * j - 2, 1.0] for j in range(10)])
    pts = data.encode_points(P, [j % 2 for j in range(10)])
    cfg = nn.config(data="xor", n=40, train=0.7, pts=pts)
    X, y, k = data.points(cfg)
    gen, _ = data.generate("xor", 40, cfg["noise"], cfg["seed"])
    assert len(y) == 50 and k == 28 + 7                      # round(40 * 0.7) + round(10 * 0.7)
    # in order: generated training points, yours that train, generated test points, yours that test
    assert np.array_equal(X[:28], gen[:28]) and np.array_equal(X[35:47], gen[28:])
    mine, cls = data.decode_points(pts)
    roles = [data.train_count(j + 1, 0.7) > data.train_count(j, 0.7) for j in range(10)]
    assert np.array_equal(X[28:35], mine[roles]) and np.array_equal(X[47:], mine[np.logical_not(roles)])
    assert y[28:35].tolist() == cls[roles].tolist() and len(X[47:]) == 3
    # adding a point never moves an earlier one between training and test
    roles = lambda m: [data.train_count(j + 1, 0.7) > data.train_count(j, 0.7) for j in range(m)]
    assert all(roles(m)[:m - 1] == roles(m - 1) for m in range(1, 30))
    assert all(sum(roles(m)) == data.train_count(m, 0.7) for m in range(30))


def test_custom_is_only_your_points_and_has_as_many_classes_as_they_need():
    P = np.array([[-2.0, -2.0], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0]] * 6)
    pts = data.encode_points(P + np.random.default_rng(2).normal(0, 0.3, P.shape), [0, 1, 2, 0] * 6)
    cfg = nn.config(data="custom", pts=pts, n=400, act="tanh", lr=0.03, epochs=60)
    X, y, k = data.points(cfg)
    assert len(y) == 24 and data.class_count(cfg) == 3 and nn.sizes(cfg)[-1] == 3
    run = nn.train(cfg)
    assert run["history"]["train_acc"][-1] == 1.0
    assert data.class_count(nn.config(data="custom", pts=pts[:8])) == 2          # classes 0, 1 only
    with pytest.raises(ValueError, match="no training point"):
        nn.train(nn.config(data="custom", pts="", epochs=1))


def test_the_rebuild_script_says_when_a_run_has_no_test_points(tmp_path):
    """A run on your own points alone can keep them all for training: nothing to score."""
    run = exported({})
    run["data"]["X_test"], run["data"]["y_test"] = [], []
    path = tmp_path / "run.json"
    path.write_text(json.dumps(run))
    done = subprocess.run([sys.executable, str(REBUILD), str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "no test points" in done.stderr and str(path) in done.stderr, done
