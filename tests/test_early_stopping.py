"""The early-stopping figures show what the article says they show."""
import numpy as np
import pytest

from gen.articles import early_stopping as es
from gen.lib import mlp


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("early_stopping")


# --- the training run ---------------------------------------------------------------------

def test_the_network_really_overfits(n):
    # Training loss keeps falling far below the validation loss ...
    assert n["final_train_loss"] < 0.25 * n["final_val_loss"]
    # ... because it fits the wrong labels too: training accuracy is far above the
    # share of correct labels, which no model of the digits themselves could reach.
    assert n["train_acc_final"] > (1 - n["train_noise_rate"]) + 0.15
    # Validation loss ends above where it started: the later epochs are harmful.
    assert n["final_val_loss"] > n["first_val_loss"]


def test_label_noise_is_what_was_asked_for(n):
    assert n["label_noise"] == es.LABEL_NOISE          # the rate the article quotes
    assert abs(n["train_noise_rate"] - es.LABEL_NOISE) < 0.06


def test_early_stopped_validation_loss_below_final(n):
    assert n["best_val_loss"] < n["final_val_loss"]
    assert n["best_val_loss"] <= n["stop_val_loss"]


def test_stop_epoch_is_best_epoch_plus_patience(n):
    assert n["patience"] == es.PATIENCE
    assert n["stop_epoch"] == min(n["best_epoch"] + n["patience"], n["epochs"])
    assert n["epochs_saved"] == n["epochs"] - n["stop_epoch"]
    assert n["stop_epoch"] < n["epochs"]               # it does fire in this run
    assert n["epochs_saved"] > n["epochs"] / 2          # "saved most of the training time"


def test_patience_20_finds_the_runs_lowest_validation_loss(n):
    assert n["best_epoch"] == n["global_best_epoch"]


def test_early_stopped_model_is_better_on_the_test_set(n):
    assert n["test_acc_best"] >= n["test_acc_final"]
    assert n["test_acc_gain"] > 0.05                   # a clear gain, not a tie
    assert n["test_acc_best"] >= n["test_acc_stop"] >= n["test_acc_final"]


def test_weights_travel_much_further_after_the_best_epoch(n):
    assert n["distance_final"] > 2 * n["distance_best"]


def test_validation_accuracy_is_capped_by_the_wrong_labels(n):
    # A validation label is right with probability about 1 - noise, so even a model
    # that knows every digit scores about that much on the noisy validation set.
    assert n["val_acc_best"] < 1 - es.LABEL_NOISE + 0.06
    assert n["val_acc_best"] > n["val_acc_final"]


# --- the patience sweep ---------------------------------------------------------------------

def test_patience_1_stops_on_a_blip_before_the_minimum(n):
    assert n["sweep_patience_1_stop"] < n["sweep_global_best_epoch"]
    assert n["sweep_patience_1_val_loss"] > n["sweep_global_best_val_loss"]
    assert n["sweep_min_patience_global"] <= n["patience"]


def test_without_restoring_a_long_patience_keeps_a_worse_model(n):
    assert n["sweep_max_patience_stop"] == n["sweep_global_best_epoch"] + n["sweep_max_patience"]
    assert n["sweep_max_patience_stop_val_loss"] > n["sweep_global_best_val_loss"]


# --- early stopping as L2 -------------------------------------------------------------------

def test_gd_path_tracks_ridge_within_the_spectral_bound(n):
    X, y = es.least_squares_problem(0)
    s = np.linalg.eigvalsh(X.T @ X / len(y))
    lr = 0.5 / s.max()
    t = np.arange(1, 30001)[:, None]
    f_gd, f_ridge = es.filters(s[None, :], lr, t)
    bound = np.abs(f_gd - f_ridge).max()
    assert n["ridge_max_gap"] <= bound + 1e-9
    assert bound < 0.3                                  # the two shrinkages stay close
    assert n["ridge_final_gap_to_ls"] < 1e-3            # and both end at least squares


