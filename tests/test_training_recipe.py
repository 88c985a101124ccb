"""The training-recipe figures show what the article says they show."""
import math

import numpy as np
import pytest

from gen.articles import training_recipe as tr
from gen.lib import mlp

LN_C = math.log(tr.C)


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("training_recipe")


# ---------------------------------------------------------------- claims of the figures

def test_digits_are_balanced_so_chance_is_one_in_c(n):
    assert n["n_classes"] == tr.C
    assert n["max_class_count"] <= 1.1 * n["min_class_count"]
    assert n["n_constant_pixels"] >= 1                  # some pixels never vary


def test_standardising_trains_better_than_raw_features(n):
    # wine: features in different units; raw inputs never get off the class-prior plateau
    assert n["wine_std_ratio"] > 1000
    assert n["wine_std_best_loss"] < n["wine_raw_best_loss"] / 100
    assert n["wine_std_best_val_acc"] > n["wine_raw_best_val_acc"] + 0.15
    assert n["wine_raw_median_loss"] == pytest.approx(n["wine_prior_loss"], abs=0.05)
    assert n["wine_cond_raw_millions"] * 1e6 > 1000 * n["wine_cond_std"]
    assert n["wine_preact_std_raw"] > 30 * n["wine_preact_std_std"]
    assert n["wine_raw_dead_above_best"] == 1.0           # every hidden unit dead
    # digits: one unit for every pixel, so a smaller but real gain, at a larger rate
    assert n["digits_std_best_loss"] < n["digits_raw_best_loss"]
    assert n["digits_std_best_lr"] > n["digits_raw_best_lr"]
    # ... while at a fixed small rate the raw inputs look better (bigger inputs, bigger steps)
    assert n["digits_raw_smallest_lr_loss"] < n["digits_std_smallest_lr_loss"]


def test_initial_loss_is_ln_c_only_for_the_small_output_init(n):
    assert n["ln_c"] == pytest.approx(LN_C)
    assert abs(n["init_loss_small"] - LN_C) < 0.1
    assert n["init_loss_small_max"] - n["init_loss_small_min"] < 0.1
    assert n["init_loss_he"] > LN_C + 0.3                # confidently random
    assert n["init_loss_naive"] > 3 * LN_C               # far above
    assert 0 < n["naive_steps_to_ln_c"] < n["init_steps"]   # it spends steps getting back


def test_a_correct_pipeline_overfits_a_tiny_batch_and_the_buggy_one_cannot(n):
    assert n["tiny_final_loss"] < 0.01
    assert n["tiny_final_acc"] == 1.0
    assert n["tiny_bug_final_loss"] > 1.0
    # With inputs that carry no information the best possible loss is the label entropy.
    assert n["tiny_bug_final_loss"] == pytest.approx(n["tiny_label_entropy"], abs=0.1)


def test_shuffled_labels_are_memorised_but_do_not_generalise(n):
    assert n["shuffled_labels_train_acc"] >= 0.95
    assert abs(n["shuffled_labels_val_acc"] - 1 / tr.C) < 0.06
    assert n["true_labels_train_acc"] >= 0.95
    assert n["true_labels_val_acc"] > 0.8
    assert n["true_labels_val_acc"] > n["shuffled_labels_val_acc"] + 0.5
    assert n["shuffled_epochs_to_90"] > n["true_epochs_to_90"]   # memorising is slower
    assert n["fit_level"] == tr.FIT_LEVEL


def test_learning_rate_sweep_has_a_too_small_a_good_and_a_too_large_end(n):
    assert n["sweep_smallest_lr_loss"] > 10 * n["sweep_best_loss"]
    assert n["sweep_largest_lr_diverged"] == 1
    assert min(tr.SWEEP_LRS) < n["sweep_best_lr"] < max(tr.SWEEP_LRS)
    assert n["chosen_lr"] <= n["sweep_best_lr"]
    assert n["chosen_lr_loss"] < LN_C / 10


def test_weight_decay_narrows_the_train_validation_gap(n):
    assert n["noreg_train_loss"] < 0.01                   # the plain network memorises
    assert n["noreg_loss_gap"] > 0.3
    assert n["reg_loss_gap"] < 0.8 * n["noreg_loss_gap"]
    assert n["reg_acc_gap"] < n["noreg_acc_gap"]
    assert n["reg_train_loss"] > n["noreg_train_loss"]   # paid for with a higher train loss
    assert n["reg_val_loss"] < n["noreg_val_loss"]
    assert n["reg_val_acc"] >= n["noreg_val_acc"]
    # too much decay underfits: both losses above those of the moderate decay
    assert n["strong_decay_train_loss"] > n["reg_train_loss"]
    assert n["strong_decay_val_loss"] > n["reg_val_loss"]


# ---------------------------------------------------------------- helpers against references

