"""The optimisers figures show what the article says they show, and each update rule is the one written."""
import numpy as np
import pytest

from gen.articles import optimisers as opt_mod
from gen.lib import optim


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("optimisers")


# ------------------------------------------- each update rule against a hand-written step

def run(make, theta, grads, lr):
    """Apply the optimiser to one parameter array for the given sequence of gradients."""
    theta = np.array(theta, float)
    o = make([theta])
    out = []
    for g in grads:
        o.step([theta], [np.array(g, float)], lr)
        out.append(theta.copy())
    return out


THETA = np.array([1.0, -2.0, 0.5])
G1, G2 = np.array([0.3, -1.0, 2.0]), np.array([-0.1, 0.4, 1.0])


def test_sgd_and_l2():
    (t1,) = run(lambda p: optim.SGD(p), THETA, [G1], 0.1)
    np.testing.assert_allclose(t1, THETA - 0.1 * G1)
    (t1,) = run(lambda p: optim.SGD(p, weight_decay=0.5), THETA, [G1], 0.1)
    np.testing.assert_allclose(t1, THETA - 0.1 * (G1 + 0.5 * THETA))


def test_momentum_two_steps():
    lr, b = 0.1, 0.9
    t1, t2 = run(lambda p: optim.Momentum(p, beta=b), THETA, [G1, G2], lr)
    np.testing.assert_allclose(t1, THETA - lr * G1)                     # v1 = g1
    np.testing.assert_allclose(t2, t1 - lr * (b * G1 + G2))             # v2 = βg1 + g2


def test_nesterov_two_steps():
    lr, b = 0.1, 0.9
    t1, t2 = run(lambda p: optim.Nesterov(p, beta=b), THETA, [G1, G2], lr)
    v1, v2 = G1, b * G1 + G2
    np.testing.assert_allclose(t1, THETA - lr * (G1 + b * v1))
    np.testing.assert_allclose(t2, t1 - lr * (G2 + b * v2))


def test_nesterov_is_the_look_ahead_method_in_the_look_ahead_point():
    # Sutskever's form evaluates the gradient at θ + βu; PyTorch's form stores φ = θ + βu.
    H = opt_mod.hessian()
    lr, b, steps = 0.2, 0.9, 40
    theta0 = opt_mod.theta0()
    grad = lambda th: H @ th                                            # noqa: E731
    theta = optim.nesterov_lookahead_path(grad, theta0, lr, b, steps)
    u = np.diff(theta, axis=0)                                          # u_t = θ_t − θ_{t−1}
    phi = theta[1:] + b * u
    torch_form = opt_mod.run_on_quadratic(lambda p: optim.Nesterov(p, beta=b), H, theta0, lr,
                                          steps)
    np.testing.assert_allclose(torch_form[1:], phi, rtol=1e-10, atol=1e-12)


def test_momentum_matches_the_textbook_heavy_ball_with_a_constant_rate():
    H = opt_mod.hessian()
    lr, b, steps = 0.2, 0.9, 40
    theta, u = opt_mod.theta0().copy(), np.zeros(2)
    ref = [theta.copy()]
    for _ in range(steps):
        u = b * u - lr * H @ theta
        theta = theta + u
        ref.append(theta.copy())
    ours = opt_mod.run_on_quadratic(lambda p: optim.Momentum(p, beta=b), H, opt_mod.theta0(),
                                    lr, steps)
    np.testing.assert_allclose(ours, np.array(ref), rtol=1e-10, atol=1e-12)


def test_rmsprop_one_step_and_its_long_first_step():
    lr, rho, eps = 0.01, 0.99, 1e-8
    (t1,) = run(lambda p: optim.RMSProp(p, rho=rho, eps=eps), THETA, [G1], lr)
    s = (1 - rho) * G1 ** 2
    np.testing.assert_allclose(t1, THETA - lr * G1 / (np.sqrt(s) + eps))
    # without bias correction the first step is η/√(1−ρ) per coordinate, whatever |g|
    np.testing.assert_allclose(np.abs(t1 - THETA), lr / np.sqrt(1 - rho), rtol=1e-6)


