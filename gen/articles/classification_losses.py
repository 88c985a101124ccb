"""Figures for docs/articles/classification-losses.md.

Three parts, each small enough to run in a couple of seconds:

- the losses themselves, computed in float32 the way a framework would, naively
  (probabilities first, then the log) and stably (straight from the logits);
- calibration: an over-trained MLP on a four-class problem with label noise,
  its reliability diagram and ECE before and after temperature scaling;
- an imbalanced binary problem (about 2.5% positives) scored by logistic
  regression: accuracy against ROC-AUC and average precision, and the
  decision threshold chosen on a validation split, reported on the test split.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure

F32 = np.float32
EPS_CLIP = 1e-7             # the probability clip of the common workaround (Keras' default ε)

# ------------------------------------------------------------------ the losses


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), evaluated as written (the naive way)."""
    return 1 / (1 + np.exp(-z))


def bce_naive(z, y):
    """Binary cross-entropy from the probability σ(z): −[y ln p + (1−y) ln(1−p)]."""
    p = sigmoid(z)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_clipped(z, y, eps=EPS_CLIP):
    """The naive loss with p clipped to [ε, 1−ε]: finite, but capped at −ln ε."""
    p = np.clip(sigmoid(z), eps, 1 - eps)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def bce_logits(z, y):
    """Binary cross-entropy from the logit: max(z, 0) − z·y + ln(1 + e^(−|z|)).

    The same formula as PyTorch's BCEWithLogitsLoss and TensorFlow's
    sigmoid_cross_entropy_with_logits; e^(−|z|) ≤ 1 never overflows.
    """
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def logsumexp(z, axis=-1):
    """ln Σ e^z, shifted by the maximum so that no exponential exceeds 1."""
    m = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(z - m), axis=axis))


def ce_naive(z, y):
    """Softmax cross-entropy as written: p = e^z / Σ e^z, then −ln p_y."""
    e = np.exp(z)
    p = e / e.sum(axis=-1, keepdims=True)
    return -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0])


