"""The activation-functions figures show what the article says they show."""
import numpy as np
import pytest

from gen.lib import mlp
from gen.lib.activations import ACTIVATIONS


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("activation_functions")


def test_linear_model_separates_linearly_separable_classes(n):
    assert n["linear_test_acc"] >= 0.97


@pytest.mark.parametrize("data", ["circles", "xor"])
def test_identity_network_stays_near_chance(n, data):
    assert abs(n[f"{data}_identity_acc"] - 0.5) < 0.15


@pytest.mark.parametrize("data", ["circles", "xor"])
@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh"])
def test_nonlinear_networks_solve_both_datasets(n, data, act):
    assert n[f"{data}_{act}_acc"] >= 0.95
    assert n[f"{data}_{act}_acc"] > n[f"{data}_identity_acc"] + 0.3


def test_sigmoid_gradient_vanishes_but_relu_and_tanh_keep_it(n):
    assert n["sigmoid_first_to_last"] < 1e-6
    for act in ("relu", "tanh"):
        assert 0.05 < n[f"{act}_first_to_last"] < 20


def test_output_layer_claims(n):
    assert n["softmax_sum"] == pytest.approx(1.0)
    assert n["sigmoid_sum"] > 1.2                      # independent, not a distribution
    assert n["target_min"] < -0.5                      # targets do go negative ...
    assert n["relu_output_min"] >= 0.0                 # ... a ReLU output never does
    assert n["linear_output_rmse"] < 0.2
    assert n["relu_output_rmse"] > 2 * n["linear_output_rmse"]


def test_curve_facts(n):
    assert n["sigmoid_max_slope"] == pytest.approx(0.25, abs=1e-3)
    assert n["tanh_max_slope"] == pytest.approx(1.0, abs=1e-3)
    assert n["selu_min"] > -1.76                        # -lambda * alpha is the asymptote


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    f, df = ACTIVATIONS[name]
    x = np.linspace(-5, 5, 1001)
    x = x[np.abs(x) > 1e-3]                             # ReLU family: kink at 0
    h = 1e-5
    numeric = (f(x + h) - f(x - h)) / (2 * h)
    np.testing.assert_allclose(df(x), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("output", ["linear", "sigmoid", "softmax", "relu"])
@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid"])
def test_mlp_backprop_matches_finite_differences(hidden, output):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3))
    if output == "softmax":
        y, sizes = rng.integers(0, 4, 7), [3, 5, 4, 4]
    else:
        y, sizes = (rng.random((7, 2)) > 0.5).astype(float), [3, 5, 4, 2]
    net = mlp.init(sizes, rng, init="xavier")
    if output == "relu":
        net[-1][1][:] = 1.0                             # keep the output units active
    _, grads, _ = mlp.loss_and_grads(net, X, y, hidden, output)
    h = 1e-6
    for layer, grad in zip(net, grads):
        for k in range(2):
            param, g = layer[k], grad[k]
            for idx in list(np.ndindex(param.shape))[:6]:
                old = param[idx]
                param[idx] = old + h
                up = mlp.loss_and_grads(net, X, y, hidden, output)[0]
                param[idx] = old - h
                down = mlp.loss_and_grads(net, X, y, hidden, output)[0]
                param[idx] = old
                assert g[idx] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-8)


def test_default_lbfgs_tolerance_can_stall_a_sigmoid_network():
    """The article's note: with tol=1e-4 a sigmoid network can stop at chance for some
    seeds, because its first gradients are already below the tolerance; tol=1e-8 trains it."""
    import warnings

    from sklearn.datasets import make_circles
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier

    from gen.articles import activation_functions as af

    stalled = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(5):
            X, y = make_circles(n_samples=400, noise=0.08, factor=0.5, random_state=seed)
            X_train, X_test, y_train, y_test = train_test_split(
                X, y, test_size=0.3, random_state=seed, stratify=y)

            def fit(tol):
                return MLPClassifier(af.HIDDEN, activation="logistic", solver="lbfgs",
                                     alpha=1e-3, tol=tol, max_iter=3000,
                                     random_state=seed).fit(X_train, y_train)

            loose = fit(1e-4)
            if loose.n_iter_ < 10 and loose.score(X_test, y_test) < 0.65:
                stalled.append(seed)
                assert fit(1e-8).score(X_test, y_test) >= 0.95
    assert stalled, "no seed stalls with the default tolerance: reword the article's note"