def test_adam_two_steps_with_bias_correction():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    t1, t2 = run(lambda p: optim.Adam(p, beta1=b1, beta2=b2, eps=eps), THETA, [G1, G2], lr)
    m1, v1 = (1 - b1) * G1, (1 - b2) * G1 ** 2
    np.testing.assert_allclose(t1, THETA - lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps))
    m2, v2 = b1 * m1 + (1 - b1) * G2, b2 * v1 + (1 - b2) * G2 ** 2
    mh, vh = m2 / (1 - b1 ** 2), v2 / (1 - b2 ** 2)
    np.testing.assert_allclose(t2, t1 - lr * mh / (np.sqrt(vh) + eps))
    # bias correction: the first step is η in every coordinate (sign of the gradient)
    np.testing.assert_allclose(t1 - THETA, -lr * np.sign(G1), rtol=1e-6)


def test_adam_l2_and_adamw_one_step():
    lr, lam = 0.01, 0.1
    (l2,) = run(lambda p: optim.Adam(p, weight_decay=lam), THETA, [G1], lr)
    g = G1 + lam * THETA                       # L2 enters the gradient, then is normalised
    np.testing.assert_allclose(l2, THETA - lr * g / (np.abs(g) + 1e-8), rtol=1e-7)
    (w,) = run(lambda p: optim.AdamW(p, weight_decay=lam), THETA, [G1], lr)
    np.testing.assert_allclose(w, THETA - lr * (G1 / (np.abs(G1) + 1e-8) + lam * THETA),
                               rtol=1e-7)


def test_adamw_decay_does_not_depend_on_the_gradient_scale():
    rng = np.random.default_rng(1)
    grads = [rng.normal(size=5) for _ in range(60)]
    theta0 = rng.normal(size=5)
    lr, lam = 0.01, 0.3
    for make, scale_free in ((lambda p: optim.AdamW(p, weight_decay=lam), True),
                             (lambda p: optim.Adam(p, weight_decay=lam), False)):
        ref = run(make, theta0, grads, lr)[-1]
        for c in (1e-3, 1e3):
            other = run(make, theta0, [c * g for g in grads], lr)[-1]
            same = np.allclose(other, ref, rtol=1e-4, atol=1e-6)
            assert same == scale_free
    # with no gradient at all, AdamW shrinks every weight by exactly (1 − ηλ) per step
    out = run(lambda p: optim.AdamW(p, weight_decay=lam), theta0, [np.zeros(5)] * 30, lr)[-1]
    np.testing.assert_allclose(out, theta0 * (1 - lr * lam) ** 30, rtol=1e-12)


def test_adam_l2_at_loss_scale_c_is_l2_of_strength_lambda_over_c():
    # Adam ignores a constant factor on its gradient, so (c ∇L + λθ) acts like ∇L + (λ/c)θ.
    rng = np.random.default_rng(2)
    A = rng.normal(size=(4, 4))
    H = A @ A.T + np.eye(4)
    theta0, lr, lam, c = rng.normal(size=4), 0.01, 0.2, 50.0

    def path(scale, l2):
        theta = theta0.copy()
        o = optim.Adam([theta], weight_decay=l2, eps=0.0)
        for _ in range(200):
            o.step([theta], [scale * (H @ theta)], lr)
        return theta

    np.testing.assert_allclose(path(c, lam), path(1.0, lam / c), rtol=1e-9, atol=1e-12)


def test_one_cycle_shape():
    T, peak = 1000, 0.4
    lr, beta = optim.one_cycle(peak, T)
    up = int(0.3 * T)
    assert lr[0] == pytest.approx(peak / 25) and lr[up] == pytest.approx(peak)
    assert lr.max() == pytest.approx(peak) and lr[-1] == pytest.approx(peak / 25 / 1e4)
    assert np.all(np.diff(lr[:up + 1]) > 0) and np.all(np.diff(lr[up:]) < 0)
    assert beta[0] == pytest.approx(0.95) and beta[up] == pytest.approx(0.85)
    assert beta[-1] == pytest.approx(0.95)
    # momentum moves against the rate
    assert np.all(np.sign(np.diff(beta)) == -np.sign(np.diff(lr)))


# ----------------------------------------------------------------- the quadratic figure