def test_standardise_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    A = rng.normal(5.0, 3.0, (200, 4))
    A[:, 2] = 0.0                                       # a constant (always blank) feature
    B = rng.normal(5.0, 3.0, (50, 4))
    SA, SB = tr.standardise(A, B)
    np.testing.assert_allclose(SA[:, [0, 1, 3]].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(SA[:, [0, 1, 3]].std(axis=0), 1, atol=1e-12)
    assert np.all(SA[:, 2] == 0) and np.all(np.isfinite(SB))
    np.testing.assert_allclose(SB[:, 0], (B[:, 0] - A[:, 0].mean()) / A[:, 0].std())


def test_uniform_prediction_has_loss_ln_c():
    net = tr.make_net([5, 8, tr.C], np.random.default_rng(0))
    for layer in net:
        layer[0][:] = 0.0                              # every logit 0: p = 1/C exactly
    X, y = np.ones((7, 5)), np.arange(7) % tr.C
    assert tr.evaluate(net, X, y)[0] == pytest.approx(LN_C, abs=1e-9)


@pytest.mark.parametrize("s", [0.1, 0.3])
def test_random_logit_loss_is_ln_c_plus_half_the_variance(s):
    """The article's small-spread approximation E[loss] ~ ln C + s^2/2, by Monte Carlo."""
    z = np.random.default_rng(0).normal(0, s, (200_000, tr.C))
    loss = np.log(np.exp(z).sum(axis=1)) - z[:, 0]
    assert loss.mean() == pytest.approx(LN_C + s**2 / 2 * (1 - 1 / tr.C), abs=2e-3)
    assert loss.mean() < LN_C + s**2 / 2                  # Jensen: an upper bound


def test_weight_decay_step_follows_the_penalised_gradient():
    """One plain SGD step equals -lr times the finite-difference gradient of L + wd/2·||W||²."""
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(9, 4)), rng.integers(0, 3, 9)
    net = tr.make_net([4, 6, 3], rng, out_std=0.5)
    wd, lr, h = 0.1, 1e-3, 1e-6

    def penalised(net):
        loss = mlp.loss_and_grads(net, X, y, "relu", "softmax")[0]
        return loss + wd / 2 * sum(np.sum(W**2) for W, _ in net)

    before = mlp.copy(net)
    velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in net]
    tr.sgd_step(net, velocity, X, y, lr, weight_decay=wd, momentum=0.0)
    for i in range(len(net)):
        for k in range(2):
            for idx in list(np.ndindex(net[i][k].shape))[:5]:
                plus, minus = mlp.copy(before), mlp.copy(before)
                plus[i][k][idx] += h
                minus[i][k][idx] -= h
                grad = (penalised(plus) - penalised(minus)) / (2 * h)
                step = net[i][k][idx] - before[i][k][idx]
                assert step == pytest.approx(-lr * grad, rel=1e-4, abs=1e-10)


def test_power_label():
    assert tr.power_label(1e-5) == "10⁻⁵"
    assert tr.power_label(1e3) == "10³"
    assert tr.power_label(0.1) == "0.1"
    assert tr.power_label(30) == "30"


# ---------------------------------------------------------------- plumbing

FIGURES = [tr.look_at_the_data, tr.standardise_features, tr.loss_at_init,
           tr.overfit_tiny_batch, tr.shuffled_labels, tr.learning_rate_sweep, tr.regularise]


@pytest.mark.parametrize("func", FIGURES, ids=lambda f: f.__name__)
def test_quick_figure_returns_draw_and_numbers(func):
    draw, numbers = func(0, quick=True)
    assert callable(draw)
    assert isinstance(numbers, dict) and numbers


def test_shuffled_labels_validation_is_below_chance_as_the_relabelling_is(n):
    se = math.sqrt(n["chance_acc"] * (1 - n["chance_acc"]) / n["shuffle_val_n"])
    assert n["chance_se"] == pytest.approx(se)
    assert n["shuffle_val_n"] == tr.VAL_N
    # The text says the run lies below chance, and blames the one relabelling, in
    # which "only" that share of the training images kept their true label.
    assert n["shuffled_labels_val_acc"] < n["chance_acc"]
    assert n["shuffled_val_z"] > 0
    assert n["shuffled_label_agreement"] < n["chance_acc"]
    assert "ends below it" in tr.shuffled_labels.__figure__.alt


def test_loss_at_init_alt_text_says_about_ten_times(n):
    assert "about ten times higher" in tr.loss_at_init.__figure__.alt
    assert 5 < n["init_loss_naive"] / n["ln_c"] < 20


def test_standardising_digits_leaves_validation_accuracy_alone(n):
    # "Validation accuracy hardly moves": within two points; the best rate does move.
    assert abs(n["digits_raw_best_val_acc"] - n["digits_std_best_val_acc"]) < 0.02
    assert n["digits_raw_best_lr"] != n["digits_std_best_lr"]


def test_parameter_counts_are_those_of_the_networks_shown(n):
    # 64 inputs, one hidden layer, C outputs: (64 + 1)·h + (h + 1)·C weights and biases
    count = lambda h: 65 * h + (h + 1) * tr.C
    assert n["tiny_params"] == count(tr.HIDDEN)
    assert n["shuffle_params"] == count(n["shuffle_hidden"]) and n["shuffle_hidden"] == tr.SHUFFLE_HIDDEN
    assert n["shuffle_params"] > n["shuffle_train_n"] * 10          # "a wider network" that can memorise
