"""The learning-rate figures show what the article says they show."""
import numpy as np
import pytest

from gen.articles import learning_rate as lr_mod
from gen.lib import mlp


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("learning_rate")


# ----------------------------------------------------------- four constant rates

def test_rates_are_in_increasing_order(n):
    assert n["lr_small"] < n["lr_good"] < n["lr_large"] < n["lr_diverge"]


def test_divergent_rate_blows_up(n):
    assert n["diverge_overflow_step"] > 0                     # the loss stopped being finite
    assert 0 < n["diverge_step_100x"] < n["diverge_overflow_step"]
    assert n["diverge_max_finite"] > 1e6 * n["start_loss"]   # it grew, it did not just wobble
    assert n["diverge_growth_per_step"] > 2                  # geometric growth


def test_too_large_but_stable_rate_is_worse_than_the_good_one(n):
    assert n["diverged_large"] == 0 and n["diverged_good"] == 0
    assert n["final_large"] > 1.2 * n["final_good"]


def test_too_small_rate_ends_higher_and_stalls(n):
    assert n["diverged_small"] == 0
    assert n["final_small"] > 2 * n["final_good"]
    # a plateau: between epoch 10 and the end the small rate gains less than 25%
    assert n["final_small"] > 0.75 * n["small_loss_epoch10"]


# ------------------------------------------------------------------ the quadratic

def test_quadratic_converges_below_and_diverges_above_two_over_lambda_max(n):
    assert n["lr_crit"] == pytest.approx(2 / n["lam_max"])
    assert n["all_below_crit_converge"] == 1
    assert n["all_above_crit_diverge"] == 1
    assert n["largest_converging_lr"] < n["lr_crit"] < n["smallest_diverging_lr"]
    # the sweep pins the edge to within 1% of the theory
    assert n["smallest_diverging_lr"] - n["largest_converging_lr"] < 0.01 * n["lr_crit"]


def test_quadratic_paths(n):
    for key in ("small", "good", "zigzag"):
        assert n[f"path_lr_{key}"] < n["lr_crit"]
        assert n[f"path_dist_{key}"] < 1
    assert n["path_lr_diverge"] > n["lr_crit"]
    assert n["path_dist_diverge"] > 1
    assert n["path_dist_small"] > 5 * n["path_dist_good"]     # too small: still far away


def test_best_quadratic_rate_is_just_below_the_edge(n):
    k = n["kappa"]
    assert n["lr_best"] == pytest.approx(2 / (n["lam_min"] + n["lam_max"]))
    assert n["rho_best"] == pytest.approx((k - 1) / (k + 1))
    assert 0.5 < n["best_over_crit"] < 1


# ------------------------------------------------------------------ the range test

def test_range_test_suggestion_is_below_the_blow_up(n):
    assert n["rt_min_lr"] < n["rt_blowup_lr"]
    assert n["rt_suggest_lr"] < n["rt_blowup_lr"]
    assert n["rt_suggest_lr"] <= n["rt_min_lr"]
    assert n["rt_min_over_10"] < n["rt_suggest_lr"]
    # the text: the suggestion lands close to the 'about right' rate
    assert 0.5 * n["lr_good"] <= n["rt_suggest_lr"] <= 2 * n["lr_good"]
    # and it is a rate at which a full constant-rate run does not diverge
    assert n["rt_suggest_lr"] < n["sgd32_first_diverged_lr"]
    # the blow-up point lies at or above the rates that diverged as constants
    assert n["rt_blowup_lr"] > n["lr_large"]
    # "the test sees the blow-up late": a constant rate below it already diverges
    assert n["sgd32_first_diverged_lr"] < n["rt_blowup_lr"]


# ----------------------------------------------------------------- the rate sweep

def test_sweep_has_both_ends_of_the_u(n):
    assert n["sgd32_n_diverged"] >= 1
    # "every run from the first diverging rate upwards diverges", for both batch sizes
    for key in ("sgd32", "sgd128"):
        above = sum(lr >= n[f"{key}_first_diverged_lr"] for lr in lr_mod.SWEEP_SGD)
        assert n[f"{key}_n_diverged"] == above
    assert n["sgd32_best_lr"] < n["sgd32_first_diverged_lr"]
    assert n["sgd32_best_loss"] < n["final_small"]