def test_gd_path_matches_its_closed_form():
    X, y = es.least_squares_problem(3, n=40, d=5)
    n_obs = len(y)
    s, V = np.linalg.eigh(X.T @ X / n_obs)
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    lr = 0.5 / s.max()
    path = es.gd_path(X, y, lr, 200)
    for t in (1, 7, 50, 200):
        f_gd, _ = es.filters(s, lr, t)
        np.testing.assert_allclose(path[t - 1], V @ (f_gd * (V.T @ w_ls)), rtol=1e-8, atol=1e-10)


def test_ridge_matches_scikit_learn():
    from sklearn.linear_model import Ridge

    X, y = es.least_squares_problem(1)
    lam = 0.3
    ref = Ridge(alpha=lam * len(y), fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(es.ridge(X, y, lam), ref, rtol=1e-8)


# --- the helpers ------------------------------------------------------------------------------

def test_early_stopping_rule_on_a_made_up_curve():
    losses = [5.0, 4.0, 3.0, 3.2, 2.95, 3.1, 3.3, 3.4, 2.0]
    # min_delta = 0: 2.95 at epoch 5 is an improvement; three bad epochs later it stops.
    assert es.replay(losses, patience=3) == (5, 8)
    # min_delta = 0.1: 2.95 is not better enough than 3.0, so the best stays at epoch 3.
    assert es.replay(losses, patience=3, min_delta=0.1) == (3, 6)
    # patience longer than the run: it never fires, the "stop" is the last epoch.
    assert es.replay(losses, patience=20) == (9, 9)


def test_early_stopping_keeps_a_copy_of_the_best_weights():
    net = [[np.zeros((2, 2)), np.zeros(2)]]
    stopper = es.EarlyStopping(patience=2)
    for epoch, loss in enumerate([3.0, 1.0, 2.0, 2.5, 0.5], start=1):
        net[0][0][:] = epoch
        stopper.update(epoch, loss, net)
    assert stopper.best_epoch == 2 and stopper.stop_epoch == 4
    assert np.all(stopper.best_weights[0][0] == 2)      # a copy, not a reference
    assert stopper.best == 1.0                           # epoch 5 came after the stop


def test_adam_first_step_is_lr_times_sign_and_it_converges():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(3, 4))
    net = [[np.zeros((3, 4)), np.zeros(4)]]
    opt = es.Adam(net, lr=0.01)
    # Gradient of 0.5 ||W - target||^2 + 0.5 ||b - 1||^2.
    opt.step(net, [[net[0][0] - target, net[0][1] - 1.0]])
    np.testing.assert_allclose(net[0][0], 0.01 * np.sign(target), rtol=1e-5)
    np.testing.assert_allclose(net[0][1], 0.01, rtol=1e-5)
    for _ in range(3000):
        opt.step(net, [[net[0][0] - target, net[0][1] - 1.0]])
    np.testing.assert_allclose(net[0][0], target, atol=1e-3)
    np.testing.assert_allclose(net[0][1], 1.0, atol=1e-3)


def test_distance_from_initialisation():
    a = [[np.zeros((2, 2)), np.zeros(2)]]
    b = mlp.copy(a)
    b[0][0][0, 0], b[0][1][1] = 3.0, 4.0
    assert es.distance(b, a) == pytest.approx(5.0)


@pytest.mark.parametrize("fn", [es.loss_curves, es.accuracy, es.patience_sweep, es.gd_vs_ridge])
def test_quick_figures_return_draw_and_numbers(fn):
    result = fn(0, quick=True)
    assert isinstance(result, tuple) and len(result) == 2
    draw, numbers = result
    assert callable(draw) and isinstance(numbers, dict) and numbers


def test_gd_vs_ridge_alt_text_matches_the_gap(n):
    alt = es.gd_vs_ridge.__figure__.alt
    assert "between a twentieth and a fifth" in alt
    assert 1 / 20 < n["ridge_max_gap"] < 1 / 5


def test_the_network_and_data_sizes_the_text_gives(n):
    # 64 pixels in, one hidden layer, 10 digits out: (64 + 1)·h + (h + 1)·10 parameters
    assert n["hidden"] == es.HIDDEN and n["n_params"] == 65 * es.HIDDEN + (es.HIDDEN + 1) * 10
    assert n["n_train"] == es.N_TRAIN and n["n_val"] == es.N_VAL
    assert n["n_params"] > 10 * n["n_train"]          # many more weights than examples: it can overfit
