"""The classification-losses figures show what the article says they show."""
import math

import numpy as np
import pytest
from scipy.special import log_softmax as scipy_log_softmax

from gen.articles import classification_losses as m


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("classification_losses")


# ------------------------------------------------------------- the loss functions

def test_stable_losses_match_an_independent_reference_where_the_naive_ones_work():
    z = np.linspace(-12, 12, 49)
    for y in (0.0, 1.0):
        ref = -(y * np.log(1 / (1 + np.exp(-z))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-z))))
        np.testing.assert_allclose(m.bce_logits(z, y), ref, rtol=1e-9)
        np.testing.assert_allclose(m.bce_naive(z, y), ref, rtol=1e-9)
    rng = np.random.default_rng(0)
    Z = rng.normal(0, 3, (20, 5))
    labels = rng.integers(0, 5, 20)
    ref = -scipy_log_softmax(Z, axis=1)[np.arange(20), labels]
    for loss in (m.ce_logits, m.ce_naive, m.ce_shifted):
        np.testing.assert_allclose(loss(Z, labels), ref, rtol=1e-9)
    np.testing.assert_allclose(m.logsumexp(Z), np.log(np.exp(Z).sum(1)), rtol=1e-12)


def test_stable_bce_stays_finite_and_exact_for_huge_logits_in_float32():
    z = np.array([-1e4, -100, 100, 1e4], np.float32)
    for y in (0.0, 1.0):
        loss = m.bce_logits(z, np.float32(y))
        exact = np.logaddexp(0.0, np.where(y == 1, -z, z).astype(np.float64))
        np.testing.assert_allclose(loss, exact, rtol=1e-6, atol=1e-30)   # tiny ones are subnormal


def test_two_class_softmax_is_the_sigmoid_of_the_logit_difference():
    z = np.array([[0.3, 2.0], [-4.0, 1.0]])
    for label in (0, 1):
        y = np.full(2, label)
        np.testing.assert_allclose(m.ce_logits(z, y), m.bce_logits(z[:, 1] - z[:, 0], label))


# ----------------------------------------------------------- the stable-losses figure

def test_naive_bce_overflows_where_float32_rounds_the_sigmoid_to_one(n):
    # 1 + e^(−m) rounds to 1 when e^(−m) is below half of float32's step at 1 (2^−24).
    threshold = 24 * math.log(2)
    assert threshold <= n["bce_naive_first_inf"] <= threshold + 0.5
    assert n["bce_clip_cap"] == pytest.approx(-math.log(n["bce_clip_eps"]), rel=1e-6)
    assert n["bce_clip_cap"] < n["bce_naive_first_inf"] < n["m_max"]     # the cap bites in the figure
    assert n["bce_logits_max_rel_err"] < 1e-6
    assert n["ce_logits_max_rel_err"] < 1e-6


def test_softmax_failures_are_where_the_text_puts_them(n):
    # "both the naive and the max-shifted softmax give an infinite loss from m = ..."
    assert n["ce_naive_first_bad"] == n["ce_shifted_first_bad"]
    # the label's probability is about e^(−2m): it underflows once 2m passes the subnormal limit
    assert 2 * n["ce_shifted_first_bad"] == pytest.approx(n["float32_exp_underflow"], abs=1.0)
    assert n["float32_exp_overflow"] == pytest.approx(math.log(np.finfo(np.float32).max))
    assert n["ce_exact_at_first_bad"] == pytest.approx(2 * n["ce_shifted_first_bad"], rel=0.01)
    # the overflow of e^m lies beyond the underflow, inside the figure's range
    assert n["ce_shifted_first_bad"] < n["float32_exp_overflow"] < n["m_max"]


# ----------------------------------------------------------------- calibration

def test_ece_against_a_hand_computed_example():
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.3, 0.7]])
    y = np.array([0, 1, 1, 1])
    count, conf, acc, ece = m.reliability(probs, y, bins=2)
    # bin [0.5, 1): every point (top confidences 0.9, 0.8, 0.6, 0.7); 3 of 4 right
    assert list(count) == [0, 4]
    assert ece == pytest.approx(abs(0.75 - np.mean([0.9, 0.8, 0.6, 0.7])))