def test_larger_batch_prefers_a_larger_rate_but_hits_the_same_ceiling(n):
    assert n["sgd128_best_lr"] > n["sgd32_best_lr"]
    assert n["sgd128_best_loss"] > n["sgd32_best_loss"]       # a quarter of the steps
    # scaling the rate with the batch (x4) would take it past the divergence point
    assert 4 * n["sgd32_best_lr"] >= n["sgd128_first_diverged_lr"]
    # ... while the ceiling stays where it was (within one grid step)
    assert n["sgd128_first_diverged_lr"] <= 1.5 * n["sgd32_first_diverged_lr"]


def test_adam_wants_a_much_smaller_rate_and_degrades_without_overflow(n):
    assert n["adam32_best_lr"] <= n["sgd32_best_lr"] / 10
    assert n["adam32_n_diverged"] == 0
    assert n["adam32_largest_lr_loss"] > 3 * n["adam32_best_loss"]
    assert n["adam_default_loss"] > 2 * n["adam32_best_loss"]
    # "the lowest loss in the chart"
    assert n["adam32_best_loss"] < min(n["sgd32_best_loss"], n["sgd128_best_loss"])


# -------------------------------------------------------------------- schedules

def test_schedules_beat_the_constant_rate(n):
    for key in ("const", "step", "cosine", "warmcos", "good_const"):
        assert n[f"sched_diverged_{key}"] == 0
    for key in ("step", "cosine", "warmcos"):
        assert n[f"sched_final_{key}"] < n["sched_final_const"]
        assert n[f"sched_final_{key}"] < n["sched_final_good_const"]


def test_warmup_prevents_divergence_up_to_a_point(n):
    assert n["div_warm_09"] < n["div_nowarm_09"]
    assert n["div_warm_10"] < n["div_nowarm_10"]
    assert n["div_nowarm_10"] >= n["warm_runs"] // 2
    assert n["div_warm_12"] == n["div_nowarm_12"] == n["warm_runs"]   # not a cure-all ...
    assert n["div_step_warm_12"] > n["div_step_nowarm_12"]     # ... it only delays


# --------------------------------------------------------- helpers vs references

def stack_of(nets):
    return [[np.stack([net[i][0] for net in nets]), np.stack([net[i][1][None, :] for net in nets])]
            for i in range(len(nets[0]))]