# --- the playground section: what the article tells readers they will see -------------

def test_the_playground_figure_is_the_panel_it_starts_from(n):
    """The embedded playground starts from the ReLU-on-circles panel of Figure 2."""
    assert n["play_test_acc"] == n["circles_relu_acc"]
    assert n["play_epochs"] == 100


def _play(**changes):
    from gen.articles import activation_functions as af
    from gen.lib.playground import nn

    return nn.train(nn.config(**{**af.PLAYGROUND, "data": "circles", **changes}),
                    epochs=changes.pop("epochs", 40))["history"]


def test_squared_inputs_let_a_linear_network_separate_the_circles():
    assert _play(act="identity", features=("x1", "x2", "x1sq", "x2sq"))["test_acc"][-1] >= 0.9


def test_sigmoid_stays_on_the_initial_plateau_longer_than_relu():
    sigmoid, relu = _play(act="sigmoid", epochs=10), _play(act="relu", epochs=10)
    assert sigmoid["train_loss"][5] > 2 * relu["train_loss"][5]


def test_two_relu_units_run_out_of_bends_on_the_spiral():
    small = _play(act="relu", data="spiral", layers=(2,), epochs=60)
    big = _play(act="relu", data="spiral", epochs=60)
    assert small["test_acc"][-1] < 0.7 and big["test_acc"][-1] > small["test_acc"][-1] + 0.1


def test_sgd_at_rate_3_jumps_about_instead_of_falling():
    h = _play(act="relu", opt="sgd", lr=3.0, epochs=30)
    rises = sum(b > a + 0.05 for a, b in zip(h["train_loss"], h["train_loss"][1:]))
    assert rises >= 3 and h["train_loss"][-1] > _play(act="relu", opt="sgd", lr=0.1, epochs=30)["train_loss"][-1]


def test_weight_gradient_ratios_agree_with_hard_to_train(n, module_numbers):
    # Both articles quote ‖∂L/∂W‖ first/last for tanh+Glorot and ReLU+He: different
    # networks, so not equal, but the same direction and within a factor of two.
    h = module_numbers("hard_to_train")
    for act, key in (("tanh", "tanh_glorot"), ("relu", "relu_he")):
        mine, theirs = n[f"{act}_first_to_last"], h[f"{key}_wgrad_ratio"]
        assert (mine > 1) == (theirs > 1)
        assert 0.5 < mine / theirs < 2
    # "within an order of magnitude" (vanishing-gradients caption)
    for act in ("tanh", "relu"):
        assert 0.1 < n[f"{act}_first_to_last"] < 10


def test_layer_cost_counts_and_alt_text(n):
    from gen.articles import activation_functions as af
    # Independent count: a width-d layer does d multiply-adds per output per sample.
    assert n["cost_flops_per_eval"] == 2 * n["cost_width"]
    b, d = n["cost_batch"], n["cost_width"]
    assert n["cost_bytes_ratio"] == pytest.approx((2 * b * d + d * d) / (2 * b * d))
    alt = af.layer_cost_figure.__figure__.alt
    assert "within a factor of two of each other up to width 512" in alt
    for w in af.COST_WIDTHS:
        c = af.layer_cost(af.COST_BATCH, w)
        assert c["matmul_flops"] == 2 * w * c["activation_evals"]       # "twice the width"
        assert (c["matmul_bytes"] <= 2 * c["activation_bytes"]) == (w <= 512)


def test_the_vanishing_gradient_caption_and_alt_describe_the_network_that_ran(n):
    from gen.articles import activation_functions as a
    spec = a.vanishing_gradients.__figure__
    words = {20: "twenty"}
    assert f"{n['deep_depth']}-layer, {n['deep_width']}-unit" in spec.caption
    assert f"median of {n['deep_repeats']} random" in spec.caption
    assert f"all {words[n['deep_depth']]} layers" in spec.caption
    assert f"layer number 1 to {n['deep_depth']} " in spec.alt