def ce_shifted(z, y):
    """Softmax with the maximum subtracted first (no overflow), then −ln p_y (can underflow)."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    return -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0])


def ce_logits(z, y):
    """Softmax cross-entropy from the logits: logsumexp(z) − z_y (log-softmax)."""
    return logsumexp(z) - np.take_along_axis(z, y[..., None], -1)[..., 0]


def first_bad(m, values):
    """The smallest magnitude at which a computed loss is inf or NaN (−1 if never)."""
    bad = ~np.isfinite(values)
    return float(m[bad][0]) if bad.any() else -1.0


SOFTMAX_DIRECTION = (1.0, 0.0, -1.0)    # three logits (m, 0, −m); the label is the last class


@figure("stable-losses",
        caption="The same two losses computed in float32 three ways, for a confidently "
                "wrong prediction whose logit grows in magnitude. Left: binary "
                "cross-entropy with label 0 and logit m. Right: softmax cross-entropy over "
                "three classes with logits (m, 0, −m) and the third class as the label. "
                "Computing probabilities first breaks down (crosses on the top edge: the "
                "result is inf or NaN) or, with clipping, flattens; the versions computed "
                "from the logits follow the exact loss all the way.",
        alt="Two line charts of loss against logit magnitude m from 0 to 100. Left: the "
            "exact binary cross-entropy rises as a straight line, about equal to m; the "
            "loss computed from the logit lies on it everywhere; the naive loss follows it "
            "up to m = {bce_naive_first_inf:.1f} and is infinite beyond, drawn as crosses "
            "along the top edge; the clipped loss follows it and then stays flat at "
            "{bce_clip_cap:.1f}. Right: the exact softmax cross-entropy rises as a "
            "straight line, about 2m; log-sum-exp lies on it; both the naive softmax and "
            "the max-shifted softmax give infinite or undefined results from about "
            "m = {ce_shifted_first_bad:.0f}, drawn as crosses along the top edge.",
        size=(10.0, 4.0))
def stable_losses(seed, quick=False):
    m = np.linspace(0, 100, 201 if quick else 801).astype(F32)
    y0 = np.zeros_like(m)
    exact_bce = np.logaddexp(0.0, m.astype(np.float64))            # −ln(1 − σ(m)) = ln(1 + e^m)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        bce = {"naive": bce_naive(m, y0), "clipped": bce_clipped(m, y0),
               "logits": bce_logits(m, y0)}
        z = m[:, None] * np.array(SOFTMAX_DIRECTION, F32)
        label = np.full(len(m), len(SOFTMAX_DIRECTION) - 1)
        ce = {"naive": ce_naive(z, label), "shifted": ce_shifted(z, label),
              "logits": ce_logits(z, label)}
    z64 = z.astype(np.float64)
    exact_ce = ce_logits(z64, label)
    assert all(v.dtype == F32 for v in (*bce.values(), *ce.values()))   # really float32

    def rel_err(values, exact):           # every exact loss here is at least ln 2
        return float(np.max(np.abs(values.astype(np.float64) - exact) / exact))

    numbers = {
        "bce_naive_first_inf": first_bad(m, bce["naive"]),
        "bce_clip_cap": float(-np.log(F32(EPS_CLIP))),
        "bce_clip_eps": EPS_CLIP,
        "bce_logits_max_rel_err": rel_err(bce["logits"], exact_bce),
        "bce_naive_ok_frac": float(np.isfinite(bce["naive"]).mean()),
        "ce_naive_first_bad": first_bad(m, ce["naive"]),
        "ce_shifted_first_bad": first_bad(m, ce["shifted"]),
        "ce_logits_max_rel_err": rel_err(ce["logits"], exact_ce),
        "m_max": float(m[-1]),
        "float32_exp_overflow": float(np.log(np.finfo(F32).max)),
        "float32_exp_underflow": float(-np.log(np.finfo(F32).smallest_subnormal)),
        "ce_exact_at_first_bad": float(exact_ce[m == first_bad(m, ce["shifted"])][0]),
    }

    def draw(fig, theme):
        axes = fig.subplots(1, 2)
        panels = ((axes[0], exact_bce, bce, (("naive", "σ then log"),
                                             ("clipped", f"σ, clipped to [ε, 1−ε], then log"),
                                             ("logits", "from the logit (BCEWithLogits)")),
                   "binary cross-entropy, label 0, logit m"),
                  (axes[1], exact_ce, ce, (("naive", "softmax then log"),
                                           ("shifted", "softmax − max, then log"),
                                           ("logits", "log-sum-exp (log-softmax)")),
                   "softmax cross-entropy, logits (m, 0, −m), true class the last"))
        for ax, exact, computed, methods, title in panels:
            top = 1.12 * float(exact.max())
            ax.plot(m, exact, color=theme.muted, linewidth=6, label="exact (float64)")
            for i, (key, label) in enumerate(methods):
                v = computed[key]
                ok = np.isfinite(v)
                style = "--" if key == "logits" else "-"
                ax.plot(m, np.where(ok, v, np.nan), style, color=theme.colors[i],
                        linewidth=1.8, label=label)
                bad = m[~ok][::4]
                ax.plot(bad, np.full(len(bad), top * (1 - 0.035 * i)), "x", color=theme.colors[i],
                        markersize=5, mew=1.5)
            ax.set(xlabel="logit magnitude m", ylabel="loss", ylim=(0, top * 1.02), title=title)
            ax.title.set_fontsize(10)
            ax.legend(loc="upper left", bbox_to_anchor=(0, 0.93), fontsize=8)

    return draw, numbers


# ------------------------------------------------------------------ calibration

N_CLASSES = 4
N_BINS = 15
MIN_BIN_DRAWN = 10          # bins with fewer test points are too noisy to draw (ECE uses all)


LABEL_NOISE = 0.1           # share of the four-class labels replaced at random


def four_classes(seed, n):
    """A four-class problem with some labels replaced at random (label noise)."""
    from sklearn.datasets import make_classification
    return make_classification(n_samples=n, n_features=20, n_informative=8, n_redundant=2,
                               n_classes=N_CLASSES, n_clusters_per_class=2, flip_y=LABEL_NOISE,
                               class_sep=1.0, random_state=seed)


def split3(X, y, seed, sizes):
    """Train / validation / test split with the given train and validation sizes, stratified."""
    from sklearn.model_selection import train_test_split
    n_train, n_val = sizes
    Xtr, Xr, ytr, yr = train_test_split(X, y, train_size=n_train, random_state=seed, stratify=y)
    Xva, Xte, yva, yte = train_test_split(Xr, yr, train_size=n_val, random_state=seed,
                                          stratify=yr)
    return (Xtr, ytr), (Xva, yva), (Xte, yte)


def mlp_logits(clf, X):
    """The logits of a fitted ReLU MLPClassifier: its last layer before the softmax."""
    h = X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        h = np.maximum(h @ W + b, 0)
    return h @ clf.coefs_[-1] + clf.intercepts_[-1]


def log_softmax(z):
    return z - logsumexp(z)[:, None]


def nll(z, y, T=1.0):
    """Mean cross-entropy of softmax(z / T) against the labels y."""
    return float(-log_softmax(z / T)[np.arange(len(y)), y].mean())


def fit_temperature(z, y):
    """The T > 0 that minimises the validation NLL of softmax(z / T) (a 1-D convex problem in 1/T)."""
    from scipy.optimize import minimize_scalar
    res = minimize_scalar(lambda log_t: nll(z, y, np.exp(log_t)), bounds=(-4, 5),
                          method="bounded", options={"xatol": 1e-6})
    return float(np.exp(res.x))


def reliability(probs, y, bins=N_BINS):
    """Per equal-width confidence bin: (count, mean confidence, accuracy); and the ECE.

    ECE = Σ_b (n_b / n) |accuracy_b − confidence_b|, on the top-label confidence.
    """
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    idx = np.minimum((conf * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins)
    safe = np.maximum(count, 1)
    mean_conf = np.bincount(idx, conf, bins) / safe
    acc = np.bincount(idx, correct, bins) / safe
    ece = float(np.sum(count / len(y) * np.abs(acc - mean_conf)))
    return count, mean_conf, acc, ece


def ece_noise_floor(probs, rng, draws=20):
    """Mean ECE of labels drawn from `probs` itself: a perfectly calibrated model's ECE here."""
    cum = probs.cumsum(axis=1)
    eces = []
    for _ in range(draws):
        u = rng.uniform(size=(len(probs), 1))
        y = np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)
        eces.append(reliability(probs, y)[3])
    return float(np.mean(eces))