def spectral_radius(eta, lam, beta, nesterov):
    """Largest |root| of the characteristic polynomial, from np.roots (independent of the module)."""
    if nesterov:
        coeffs = [1, -(1 + beta) * (1 - eta * lam), beta * (1 - eta * lam)]
    else:
        coeffs = [1, -(1 + beta - eta * lam), beta]
    return max(abs(np.roots(coeffs)))


def test_quadratic_is_ill_conditioned_as_stated(n):
    lam = np.linalg.eigvalsh(opt_mod.hessian())
    assert n["q_kappa"] == pytest.approx(lam.max() / lam.min())
    assert n["q_kappa"] >= 20
    assert n["q_eta_lam_max"] == pytest.approx(n["q_lr"] * lam.max())


def test_quadratic_rates_match_the_theory_and_the_run(n):
    lams = (n["q_lam_min"], n["q_lam_max"])
    for key, beta, nag in (("gd", 0.0, False), ("mom", n["q_beta"], False),
                           ("nag", n["q_beta"], True)):
        theory = max(spectral_radius(n["q_lr"], lam, beta, nag) for lam in lams)
        assert n[f"q_rate_{key}"] == pytest.approx(theory, rel=1e-9)
        assert n[f"q_measured_rate_{key}"] == pytest.approx(theory, abs=0.02)
    assert n["q_rate_gd"] == pytest.approx(1 - n["q_lr"] * n["q_lam_min"])


def test_momentum_beats_gradient_descent_at_the_same_rate(n):
    assert n["q_rate_mom"] < n["q_rate_gd"] and n["q_rate_nag"] < n["q_rate_gd"]
    assert n["q_loss_mom"] < 0.1 * n["q_loss_gd"]
    assert n["q_loss_nag"] < 0.1 * n["q_loss_gd"]
    assert n["q_effective_lr_mom"] == pytest.approx(n["q_lr"] / (1 - n["q_beta"]))
    assert n["q_effective_lr_mom"] > 2 / n["q_lam_max"]                 # "could never use"
    # both curvatures give complex roots, of modulus √β
    for key in ("q_rate_mom_shallow", "q_rate_mom_steep"):
        assert n[key] == pytest.approx(np.sqrt(n["q_beta"]), rel=1e-9)
    for lam in (n["q_lam_min"], n["q_lam_max"]):
        assert (1 + n["q_beta"] - n["q_lr"] * lam) ** 2 < 4 * n["q_beta"]
    assert n["q_gd_steep_factor"] == pytest.approx(abs(1 - n["q_eta_lam_max"]))
    # Nesterov damps the steep direction (across the valley) far harder than momentum,
    # and its worst factor overall is the shallow one (along the valley floor)
    assert n["q_rate_nag_steep"] == pytest.approx(
        spectral_radius(n["q_lr"], n["q_lam_max"], n["q_beta"], True), rel=1e-9)
    assert n["q_rate_nag_steep"] < n["q_rate_mom_steep"] - 0.1
    assert n["q_rate_nag_steep"] < n["q_rate_nag"] < n["q_rate_mom"]
    assert n["q_eta_lam_max"] > 1                                       # so GD zigzags


def test_stability_edges_of_the_momentum_methods(n):
    b = n["q_beta"]
    for key, nag in (("mom", False), ("nag", True)):
        edge = n[f"q_edge_{key}"]                                    # in units of ηλ
        assert spectral_radius(0.99 * edge, 1.0, b, nag) < 1 < spectral_radius(1.01 * edge, 1.0, b, nag)
    assert n["q_edge_nag"] < n["q_edge_gd"] < n["q_edge_mom"]
    assert n["q_eta_lam_max"] < n["q_edge_nag"]                       # all three runs are stable


def test_polyak_tuning_gives_the_square_root_rate(n):
    k, lo, hi = n["q_kappa"], n["q_lam_min"], n["q_lam_max"]
    eta = 4 / (np.sqrt(hi) + np.sqrt(lo)) ** 2
    beta = ((np.sqrt(k) - 1) / (np.sqrt(k) + 1)) ** 2
    rho = max(spectral_radius(eta, lam, beta, False) for lam in (lo, hi))
    assert n["q_best_rate_hb"] == pytest.approx(rho, rel=1e-6)
    rho_gd = max(abs(1 - 2 / (lo + hi) * lam) for lam in (lo, hi))
    assert n["q_best_rate_gd"] == pytest.approx(rho_gd)
    # "on the order of κ steps against √κ": 1000-fold in ln(1000)/(−ln ρ) steps
    assert n["q_steps_1000_gd"] == pytest.approx(np.log(1000) * (k + 1) / 2, rel=0.03)
    assert n["q_steps_1000_hb"] == pytest.approx(np.log(1000) * (np.sqrt(k) + 1) / 2, rel=0.15)


