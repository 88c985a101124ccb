"""The model-selection figures show what the article says they show."""
import numpy as np
import pytest

from gen.articles import model_selection as ms


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("model_selection")


# ------------------------------------------------------------- reusing a test set
def test_one_model_on_its_test_set_is_unbiased(n):
    assert abs(n["optimism_one"]) < 0.01


def test_picking_the_best_of_many_on_one_test_set_is_optimistic(n):
    assert n["optimism_all"] > 0.02
    assert n["optimism_all"] > n["optimism_one"] + 0.02
    # The reported score beats even the truly best candidate, which the winner is not.
    assert n["winner_test_acc"] > n["best_true_acc"]
    assert n["winner_fresh_acc"] <= n["best_true_acc"]


# ------------------------------------------------------------- k-fold mechanics
def test_kfold_figure_holds_every_sample_out_once(n):
    assert n["kfold_held_out_once"] == 1.0
    assert n["kfold_largest_fold"] - n["kfold_smallest_fold"] <= 1
    assert n["kfold_min_acc"] <= n["kfold_mean_acc"] <= n["kfold_max_acc"]
    assert n["kfold_std_acc"] >= 0


@pytest.mark.parametrize("n_samples,k", [(569, 5), (178, 5), (31, 4), (10, 10)])
def test_kfold_partitions_the_data(n_samples, k):
    """Independent check on scikit-learn's indices and on the module's helper."""
    from sklearn.model_selection import KFold

    seen = []
    for train, val in KFold(k, shuffle=True, random_state=3).split(np.zeros(n_samples)):
        assert len(np.intersect1d(train, val)) == 0
        assert np.array_equal(np.union1d(train, val), np.arange(n_samples))
        seen.append(val)
    allval = np.concatenate(seen)
    assert np.array_equal(np.sort(allval), np.arange(n_samples))      # each exactly once
    assert sorted(len(v) for v in seen) == sorted(len(a) for a in
                                                  np.array_split(np.arange(n_samples), k))
    fold = ms.fold_of_each_sample(n_samples, k, 3)
    assert fold.min() == 0 and fold.max() == k - 1
    for i, val in enumerate(seen):
        assert np.array_equal(np.flatnonzero(fold == i), np.sort(val))


def test_stratification_keeps_class_shares(n):
    fold_size = n["wine_samples"] / 5
    assert n["stratified_max_share_error"] < 1.5 / fold_size        # off by about one sample
    assert n["stratified_max_share_error"] < n["shuffled_max_share_error"]
    assert n["unshuffled_max_share_error"] > 0.5                     # sorted data: one-class folds
    assert n["unshuffled_mean_acc"] < n["stratified_mean_acc"]


# ------------------------------------------------------------- validation curve
def test_training_score_rises_with_complexity(n):
    assert n["train_smallest_step"] > -0.005
    assert n["complex_train_acc"] > n["simplest_train_acc"] + 0.1
    assert n["complex_train_acc"] > 0.99


def test_validation_score_peaks_inside_the_range(n):
    assert 0 < n["best_gamma_index"] < n["n_gammas"] - 1
    assert n["simplest_val_acc"] < n["best_val_acc"] - 0.05
    assert n["complex_val_acc"] < n["best_val_acc"] - 0.05


def test_underfit_and_overfit_ends(n):
    # Underfitting: training is as bad as validation. Overfitting: a wide gap.
    assert abs(n["simplest_train_acc"] - n["simplest_val_acc"]) < 0.03
    assert n["complex_train_acc"] - n["complex_val_acc"] > 0.2
    # The most complex model is reduced to predicting the majority class.
    assert n["complex_val_acc"] == pytest.approx(n["majority_share"], abs=0.02)


def test_one_standard_error_rule(n):
    assert n["one_se_gamma"] <= n["best_gamma"]
    assert n["one_se_val_acc"] >= n["best_val_acc"] - n["best_val_se"]
    assert n["best_val_se"] == pytest.approx(n["best_val_std"] / np.sqrt(n["vc_folds"]))


def test_one_se_choice_helper():
    means, stds = [0.80, 0.90, 0.93, 0.95, 0.94], [0.05, 0.04, 0.03, 0.04, 0.02]
    pick, se = ms.one_se_choice(means, stds, 4)
    assert se == pytest.approx(0.02)
    assert pick == 2                       # 0.93 >= 0.95 - 0.02, 0.90 is not
    assert ms.one_se_choice([0.5, 0.9], [0.0, 0.0], 5)[0] == 1


