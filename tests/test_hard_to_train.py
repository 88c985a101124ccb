"""The hard-to-train figures show what the article says they show."""
import math

import numpy as np
import pytest

from gen.articles import hard_to_train as h
from gen.lib import mlp


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("hard_to_train")


# --- 1. non-convexity --------------------------------------------------------

def test_shuffled_network_is_the_same_function(n):
    assert n["perm_output_diff"] < 1e-12
    assert n["loss_perm"] == pytest.approx(n["loss_a"], rel=1e-9)


def test_loss_is_not_convex(n):
    # Convexity would put the midpoint on or below the chord between the end points.
    assert n["mid_loss_perm"] > (n["loss_a"] + n["loss_perm"]) / 2
    assert n["mid_loss_ab"] > (n["loss_a"] + n["loss_b"]) / 2
    # ... and the straight path between the two seeds crosses a real barrier,
    # higher than the loss of a constant 50% guess (as the article says).
    assert n["max_loss_ab"] > 2 * max(n["loss_a"], n["loss_b"])
    assert n["mid_loss_ab"] > n["chance_loss"]


def test_number_of_relabellings(n):
    w = n["landscape_width"]
    assert n["n_permutations"] == pytest.approx(float(math.factorial(w)) ** 2)


def test_permute_hidden_keeps_outputs_and_flatten_round_trips():
    rng = np.random.default_rng(3)
    sizes = [3, 5, 4, 2]
    net = mlp.init(sizes, rng, init="xavier")
    for W, b in net:
        b[:] = rng.normal(size=b.shape)                 # non-zero biases must move too
    X = rng.normal(size=(10, 3))
    shuffled = h.permute_hidden(net, [rng.permutation(5), rng.permutation(4)])
    np.testing.assert_allclose(mlp.predict(net, X, "tanh"), mlp.predict(shuffled, X, "tanh"),
                               rtol=1e-12, atol=1e-12)
    assert not np.allclose(h.flatten(net), h.flatten(shuffled))
    back = h.unflatten(h.flatten(net), sizes)
    for (W, b), (W2, b2) in zip(net, back):
        np.testing.assert_array_equal(W, W2)
        np.testing.assert_array_equal(b, b2)


# --- 2. saddle points and plateaus --------------------------------------------

def test_saddle_escape_time_follows_the_linearised_flow(n):
    # Discrete steps grow y by (1 + lr) instead of e^lr: a few per cent slower.
    assert n["saddle_escape_step"] == pytest.approx(n["saddle_escape_theory"], rel=0.15)


def test_saddle_plateau_is_long_and_flat(n):
    plateau = n["saddle_escape_step"] - n["saddle_arrive_step"]
    assert plateau > n["saddle_arrive_step"]            # longer than the run-in
    assert n["saddle_min_grad"] < 0.05 * n["saddle_peak_grad"]


def test_saddle_escape_formula_matches_a_fine_simulation():
    y0, lr, level = 1e-3, 0.5, 1 / 8
    dt, y, t = 1e-3, y0, 0.0                            # Euler on dy/dt = lr·y(1 − y²)
    while (y ** 2 - 1) ** 2 / 4 > level:
        y += dt * lr * y * (1 - y ** 2)
        t += dt
    assert h.saddle_escape_steps(y0, lr, level) == pytest.approx(t, rel=1e-3)


def test_saddle_function_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    eps = 1e-6
    for x, y in rng.normal(size=(5, 2)):
        numeric = [(h.saddle_f(x + eps, y) - h.saddle_f(x - eps, y)) / (2 * eps),
                   (h.saddle_f(x, y + eps) - h.saddle_f(x, y - eps)) / (2 * eps)]
        np.testing.assert_allclose(h.saddle_grad(x, y), numeric, rtol=1e-6, atol=1e-8)


def test_network_plateau_grows_by_the_predicted_steps_per_decade(n):
    assert n["plateau_delay_per_decade"] == pytest.approx(n["plateau_delay_theory"], rel=0.1)
    assert n["plateau_steps_2"] < n["plateau_steps_4"] < n["plateau_steps_6"]


def test_network_gradient_starts_proportional_to_init_scale(n):
    # Every gradient term has one factor of the (tiny) weights: 100x smaller weights,
    # 100x smaller gradient.
    for small, big in (("4", "2"), ("6", "4")):
        assert n[f"grad_at_start_{small}"] / n[f"grad_at_start_{big}"] == pytest.approx(
            1e-2, rel=0.1)