def test_stacked_backprop_matches_gen_lib_mlp():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(9, 4)), rng.normal(size=(9, 2))
    nets = []
    for _ in range(3):
        net = mlp.init([4, 6, 5, 2], rng, init="xavier")
        for W, b in net:
            b[:] = rng.normal(size=b.shape)
        nets.append(net)
    loss, grads = lr_mod.loss_and_grads(stack_of(nets), X, y)
    for r, net in enumerate(nets):
        ref_loss, ref_grads, _ = mlp.loss_and_grads(net, X, y, hidden="tanh", output="linear")
        assert loss[r] == pytest.approx(ref_loss, rel=1e-12)
        for (dW, db), (rW, rb) in zip(grads, ref_grads):
            np.testing.assert_allclose(dW[r], rW, rtol=1e-10, atol=1e-14)
            np.testing.assert_allclose(db[r, 0], rb, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(lr_mod.losses(stack_of(nets), X, y), loss, rtol=1e-12)


def test_adam_moves_by_the_rate_under_a_constant_gradient():
    # With a constant gradient g, bias-corrected m/sqrt(v) is exactly g/|g| at every step.
    params = [[np.zeros((2, 3, 1)), np.zeros((2, 1, 1))]]
    g = [[np.array([0.5, -2.0, 1e-3])[None, :, None].repeat(2, 0), np.full((2, 1, 1), -7.0)]]
    opt = lr_mod.Adam(params)
    rates = np.array([0.1, 0.01])
    for _ in range(5):
        opt.step(params, g, rates)
    expect_W = -5 * rates[:, None, None] * np.sign(g[0][0])
    np.testing.assert_allclose(params[0][0], expect_W, rtol=1e-4)
    np.testing.assert_allclose(params[0][1], 5 * rates[:, None, None], rtol=1e-6)


def test_gradient_descent_on_the_quadratic_matches_the_closed_form():
    H = lr_mod.hessian()
    lam, Q = np.linalg.eigh(H)
    np.testing.assert_allclose(lam, sorted(lr_mod.LAMBDAS))
    for eta in (0.05, 0.3, 0.41):
        path = lr_mod.gd_path(H, lr_mod.THETA0, eta, 25)
        closed = Q @ np.diag((1 - eta * lam) ** 25) @ Q.T @ lr_mod.THETA0
        np.testing.assert_allclose(path[-1], closed, rtol=1e-9, atol=1e-12)
    assert lr_mod.contraction(2 / max(lr_mod.LAMBDAS))[0] == pytest.approx(1.0)


def test_schedules_shapes():
    T, peak = 200, 0.7
    c = lr_mod.cosine(peak, T)
    assert c[0] == pytest.approx(peak) and c[T // 2] == pytest.approx(peak / 2)
    assert np.all(np.diff(c) <= 0) and c[-1] < 1e-3 * peak
    w = lr_mod.warmup_cosine(peak, T, warmup=0.1)
    np.testing.assert_allclose(w[:20], peak * np.arange(1, 21) / 20)
    assert w.max() == pytest.approx(peak) and np.all(np.diff(w[20:]) <= 0)
    s = lr_mod.step_decay(peak, T)
    assert set(np.round(s, 12)) == {peak, round(peak * 0.1, 12), round(peak * 0.01, 12)}
    assert s[99] == peak and s[100] == pytest.approx(0.07) and s[150] == pytest.approx(0.007)
    assert np.all(lr_mod.constant(peak, T) == peak)


def test_range_test_rates_and_smoothing():
    r = lr_mod.range_test_rates(1e-4, 10, 300)
    assert r[0] == pytest.approx(1e-4) and r[-1] == pytest.approx(10)
    np.testing.assert_allclose(r[1:] / r[:-1], (1e5) ** (1 / 299))
    np.testing.assert_allclose(lr_mod.ema(np.full(50, 3.0), 0.95), 3.0)


def test_train_detects_divergence_and_stops_the_curve():
    X, y = lr_mod.make_data(0, quick=True)
    rng = np.random.default_rng(0)
    at, record, died = lr_mod.train(lr_mod.init_stack(2, rng), X, y, np.array([[0.05, 50.0]]),
                                    rng, epochs=3, record_every=1)
    assert died[0] == -1 and np.all(np.isfinite(record[:, 0]))
    assert died[1] > 0
    assert np.all(np.isnan(record[at >= died[1], 1]))
    assert np.all(np.isfinite(record[at < died[1], 1]))


@pytest.mark.parametrize("func", [lr_mod.loss_curves, lr_mod.quadratic_paths,
                                  lr_mod.stability_threshold, lr_mod.range_test_figure,
                                  lr_mod.rate_sweep, lr_mod.schedules])
def test_quick_figures_return_draw_and_numbers(func):
    out = func(0, quick=True)
    assert isinstance(out, tuple) and len(out) == 2
    draw, numbers = out
    assert callable(draw) and isinstance(numbers, dict) and numbers


def test_one_end_loss_definition_across_figures(n):
    # The first figure, the sweep and the schedules all run the 0.2 constant rate from the
    # same weights on the same batches: with one definition of the end loss they agree.
    assert n["sgd32_loss_good"] == pytest.approx(n["final_good"], rel=1e-4)
    assert n["sched_final_good_const"] == pytest.approx(n["final_good"], rel=1e-4)


def test_too_large_rate_jumps_up_first_and_sweep_is_flat_at_its_minimum(n):
    assert n["large_peak_epoch1"] > n["start_loss"]          # "jumps up", not "fast at first"
    # "the curve is flat there": the runner-up is a neighbouring grid rate within 10%.
    assert abs(lr_mod.SWEEP_SGD.index(n["sgd32_runner_up_lr"])
               - lr_mod.SWEEP_SGD.index(n["sgd32_best_lr"])) == 1
    assert 0 <= n["sgd32_runner_up_gap"] < 0.1