# ------------------------------------------------------------- learning curves
def test_learning_curve_gap_shrinks_with_more_data(n):
    assert n["lc_n_large"] > n["lc_n_small"]
    assert n["svm_gap_large"] < n["svm_gap_small"] / 2
    assert n["svm_val_large"] > n["svm_val_small"]
    assert n["svm_train_large"] > 0.98                       # "stays near perfect"
    assert n["stump_gap_large"] < n["stump_gap_small"]


def test_high_bias_model_plateaus_below_a_better_model(n):
    assert n["stump_gap_large"] < 0.05                       # curves have met ...
    assert n["stump_val_large"] < n["lc_reference_acc"] - 0.03   # ... at a low level


# ------------------------------------------------------------- comparing models
@pytest.mark.parametrize("key", ms.KEYS)
def test_cross_validation_numbers_are_consistent(n, key):
    lo, mean, hi, std = (n[f"{key}_{s}"] for s in ("min", "mean", "max", "std"))
    assert lo <= mean <= hi
    assert std >= 0
    assert std <= (hi - lo) / 2 + 1e-12     # a population std never exceeds half the range
    assert 0.5 < mean <= 1.0


def test_comparison_summary(n):
    means = [n[f"{key}_mean"] for key in ms.KEYS]
    assert n["cmp_best_mean"] == pytest.approx(max(means))
    assert n["cmp_mean_range"] == pytest.approx(max(means) - min(means))
    assert n["cmp_mean_range"] < n["cmp_median_std"]     # differences drown in fold noise
    assert n["cmp_one_se_index"] <= n["cmp_best_index"]
    assert n["cmp_within_se"] >= 1


# ------------------------------------------------------------- helpers and plumbing
def test_knn_vote_matches_scikit_learn():
    from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

    rng = np.random.default_rng(0)
    X, Q = rng.normal(size=(80, 3)), rng.normal(size=(50, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=80) > 0).astype(int)
    ks = np.arange(1, 40, 2)
    idx = NearestNeighbors(n_neighbors=ks.max()).fit(X).kneighbors(Q, return_distance=False)
    ours = ms.knn_vote(y[idx], ks)
    for j, k in enumerate(ks):
        ref = KNeighborsClassifier(k).fit(X, y).predict(Q)
        np.testing.assert_array_equal(ours[:, j], ref)


@pytest.mark.parametrize("func", [ms.reused_test_set, ms.kfold_splits, ms.stratified_folds])
def test_quick_figures_return_draw_and_numbers(func):
    draw, numbers = func(0, quick=True)
    assert callable(draw) and isinstance(numbers, dict) and numbers


def test_comparison_prose_claims(n):
    """The article recommends logistic regression: the simplest model, within 1 SE."""
    assert n["cmp_best_index"] == 0 and n["cmp_one_se_index"] == 0
    assert n["logreg_mean"] >= n["cmp_best_mean"] - n["cmp_se"]
    assert n["cmp_within_se"] >= 2          # "models" (plural) within one SE


def test_learning_curve_alt_and_text_claims(n):
    alt = ms.learning_curves.__figure__.alt
    # "a few points apart without ever meeting"
    assert "without ever meeting" in alt
    assert 0.005 < n["stump_gap_large"] < 0.05 and n["stump_gap_small"] > n["stump_gap_large"]
    # "Most of that climb comes early ... the second half of the data adds only a few points"
    early = n["svm_val_half"] - n["svm_val_small"]
    late = n["svm_val_large"] - n["svm_val_half"]
    assert 0 < late < 0.05 and late < early / 3
    # "The stronger remedy is regularisation"
    assert n["best_val_acc"] > n["svm_val_large"] + 0.02


def test_nested_cv_matches_the_best_score_within_fold_noise(n):
    # "the same, within the spread of the folds"
    assert abs(n["nested_mean"] - n["best_val_acc"]) < 2 * max(n["nested_std"], n["best_val_std"])


def test_kfold_caption_fold_scores_differ_by_a_few_points(n):
    assert 0.01 < n["kfold_max_acc"] - n["kfold_min_acc"] < 0.1