@figure("reliability",
        caption="Reliability diagrams of an MLP trained until it fits its noisy training "
                "labels perfectly, on a held-out test split: accuracy against confidence in "
                "15 bins (outlined bars; bins with fewer than 10 test points are left out), "
                "and the share of test points in each bin (grey). Left, as trained: most "
                "predictions are made with near-certainty and every bar sits far below the "
                "diagonal. Middle, after dividing the logits by "
                "one temperature fitted on a validation split: the bars follow the "
                "diagonal. Right: the validation and test losses against the temperature "
                "have their minimum at nearly the same place.",
        alt="Three panels. Left and middle: bar charts of accuracy against confidence "
            "with a dashed diagonal. Left, before scaling: {frac_top_bin_before:.0%} of the "
            "test points fall in the last bin, where accuracy is only {acc_top_bin_before:.2f}, and every bar "
            "lies far below the diagonal; the ECE is {ece_before:.2f}. Middle, after "
            "temperature scaling with T = {temperature:.1f}: the points spread over bins "
            "from {lowest_bin_after:.2f} to 1, and every bar lies within "
            "{max_gap_after:.2f} of the diagonal; the ECE is {ece_after:.3f}. Right: cross-entropy against temperature on a log axis from "
            "0.5 to 50 for the validation and test splits, both falling steeply (the test "
            "curve from {nll_before:.1f} at T = 1) to a broad minimum at the fitted "
            "temperature, marked by a vertical line.",
        size=(10.0, 3.8))