@pytest.mark.parametrize("tag", ["4", "6"])
def test_long_low_gradient_phase_before_the_drop(n, tag):
    assert n[f"grad_at_start_{tag}"] < 1e-3 * n[f"grad_peak_{tag}"]
    assert n[f"low_grad_steps_{tag}"] > 2 * n[f"drop_steps_{tag}"]
    assert n[f"plateau_steps_{tag}"] > 3 * n[f"drop_steps_{tag}"]


# --- 3. vanishing and exploding gradients -------------------------------------

def test_he_keeps_relu_gradients_and_activations_level(n):
    assert 0.1 < n["relu_he_grad_ratio"] < 10
    assert 0.5 < n["relu_he_std_last"] / n["relu_he_std_first"] < 2
    assert n["relu_he_grad_ratio_theory"] == pytest.approx(1.0, rel=1e-3)


def test_glorot_keeps_tanh_gradients_within_ten_times(n):
    assert 0.1 < n["tanh_glorot_grad_ratio"] < 10


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_naive_init_vanishes_or_explodes(n, act):
    # Theory over 19 layers of width 64: (64·0.01²·c)^(19/2) with c = 1/2 (ReLU) or
    # about 1 (tanh, linear regime) is below 1e-20; std 1 gains a factor > 2 per layer.
    assert n[f"{act}_small_grad_ratio"] < 1e-3
    assert n[f"{act}_large_grad_ratio"] > 1e3
    assert n[f"{act}_small_std_last"] < 1e-3 * n[f"{act}_small_std_first"]


@pytest.mark.parametrize("key", ["tanh_small", "tanh_large", "tanh_glorot",
                                 "relu_small", "relu_large", "relu_he"])
def test_measurements_follow_mean_field_theory(n, key):
    for measured, theory in ((f"{key}_grad_ratio", f"{key}_grad_ratio_theory"),
                             (f"{key}_std_last", f"{key}_std_last_theory")):
        m, t = math.log10(n[measured]), math.log10(n[theory])
        assert abs(m - t) <= 0.1 * abs(t) + 0.5, (measured, n[measured], n[theory])


def test_relu_weight_gradients_are_level_for_every_scale(n):
    # Positive homogeneity: scaling all ReLU weights by c scales every layer's weight
    # gradient by nearly the same power of c, so no layer is singled out: the text says
    # layer 1 and layer 20 are "within a factor of ten of each other" ...
    ratios = [n[f"relu_{k}_wgrad_ratio"] for k in ("small", "large", "he")]
    assert all(0.1 < r < 10 for r in ratios)
    # ... but their absolute size is absurd at both naive scales.
    assert n["relu_small_wgrad_max"] < 1e-10 * n["relu_he_wgrad_max"]
    assert n["relu_large_wgrad_max"] > 1e10 * n["relu_he_wgrad_max"]


def test_gauss_mean_against_closed_forms_and_monte_carlo():
    for q in (0.01, 1.0, 30.0):
        assert h.gauss_mean(lambda z: z ** 2, q) == pytest.approx(q, rel=1e-6)
        assert h.gauss_mean(lambda z: np.maximum(z, 0) ** 2, q) == pytest.approx(q / 2, rel=1e-4)
        assert h.gauss_mean(lambda z: (z > 0).astype(float), q) == pytest.approx(0.5, rel=1e-6)
    z = np.random.default_rng(0).normal(size=2_000_000)
    for q in (0.5, 50.0):
        mc = np.mean((1 - np.tanh(np.sqrt(q) * z) ** 2) ** 2)
        assert h.gauss_mean(lambda u: (1 - np.tanh(u) ** 2) ** 2, q) == pytest.approx(mc, rel=0.02)


@pytest.mark.parametrize("scale", [0.01, 0.3, 1.0])
def test_mean_field_matches_relu_closed_form(scale):
    width, depth = 64, 12
    sizes = [width] * (depth + 1) + [1]
    std, ratio = h.mean_field("relu", "normal", scale, sizes)
    gain = width * scale ** 2 / 2                        # Var(z_l) / Var(z_{l-1})
    layers = np.arange(depth)
    np.testing.assert_allclose(std, np.sqrt(width * scale ** 2 * gain ** layers), rtol=1e-4)
    np.testing.assert_allclose(ratio, np.sqrt(gain) ** (depth - 1 - layers), rtol=1e-4)