def test_adaptive_methods_on_the_quadratic(n):
    # RMSProp's first step: η/√(1−ρ) in each of the two coordinates
    assert n["q_rms_first_step"] == pytest.approx(n["q_lr_adaptive"] / np.sqrt(0.01) * np.sqrt(2),
                                                  rel=1e-6)
    assert n["q_adam_first_step"] == pytest.approx(n["q_lr_adaptive"] * np.sqrt(2), rel=1e-6)
    # Per-coordinate scaling helps when the valley lies along an axis, not when it is rotated.
    assert n["q_loss_adam_aligned"] < 0.01 * n["q_loss_adam"]
    assert n["q_loss_adam"] > n["q_loss_gd"]


# -------------------------------------------------------------------- the network

KEYS = ("sgd", "mom", "nag", "rms", "adam", "adamw")


def test_every_best_rate_is_inside_its_grid(n):
    for key in KEYS:
        assert n[f"net_best_at_edge_{key}"] == 0


def test_network_ranking_the_article_states(n):
    for key in ("mom", "nag", "rms", "adam"):
        assert n[f"net_best_loss_{key}"] < n["net_best_loss_sgd"]
    assert n["net_best_loss_adam"] == min(n[f"net_best_loss_{k}"] for k in KEYS)
    # AdamW pays a little training loss for its decay
    assert n["net_best_loss_adam"] < n["net_best_loss_adamw"] < 2 * n["net_best_loss_adam"]
    for key in KEYS:
        assert n[f"net_best_loss_{key}"] < 0.05 * n["net_start_loss"]


def test_rate_scales_differ(n):
    assert n["net_best_lr_adam"] <= n["net_best_lr_sgd"] / 5
    assert n["net_best_lr_rms"] <= n["net_best_lr_sgd"] / 5
    # momentum's good η is smaller than SGD's, but its effective rate η/(1−β) is larger
    assert n["net_best_lr_mom"] < n["net_best_lr_sgd"] < n["net_best_lr_mom"] / (1 - opt_mod.BETA)
    assert n["net_n_blew_up_sgd"] >= 1 and n["net_largest_blew_up_mom"] == 1
    assert n["net_eff_ratio_mom"] == pytest.approx(
        n["net_best_lr_mom"] / (1 - opt_mod.BETA) / n["net_best_lr_sgd"])
    assert n["net_ratio_sgd_adam"] > 3 and n["net_ratio_sgd_rms"] > 3
    assert n["net_ratio_sgd_rms"] > 10          # the caption: "more than an order of magnitude"


# ------------------------------------------------------------ decoupled weight decay

def test_adam_and_adamw_ignore_the_loss_scale(n):
    for key in ("adam", "adamw"):
        assert n[f"dd_norm_spread_{key}"] < 1.01
        assert n[f"dd_loss_spread_{key}"] < 1.01


def test_l2_strength_changes_with_the_loss_scale(n):
    assert n["dd_norm_spread_adaml2"] > 10
    assert n["dd_norm_adaml2_cmin"] < n["dd_norm_adaml2_c1"] < n["dd_norm_adaml2_cmax"]
    assert n["dd_norm_adaml2_cmax"] < n["dd_norm_adam_cmax"]
    # at a tiny loss scale L2 dominates: the net predicts the mean (loss ½ on standardised y)
    assert n["dd_loss_adaml2_cmin"] == pytest.approx(0.5, abs=0.02)
    # decoupled decay shrinks the weights at every scale
    assert n["dd_norm_adamw_c1"] < n["dd_norm_adam_c1"]


# --------------------------------------------------------------------- one-cycle