def reliability_figure(seed, quick=False):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    X, y = four_classes(seed, 2500 if quick else 5000)
    sizes = (600, 800) if quick else (1000, 2000)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = split3(X, y, seed, sizes)
    scaler = StandardScaler().fit(Xtr)
    Xtr, Xva, Xte = (scaler.transform(A) for A in (Xtr, Xva, Xte))
    # No regularisation to speak of and full-batch L-BFGS until the training set
    # is memorised: the classic recipe for an overconfident network.
    clf = MLPClassifier((64, 64), solver="lbfgs", alpha=1e-5, max_iter=100 if quick else 200,
                        tol=0, max_fun=10 ** 6, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xtr, ytr)
    z_val, z_test = mlp_logits(clf, Xva), mlp_logits(clf, Xte)
    T = fit_temperature(z_val, yva)
    p_before, p_after = np.exp(log_softmax(z_test)), np.exp(log_softmax(z_test / T))
    before, after = reliability(p_before, yte), reliability(p_after, yte)
    rng = np.random.default_rng(seed)
    temps = np.geomspace(0.5, 50, 61)
    nll_val = [nll(z_val, yva, t) for t in temps]
    nll_test = [nll(z_test, yte, t) for t in temps]
    pred_before, pred_after = p_before.argmax(1), p_after.argmax(1)
    numbers = {
        "n_train": len(ytr), "n_val": len(yva), "n_test": len(yte), "label_noise": LABEL_NOISE,
        "train_acc": float(clf.score(Xtr, ytr)),
        "temperature": T,
        "acc_before": float((pred_before == yte).mean()),
        "acc_after": float((pred_after == yte).mean()),
        "n_pred_changed": int((pred_before != pred_after).sum()),
        "mean_conf_before": float(p_before.max(1).mean()),
        "mean_conf_after": float(p_after.max(1).mean()),
        "frac_top_bin_before": float(before[0][-1] / len(yte)),
        "acc_top_bin_before": float(before[2][-1]),
        "ece_before": before[3], "ece_after": after[3],
        "ece_floor_after": ece_noise_floor(p_after, rng),
        "nll_before": nll(z_test, yte), "nll_after": nll(z_test, yte, T),
        "nll_val_before": nll(z_val, yva), "nll_val_after": nll(z_val, yva, T),
        "n_bins": N_BINS, "min_bin_drawn": MIN_BIN_DRAWN,
        # What the middle panel shows: the lowest drawn bin and the largest gap there.
        "lowest_bin_after": float(np.flatnonzero(after[0] >= MIN_BIN_DRAWN)[0] / N_BINS),
        "max_gap_after": float(np.max(np.abs(after[2] - after[1])[after[0] >= MIN_BIN_DRAWN])),
        "t_test_best": float(temps[int(np.argmin(nll_test))]),
        "min_gap_before": float(np.min((before[1] - before[2])[before[0] >= MIN_BIN_DRAWN])),
    }

    def draw(fig, theme):
        axes = fig.subplots(1, 3)
        width = 1 / N_BINS
        left_edges = np.arange(N_BINS) * width
        for ax, (count, _, acc, ece), title in ((axes[0], before, "as trained"),
                                                (axes[1], after, f"temperature T = {T:.1f}")):
            share = count / count.sum()
            ax.bar(left_edges, share, width=width, align="edge", color=theme.muted,
                   label="share of points")
            shown = count >= MIN_BIN_DRAWN
            ax.bar(left_edges[shown], acc[shown], width=width, align="edge", fill=False,
                   edgecolor=theme.colors[0], linewidth=1.6, label="accuracy")
            ax.plot([0, 1], [0, 1], "--", color=theme.fg, linewidth=1, label="calibrated")
            ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="confidence (top class)",
                   ylabel="accuracy", title=f"{title}: ECE {ece:.3f}")
            ax.legend(loc="upper left", fontsize=8)
        ax = axes[2]
        ax.plot(temps, nll_val, color=theme.colors[1], label="validation")
        ax.plot(temps, nll_test, "--", color=theme.colors[2], label="test")
        ax.axvline(T, color=theme.fg, linewidth=1, linestyle=":")
        ax.set(xscale="log", yscale="log", xlabel="temperature T", ylabel="cross-entropy",
               title="fitting T")
        ax.legend(fontsize=8)
        for a in axes:
            a.title.set_fontsize(10)

    return draw, numbers


