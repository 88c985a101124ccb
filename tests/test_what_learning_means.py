"""The what-learning-means figures show what the article says they show."""
import numpy as np
import pytest

from gen.articles import what_learning_means as wlm


@pytest.fixture(scope="module")
def n(module_numbers):
    return module_numbers("what_learning_means")


# ------------------------------------------------------------- learning-curve

@pytest.mark.parametrize("learner", ["logistic", "knn"])
def test_more_experience_gives_clearly_better_performance(n, learner):
    assert n[f"{learner}_acc_max_e"] > n[f"{learner}_acc_min_e"] + 0.3
    assert n[f"{learner}_acc_max_e"] > 0.9


@pytest.mark.parametrize("learner", ["logistic", "knn"])
def test_mean_curve_is_nearly_monotone(n, learner):
    # The article says the mean rises at every step; a mean that only wobbled by
    # under a point would still be "nearly monotone", but would contradict the text.
    assert n[f"{learner}_largest_drop"] < 0.0


@pytest.mark.parametrize("learner", ["logistic", "knn"])
def test_spread_shrinks_with_experience(n, learner):
    assert n[f"{learner}_std_max_e"] < n[f"{learner}_std_min_e"]


def test_majority_rule_stays_flat_at_chance(n):
    assert abs(n["majority_acc_mean"] - 0.1) < 0.02     # ten balanced classes
    assert n["majority_acc_range"] < 0.01               # no trend across n ...
    assert abs(n["majority_slope_per_doubling"]) < 0.002
    assert n["majority_std_max"] < 0.01                 # ... and little spread


@pytest.mark.parametrize("learner", ["logistic", "knn"])
def test_learners_beat_the_non_learner_at_every_n(n, learner):
    assert n[f"{learner}_gap_over_majority"] > 0.2


def test_smallest_experience_misses_some_digits(n):
    assert n["classes_seen_min_e"] < 10


def test_a_single_run_can_dip_while_the_mean_rises(n):
    # The article: in some of the logistic-regression runs accuracy fell at least once.
    assert 1 <= n["logistic_runs_with_a_dip"] <= n["repeats"]


# -------------------------------------------------------------- which-measure

def test_held_out_accuracy_improves(n):
    assert n["test_p_change"] > 0.3


def test_accuracy_on_e_itself_does_not_move(n):
    # 1-NN looks every training image up exactly: P measured on E is always perfect.
    assert n["train_p_min_e"] == pytest.approx(1.0)
    assert n["train_p_max_e"] == pytest.approx(1.0)


def test_mirrored_digits_stay_near_chance(n):
    assert n["mirrored_p_highest"] < 0.3
    assert abs(n["mirrored_p_change"]) < 0.2 * n["test_p_change"]


# -------------------------------------------------- task-experience-performance

def test_few_examples_give_a_mediocre_classifier(n):
    assert 0.3 < n["shown_test_acc"] < 0.9
    assert 0 < n["shown_wrong"] < n["shown_examples"]
    # "only some of the ten digits occur in this E"
    assert n["shown_classes_seen"] < 10


# ------------------------------------------------------------------- helpers

def test_nearest_neighbour_matches_scikit_learn():
    from sklearn.neighbors import KNeighborsClassifier

    X, y = wlm.load()
    rng = np.random.default_rng(3)
    idx = rng.permutation(len(y))
    train, test = idx[:300], idx[300:700]
    ours = wlm.NearestNeighbour().fit(X[train], y[train]).predict(X[test])
    ref = KNeighborsClassifier(n_neighbors=1).fit(X[train], y[train]).predict(X[test])
    assert np.mean(ours == ref) > 0.995        # only exact distance ties may differ


def test_majority_rule_matches_dummy_classifier():
    from sklearn.dummy import DummyClassifier

    rng = np.random.default_rng(4)
    for size in (1, 5, 10, 37, 200):
        y = rng.integers(0, 10, size)
        ref = DummyClassifier(strategy="most_frequent").fit(np.zeros((size, 1)), y)
        assert wlm.majority_rule(y) == ref.predict(np.zeros((1, 1)))[0]


def test_transpose_mirrors_each_image():
    X, _ = wlm.load()
    mirrored = wlm.transpose_digits(X[:5])
    for a, b in zip(X[:5], mirrored):
        np.testing.assert_array_equal(b.reshape(8, 8), a.reshape(8, 8).T)
    np.testing.assert_array_equal(wlm.transpose_digits(mirrored), X[:5])


def test_experiences_are_nested_and_test_sets_disjoint():
    X, y = wlm.load()
    for X_pool, y_pool, X_test, y_test in wlm.resamples(0, 2):
        assert len(y_pool) + len(y_test) == len(y)
        assert len(y_pool) == max(wlm.SIZES)
        pool_rows = {row.tobytes() for row in X_pool}
        # no held-out image is one of the training images: P is measured on data not in E
        assert not any(row.tobytes() in pool_rows for row in X_test)


@pytest.mark.parametrize("func", [wlm.task_experience_performance, wlm.learning_curve,
                                  wlm.which_measure])
def test_quick_figures_return_draw_and_numbers(func):
    draw, numbers = func(0, quick=True)
    assert callable(draw)
    assert isinstance(numbers, dict) and numbers