def test_temperature_fit_is_the_minimum_of_the_validation_loss():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 1, (400, 3))
    y = np.array([rng.choice(3, p=np.exp(row) / np.exp(row).sum()) for row in z])
    T = m.fit_temperature(3.0 * z, y)            # logits three times too large
    assert T == pytest.approx(3.0, rel=0.25)
    for t in (0.9 * T, 1.1 * T):
        assert m.nll(3.0 * z, y, T) <= m.nll(3.0 * z, y, t)


def test_mlp_logits_are_the_classifiers_own():
    import warnings

    from sklearn.neural_network import MLPClassifier
    X, y = m.four_classes(0, 300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier((8,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    np.testing.assert_allclose(np.exp(m.log_softmax(m.mlp_logits(clf, X))),
                               clf.predict_proba(X), rtol=1e-6, atol=1e-12)


def test_the_network_is_overconfident_and_temperature_scaling_fixes_it(n):
    assert n["train_acc"] == 1.0                                  # "fitted its training set"
    # T > 1 is the diagnosis "overconfident": confidence above accuracy before scaling
    assert n["temperature"] > 1
    assert n["mean_conf_before"] > n["acc_before"] + 0.1
    assert abs(n["mean_conf_after"] - n["acc_after"]) < 0.05
    assert n["mean_conf_after"] < n["mean_conf_before"]
    assert n["ece_after"] < n["ece_before"] / 3                   # "drops to"
    assert n["nll_after"] < n["nll_before"]
    assert n["nll_val_after"] <= n["nll_val_before"]
    # the ECE of a calibrated model on this many points: the scaled model is "not far above"
    assert n["ece_floor_after"] < n["ece_after"] < 2 * n["ece_floor_after"]


def test_temperature_scaling_changes_no_prediction(n):
    assert n["n_pred_changed"] == 0
    assert n["acc_after"] == n["acc_before"]


def test_the_reliability_panels_look_as_described(n):
    assert n["frac_top_bin_before"] > 0.8                          # "nearly all" in the last bin
    assert n["acc_top_bin_before"] < n["mean_conf_before"] - 0.2
    assert n["min_gap_before"] > 0.1                               # every bar far below the diagonal
    assert n["max_gap_after"] < 0.12                               # every bar close to it
    assert n["lowest_bin_after"] <= 0.35                           # spread from about 0.3 to 1
    # the validation split finds the temperature the test split would have chosen
    assert n["t_test_best"] == pytest.approx(n["temperature"], rel=0.3)


# --------------------------------------------------------------- rare positives

def test_accuracy_barely_separates_the_model_from_all_negative(n):
    assert n["prevalence"] == pytest.approx(n["n_test_pos"] / n["n_test"])
    assert 0.01 <= n["prevalence"] <= 0.05                         # "1–5% positives"
    assert n["acc_all_negative"] == pytest.approx(1 - n["prevalence"])
    assert 0 <= n["acc_at_half"] - n["acc_all_negative"] < 0.01
    assert n["n_flagged_at_half"] < n["n_test_pos"]


def test_roc_looks_good_while_precision_shows_false_alarms(n):
    assert n["roc_auc"] > 0.85                                    # "sounds good"
    assert n["ap_random"] == n["prevalence"]                       # the baseline is the prevalence
    assert n["prevalence"] < n["average_precision"] < n["roc_auc"]
    assert n["ap_lift"] == pytest.approx(n["average_precision"] / n["prevalence"])
    assert n["precision_at_recall_80"] < 0.5                       # "most flagged are false alarms"
    assert n["precision_at_recall_80"] < 0.2                       # the alt text: "below 0.2"
    assert n["fpr_at_recall_80"] < 0.25


def test_roc_auc_ignores_the_prevalence_and_average_precision_does_not(n):
    assert abs(n["roc_at_1pct"] - n["roc_at_50pct"]) < 0.02
    assert abs(n["roc_at_1pct"] - n["roc_auc"]) < 0.02             # "flat line near" the AUC
    assert n["ap_at_50pct"] > n["ap_at_1pct"] + 0.3
    assert n["ap_at_1pct"] > 0.01 and n["ap_at_50pct"] > 0.5       # above the prevalence line


def test_at_prevalence_gives_the_requested_share():
    rng = np.random.default_rng(0)
    y = (rng.uniform(size=5000) < 0.1).astype(int)
    s = rng.uniform(size=5000)
    for pi in m.PREVALENCES:
        ys, ss = m.at_prevalence(y, s, pi, rng)
        assert ys.mean() == pytest.approx(pi, abs=0.005) and len(ys) == len(ss)


# ----------------------------------------------------------------- threshold

def test_metrics_at_a_threshold_by_hand():
    y = np.array([1, 1, 0, 0, 0])
    s = np.array([0.9, 0.2, 0.6, 0.1, 0.05])
    r = m.metrics_at(y, s, 0.5)                    # flags 0.9 (TP) and 0.6 (FP); misses 0.2
    assert (r["precision"], r["recall"], r["f1"]) == pytest.approx((0.5, 0.5, 0.5))
    assert r["accuracy"] == pytest.approx(3 / 5)
    assert r["cost"] == pytest.approx((1 + m.COST_FN * 1) / 5)


def test_f1_threshold_chosen_on_validation_beats_half_on_test(n):
    assert n["t_f1"] < 0.5                                        # "far below the default"
    assert n["val_best_f1"] > n["val_f1_at_half"]
    assert n["test_f1_at_f1"] > n["test_f1_at_half"]
    assert n["test_recall_at_f1"] > n["test_recall_at_half"]
    assert 2 / (1 / n["test_precision_at_f1"] + 1 / n["test_recall_at_f1"]) == pytest.approx(
        n["test_f1_at_f1"], rel=1e-9)


def test_cost_threshold_is_near_the_decision_theory_one(n):
    assert n["t_bayes"] == pytest.approx(1 / (1 + n["cost_fn"]))
    assert n["t_cost"] < n["t_f1"]                                  # "lower still"
    assert 0.5 * n["t_bayes"] <= n["t_cost"] <= 2 * n["t_bayes"]    # "close to 1/21"
    assert n["val_cost_min"] <= n["val_cost_at_bayes"] < 1.1 * n["val_cost_min"]   # "flat"
    assert n["val_cost_at_half"] > n["val_cost_at_bayes"]
    # on test: cheaper than 0.5 and than calling everything negative
    assert n["test_cost_at_cost"] < n["test_cost_at_half"] < n["test_cost_all_negative"]
    assert n["test_cost_all_negative"] == pytest.approx(n["cost_fn"] * n["prevalence"])


def test_the_cheapest_threshold_is_worse_by_accuracy_than_doing_nothing(n):
    assert n["test_accuracy_all_negative"] == pytest.approx(n["acc_all_negative"])
    assert n["test_accuracy_at_cost"] < n["test_accuracy_all_negative"]
    assert n["test_accuracy_at_half"] == pytest.approx(n["acc_at_half"])


# ----------------------------------------------------------------- plumbing

@pytest.mark.parametrize("func", [m.stable_losses, m.reliability_figure, m.roc_and_pr,
                                  m.threshold])
def test_quick_figures_return_draw_and_numbers(func):
    draw, numbers = func(0, quick=True)
    assert callable(draw) and numbers
    assert all(np.isfinite(v) for v in numbers.values())


def test_captions_name_the_settings_the_module_uses():
    caption = m.reliability_figure.__figure__.caption
    assert f"{m.N_BINS} bins" in caption and f"fewer than {m.MIN_BIN_DRAWN} test" in caption
    assert f"costs {m.COST_FN} false alarms" in m.threshold.__figure__.caption
    assert "1/21" in m.threshold.__figure__.caption and 1 + m.COST_FN == 21
