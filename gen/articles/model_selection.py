"""Figures for docs/articles/model-selection.md.

Everything shown is computed here with scikit-learn, on data sets that ship
inside the package (breast cancer, wine) or on a synthetic one. Every
estimator runs with n_jobs=1 and small ensembles so the module stays fast.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure

N_FOLDS = 10                    # folds of the cross-validations that compare scores
GAMMAS = np.logspace(-4, 0, 13)   # RBF kernel γ (inverse squared width) of the validation curve (1/3 decade)
VC_FOLDS = 5
OVERFIT_GAMMA = 0.3             # the deliberately too-flexible SVM of the learning curves


def breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def stratified(seed, k=N_FOLDS):
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)


def scaled(model):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), model)


def fold_of_each_sample(n, k, seed):
    """The fold (0..k-1) in which KFold(k, shuffle=True) holds out each of n samples."""
    from sklearn.model_selection import KFold

    fold = np.full(n, -1)
    for i, (_, val) in enumerate(KFold(k, shuffle=True, random_state=seed).split(np.zeros(n))):
        fold[val] = i
    return fold


def knn_vote(neighbour_labels, ks):
    """Binary k-NN predictions for every k in `ks` (odd) from one sorted neighbour list.

    neighbour_labels[i, j] is the 0/1 label of the (j+1)-th nearest training point
    of query i; the prediction for k is the majority of the first k of them.
    """
    votes = np.cumsum(neighbour_labels, axis=1)[:, np.asarray(ks) - 1]
    return (2 * votes > np.asarray(ks)).astype(int)


def one_se_choice(means, stds, n_folds):
    """Index of the first (simplest) setting whose mean is within one standard error
    (std / sqrt(n_folds)) of the best mean, and that error."""
    means, stds = np.asarray(means), np.asarray(stds)
    best = int(np.argmax(means))
    se = float(stds[best] / np.sqrt(n_folds))
    return int(np.flatnonzero(means >= means[best] - se)[0]), se


# ---------------------------------------------------------------- test-set reuse
N_CANDIDATES = 50
TEST_SIZE = 100


@figure("test-set-optimism",
        caption="Choosing the best of many candidate models (k-NN with 50 different k) by "
                "their accuracy on one 100-point test set. The winner's score on that test "
                "set (blue) climbs as more candidates are compared; its accuracy on fresh "
                "data (orange) does not. Lines are means over 1000 random test sets, bands "
                "the middle 80 %. Synthetic data, so fresh data is unlimited.",
        alt="Line chart with the number of candidate models compared, from 1 to 50 on a "
            "logarithmic axis, horizontally and accuracy vertically. The blue line, the "
            "winner's score on the reused test set, rises steadily from about the "
            "candidates' typical accuracy to several points above it. The orange line, the "
            "same winner's accuracy on fresh data, stays flat, and a dashed line shows the "
            "best true accuracy of any candidate, which the blue line overtakes.",
        size=(6.4, 4.0))
def reused_test_set(seed, quick=False):
    from sklearn.datasets import make_classification
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler

    n_train, pool = 300, (2000 if quick else 5000)
    X, y = make_classification(n_samples=n_train + 2 * pool, n_features=20, n_informative=6,
                               n_redundant=4, flip_y=0.05, class_sep=0.8, random_state=seed)
    scaler = StandardScaler().fit(X[:n_train])
    X_train, y_train = scaler.transform(X[:n_train]), y[:n_train]
    X_rest, y_rest = scaler.transform(X[n_train:]), y[n_train:]
    ks = np.arange(1, 2 * N_CANDIDATES, 2)                     # 1, 3, ..., 99
    nearest = NearestNeighbors(n_neighbors=ks.max()).fit(X_train)
    neighbours = nearest.kneighbors(X_rest, return_distance=False)
    correct = knn_vote(y_train[neighbours], ks) == y_rest[:, None]   # (2 * pool, 50)
    test_pool, fresh = correct[:pool], correct[pool:]
    true_acc = fresh.mean(axis=0)          # each candidate's accuracy on unseen data

    rng = np.random.default_rng(seed)
    repeats = 200 if quick else 1000
    counts = np.array([1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50])
    rows = np.stack([rng.choice(pool, TEST_SIZE, replace=False) for _ in range(repeats)])
    order = np.argsort(rng.random((repeats, N_CANDIDATES)), axis=1)  # random candidate order
    test_acc = np.take_along_axis(test_pool[rows].mean(axis=1), order, axis=1)  # (repeats, 50)
    winners = [np.argmax(test_acc[:, :c], axis=1) for c in counts]   # first c compared
    reported = np.array([test_acc[np.arange(repeats), w] for w in winners])
    actual = np.array([true_acc[order[np.arange(repeats), w]] for w in winners])
    rep_mean, act_mean = reported.mean(axis=1), actual.mean(axis=1)
    numbers = {
        "n_candidates": N_CANDIDATES,
        "test_size": TEST_SIZE,
        "optimism_repeats": repeats,
        "optimism_one": float(rep_mean[0] - act_mean[0]),
        "optimism_all": float(rep_mean[-1] - act_mean[-1]),
        "winner_test_acc": float(rep_mean[-1]),
        "winner_fresh_acc": float(act_mean[-1]),
        "best_true_acc": float(true_acc.max()),
        "median_true_acc": float(np.median(true_acc)),
    }

    def draw(fig, theme):
        ax = fig.subplots()
        for vals, mean, color, label in (
                (reported, rep_mean, theme.colors[0], "winner's score on the reused test set"),
                (actual, act_mean, theme.colors[1], "the same winner on fresh data")):
            lo, hi = np.percentile(vals, [10, 90], axis=1)
            ax.fill_between(counts, lo, hi, color=color, alpha=0.18, linewidth=0)
            ax.plot(counts, mean, color=color, marker="o", markersize=3, label=label)
        ax.axhline(true_acc.max(), color=theme.fg, linestyle="--", linewidth=1,
                   label="best true accuracy of any candidate")
        ax.set_xscale("log")
        ax.set_xticks([1, 2, 5, 10, 20, 50], labels=["1", "2", "5", "10", "20", "50"])
        ax.set(xlabel="candidate models compared on the same test set", ylabel="accuracy")
        ax.legend(loc="upper left")

    return draw, numbers


# ---------------------------------------------------------------- k-fold diagram
K_DIAGRAM = 5
SHOWN = 60


@figure("kfold-splits",
        caption="Five-fold cross-validation of logistic regression on the breast-cancer "
                "data (569 samples). Left: the role of the first 60 samples in each fold, "
                "from scikit-learn's KFold indices (shuffled); every sample is held out "
                "exactly once. Right: the accuracy measured on each held-out fold. See "
                "that the fold scores differ by a few points: one split alone would "
                "give a noticeably different estimate.",
        alt="Left, a grid with five rows (folds) and sixty columns (samples): in each row "
            "about a fifth of the cells, scattered, are coloured as validation and the rest "
            "as training, and every column has exactly one validation cell. Right, five "
            "horizontal bars giving each fold's validation accuracy, all between about 0.95 "
            "and 1, with a vertical line at their mean.",
        size=(10.0, 3.4))
def kfold_splits(seed, quick=False):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_score

    X, y = breast_cancer()
    fold = fold_of_each_sample(len(y), K_DIAGRAM, seed)
    cv = KFold(K_DIAGRAM, shuffle=True, random_state=seed)
    scores = cross_val_score(scaled(LogisticRegression()), X, y, cv=cv, n_jobs=1)
    counts = np.bincount(fold, minlength=K_DIAGRAM)
    numbers = {
        "n_samples": len(y),
        "kfold_min_acc": float(scores.min()),
        "kfold_max_acc": float(scores.max()),
        "kfold_mean_acc": float(scores.mean()),
        "kfold_std_acc": float(scores.std()),
        "kfold_held_out_once": float(np.mean(fold >= 0)),   # share of samples held out
        "kfold_smallest_fold": int(counts.min()),
        "kfold_largest_fold": int(counts.max()),
    }
    grid = (fold[None, :SHOWN] == np.arange(K_DIAGRAM)[:, None]).astype(float)

    def draw(fig, theme):
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        left, right = fig.subplots(1, 2, width_ratios=[3.2, 1], sharey=True)
        cmap = ListedColormap([theme.muted, theme.colors[1]])
        left.pcolormesh(np.arange(SHOWN + 1) - 0.5, np.arange(K_DIAGRAM + 1) - 0.5, grid,
                        cmap=cmap, vmin=0, vmax=1, edgecolors=theme.bg, linewidth=0.6)
        left.set(xlabel=f"sample index (first {SHOWN} of {len(y)})", ylabel="fold",
                 yticks=range(K_DIAGRAM), yticklabels=[str(i + 1) for i in range(K_DIAGRAM)],
                 xlim=(-0.5, SHOWN - 0.5), ylim=(K_DIAGRAM - 0.5, -0.5))
        left.grid(False)
        left.legend(handles=[Patch(color=theme.muted, label="train"),
                             Patch(color=theme.colors[1], label="validation")],
                    loc="upper center", bbox_to_anchor=(0.5, 1.16), ncol=2)
        right.barh(range(K_DIAGRAM), scores, color=theme.colors[0], height=0.6)
        right.axvline(scores.mean(), color=theme.fg, linestyle="--", linewidth=1)
        for i, s in enumerate(scores):
            right.text(s - 0.002, i, f"{s:.3f}", va="center", ha="right", color=theme.bg,
                       fontsize=9)
        right.text(scores.mean(), -0.75, "mean", ha="center", va="bottom", color=theme.fg,
                   fontsize=9)
        right.set(xlim=(0.9, 1.0), xlabel="validation accuracy")
        right.grid(axis="y", visible=False)
        right.tick_params(axis="y", left=False)

    return draw, numbers


# ---------------------------------------------------------------- stratification
SCHEMES = ("KFold, no shuffle", "KFold, shuffled", "StratifiedKFold")


@figure("stratified-folds",
        caption="The class mix of each validation fold of the wine data (178 samples, "
                "three classes, stored sorted by class) under three ways of splitting it "
                "into five folds. Dashed lines mark the class proportions of the whole "
                "data set; the number right of each bar is that fold's accuracy (logistic "
                "regression). See that without shuffling most folds hold a single class, "
                "and that only stratified folds all match the mix of the whole set.",
        alt="Three panels of five horizontal stacked bars, one bar per fold, each split "
            "into the shares of classes 0, 1 and 2. Without shuffling, most folds contain "
            "a single class. Shuffled KFold gives mixed folds whose shares wander around "
            "the overall proportions. StratifiedKFold gives five almost identical bars "
            "that match the overall proportions.",
        size=(10.0, 3.3))
def stratified_folds(seed, quick=False):
    from sklearn.datasets import load_wine
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = load_wine(return_X_y=True)
    overall = np.bincount(y) / len(y)
    splitters = (KFold(5), KFold(5, shuffle=True, random_state=seed),
                 StratifiedKFold(5, shuffle=True, random_state=seed))
    keys = ("unshuffled", "shuffled", "stratified")
    mixes, scores, numbers = {}, {}, {}
    for key, cv in zip(keys, splitters):
        mixes[key] = np.array([np.bincount(y[val], minlength=3) / len(val)
                               for _, val in cv.split(X, y)])
        scores[key] = cross_val_score(scaled(LogisticRegression()), X, y, cv=cv, n_jobs=1)
        numbers[f"{key}_mean_acc"] = float(scores[key].mean())
        numbers[f"{key}_min_acc"] = float(scores[key].min())
        numbers[f"{key}_max_share_error"] = float(np.abs(mixes[key] - overall).max())
    numbers["wine_samples"] = len(y)

    def draw(fig, theme):
        axes = fig.subplots(1, 3, sharey=True)
        for ax, key, title in zip(axes, keys, SCHEMES):
            left = np.zeros(5)
            for c in range(3):
                ax.barh(range(5), mixes[key][:, c], left=left, height=0.7,
                        color=theme.colors[c], label=f"class {c}")
                left += mixes[key][:, c]
            for edge in np.cumsum(overall)[:-1]:
                ax.axvline(edge, color=theme.fg, linestyle="--", linewidth=1)
            for i, s in enumerate(scores[key]):
                ax.text(1.03, i, f"{s:.2f}", va="center", ha="left", fontsize=9,
                        color=theme.fg)
            ax.set(title=f"{title}\nmean accuracy {scores[key].mean():.3f}", xlim=(0, 1.2),
                   xticks=[0, 0.5, 1], xlabel="share of the fold")
            ax.spines["bottom"].set_bounds(0, 1)
            ax.grid(False)
        axes[0].set(yticks=range(5), yticklabels=[str(i + 1) for i in range(5)],
                    ylabel="validation fold", ylim=(4.6, -0.6))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=3)

    return draw, numbers


# ---------------------------------------------------------------- validation curve
@figure("validation-curve",
        caption="Training and validation accuracy of an RBF-kernel SVM on the breast-cancer "
                "data as its kernel's γ (an inverse width) grows (5-fold stratified cross-validation, "
                "bands ±1 standard deviation across folds). Small γ gives a smooth, too "
                "simple boundary; large γ a wiggly one that memorises the training set.",
        alt="Line chart with γ from 0.0001 to 1 on a logarithmic horizontal axis and "
            "accuracy vertically. The training curve rises steadily to 1. The validation "
            "curve rises with it at first, peaks in the middle of the range, then falls "
            "steeply to about 0.63. The left part is shaded and labelled underfitting, the "
            "right part overfitting; a vertical line marks the best γ and a triangle the "
            "simplest γ within one standard error of the best.",
        size=(6.4, 4.2))
def validation_curve_figure(seed, quick=False):
    from sklearn.model_selection import validation_curve
    from sklearn.svm import SVC

    X, y = breast_cancer()
    gammas = GAMMAS[::2] if quick else GAMMAS
    k = VC_FOLDS
    train, val = validation_curve(scaled(SVC()), X, y, param_name="svc__gamma",
                                  param_range=gammas, cv=stratified(seed, k), n_jobs=1)
    tr_mean, va_mean, va_std = train.mean(axis=1), val.mean(axis=1), val.std(axis=1)
    best = int(np.argmax(va_mean))
    pick, se = one_se_choice(va_mean, va_std, k)
    numbers = {
        "n_gammas": len(gammas),
        "vc_folds": k,
        "best_gamma": float(gammas[best]),
        "best_gamma_index": best,
        "best_val_acc": float(va_mean[best]),
        "best_val_std": float(va_std[best]),
        "best_train_acc": float(tr_mean[best]),
        "best_val_se": se,
        "one_se_gamma": float(gammas[pick]),
        "one_se_val_acc": float(va_mean[pick]),
        "simplest_train_acc": float(tr_mean[0]),
        "simplest_val_acc": float(va_mean[0]),
        "complex_train_acc": float(tr_mean[-1]),
        "complex_val_acc": float(va_mean[-1]),
        "train_smallest_step": float(np.diff(tr_mean).min()),
        "majority_share": float(np.bincount(y).max() / len(y)),
    }
    # Nested cross-validation of the whole procedure "tune gamma on this grid by k-fold CV":
    # the article's code block, run.
    from sklearn.model_selection import GridSearchCV, cross_val_score

    inner = GridSearchCV(scaled(SVC()), {"svc__gamma": gammas}, cv=stratified(seed, k))
    nested = cross_val_score(inner, X, y, cv=stratified(seed + 1, k), n_jobs=1)
    numbers["nested_mean"] = float(nested.mean())
    numbers["nested_std"] = float(nested.std())

    def draw(fig, theme):
        ax = fig.subplots()
        ax.axvspan(gammas[0], gammas[best], color=theme.colors[5], alpha=0.10, linewidth=0)
        ax.axvspan(gammas[best], gammas[-1], color=theme.colors[1], alpha=0.10, linewidth=0)
        for scores, color, label in ((train, theme.colors[0], "training"),
                                     (val, theme.colors[1], "validation")):
            m, s = scores.mean(axis=1), scores.std(axis=1)
            ax.fill_between(gammas, m - s, m + s, color=color, alpha=0.2, linewidth=0)
            ax.plot(gammas, m, color=color, marker="o", markersize=3, label=label)
        ax.axvline(gammas[best], color=theme.fg, linestyle="--", linewidth=1)
        ax.plot(gammas[pick], va_mean[pick], marker="v", markersize=9, linestyle="none",
                color=theme.colors[2], label="simplest within 1 SE of best")
        ax.text(gammas[best] * 1.15, 0.57, f"best γ = {gammas[best]:.2g}", fontsize=9,
                color=theme.fg)
        ax.text(gammas[0] * 1.2, 0.57, "underfitting", fontsize=10, color=theme.fg)
        ax.text(gammas[-1] / 1.2, 0.76, "overfitting", fontsize=10, color=theme.fg,
                ha="right")
        ax.set_xscale("log")
        ax.set(xlabel="γ (RBF kernel; larger = narrower, more complex)", ylabel="accuracy",
               ylim=(0.55, 1.02))
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 0.08))

    return draw, numbers


# ---------------------------------------------------------------- learning curves
@figure("learning-curves",
        caption="Learning curves on the breast-cancer data (5-fold stratified "
                "cross-validation, 10 % to 100 % of each training fold). Left: a decision "
                "stump, too simple. Right: an RBF SVM with γ = 0.3, too flexible. The dotted "
                "line is the validation accuracy of logistic regression trained on the "
                "full folds, for reference.",
        alt="Two line charts of accuracy against the number of training samples. Left, "
            "for a one-split decision tree, the training and validation curves run close "
            "together at about 0.9, a few points apart without ever meeting, well below "
            "the dotted reference line. Right, "
            "for the RBF SVM, training accuracy stays at 1 while validation accuracy "
            "climbs steeply from about 0.7 and then flattens out just above 0.9, so the "
            "gap between them narrows as data is added, ever more slowly.",
        size=(10.0, 3.8))
def learning_curves(seed, quick=False):
    from sklearn.model_selection import learning_curve
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    X, y = breast_cancer()
    sizes = np.linspace(0.1, 1.0, 4 if quick else 8)
    models = {"stump": DecisionTreeClassifier(max_depth=1, random_state=seed),
              "svm": scaled(SVC(gamma=OVERFIT_GAMMA))}
    curves, numbers = {}, {}
    for key, model in models.items():
        n, train, val = learning_curve(model, X, y, train_sizes=sizes, cv=stratified(seed, 5),
                                       shuffle=True, random_state=seed, n_jobs=1)
        curves[key] = n, train, val
        gap = train.mean(axis=1) - val.mean(axis=1)
        numbers[f"{key}_gap_small"] = float(gap[0])
        numbers[f"{key}_gap_large"] = float(gap[-1])
        numbers[f"{key}_val_small"] = float(val.mean(axis=1)[0])
        numbers[f"{key}_val_large"] = float(val.mean(axis=1)[-1])
        numbers[f"{key}_train_large"] = float(train.mean(axis=1)[-1])
    numbers["lc_n_small"], numbers["lc_n_large"] = int(n[0]), int(n[-1])
    half = int(np.argmin(np.abs(n - n[-1] / 2)))          # the size nearest half the data
    numbers["lc_n_half"] = int(n[half])
    numbers["svm_val_half"] = float(curves["svm"][2].mean(axis=1)[half])
    numbers["overfit_gamma"] = OVERFIT_GAMMA
    # Reference level: plain logistic regression on the full training folds.
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    reference = float(cross_val_score(scaled(LogisticRegression()), X, y,
                                      cv=stratified(seed, 5), n_jobs=1).mean())
    numbers["lc_reference_acc"] = reference
    titles = {"stump": "decision stump (high bias)",
              "svm": f"RBF SVM, γ = {OVERFIT_GAMMA:g} (high variance)"}

    def draw(fig, theme):
        axes = fig.subplots(1, 2, sharey=True)
        for ax, key in zip(axes, models):
            n, train, val = curves[key]
            for scores, color, label in ((train, theme.colors[0], "training"),
                                         (val, theme.colors[1], "validation")):
                m, s = scores.mean(axis=1), scores.std(axis=1)
                ax.fill_between(n, m - s, m + s, color=color, alpha=0.2, linewidth=0)
                ax.plot(n, m, color=color, marker="o", markersize=3, label=label)
            ax.axhline(reference, color=theme.fg, linestyle=":", linewidth=1.2,
                       label="logistic regression, all data")
            ax.set(title=titles[key], xlabel="training samples", ylim=(0.6, 1.02))
        axes[0].set_ylabel("accuracy")
        axes[0].legend(loc="lower right")

    return draw, numbers


# ---------------------------------------------------------------- model comparison
MODELS = ("logistic regression", "k-NN (k = 5)", "SVM (RBF)", "random forest",
          "gradient boosting")
KEYS = ("logreg", "knn", "svm", "forest", "boosting")


def candidate_models(seed):
    """The five contenders, roughly from simplest to most complex; ensembles kept small."""
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC

    return (scaled(LogisticRegression()), scaled(KNeighborsClassifier(5)), scaled(SVC()),
            RandomForestClassifier(n_estimators=30, random_state=seed, n_jobs=1),
            GradientBoostingClassifier(n_estimators=30, max_depth=2, learning_rate=0.2,
                                       random_state=seed))


@figure("model-comparison",
        caption="Five scikit-learn classifiers on the breast-cancer data, scored on the "
                "same 10 stratified folds. Boxes show the spread of the fold accuracies, "
                "dots the individual folds, the diamond and bar the mean ± one standard "
                "deviation. The dashed line is the best mean minus one standard error. "
                "See that the boxes overlap so much that these folds cannot rank most of "
                "the models.",
        alt="Box plots of fold accuracy for logistic regression, k-NN, RBF SVM, random "
            "forest and gradient boosting. All five boxes overlap heavily between about "
            "0.93 and 1.0; the means differ by less than two percentage points, less "
            "than the spread within any one model. A dashed horizontal line sits just below the "
            "highest mean.",
        size=(6.4, 4.2))
def model_comparison(seed, quick=False):
    from sklearn.model_selection import cross_val_score

    X, y = breast_cancer()
    k = 5 if quick else N_FOLDS
    cv = stratified(seed, k)
    scores = np.array([cross_val_score(m, X, y, cv=cv, n_jobs=1)
                       for m in candidate_models(seed)])        # (models, folds)
    means, stds = scores.mean(axis=1), scores.std(axis=1)
    best = int(np.argmax(means))
    pick, se = one_se_choice(means, stds, k)
    numbers = {"cmp_folds": k, "cmp_best_index": best, "cmp_one_se_index": pick,
               "cmp_best_mean": float(means[best]), "cmp_se": se,
               "cmp_mean_range": float(means.max() - means.min()),
               "cmp_median_std": float(np.median(stds)),
               "cmp_within_se": int(np.sum(means >= means[best] - se))}
    for key, s in zip(KEYS, scores):
        numbers[f"{key}_mean"] = float(s.mean())
        numbers[f"{key}_std"] = float(s.std())
        numbers[f"{key}_min"] = float(s.min())
        numbers[f"{key}_max"] = float(s.max())
    rng = np.random.default_rng(seed)
    jitter = rng.uniform(-0.12, 0.12, scores.shape)

    def draw(fig, theme):
        ax = fig.subplots()
        pos = np.arange(len(MODELS))
        ax.boxplot(scores.T, positions=pos, widths=0.5, showfliers=False,
                   medianprops={"color": theme.colors[6]},
                   boxprops={"color": theme.colors[6]}, whiskerprops={"color": theme.colors[6]},
                   capprops={"color": theme.colors[6]})
        for i in pos:
            ax.scatter(i + jitter[i], scores[i], s=10, color=theme.colors[0], alpha=0.7,
                       edgecolors="none", zorder=3)
        ax.errorbar(pos + 0.33, means, yerr=stds, fmt="D", color=theme.colors[1],
                    markersize=5, capsize=3, label="mean ± std")
        ax.axhline(means[best] - se, color=theme.fg, linestyle="--", linewidth=1,
                   label="best mean − 1 SE")
        ax.set_xticks(pos, labels=[m.replace(" ", "\n", 1) if len(m) > 12 else m
                                   for m in MODELS], fontsize=9)
        ax.set(ylabel="fold accuracy", ylim=(min(0.85, scores.min() - 0.01), 1.01))
        ax.grid(axis="x", visible=False)
        ax.legend(loc="lower right")

    return draw, numbers
