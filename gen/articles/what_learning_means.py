"""Figures for docs/articles/what-learning-means.md.

Mitchell's definition made concrete on one task. T: name the digit in an 8x8
image (scikit-learn's bundled `load_digits`). E: the first n labelled images of
a shuffled training pool, so a larger E always contains the smaller one. P:
accuracy on held-out images that are never part of E. Every curve is measured
over several resamples (a fresh train/test split and a fresh order of the pool).
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure

SIZES = (10, 20, 40, 80, 160, 320, 640, 1257)   # n, the amount of experience; 1257 = all
QUICK_SIZES = (10, 40, 160)
REPEATS = 10                                    # resamples per curve
TEST_FRACTION = 0.3                             # 540 of the 1797 images are held out
SHOWN = 24                                      # labelled examples drawn in `task-experience-performance`
C = 1.0                                         # logistic regression's inverse L2 strength


# ---------------------------------------------------------------------- helpers

def load():
    """The digits as (X, y): 64 pixel intensities scaled to [0, 1], labels 0-9."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def resamples(seed, repeats):
    """Yield `repeats` experiments: (ordered training pool, held-out test set).

    The pool is shuffled once per experiment; E of size n is its first n rows,
    so experiences are nested: more E means the same examples plus new ones.
    """
    from sklearn.model_selection import train_test_split

    X, y = load()
    rng = np.random.default_rng(seed)
    for _ in range(repeats):
        X_pool, X_test, y_pool, y_test = train_test_split(
            X, y, test_size=TEST_FRACTION, stratify=y,
            random_state=int(rng.integers(2**31 - 1)))
        order = rng.permutation(len(y_pool))
        yield X_pool[order], y_pool[order], X_test, y_test


def majority_rule(y_experience):
    """The label seen most often in E (smallest label on ties): the program that
    always answers it reads E but has nothing that can get better with more of it."""
    return int(np.bincount(np.asarray(y_experience)).argmax())


def transpose_digits(X):
    """Mirror every 8x8 image across its main diagonal (rows become columns)."""
    X = np.asarray(X)
    return X.reshape(-1, 8, 8).transpose(0, 2, 1).reshape(X.shape)


def logistic():
    from sklearn.linear_model import LogisticRegression

    # Newton-CG reaches the same optimum as the default L-BFGS in fewer, cheaper steps here.
    return LogisticRegression(C=C, solver="newton-cg", max_iter=200)


class NearestNeighbour:
    """1-nearest-neighbour classifier: store E, answer with the label of the closest
    stored image (Euclidean distance; the first one stored wins a tie)."""

    def fit(self, X, y):
        self.X, self.y = np.asarray(X, float), np.asarray(y)
        self.sq = np.einsum("ij,ij->i", self.X, self.X)
        return self

    def predict(self, X):
        X = np.asarray(X, float)
        # ||a - b||^2 up to the per-query constant ||a||^2, which does not change the argmin
        d = self.sq[None, :] - 2.0 * X @ self.X.T
        return self.y[np.argmin(d, axis=1)]

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))


def nearest_neighbour():
    return NearestNeighbour()


def largest_drop(means):
    """Largest fall of a curve from one n to the next (negative if it only rises)."""
    return float(np.max(means[:-1] - means[1:]))


def digit_cmap(theme):
    """Ink on paper in either theme: background colour for 0, text colour for 1."""
    import matplotlib.colors as mcolors

    return mcolors.LinearSegmentedColormap.from_list(f"ink-{theme.name}", [theme.bg, theme.fg])


def band(ax, sizes, runs, color, label, **style):
    """Mean over resamples as a line, mean +/- one standard deviation as a band."""
    mean, std = runs.mean(axis=0), runs.std(axis=0)
    ax.fill_between(sizes, mean - std, mean + std, color=color, alpha=0.22, linewidth=0)
    ax.plot(sizes, mean, color=color, marker="o", markersize=3.5, label=label, **style)


def experience_axis(ax, sizes):
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("E: number of labelled training examples (log scale)")


# ---------------------------------------------------------------------- figures

