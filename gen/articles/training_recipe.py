"""Figures for docs/articles/training-recipe.md.

Every network here is the numpy MLP of gen.lib.mlp (one ReLU hidden layer, softmax
output, cross-entropy on integer labels) trained on scikit-learn's bundled 8x8
digits (10 classes; the wine data set once, for feature scales) with mini-batch SGD
and momentum. The training loop is written out below so that L2 weight decay and a
deliberately buggy data loader can be added to it.
"""
from __future__ import annotations

import math

import numpy as np

from gen.figure import figure
from gen.lib import mlp

C = 10                     # classes in the digits data
HIDDEN = 64                # hidden units of the default network
BATCH = 64
MOMENTUM = 0.9
LR = 0.03                  # default learning rate (SGD with momentum 0.9)
OUT_STD = 0.01             # "small" init of the output layer: logits start near 0
LOSS_CAP = 30.0            # a diverged run is drawn at this loss
VAL_N = 500                # validation examples for the small-training-set figures


# ---------------------------------------------------------------- data

def digits(seed, train_size=0.6, val_size=None):
    """8x8 digits (pixel values 0..16), split into stratified train / validation sets."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, train_size=train_size, test_size=val_size,
                            random_state=seed, stratify=y)


def standardise(X_train, *others):
    """Zero mean, unit variance per feature, with statistics of the training set only.

    Pixels that are constant in the training set (always 0) keep a scale of 1.
    """
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return [(A - mean) / std for A in (X_train, *others)]


# ---------------------------------------------------------------- model and training

def make_net(sizes, rng, out_std=OUT_STD, hidden_init="he"):
    """He-initialised ReLU layers; the output layer gets N(0, out_std^2) weights.

    out_std=None keeps the same init as the hidden layers for the output layer too.
    """
    if hidden_init == "he":
        net = mlp.init(sizes, rng, init="he")
    else:                                   # a fixed std everywhere: the naive choice
        net = mlp.init(sizes, rng, init="normal", scale=hidden_init)
    if out_std is not None:
        net[-1][0] = rng.normal(0.0, out_std, net[-1][0].shape)
    return net


def evaluate(net, X, y):
    """(mean cross-entropy, accuracy) of the network on (X, y)."""
    with np.errstate(all="ignore"):
        p = mlp.predict(net, X, "relu", "softmax")
    if not np.all(np.isfinite(p)):                      # overflowed: count it as diverged
        return LOSS_CAP, float(np.mean(np.nan_to_num(p).argmax(axis=1) == y))
    return min(mlp.loss_of(p, y, "softmax"), LOSS_CAP), float(np.mean(p.argmax(axis=1) == y))


def sgd_step(net, velocity, X, y, lr, weight_decay=0.0, momentum=MOMENTUM):
    """One SGD-with-momentum step on the batch (X, y), plus L2 weight decay on W."""
    with np.errstate(all="ignore"):
        loss, grads, _ = mlp.loss_and_grads(net, X, y, "relu", "softmax")
    for layer, grad, vel in zip(net, grads, velocity):
        grad[0] = grad[0] + weight_decay * layer[0]     # d/dW of (wd/2)·||W||², not on biases
        for k in range(2):
            vel[k] = momentum * vel[k] - lr * grad[k]
            layer[k] += vel[k]
    return loss


def train(net, X, y, lr, epochs, rng, val=None, weight_decay=0.0, batch=BATCH,
          every_epoch=True):
    """Train in place; returns per-epoch train (and validation) loss and accuracy.

    every_epoch=False evaluates after the last epoch only (for sweeps that plot one
    number per run).
    A run whose weights overflow is marked diverged and its curve stops.
    """
    velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in net]
    hist = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    diverged = False
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch):
            idx = order[start:start + batch]
            sgd_step(net, velocity, X[idx], y[idx], lr, weight_decay)
        if not all(np.all(np.isfinite(W)) and np.abs(W).max() < 1e6 for W, _ in net):
            diverged = True
            break
        if not every_epoch and epoch < epochs - 1:
            continue
        loss, acc = evaluate(net, X, y)
        hist["train_loss"].append(loss)
        hist["train_acc"].append(acc)
        if val is not None:
            loss, acc = evaluate(net, *val)
            hist["val_loss"].append(loss)
            hist["val_acc"].append(acc)
    hist = {k: np.array(v) for k, v in hist.items()}
    hist["diverged"] = diverged
    return hist


def final_loss(hist):
    """Last training loss, or LOSS_CAP if the run diverged."""
    return LOSS_CAP if hist["diverged"] or not len(hist["train_loss"]) else \
        float(hist["train_loss"][-1])


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_label(value, _pos=None):
    """Tick label for a log axis in plain text: 0.01 ... 100 as decimals, else 10⁻⁵."""
    if value <= 0:
        return ""
    if 0.01 <= value <= 100:
        return f"{value:g}"
    exponent = int(round(np.log10(value)))
    if not np.isclose(value, 10.0 ** exponent):
        return f"{value:.0e}"
    return "10" + str(exponent).translate(SUPERSCRIPT)


def tidy_log_axes(fig):
    """Log axes without minor ticks and without mathtext labels.

    Minor ticks and mathtext (10^{-3}) tick labels make constrained layout several
    times slower; plain-text labels look the same and cost nothing.
    """
    from matplotlib.ticker import FuncFormatter, NullLocator

    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale == "log":
                axis.set_minor_locator(NullLocator())
                axis.set_major_formatter(FuncFormatter(power_label))


# ---------------------------------------------------------------- 1. look at the data

@figure("look-at-the-data",
        caption="Before training: the digits data set. Left, how many examples each class "
                "has (the dashed line is a perfectly balanced split). Middle, one example "
                "of every class. Right, mean and standard deviation of each of the 64 "
                "pixels, sorted by standard deviation: a few pixels are always blank, the "
                "rest vary on very different scales.",
        alt="Three panels. A bar chart of ten classes whose counts are all close to the "
            "dashed balanced line. Two rows of five small 8-by-8 grey-scale digit images, "
            "labelled 0 to 9. A chart over the 64 pixels sorted by spread: the standard "
            "deviation (a line) rises from zero for three always-blank pixels to about six "
            "and a half, and the means (dots) scatter between zero and about twelve.",
        size=(10.0, 3.6))
def look_at_the_data(seed, quick=False):
    from sklearn.datasets import load_digits

    def mpl_cmap(name):
        import matplotlib

        return matplotlib.colormaps[name].with_extremes(bad=(0, 0, 0, 0))

    data = load_digits()
    X, y, images = data.data, data.target, data.images
    counts = np.bincount(y, minlength=C)
    examples = np.stack([images[np.flatnonzero(y == c)[0]] for c in range(C)])
    mean, std = X.mean(axis=0), X.std(axis=0)
    order = np.argsort(std)
    # Ten 8x8 images in a 2 x 5 mosaic, with blank (NaN) gutters and room for a label.
    mosaic = np.full((2 * 11, 5 * 9 - 1), np.nan)
    for c in range(C):
        row, col = divmod(c, 5)
        mosaic[row * 11 + 3:row * 11 + 11, col * 9:col * 9 + 8] = examples[c]
    numbers = {
        "n_examples": int(len(X)),
        "n_features": int(X.shape[1]),
        "n_classes": C,
        "min_class_count": int(counts.min()),
        "max_class_count": int(counts.max()),
        "n_constant_pixels": int(np.sum(std == 0)),
        "max_pixel_std": float(std.max()),
        "min_nonzero_pixel_std": float(std[std > 0].min()),
        "max_pixel_mean": float(mean.max()),
    }

    def draw(fig, theme):
        left, middle, right = fig.subfigures(1, 3, width_ratios=[1.0, 1.1, 1.1])
        ax = left.subplots()
        ax.bar(np.arange(C), counts, color=theme.colors[0])
        ax.axhline(len(X) / C, color=theme.fg, linestyle="--", linewidth=1)
        ax.set(xticks=range(C), xlabel="class (digit)", ylabel="examples",
               title="class balance", ylim=(0, counts.max() * 1.15))
        ax = middle.subplots()
        cmap = mpl_cmap("gray_r" if theme.name == "light" else "gray")
        im = ax.imshow(mosaic, cmap=cmap, vmin=0, vmax=16)
        im.set_rasterized(True)
        for c in range(C):
            row, col = divmod(c, 5)
            ax.text(col * 9 + 3.5, row * 11 + 1.2, str(c), ha="center", va="center",
                    fontsize=9, color=theme.fg)
        ax.set(xticks=[], yticks=[], title="one example per class")
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax = right.subplots()
        ax.plot(np.arange(64), std[order], color=theme.colors[0], label="std")
        ax.scatter(np.arange(64), mean[order], s=10, color=theme.colors[1],
                   edgecolors="none", label="mean", zorder=3)
        ax.set(xlabel="pixel (sorted by std)", ylabel="value (0–16 scale)",
               title="feature scales")
        ax.legend(loc="upper left")

    return draw, numbers


WINE_LRS = (1e-5, 1e-4, 1e-3, 1e-2, 0.1)
DIGITS_LRS = (1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3)
WINE_SHORT = ("alcohol", "malic acid", "ash", "ash alcalinity", "magnesium", "phenols",
              "flavanoids", "nonflav. phenols", "proanthocyanins", "colour intensity",
              "hue", "OD280/OD315", "proline")


def lr_sweep_raw_vs_std(Xtr, Xva, ytr, yva, lrs, epochs, hidden, batch, seed):
    """Train one network per (inputs, learning rate): raw and standardised features."""
    Str, Sva = standardise(Xtr, Xva)
    runs = {}
    for name, (A, B) in (("raw", (Xtr, Xva)), ("std", (Str, Sva))):
        runs[name] = []
        for lr in lrs:
            rng = np.random.default_rng(seed)
            net = make_net([A.shape[1], hidden, int(ytr.max()) + 1], rng)
            hist = train(net, A, ytr, lr, epochs, rng, val=(B, yva), batch=batch,
                         every_epoch=False)
            # Dead ReLUs: hidden units that output 0 for every training example.
            with np.errstate(all="ignore"):
                hist["dead"] = float(np.mean(~(A @ net[0][0] + net[0][1] > 0).any(axis=0)))
            runs[name].append(hist)
    return runs


@figure("standardise-features",
        caption="Why standardise. Left, the spread of the 13 wine features spans more than "
                "three orders of magnitude. Middle and right, the same one-hidden-layer "
                "network trained on raw and on standardised features (zero mean, unit "
                "variance, statistics from the training set) at a range of learning rates. "
                "The dotted line is the loss of always predicting the class frequencies. "
                "See that on wine only the standardised network trains, and that on "
                "digits it reaches a lower loss at a larger rate.",
        alt="Three panels. Left, horizontal bars of the standard deviation of each wine "
            "feature on a log scale, from about 0.1 for nonflavanoid phenols to about 300 "
            "for proline. Middle, wine: final training loss against learning rate, both on "
            "log scales; the raw-feature curve stays high at every rate, flattening at the "
            "loss of always predicting the class frequencies, while the standardised curve "
            "falls by orders of magnitude. Right, digits: the same plot; the raw curve "
            "reaches its minimum at a smaller rate and then breaks down, the standardised "
            "curve goes lower at a larger rate.",
        size=(10.0, 3.9))
def standardise_features(seed, quick=False):
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    Xw, yw = load_wine(return_X_y=True)
    wine_split = train_test_split(Xw, yw, train_size=0.6, random_state=seed, stratify=yw)
    wine_std = Xw.std(axis=0)
    wine_lrs = np.array((1e-4, 1e-2, 1.0) if quick else WINE_LRS)
    digit_lrs = np.array((1e-2, 0.1) if quick else DIGITS_LRS)
    wine_epochs, digit_epochs = (5, 2) if quick else (50, 10)
    sweeps = {
        "wine": (wine_lrs, wine_epochs,
                 lr_sweep_raw_vs_std(*wine_split, wine_lrs, wine_epochs, HIDDEN, 16, seed)),
        "digits": (digit_lrs, digit_epochs,
                   lr_sweep_raw_vs_std(*digits(seed), digit_lrs, digit_epochs, HIDDEN,
                                       BATCH, seed)),
    }
    # Curvature of a linear model's squared loss is E[x x^T]: the ratio of its largest to
    # smallest eigenvalue says how differently fast plain gradient descent moves along
    # the easiest and the hardest direction.
    cond = {}
    for name, A in (("raw", wine_split[0]), ("std", standardise(wine_split[0])[0])):
        ev = np.linalg.eigvalsh(A.T @ A / len(A))
        cond[name] = float(ev.max() / ev.min())
    rng = np.random.default_rng(seed)
    W1 = make_net([Xw.shape[1], HIDDEN, 3], rng)[0][0]
    preact = {name: float((A @ W1).std()) for name, A in
              (("raw", wine_split[0]), ("std", standardise(wine_split[0])[0]))}
    wine_counts = np.bincount(wine_split[2])
    numbers = {"wine_std_max": float(wine_std.max()), "wine_std_min": float(wine_std.min()),
               "wine_std_ratio": float(wine_std.max() / wine_std.min()),
               "wine_n_features": int(Xw.shape[1]), "wine_n_examples": int(len(Xw)),
               "wine_epochs": wine_epochs, "digits_epochs": digit_epochs,
               "wine_cond_raw_millions": cond["raw"] / 1e6, "wine_cond_std": cond["std"],
               "wine_preact_std_raw": preact["raw"], "wine_preact_std_std": preact["std"],
               "wine_prior_loss": float(-np.sum(wine_counts / wine_counts.sum() *
                                                np.log(wine_counts / wine_counts.sum())))}
    for data, (lrs, _, runs) in sweeps.items():
        for name, hs in runs.items():
            finals = np.array([final_loss(h) for h in hs])
            best = int(np.argmin(finals))
            numbers[f"{data}_{name}_best_lr"] = float(lrs[best])
            numbers[f"{data}_{name}_best_loss"] = float(finals[best])
            numbers[f"{data}_{name}_best_val_acc"] = float(hs[best]["val_acc"][-1])
            numbers[f"{data}_{name}_median_loss"] = float(np.median(finals))
            numbers[f"{data}_{name}_smallest_lr_loss"] = float(finals[0])
            numbers[f"{data}_{name}_dead_above_best"] = float(min(
                [h["dead"] for h in hs[best + 1:]], default=0.0))

    def draw(fig, theme):
        axes = fig.subplots(1, 3, width_ratios=[1.0, 1.1, 1.1])
        order = np.argsort(wine_std)
        ax = axes[0]
        ax.barh(np.arange(len(order)), wine_std[order], color=theme.colors[0])
        ax.set_yticks(np.arange(len(order)), [WINE_SHORT[i] for i in order], fontsize=8)
        ax.set(xscale="log", xlabel="standard deviation", title="wine: feature spread")
        ax.grid(axis="y", visible=False)
        labels = {"raw": "raw", "std": "standardised"}
        for ax, (data, (lrs, epochs, runs)) in zip(axes[1:], sweeps.items()):
            for i, name in enumerate(("raw", "std")):
                finals = np.array([final_loss(h) for h in runs[name]])
                div = np.array([h["diverged"] for h in runs[name]])
                ax.plot(lrs[~div], finals[~div], marker="o", color=theme.colors[i],
                        label=labels[name])
                ax.plot(lrs[div], finals[div], "x", color=theme.colors[i],
                        markersize=9, markeredgewidth=2)
            if data == "wine":
                ax.axhline(numbers["wine_prior_loss"], color=theme.fg, linestyle=":",
                           linewidth=1.2)
            ax.set(xscale="log", yscale="log", xlabel="learning rate",
                   ylabel=f"training loss after {epochs} epochs", title=f"{data}")
            ax.legend(loc="lower left")

        tidy_log_axes(fig)

    return draw, numbers


# ---------------------------------------------------------------- 2. loss at init

INITS = (("small", "He hidden,\noutput std 0.01"), ("he", "He everywhere"),
         ("naive", "std 1 everywhere"))


def init_net(kind, rng):
    if kind == "small":
        return make_net([64, HIDDEN, C], rng)
    if kind == "he":
        return make_net([64, HIDDEN, C], rng, out_std=None)
    return make_net([64, HIDDEN, C], rng, out_std=None, hidden_init=1.0)


@figure("loss-at-init",
        caption="Check the loss before training. Left, the cross-entropy of 40 freshly "
                "initialised networks of each kind on the standardised training set; the "
                "dashed line is ln 10, the loss of a network that gives every class "
                "probability 1/10. Right, the first 200 SGD steps from one initialisation of "
                "each kind. See that only the small output layer starts at ln 10, and "
                "that the std-1 networks spend their first steps just coming down.",
        alt="Two panels. Left, a strip plot of initial losses on a log scale for three "
            "initialisations: the small-output-layer networks sit on the dashed ln 10 line, "
            "the He-everywhere networks a little above it, and the std-1 networks about "
            "ten times higher. Right, training loss against step on a log scale: "
            "the small-init run starts at ln 10 and falls at once; the std-1 run starts "
            "far higher and spends its first steps coming down.",
        size=(10.0, 3.8))
def loss_at_init(seed, quick=False):
    Xtr, Xva, ytr, yva = digits(seed)
    Str, _ = standardise(Xtr, Xva)
    n_nets = 8 if quick else 40
    rng = np.random.default_rng(seed)
    initial = {kind: np.array([evaluate(init_net(kind, rng), Str, ytr)[0]
                               for _ in range(n_nets)]) for kind, _ in INITS}
    steps, every = (40, 10) if quick else (200, 5)
    curves = {}
    for kind, _ in INITS:
        rng = np.random.default_rng(seed + 1)
        net = init_net(kind, rng)
        velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in net]
        losses = [evaluate(net, Str, ytr)[0]]
        order = np.concatenate([rng.permutation(len(Str)) for _ in range(
            steps * BATCH // len(Str) + 1)])
        for step in range(steps):
            idx = order[step * BATCH:(step + 1) * BATCH]
            sgd_step(net, velocity, Str[idx], ytr[idx], 0.01)
            if (step + 1) % every == 0:
                losses.append(evaluate(net, Str, ytr)[0])
        curves[kind] = np.array(losses)
    step_axis = np.arange(0, steps + 1, every)
    numbers = {"ln_c": float(np.log(C)), "n_init_nets": n_nets, "init_steps": steps}
    for kind, _ in INITS:
        numbers[f"init_loss_{kind}"] = float(np.mean(initial[kind]))
        numbers[f"init_loss_{kind}_max"] = float(np.max(initial[kind]))
        numbers[f"init_loss_{kind}_min"] = float(np.min(initial[kind]))
        numbers[f"loss_after_steps_{kind}"] = float(curves[kind][-1])
    below = curves["naive"] < np.log(C)
    numbers["naive_steps_to_ln_c"] = int(step_axis[np.argmax(below)]) if below.any() else steps

    def draw(fig, theme):
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.2])
        jitter = np.random.default_rng(0).uniform(-0.15, 0.15, n_nets)
        for i, (kind, label) in enumerate(INITS):
            ax1.scatter(i + jitter, initial[kind], s=12, color=theme.colors[i],
                        edgecolors="none")
            ax2.plot(step_axis, curves[kind], color=theme.colors[i],
                     label=label.replace("\n", " "))
        for ax in (ax1, ax2):
            ax.axhline(np.log(C), color=theme.fg, linestyle="--", linewidth=1)
            ax.set_yscale("log")
        ax1.text(-0.45, np.log(C) * 1.04, "ln 10", color=theme.fg, ha="left", va="bottom",
                 fontsize=9)
        ax1.set_yticks([2, 3, 5, 10, 20, 30])
        ax1.set(xticks=range(len(INITS)), xticklabels=[label for _, label in INITS],
                xlim=(-0.5, len(INITS) - 0.5), ylabel="loss at initialisation",
                title="initial loss")
        ax1.tick_params(axis="x", labelsize=8.5)
        ax2.set_yticks([0.1, 0.2, 0.5, 1, 2, 5, 10, 20])
        ax2.set(xlabel="SGD step", ylabel="training loss", title="first steps of training")
        ax2.legend(loc="upper right", fontsize=9)

        tidy_log_axes(fig)

    return draw, numbers


# ---------------------------------------------------------------- 3. overfit a tiny batch

TINY = 16


@figure("overfit-tiny-batch",
        caption="Overfit a tiny batch: the network trained on 16 training examples only, "
                "with full-batch gradient steps. See that with a correct pipeline the loss "
                "falls by orders of magnitude towards zero, while with a loader that "
                "re-shuffles the images every step but not their labels it stays flat at "
                "the entropy of the labels.",
        alt="Two panels against gradient step. Left, training loss on a log scale: the "
            "correct pipeline falls steadily by several orders of magnitude towards zero, "
            "the buggy pipeline stays flat near two. Right, training accuracy on the 16 "
            "examples: the correct pipeline reaches 100 percent within a few dozen steps, "
            "the buggy one wanders around low values.",
        size=(10.0, 3.6))
def overfit_tiny_batch(seed, quick=False):
    Xtr, Xva, ytr, yva = digits(seed)
    Str, _ = standardise(Xtr, Xva)
    X, y = Str[:TINY], ytr[:TINY]
    steps = 60 if quick else 300
    runs = {}
    for bug in (False, True):
        rng = np.random.default_rng(seed)
        net = make_net([64, HIDDEN, C], rng)
        velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in net]
        losses, accs = [], []
        for _ in range(steps):
            # The bug: the images are permuted every step, the labels are not.
            Xs = X[rng.permutation(TINY)] if bug else X
            sgd_step(net, velocity, Xs, y, 0.05)
            loss, acc = evaluate(net, X, y)
            losses.append(loss)
            accs.append(acc)
        runs[bug] = (np.array(losses), np.array(accs))
    label_entropy = -np.sum((p := np.bincount(y, minlength=C) / TINY)[p > 0] *
                            np.log(p[p > 0]))
    numbers = {
        "tiny_n": TINY, "tiny_steps": steps, "tiny_params": mlp.n_params(net),
        "tiny_final_loss": float(runs[False][0][-1]),
        "tiny_final_acc": float(runs[False][1][-1]),
        "tiny_steps_to_full_acc": int(np.argmax(runs[False][1] == 1.0) + 1),
        "tiny_bug_final_loss": float(runs[True][0][-1]),
        "tiny_bug_final_acc": float(runs[True][1][-1]),
        "tiny_label_entropy": float(label_entropy),
    }

    def draw(fig, theme):
        ax1, ax2 = fig.subplots(1, 2)
        step_axis = np.arange(1, steps + 1)
        for i, (bug, label) in enumerate(((False, "correct pipeline"),
                                          (True, "bug: labels not shuffled with images"))):
            ax1.plot(step_axis, runs[bug][0], color=theme.colors[i], label=label)
            ax2.plot(step_axis, runs[bug][1], color=theme.colors[i], label=label)
        ax1.set(yscale="log", xlabel="gradient step", ylabel=f"training loss ({TINY} examples)",
                title="loss")
        ax2.set(xlabel="gradient step", ylabel="training accuracy", ylim=(0, 1.05),
                title="accuracy")
        ax2.legend(loc="center right", bbox_to_anchor=(1.0, 0.7))

        tidy_log_axes(fig)

    return draw, numbers


# ---------------------------------------------------------------- 4. shuffled labels

SHUFFLE_TRAIN = 300
SHUFFLE_HIDDEN = 256
FIT_LEVEL = 0.9            # training accuracy at which a run counts as having fitted the labels


@figure("shuffled-labels",
        caption="The shuffled-labels check, after Zhang et al. (2017). The same wide network "
                "(256 hidden units) trained on 300 digits with their true labels and with "
                "the labels randomly permuted. Both fit the training set; only the "
                "true-label network does better than chance on the validation set.",
        alt="Two panels of accuracy against epoch. Left, true labels: training and "
            "validation accuracy both climb quickly, validation levelling off a little "
            "below training. Right, shuffled labels: training accuracy climbs more slowly "
            "but reaches close to 100 percent, while validation accuracy stays near the "
            "dashed chance line at 10 percent and ends below it.",
        size=(10.0, 3.6))
def shuffled_labels(seed, quick=False):
    Xtr, Xva, ytr, yva = digits(seed, train_size=SHUFFLE_TRAIN, val_size=VAL_N)
    Str, Sva = standardise(Xtr, Xva)
    epochs = 10 if quick else 60
    rng = np.random.default_rng(seed)
    y_shuffled = rng.permutation(ytr)
    runs = {}
    for name, labels in (("true", ytr), ("shuffled", y_shuffled)):
        rng = np.random.default_rng(seed)
        net = make_net([64, SHUFFLE_HIDDEN, C], rng)
        runs[name] = train(net, Str, labels, LR, epochs, rng, val=(Sva, yva), batch=32)
    numbers = {"shuffle_train_n": SHUFFLE_TRAIN, "shuffle_epochs": epochs,
               "shuffle_hidden": SHUFFLE_HIDDEN, "shuffle_params": mlp.n_params(net),
               "chance_acc": 1 / C, "shuffle_val_n": len(yva),
               "chance_se": math.sqrt((1 / C) * (1 - 1 / C) / len(yva)),
               "shuffled_label_agreement": float(np.mean(y_shuffled == ytr))}
    for name in runs:
        numbers[f"{name}_labels_train_acc"] = float(runs[name]["train_acc"][-1])
        numbers[f"{name}_labels_val_acc"] = float(runs[name]["val_acc"][-1])
    numbers["shuffled_val_z"] = ((numbers["chance_acc"] - numbers["shuffled_labels_val_acc"])
                                 / numbers["chance_se"])
    numbers["fit_level"] = FIT_LEVEL
    numbers["shuffled_epochs_to_90"] = int(
        np.argmax(runs["shuffled"]["train_acc"] >= FIT_LEVEL) + 1)
    numbers["true_epochs_to_90"] = int(np.argmax(runs["true"]["train_acc"] >= FIT_LEVEL) + 1)

    def draw(fig, theme):
        axes = fig.subplots(1, 2, sharey=True)
        ep = np.arange(1, epochs + 1)
        for ax, (name, title) in zip(axes, (("true", "true labels"),
                                            ("shuffled", "shuffled labels"))):
            ax.plot(ep, runs[name]["train_acc"], color=theme.colors[0], label="training")
            ax.plot(ep, runs[name]["val_acc"], color=theme.colors[1], label="validation")
            ax.axhline(1 / C, color=theme.fg, linestyle="--", linewidth=1)
            ax.text(epochs, 1 / C + 0.02, "chance", color=theme.fg, ha="right", fontsize=9)
            ax.set(xlabel="epoch", title=title, ylim=(0, 1.03))
        axes[0].set_ylabel("accuracy")
        axes[0].legend(loc="center right")

        tidy_log_axes(fig)

    return draw, numbers


# ---------------------------------------------------------------- 5. learning rate

SWEEP_LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0)
SWEEP_SHOW = (1e-3, 1e-2, 3e-2, 0.1, 0.3)


@figure("learning-rate-sweep",
        caption="A short learning-rate sweep: the default network trained for 3 epochs at "
                "each rate (SGD, momentum 0.9, standardised inputs). Left, training loss "
                "after the short run (the cross: diverged). Right, the loss curves of five "
                "of the runs, from too small to too large. See that three epochs already "
                "show the U shape and where it bottoms out.",
        alt="Two panels. Left, final training loss on a log scale against learning rate on "
            "a log scale: a U shape, high for tiny rates, lowest near 0.1, and rising or "
            "diverging for the largest rates. Right, training loss per epoch "
            "for five learning rates: the smallest barely moves, the middle ones fall "
            "fast, the largest rises above its starting loss.",
        size=(10.0, 3.8))
def learning_rate_sweep(seed, quick=False):
    Xtr, Xva, ytr, yva = digits(seed)
    Str, Sva = standardise(Xtr, Xva)
    lrs = np.array((1e-3, 3e-2, 1.0) if quick else SWEEP_LRS)
    epochs = 1 if quick else 3
    runs = []
    for lr in lrs:
        rng = np.random.default_rng(seed)
        net = make_net([64, HIDDEN, C], rng)
        hist = train(net, Str, ytr, lr, epochs, rng, val=(Sva, yva), batch=32)
        runs.append(hist)
    finals = np.array([final_loss(h) for h in runs])
    best = int(np.argmin(finals))
    numbers = {"sweep_epochs": epochs, "sweep_n_lrs": len(lrs),
               "sweep_best_lr": float(lrs[best]), "sweep_best_loss": float(finals[best]),
               "sweep_smallest_lr_loss": float(finals[0]),
               "sweep_largest_lr_loss": float(finals[-1]),
               "sweep_best_val_acc": float(runs[best]["val_acc"][-1]),
               "sweep_largest_lr_diverged": int(runs[-1]["diverged"]),
               "chosen_lr": LR}
    if LR in lrs:
        numbers["chosen_lr_loss"] = float(finals[list(lrs).index(LR)])

    def draw(fig, theme):
        ax1, ax2 = fig.subplots(1, 2)
        div = np.array([h["diverged"] for h in runs])
        ax1.plot(lrs[~div], finals[~div], marker="o", color=theme.colors[0])
        ax1.plot(lrs[div], np.full(div.sum(), LOSS_CAP), "x", color=theme.colors[0],
                 markersize=9, markeredgewidth=2)
        ax1.plot([lrs[best]], [finals[best]], marker="o", markersize=11, fillstyle="none",
                 color=theme.colors[1], linestyle="none", label="best short run")
        ax1.set(xscale="log", yscale="log", xlabel="learning rate",
                ylabel=f"training loss after {epochs} epochs", title="sweep")
        ax1.legend(loc="upper center")
        for i, lr in enumerate(SWEEP_SHOW if not quick else lrs):
            h = runs[int(np.argmin(np.abs(np.log(lrs) - np.log(lr))))]
            ep = np.arange(0, len(h["train_loss"]) + 1)
            ax2.plot(ep, np.r_[np.log(C), h["train_loss"]], marker="o", markersize=4,
                     color=theme.colors[i + 2], label=f"lr {lr:g}")
        ax2.set(yscale="log", xlabel="epoch", ylabel="training loss", xticks=range(epochs + 1),
                title="loss curves")
        ax2.legend(loc="lower left", fontsize=9)

        tidy_log_axes(fig)

    return draw, numbers


# ---------------------------------------------------------------- 6. gap and regularisation

REG_TRAIN = 100
REG_HIDDEN = 128
DECAYS = (0.0, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
SHOW_DECAY = 1e-2


@figure("regularise",
        caption="Watching the train–validation gap, then regularising. A wide network "
                "(128 hidden units) trained on only 100 digits. Left, without weight decay "
                "the training loss keeps falling while the validation loss stalls: the "
                "shaded gap widens. "
                "Middle, the same run with L2 weight decay 0.01. Right, final losses for a "
                "range of weight-decay strengths. See that weight decay buys a lower "
                "validation loss with a higher training loss, and that too strong a decay "
                "raises both.",
        alt="Three panels. Left and middle, training and validation loss on a log scale "
            "against epoch: without weight decay the training loss falls towards zero while "
            "the validation loss flattens out early, leaving a gap of more than two orders "
            "of magnitude; with weight decay the training loss levels off higher and the "
            "validation loss keeps improving, so the gap is much narrower. Right, final training "
            "and validation loss against weight-decay strength: the gap between the two "
            "lines narrows as the decay grows, until both rise together when it is too "
            "strong.",
        size=(10.0, 3.8))
def regularise(seed, quick=False):
    Xtr, Xva, ytr, yva = digits(seed, train_size=REG_TRAIN, val_size=VAL_N)
    Str, Sva = standardise(Xtr, Xva)
    epochs = 15 if quick else 100
    decays = (0.0, SHOW_DECAY) if quick else DECAYS
    runs = {}
    for wd in decays:
        rng = np.random.default_rng(seed)
        net = make_net([64, REG_HIDDEN, C], rng)
        runs[wd] = train(net, Str, ytr, LR, epochs, rng, val=(Sva, yva), weight_decay=wd,
                         batch=32, every_epoch=wd in (0.0, SHOW_DECAY))
    fin = {wd: (float(h["train_loss"][-1]), float(h["val_loss"][-1]),
                float(h["train_acc"][-1]), float(h["val_acc"][-1])) for wd, h in runs.items()}
    h0 = runs[0.0]
    numbers = {"reg_train_n": REG_TRAIN, "reg_epochs": epochs, "reg_decay": SHOW_DECAY}
    for key, wd in (("noreg", 0.0), ("reg", SHOW_DECAY)):
        tl, vl, ta, va = fin[wd]
        numbers.update({f"{key}_train_loss": tl, f"{key}_val_loss": vl,
                        f"{key}_train_acc": ta, f"{key}_val_acc": va,
                        f"{key}_loss_gap": vl - tl, f"{key}_acc_gap": ta - va})
    numbers["noreg_best_val_loss"] = float(h0["val_loss"].min())
    numbers["noreg_best_val_epoch"] = int(np.argmin(h0["val_loss"]) + 1)
    if not quick:
        numbers["strong_decay"] = DECAYS[-1]
        numbers["strong_decay_train_loss"] = fin[DECAYS[-1]][0]
        numbers["strong_decay_val_loss"] = fin[DECAYS[-1]][1]

    def draw(fig, theme):
        axes = fig.subplots(1, 3)
        ep = np.arange(1, epochs + 1)
        for ax, wd, title in ((axes[0], 0.0, "no weight decay"),
                              (axes[1], SHOW_DECAY, f"weight decay {SHOW_DECAY:g}")):
            ax.plot(ep, runs[wd]["train_loss"], color=theme.colors[0], label="training")
            ax.plot(ep, runs[wd]["val_loss"], color=theme.colors[1], label="validation")
            ax.fill_between(ep, runs[wd]["train_loss"], runs[wd]["val_loss"],
                            color=theme.muted, alpha=0.35, linewidth=0)
            ax.set(yscale="log", xlabel="epoch", title=title)
        lo = min(min(h["train_loss"].min(), h["val_loss"].min()) for h in runs.values())
        hi = max(max(h["train_loss"].max(), h["val_loss"].max()) for h in runs.values())
        for ax in axes[:2]:
            ax.set_ylim(lo * 0.7, hi * 1.4)
        axes[0].set_ylabel("loss")
        axes[0].legend(loc="lower left")
        x = np.arange(len(decays))
        axes[2].plot(x, [fin[wd][0] for wd in decays], marker="o", color=theme.colors[0],
                     label="training")
        axes[2].plot(x, [fin[wd][1] for wd in decays], marker="o", color=theme.colors[1],
                     label="validation")
        axes[2].set(yscale="log", xticks=x, xticklabels=[f"{wd:g}" for wd in decays],
                    xlabel="weight decay", ylabel=f"loss after {epochs} epochs",
                    title="gap vs decay strength")
        axes[2].tick_params(axis="x", labelsize=8)
        axes[2].legend(loc="lower right")

        tidy_log_axes(fig)

    return draw, numbers
