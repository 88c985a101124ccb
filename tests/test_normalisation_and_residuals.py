"""The normalisation-and-residuals figures show what the article says they show."""
import math

import numpy as np
import pytest

from gen.articles import normalisation_and_residuals as m

OTHERS = ("layernorm", "residual", "prenorm")


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("normalisation_and_residuals")


# --- the hand-written backward passes ----------------------------------------

@pytest.mark.parametrize("kind", m.KINDS)
def test_backward_pass_matches_finite_differences(kind):
    rng = np.random.default_rng(0)
    X, y = m.spirals(16, 1)
    params = m.init(kind, rng, depth=3, width=6)
    for p in params:                 # non-zero biases, so their gradients are tested too
        p += rng.normal(0, 0.1, p.shape)
    _, grads = m.loss_and_grads(kind, params, X, y)
    h = 1e-6
    for p, g in zip(params, grads):
        for idx in list(np.ndindex(p.shape))[:4]:
            old = p[idx]
            p[idx] = old + h
            up = m.loss_and_grads(kind, params, X, y)[0]
            p[idx] = old - h
            down = m.loss_and_grads(kind, params, X, y)[0]
            p[idx] = old
            assert g[idx] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-8)


def test_layer_norm_makes_its_layer_blind_to_the_weight_scale():
    # The "effective learning rate" argument: W → cW leaves the output alone and
    # divides W's gradient by c.
    X, y = m.spirals(32, 2)
    params = m.init("layernorm", np.random.default_rng(3), depth=4, width=8)
    loss, grads = m.loss_and_grads("layernorm", params, X, y)
    params[4] = params[4] * 3.0
    params[5] = params[5] * 3.0
    loss3, grads3 = m.loss_and_grads("layernorm", params, X, y)
    assert loss3 == pytest.approx(loss, rel=1e-6)
    np.testing.assert_allclose(grads3[4], grads[4] / 3.0, rtol=1e-4, atol=1e-10)


def test_quick_figures_run():
    for fn in (m.gradients_at_init, m.signal_propagation, m.training):
        draw, numbers = fn(0, quick=True)
        assert callable(draw) and all(math.isfinite(v) for v in numbers.values())


# --- figure 1: gradients at initialisation -----------------------------------

def test_plain_gradients_are_the_smallest_at_every_layer(n):
    assert n["grad_max_plain"] < min(n[f"grad_min_{k}"] for k in OTHERS)


def test_norm_and_skips_lift_the_first_layer_gradient_tenfold(n):
    for k in OTHERS:
        assert n[f"grad_first_{k}"] >= 10 * n["grad_first_plain"]


def test_residual_gradients_are_the_flattest_and_highest(n):
    assert n["grad_spread_residual"] == min(n[f"grad_spread_{k}"] for k in m.KINDS)
    assert n["grad_spread_residual"] < n["grad_spread_plain"]
    assert n["grad_min_residual"] > max(n[f"grad_max_{k}"] for k in m.KINDS if k != "residual")


# --- figure 2: signal propagation ---------------------------------------------

def test_unscaled_residual_doubles_the_variance_per_block(n):
    # RMS grows by about √2 per block: log2 of the growth is about (L − 1)/2.
    growth = math.log2(n["rms_last_residual_unscaled"] / n["rms_first_residual_unscaled"])
    assert abs(growth - (m.DEPTH - 1) / 2) < 4


def test_sizes_of_the_signal(n):
    assert n["rms_last_plain"] < n["rms_first_plain"] / 10             # falls steadily
    for k in ("layernorm", "residual"):                                # stays level
        assert 0.5 < n[f"rms_last_{k}"] / n[f"rms_first_{k}"] < 2
    # relu of a standardised vector: RMS √(1/2) when the pre-activations are symmetric
    assert n["rms_last_layernorm"] == pytest.approx(math.sqrt(0.5), abs=0.1)
    growth = n["rms_last_prenorm"] / n["rms_first_prenorm"]            # rises slowly
    assert 1 < growth < 2 * math.sqrt(m.DEPTH)


def test_non_residual_nets_make_inputs_alike(n):
    for k in ("plain", "layernorm"):
        assert n[f"cos_last_{k}"] > 0.95 and n[f"cos_last_{k}"] > n[f"cos_first_{k}"]
    for k in ("residual", "prenorm"):
        assert n[f"cos_last_{k}"] < min(n["cos_last_plain"], n["cos_last_layernorm"]) - 0.2


# --- figure 3: training ---------------------------------------------------------

def test_layernorm_alone_stays_at_a_constant_guess(n):
    ln2 = n["chance_loss"]
    assert ln2 == pytest.approx(math.log(2))
    assert n["curve_min_layernorm"] > ln2 - 0.1                        # hovers around it
    assert abs(n["best_loss_layernorm"] - ln2) < 0.01
    assert abs(n["worst_loss_layernorm"] - ln2) < 0.02


def test_plain_gets_part_of_the_way(n):
    assert 0.1 < n["best_loss_plain"] < n["chance_loss"] - 0.1
    assert n["best_lr_plain"] == n["lr_min"]


def test_residual_nets_fit_and_beat_the_others_at_every_rate(n):
    assert n["best_loss_residual"] < 0.1 and n["best_loss_prenorm"] < 0.1
    assert n["best_loss_prenorm"] < n["best_loss_residual"]
    worst = max(n["worst_loss_residual"], n["worst_loss_prenorm"])
    assert worst < min(n["best_loss_plain"], n["best_loss_layernorm"])
    assert n["n_rates"] / 2 < n["prenorm_lowest_count"] <= n["n_rates"]