@figure("task-experience-performance",
        caption="T, E and P on one page. Left: the first 24 labelled examples of one "
                "experience E, each titled with its label. Right: 24 held-out test digits "
                "with the label predicted by logistic regression trained on exactly those "
                "24 examples; wrong predictions are orange, with the true label in "
                "brackets. P is the fraction of the whole held-out set answered "
                "correctly (title).",
        alt="Two grids of small 8 by 8 pixel handwritten digits. The left grid, titled E, "
            "shows 24 training images each labelled with its digit. The right grid, titled "
            "with a test accuracy, shows 24 held-out images with the model's predicted "
            "digit above each; the wrong ones are marked in orange with the true digit in "
            "brackets.",
        size=(10.0, 3.9))
def task_experience_performance(seed, quick=False):
    X_pool, y_pool, X_test, y_test = next(resamples(seed, 1))
    X_e, y_e = X_pool[:SHOWN], y_pool[:SHOWN]
    model = logistic().fit(X_e, y_e)
    predicted = model.predict(X_test)
    accuracy = float(np.mean(predicted == y_test))
    shown = slice(0, SHOWN)
    numbers = {
        "shown_examples": SHOWN,
        "shown_test_size": len(y_test),
        "shown_test_acc": accuracy,
        "shown_wrong": int(np.sum(predicted[shown] != y_test[shown])),
        "shown_classes_seen": len(np.unique(y_e)),
    }

    def grid(subfig, images, titles, colors, heading, theme):
        axes = subfig.subplots(3, SHOWN // 3)
        cmap = digit_cmap(theme)
        for ax, image, title, color in zip(axes.ravel(), images, titles, colors):
            ax.imshow(image.reshape(8, 8), cmap=cmap, vmin=0, vmax=1).set_rasterized(True)
            ax.set_title(title, fontsize=9, color=color, pad=2)
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        subfig.suptitle(heading, fontsize=11)

    def draw(fig, theme):
        left, right = fig.subfigures(1, 2, wspace=0.06)
        grid(left, X_e, [str(v) for v in y_e], [theme.fg] * SHOWN,
             f"E: {SHOWN} labelled examples", theme)
        titles, colors = [], []
        for p, t in zip(predicted[shown], y_test[shown]):
            titles.append(str(p) if p == t else f"{p} ({t})")
            colors.append(theme.fg if p == t else theme.colors[1])
        grid(right, X_test[shown], titles, colors,
             f"P: predictions on held-out digits, accuracy {accuracy:.0%}", theme)

    return draw, numbers


@figure("learning-curve",
        caption="Test accuracy as experience grows, for logistic regression, a 1-nearest-"
                "neighbour classifier and a program that always answers the most common "
                "label in E. Lines are means over 10 resamples of the split and of the "
                "order of the examples; bands are plus or minus one standard deviation.",
        alt="Line chart with the number of training examples, 10 to 1257 on a log scale, "
            "on the horizontal axis and test accuracy on the vertical axis. The logistic "
            "regression and nearest-neighbour curves rise steeply from below 50 percent "
            "and flatten out close to 100 percent, with wide bands at small sizes that "
            "narrow as examples are added. The majority-label line is flat at about 10 "
            "percent with no visible band.",
        size=(6.4, 4.2))
def learning_curve(seed, quick=False):
    sizes = np.array(QUICK_SIZES if quick else SIZES)
    repeats = 2 if quick else REPEATS
    learners = {"logistic": logistic, "knn": nearest_neighbour}
    acc = {name: np.zeros((repeats, len(sizes))) for name in (*learners, "majority")}
    classes_seen = []
    for r, (X_pool, y_pool, X_test, y_test) in enumerate(resamples(seed, repeats)):
        classes_seen.append(len(np.unique(y_pool[:sizes[0]])))
        for j, n in enumerate(sizes):
            X_e, y_e = X_pool[:n], y_pool[:n]
            for name, make in learners.items():
                model = make().fit(X_e, y_e)
                acc[name][r, j] = model.score(X_test, y_test)
            acc["majority"][r, j] = np.mean(y_test == majority_rule(y_e))

    means = {name: runs.mean(axis=0) for name, runs in acc.items()}
    stds = {name: runs.std(axis=0) for name, runs in acc.items()}
    numbers = {"n_min": int(sizes[0]), "n_max": int(sizes[-1]), "repeats": repeats,
               "classes_seen_min_e": float(np.mean(classes_seen))}
    for name in learners:
        numbers[f"{name}_acc_min_e"] = float(means[name][0])
        numbers[f"{name}_acc_max_e"] = float(means[name][-1])
        numbers[f"{name}_std_min_e"] = float(stds[name][0])
        numbers[f"{name}_std_max_e"] = float(stds[name][-1])
        numbers[f"{name}_largest_drop"] = largest_drop(means[name])
        numbers[f"{name}_gap_over_majority"] = float(np.min(means[name] - means["majority"]))
        # runs (one resample each) in which accuracy fell at least once as n grew
        numbers[f"{name}_runs_with_a_dip"] = int(np.sum(np.any(np.diff(acc[name]) < 0, axis=1)))
    numbers["majority_acc_mean"] = float(means["majority"].mean())
    numbers["majority_acc_range"] = float(means["majority"].max() - means["majority"].min())
    numbers["majority_std_max"] = float(stds["majority"].max())
    # least-squares slope of the baseline's mean per doubling of E
    numbers["majority_slope_per_doubling"] = float(
        np.polyfit(np.log2(sizes), means["majority"], 1)[0])

    def draw(fig, theme):
        ax = fig.subplots()
        band(ax, sizes, acc["logistic"], theme.colors[0], "logistic regression")
        band(ax, sizes, acc["knn"], theme.colors[2], "1-nearest neighbour")
        band(ax, sizes, acc["majority"], theme.colors[1], "most common label in E",
             linestyle="--")
        experience_axis(ax, sizes)
        ax.set(ylabel="P: accuracy on held-out digits", ylim=(0, 1.02))
        ax.legend(loc="center right")

    return draw, numbers


@figure("which-measure",
        caption="One learner (1-nearest neighbour), one experience, three performance "
                "measures. Accuracy on held-out digits rises; accuracy on the very examples "
                "in E is 100% whatever their number; accuracy on held-out digits mirrored "
                "across the diagonal stays near chance. Means over 10 resamples, bands plus or "
                "minus one standard deviation.",
        alt="Line chart with the number of training examples, 10 to 1257 on a log scale, "
            "on the horizontal axis and accuracy on the vertical axis. The held-out accuracy "
            "line climbs from about 50 to about 99 percent. The training-set accuracy line "
            "is flat at 100 percent. The mirrored-digit accuracy "
            "line stays roughly flat between 15 and 20 percent, just above the 10 percent "
            "chance level marked by a dotted line.",
        size=(6.4, 4.2))
def which_measure(seed, quick=False):
    sizes = np.array(QUICK_SIZES if quick else SIZES)
    repeats = 2 if quick else REPEATS
    acc = {name: np.zeros((repeats, len(sizes))) for name in ("test", "train", "mirrored")}
    for r, (X_pool, y_pool, X_test, y_test) in enumerate(resamples(seed, repeats)):
        X_mirrored = transpose_digits(X_test)
        for j, n in enumerate(sizes):
            X_e, y_e = X_pool[:n], y_pool[:n]
            model = nearest_neighbour().fit(X_e, y_e)
            acc["test"][r, j] = model.score(X_test, y_test)
            acc["train"][r, j] = model.score(X_e, y_e)
            acc["mirrored"][r, j] = model.score(X_mirrored, y_test)

    means = {name: runs.mean(axis=0) for name, runs in acc.items()}
    numbers = {}
    for name in acc:
        numbers[f"{name}_p_min_e"] = float(means[name][0])
        numbers[f"{name}_p_max_e"] = float(means[name][-1])
        numbers[f"{name}_p_change"] = float(means[name][-1] - means[name][0])
    numbers["mirrored_p_lowest"] = float(means["mirrored"].min())
    numbers["mirrored_p_highest"] = float(means["mirrored"].max())
    numbers["chance"] = 0.1

    def draw(fig, theme):
        ax = fig.subplots()
        band(ax, sizes, acc["test"], theme.colors[0], "held-out digits")
        band(ax, sizes, acc["train"], theme.colors[3], "the examples in E itself",
             linestyle="-.")
        band(ax, sizes, acc["mirrored"], theme.colors[4], "held-out digits, mirrored",
             linestyle="--")
        ax.axhline(0.1, color=theme.muted, linestyle=":", linewidth=1.5)
        ax.text(sizes[-1], 0.085, "chance (10 digits)", ha="right", va="top",
                fontsize=9, color=theme.fg)
        experience_axis(ax, sizes)
        ax.set(ylabel="accuracy", ylim=(0, 1.05))
        ax.legend(loc="center right")

    return draw, numbers