def test_layer_signals_match_the_batch_gradients():
    rng = np.random.default_rng(2)
    sizes = [6, 5, 5, 1]
    net = mlp.init(sizes, rng, init="he")
    X, y = rng.normal(size=(9, 6)), rng.normal(size=(9, 1))
    z_std, dz, dW = h.layer_signals(net, X, y, "relu")
    zs, _ = mlp.forward(net, X, "relu", "linear")
    np.testing.assert_allclose(z_std, [z.std() for z in zs[:-1]])
    _, grads, _ = mlp.loss_and_grads(net, X, y, "relu", "linear")
    np.testing.assert_allclose(dW, [np.linalg.norm(g[0]) for g in grads[:-1]])
    # The backpropagated signal of one sample, written out by hand.
    f_prime = [(z > 0).astype(float) for z in zs]
    for i in range(3):
        delta = zs[-1][i:i + 1] - y[i:i + 1]
        norms = []
        for layer in range(len(net) - 1, 0, -1):
            delta = (delta @ net[layer][0].T) * f_prime[layer - 1][i:i + 1]
            norms.append(np.sum(delta ** 2))
        single = h.layer_signals(net, X[i:i + 1], y[i:i + 1], "relu")[1]
        np.testing.assert_allclose(single ** 2, norms[::-1], rtol=1e-10)


# --- 4. seeds and learning rates -----------------------------------------------

def test_seeds_give_different_final_losses(n):
    for i in range(n["n_rates"]):
        assert n[f"spread_rate_{i}"] > 0


def test_the_good_rate_beats_too_small_and_too_large(n):
    best = n["best_rate_index"]
    assert 0 < best < n["n_rates"] - 1                   # the optimum is inside the sweep
    assert n["mean_loss_best"] < 0.7 * n["mean_loss_smallest"]
    assert n["mean_loss_best"] < 0.7 * n["mean_loss_largest"]


def test_too_large_rate_is_also_the_least_reproducible(n):
    assert n[f"spread_rate_{n['n_rates'] - 1}"] > 2 * n[f"spread_rate_{n['best_rate_index']}"]
    assert n["dead_runs_best"] == 0
    # The article: some runs at the largest rate end with a dead layer, i.e. a constant
    # output whose loss cannot go below ln 2 on the balanced moons.
    assert 1 <= n["dead_runs_largest"] < n["n_seeds"]
    assert n["largest_rate_seed_max"] >= n["chance_loss"] - 1e-3


def test_plateau_band_is_the_modules_threshold(n):
    assert n["plateau_band"] == h.PLATEAU_BAND


# --- plumbing -------------------------------------------------------------------

@pytest.mark.parametrize("fn", [h.loss_slices, h.saddle_point, h.plateau_network,
                                h.depth_and_init, h.seeds_and_rates])
def test_quick_figures_return_draw_and_numbers(fn):
    result = fn(0, quick=True)
    assert isinstance(result, tuple) and len(result) == 2
    draw, numbers = result
    assert callable(draw) and isinstance(numbers, dict) and numbers


def test_saddle_rough_count_is_the_log_over_rate(n):
    # The article calls ln(1/y0)/eta a rough count and the flow solution the close one.
    assert n["saddle_escape_rough"] == pytest.approx(math.log(1 / n["saddle_y0"]) / n["saddle_lr"])
    # Gradient descent is slower than the flow by about eta / ln(1 + eta).
    lag = n["saddle_lr"] / math.log(1 + n["saddle_lr"])
    assert n["saddle_escape_step"] > n["saddle_escape_theory"]
    assert n["saddle_escape_step"] == pytest.approx(n["saddle_escape_theory"] * lag, rel=0.03)


def test_depth_and_init_alt_text_matches_the_data(n):
    alt = h.depth_and_init.__figure__.alt
    # "He stays between 1 and 2" (pre-activation std, first and last layer).
    assert "He stays between 1 and 2" in alt
    assert 1 <= n["relu_he_std_first"] <= 2 and 1 <= n["relu_he_std_last"] <= 2
    # "tanh with Glorot drifts down by less than one order of magnitude, from 1 to below 0.2".
    assert "from 1 to below 0.2" in alt
    assert n["tanh_glorot_std_first"] == pytest.approx(1, abs=0.1)
    assert 0.1 * n["tanh_glorot_std_first"] < n["tanh_glorot_std_last"] < 0.2
    # Backward: "He stays near 1", tanh/Glorot "between a tenth and a half at layer 1".
    assert 0.5 < n["relu_he_grad_ratio"] < 2
    assert 0.1 < n["tanh_glorot_grad_ratio"] < 0.5