def test_one_cycle_survives_a_larger_peak_and_ends_lower(n):
    assert n["oc_largest_ok_lr"] > n["const_largest_ok_lr"]
    assert n["oc_best_lr"] > n["const_best_lr"]
    assert n["oc_best_loss"] < n["const_best_loss"]
    assert n["const_n_blew_up"] >= 1
    # "every constant rate above the largest surviving one blew up"
    assert n["const_n_blew_up"] == sum(r > n["const_largest_ok_lr"] for r in opt_mod.OC_GRID)
    # at the best constant rate used as a peak, one-cycle is no better than the constant
    assert n["oc_loss_at_const_best_lr"] >= 0.95 * n["const_best_loss"]
    for key in ("const", "oc"):
        assert n[f"{key}_best_at_edge"] == 0


# ------------------------------------------------------------- batch size sweep

def test_best_rates_grow_with_batch_but_slower_than_linear_for_sgd(n):
    b_lo, b_hi = n["bs_min_batch"], n["bs_max_batch"]
    for key in ("adam", "sgd"):
        assert n[f"bs_best_{key}_{b_hi}"] > n[f"bs_best_{key}_{b_lo}"]
        assert 0 < n[f"bs_slope_{key}"] < 1
        assert n[f"bs_slope_{key}_half_lo"] <= n[f"bs_slope_{key}"] + 0.1
        assert n[f"bs_slope_{key}_half_hi"] >= n[f"bs_slope_{key}"] - 0.1
        for b in opt_mod.BATCHES:
            assert n[f"bs_best_at_edge_{key}_{b}"] == 0
    assert n["bs_ratio_sgd"] < n["bs_batch_ratio"] / 2               # far from linear scaling
    # Adam up to batch 64: closer to linear (8x) than to the square root (2.8x) ...
    assert n["bs_best_adam_64"] / n["bs_best_adam_8"] > 8 ** 0.75
    # ... then it stops growing
    assert n["bs_best_adam_128"] < 1.2 * n["bs_best_adam_64"]
    # SGD: flat from 16 to 64, and at 128 just below the smallest rate that blew up
    sgd = [n[f"bs_best_sgd_{b}"] for b in (16, 32, 64)]
    assert max(sgd) < 1.5 * min(sgd)
    assert n["bs_best_sgd_8"] < min(sgd)
    assert n["bs_best_sgd_128"] < n["bs_first_blew_up_sgd_128"] <= 2 * n["bs_best_sgd_128"]
    # ... and that edge moved up with the batch ("Up to batch 32 the sweep blew up already at")
    assert all(n[f"bs_first_blew_up_sgd_{b}"] < n["bs_first_blew_up_sgd_128"] for b in (8, 16, 32))
    for b in opt_mod.BATCHES:
        assert n[f"bs_best_adam_{b}"] < n[f"bs_best_sgd_{b}"] / 5


def test_best_rate_finds_the_vertex_of_a_parabola():
    grid = 0.01 * 2.0 ** np.arange(8)
    true = 0.1
    loss = np.exp(0.5 * (np.log(grid) - np.log(true)) ** 2)
    rate, k = opt_mod.best_rate(grid, loss)
    assert rate == pytest.approx(true, rel=1e-6)
    assert opt_mod.slope([8, 16, 32], [1, np.sqrt(2), 2]) == pytest.approx(0.5)


# ----------------------------------------------------------------- plumbing

def test_stack_training_matches_one_network_at_a_time():
    X, y = opt_mod.lr_art.make_data(0, quick=True)
    make = lambda p: optim.Adam(p)                                   # noqa: E731
    grid = (0.001, 0.01)
    curves, _ = opt_mod.sweep(X, y, 0, make, grid, epochs=2, inits=2)
    for s, lr in enumerate(grid):
        one, _ = opt_mod.sweep(X, y, 0, make, (lr,), epochs=2, inits=2)
        np.testing.assert_allclose(curves[:, s], one[:, 0], rtol=1e-5)


@pytest.mark.parametrize("func", [opt_mod.quadratic_paths, opt_mod.network_curves,
                                  opt_mod.decoupled_decay, opt_mod.one_cycle_figure,
                                  opt_mod.batch_size])
def test_quick_figures_return_draw_and_numbers(func):
    draw, numbers = func(0, quick=True)
    assert callable(draw) and numbers