# ---------------------------------------------------------------- imbalanced data

PREVALENCES = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5)
SUBSAMPLES = 20
POSITIVES, RARE_FLIP = 0.02, 0.01   # share of positives made, then of labels reassigned at random
RECALL_TARGET = 0.8


def rare_positives(seed, n):
    """A binary problem with few positives, some labels reassigned at random (about half change)."""
    from sklearn.datasets import make_classification
    return make_classification(n_samples=n, n_features=20, n_informative=5, n_redundant=5,
                               weights=[1 - POSITIVES], flip_y=RARE_FLIP, class_sep=1.0, random_state=seed)


def scored_splits(seed, quick=False):
    """Logistic regression on the rare-positive problem: (val labels, val scores, test labels, test scores)."""
    from sklearn.linear_model import LogisticRegression
    X, y = rare_positives(seed, 12000 if quick else 30000)
    n = len(y)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = split3(X, y, seed, (n // 2, n // 4))
    clf = LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    return yva, clf.predict_proba(Xva)[:, 1], yte, clf.predict_proba(Xte)[:, 1]


def at_prevalence(y, s, prevalence, rng):
    """A subsample of (y, s) with the given share of positives, as large as the data allow."""
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n_pos = min(len(pos), int(prevalence * len(neg) / (1 - prevalence)))
    n_neg = min(len(neg), int(n_pos * (1 - prevalence) / prevalence))
    keep = np.r_[rng.choice(pos, n_pos, replace=False), rng.choice(neg, n_neg, replace=False)]
    return y[keep], s[keep]


@figure("roc-and-pr",
        caption="One logistic regression on a test set with about 2.5% positives. Left: the "
                "ROC curve looks good and its area is high. Middle: the precision-recall "
                "curve of the same scores shows that most of the points it flags are "
                "negatives; the dotted line is the precision of guessing, the prevalence. "
                "Right: the test set resampled to other prevalences with the same scores: "
                "ROC-AUC stays put while average precision moves with the prevalence.",
        alt="Three panels. Left: an ROC curve bowing well above the diagonal, area "
            "{roc_auc:.2f}. Middle: a precision-recall curve that starts high at low "
            "recall and falls below 0.2 before recall reaches 0.8, average precision "
            "{average_precision:.2f}, above a dotted horizontal baseline at "
            "{prevalence:.3f}. Right: against prevalence from 1% to 50% on a log axis, "
            "ROC-AUC is a flat line near {roc_auc:.2f}, while average precision climbs "
            "from {ap_at_1pct:.2f} to {ap_at_50pct:.2f}, above the prevalence line.",
        size=(10.0, 3.8))
def roc_and_pr(seed, quick=False):
    from sklearn.metrics import (average_precision_score, precision_recall_curve,
                                 roc_auc_score, roc_curve)
    _, _, y, s = scored_splits(seed, quick)
    fpr, tpr, _ = roc_curve(y, s)
    prec, rec, _ = precision_recall_curve(y, s)
    prevalence = float(y.mean())
    rng = np.random.default_rng(seed)
    sweep = {"roc": [], "ap": []}
    for pi in PREVALENCES:
        runs = [at_prevalence(y, s, pi, rng) for _ in range(4 if quick else SUBSAMPLES)]
        sweep["roc"].append(np.mean([roc_auc_score(*r) for r in runs]))
        sweep["ap"].append(np.mean([average_precision_score(*r) for r in runs]))
    numbers = {
        "n_test": len(y), "n_test_pos": int(y.sum()), "prevalence": prevalence,
        "acc_all_negative": 1 - prevalence,
        "acc_at_half": float(((s >= 0.5) == y).mean()),
        "n_flagged_at_half": int((s >= 0.5).sum()),
        "roc_auc": float(roc_auc_score(y, s)),
        "average_precision": float(average_precision_score(y, s)),
        "ap_lift": float(average_precision_score(y, s)) / prevalence,
        "ap_random": prevalence,
        "ap_at_1pct": float(sweep["ap"][0]), "ap_at_50pct": float(sweep["ap"][-1]),
        "roc_at_1pct": float(sweep["roc"][0]), "roc_at_50pct": float(sweep["roc"][-1]),
        # Precision where the ROC curve already reaches the target recall.
        "precision_at_recall_80": float(prec[rec >= RECALL_TARGET].max()),
        "fpr_at_recall_80": float(fpr[tpr >= RECALL_TARGET].min()),
        "recall_target": RECALL_TARGET, "positives_made": POSITIVES, "rare_flip": RARE_FLIP,
        "prevalence_low": PREVALENCES[0], "prevalence_high": PREVALENCES[-1],
    }

    def draw(fig, theme):
        left, mid, right = fig.subplots(1, 3)
        left.plot(fpr, tpr, color=theme.colors[0], label=f"model, AUC {numbers['roc_auc']:.2f}")
        left.plot([0, 1], [0, 1], ":", color=theme.fg, linewidth=1.2, label="random, AUC 0.5")
        left.set(xlabel="false positive rate", ylabel="true positive rate (recall)",
                 title="ROC", xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
        mid.plot(rec, prec, color=theme.colors[1],
                 label=f"model, AP {numbers['average_precision']:.2f}")
        mid.axhline(prevalence, linestyle=":", color=theme.fg, linewidth=1.2,
                    label=f"random, AP {prevalence:.3f}")
        mid.set(xlabel="recall", ylabel="precision", title="precision-recall",
                xlim=(0, 1), ylim=(0, 1.01), aspect="equal")
        right.plot(PREVALENCES, sweep["roc"], "o-", color=theme.colors[0])
        right.plot(PREVALENCES, sweep["ap"], "s-", color=theme.colors[1])
        right.plot(PREVALENCES, PREVALENCES, ":", color=theme.fg, linewidth=1.2)
        # Labels on the lines themselves: a legend would cover one of them.
        right.text(0.012, sweep["roc"][0] + 0.04, "ROC-AUC", color=theme.colors[0], fontsize=8)
        right.text(0.011, sweep["ap"][0] - 0.16, "average\nprecision", color=theme.colors[1],
                   fontsize=8)
        right.text(0.11, 0.03, "prevalence = random AP", color=theme.fg, fontsize=8)
        right.set(xscale="log", xlabel="share of positives", ylim=(0, 1.01),
                  title="resampled test set", xticks=[0.01, 0.03, 0.1, 0.3],
                  xticklabels=["1%", "3%", "10%", "30%"])
        right.minorticks_off()
        for ax in (left, mid):
            ax.legend(loc="lower right" if ax is left else "upper right", fontsize=8)
        for ax in (left, mid, right):
            ax.title.set_fontsize(10)

    return draw, numbers


COST_FN = 20                # a missed positive costs as much as 20 false alarms


def metrics_at(y, s, t):
    """Precision, recall, F1, accuracy and the cost (FP + COST_FN × FN per point) at threshold t."""
    flag = s >= t
    tp, fp, fn = (np.sum(flag & (y == 1)), np.sum(flag & (y == 0)), np.sum(~flag & (y == 1)))
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * tp / max(2 * tp + fp + fn, 1)
    return {"n_flagged": int(flag.sum()),
            "precision": float(precision), "recall": float(recall), "f1": float(f1),
            "accuracy": float(np.mean(flag == (y == 1))),
            "cost": float((fp + COST_FN * fn) / len(y))}


@figure("threshold",
        caption="Choosing the decision threshold of the same logistic regression on the "
                "validation split. Left: precision, recall and F1 against the threshold; "
                "F1 peaks far below the default 0.5. Right: the cost per point when a missed "
                "positive costs 20 false alarms; its minimum lies lower still, near the "
                "threshold 1/21 that decision theory gives for calibrated probabilities. "
                "The test split is only used to report the chosen thresholds.",
        alt="Two line charts against the decision threshold from 0 to 1. Left, on the "
            "validation split: recall falls from 1 as the threshold rises, precision rises "
            "unevenly, and F1 peaks at {val_best_f1:.2f} at threshold "
            "{t_f1:.2f}, marked by a vertical line, against {val_f1_at_half:.2f} at the "
            "dashed line for 0.5. Right: cost per point on the validation split, lowest at "
            "threshold {t_cost:.3f}, close to a dotted line at {t_bayes:.3f}, and rising "
            "towards 0.5 and beyond.",
        size=(10.0, 3.8))
def threshold(seed, quick=False):
    y_val, s_val, y_test, s_test = scored_splits(seed, quick)
    grid = np.unique(np.r_[np.linspace(0, 1, 401), s_val])   # every distinct cut of validation
    grid = grid[(grid > 0) & (grid < 1)]
    val = [metrics_at(y_val, s_val, t) for t in grid]
    f1 = np.array([v["f1"] for v in val])
    cost = np.array([v["cost"] for v in val])
    t_f1, t_cost = float(grid[np.argmax(f1)]), float(grid[np.argmin(cost)])
    t_bayes = 1 / (1 + COST_FN)
    numbers = {"t_f1": t_f1, "t_cost": t_cost, "t_bayes": t_bayes, "cost_fn": COST_FN,
               "val_best_f1": float(f1.max()),
               "val_f1_at_half": metrics_at(y_val, s_val, 0.5)["f1"],
               "val_cost_min": float(cost.min()),
               "val_cost_at_half": metrics_at(y_val, s_val, 0.5)["cost"],
               "val_cost_at_bayes": metrics_at(y_val, s_val, t_bayes)["cost"],
               "test_cost_all_negative": metrics_at(y_test, s_test, 1.1)["cost"],
               "test_accuracy_all_negative": metrics_at(y_test, s_test, 1.1)["accuracy"]}
    for name, t in (("half", 0.5), ("f1", t_f1), ("cost", t_cost), ("bayes", t_bayes)):
        for key, value in metrics_at(y_test, s_test, t).items():
            numbers[f"test_{key}_at_{name}"] = value
    curves = {key: np.array([v[key] for v in val]) for key in ("precision", "recall", "f1")}
    # Precision is undefined where nothing is flagged: leave a gap there.
    curves["precision"][np.array([v["n_flagged"] for v in val]) == 0] = np.nan

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for i, key in enumerate(("precision", "recall", "f1")):
            left.plot(grid, curves[key], color=theme.colors[i], linewidth=1.6,
                      label=key if key != "f1" else "F1")
        right.plot(grid, cost, color=theme.colors[3], linewidth=1.6,
                   label=f"cost: FP + {COST_FN} × FN, per point")
        right.axvline(t_bayes, color=theme.fg, linestyle=":", linewidth=1.2,
                      label=f"1/(1 + {COST_FN}) = {t_bayes:.3f}")
        for ax, t, label in ((left, t_f1, f"best F1, t = {t_f1:.2f}"),
                             (right, t_cost, f"lowest cost, t = {t_cost:.3f}")):
            ax.axvline(t, color=theme.colors[4], linewidth=1.4, label=label)
            ax.axvline(0.5, color=theme.muted, linestyle="--", linewidth=1.4, label="t = 0.5")
            ax.set(xlabel="decision threshold t", xlim=(0, 1))
        right.legend(fontsize=8, loc="upper right")
        left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
        left.set(ylim=(0, 1.01), title="validation: precision, recall, F1")
        right.set(ylim=(0, None), ylabel="cost per point", title="validation: cost")
        for ax in (left, right):
            ax.title.set_fontsize(10)

    return draw, numbers
