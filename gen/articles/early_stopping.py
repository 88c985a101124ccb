"""Figures for docs/articles/early-stopping.md.

One real training run does the work: a wide one-hidden-layer ReLU network
(gen.lib.mlp) trained with mini-batch Adam on a few hundred scikit-learn digits
whose training and validation labels are partly wrong. It is trained for a fixed
number of epochs while an early-stopping monitor watches the validation loss,
records where it would have stopped and keeps a copy of the best weights, so the
early-stopped model and the model trained to the end come from the same run.
The last figure is the linear-model picture: gradient descent on least squares
against ridge regression, in closed form.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure
from gen.lib import mlp

N_TRAIN, N_VAL = 300, 300     # the rest of the 1797 digits (1197) is the test set
LABEL_NOISE = 0.3             # share of training/validation labels replaced by a wrong class
HIDDEN = 256                  # one wide hidden layer: ~19k weights for 300 examples
EPOCHS = 150
BATCH = 32
LR = 1e-3                     # Adam step size
PATIENCE = 20
MAX_PATIENCE = 60             # the patience sweep replays the same run for 1..MAX_PATIENCE


# --- data -------------------------------------------------------------------------------

def noisy_digits(seed, quick=False):
    """The 8x8 digits split into train / validation / test.

    A fraction LABEL_NOISE of the training and validation labels is replaced by a
    different class chosen at random (annotation errors). The test set keeps the
    true labels, so test accuracy measures how well the digits were learnt.
    """
    from sklearn.datasets import load_digits

    rng = np.random.default_rng(seed)
    X, y = load_digits(return_X_y=True)
    X = X / 16.0                                   # pixel values 0..16 -> 0..1
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    n_train, n_val = (120, 120) if quick else (N_TRAIN, N_VAL)
    noisy = y.copy()
    flip = rng.random(len(y)) < LABEL_NOISE
    noisy[flip] = (y[flip] + rng.integers(1, 10, flip.sum())) % 10   # never the true class
    a, b = n_train, n_train + n_val
    return {"train": (X[:a], noisy[:a]), "val": (X[a:b], noisy[a:b]), "test": (X[b:], y[b:]),
            "train_noise_rate": float(np.mean(noisy[:a] != y[:a]))}


# --- optimiser and early stopping ---------------------------------------------------------

class Adam:
    """Adam (Kingma & Ba, 2015) for an mlp net: a list of [W, b] layers, updated in place."""

    def __init__(self, net, lr=LR, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [[np.zeros_like(p) for p in layer] for layer in net]
        self.v = [[np.zeros_like(p) for p in layer] for layer in net]
        self.t = 0

    def step(self, net, grads):
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t   # bias corrections
        for layer, grad, m, v in zip(net, grads, self.m, self.v):
            for k in range(len(layer)):
                m[k] = self.beta1 * m[k] + (1 - self.beta1) * grad[k]
                v[k] = self.beta2 * v[k] + (1 - self.beta2) * grad[k] ** 2
                layer[k] -= self.lr * (m[k] / c1) / (np.sqrt(v[k] / c2) + self.eps)


class EarlyStopping:
    """Stop when the monitored loss has not improved by more than min_delta for
    `patience` epochs in a row; keep a copy of the weights of the best epoch.

    Same rule as Keras' EarlyStopping(monitor="val_loss", patience=..., min_delta=...,
    restore_best_weights=True). After it has fired, further updates are ignored, so a
    run can go on (to draw the whole curve) without changing the decision.
    """

    def __init__(self, patience=PATIENCE, min_delta=0.0):
        self.patience, self.min_delta = patience, min_delta
        self.best, self.best_epoch, self.best_weights = np.inf, None, None
        self.wait, self.stop_epoch = 0, None

    @property
    def stopped(self):
        return self.stop_epoch is not None

    def update(self, epoch, loss, net=None):
        """Record epoch `epoch`'s loss; returns True once training should stop."""
        if self.stopped:
            return True
        if loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = loss, epoch, 0
            if net is not None:
                self.best_weights = mlp.copy(net)
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stop_epoch = epoch
        return self.stopped


def replay(losses, patience, min_delta=0.0):
    """(best epoch, stop epoch) of early stopping on a recorded loss curve (epochs from 1).
    When it never fires, the stop epoch is the last epoch."""
    es = EarlyStopping(patience, min_delta)
    for epoch, loss in enumerate(losses, start=1):
        if es.update(epoch, loss):
            break
    return es.best_epoch, es.stop_epoch or len(losses)


# --- the training run ---------------------------------------------------------------------

def evaluate(net, X, y):
    p = mlp.predict(net, X, "relu", "softmax")
    return mlp.loss_of(p, y, "softmax"), float(np.mean(p.argmax(axis=1) == y))


def distance(net, start):
    return float(np.sqrt(sum(np.sum((p - p0) ** 2)
                             for layer, layer0 in zip(net, start) for p, p0 in zip(layer, layer0))))


def train(seed, quick=False, patience=PATIENCE, test_curve=False):
    """Train for the full EPOCHS while an EarlyStopping monitor watches the validation loss.

    Returns the per-epoch history, the monitor, and the test accuracy of three models:
    the best weights (restored), the weights at the stop epoch, and the final weights.
    test_curve: also record test accuracy every epoch (only to draw it).
    """
    data = noisy_digits(seed, quick)
    (X, y), (Xv, yv), (Xt, yt) = data["train"], data["val"], data["test"]
    rng = np.random.default_rng(seed + 1)
    epochs = 40 if quick else EPOCHS
    net = mlp.init([X.shape[1], 32 if quick else HIDDEN, 10], rng, init="he")
    start = mlp.copy(net)
    opt, es = Adam(net), EarlyStopping(patience)
    keys = ("train_loss", "train_acc", "val_loss", "val_acc", "test_acc", "distance")
    hist = {k: [] for k in keys}
    at_stop = None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(X))
        for i in range(0, len(X), BATCH):
            idx = order[i:i + BATCH]
            _, grads, _ = mlp.loss_and_grads(net, X[idx], y[idx], "relu", "softmax")
            opt.step(net, grads)
        train_loss, train_acc = evaluate(net, X, y)
        val_loss, val_acc = evaluate(net, Xv, yv)
        # The test curve is recorded only to draw it; nothing is ever chosen with it.
        test_acc = evaluate(net, Xt, yt)[1] if test_curve else np.nan
        values = (train_loss, train_acc, val_loss, val_acc, test_acc, distance(net, start))
        for k, value in zip(keys, values):
            hist[k].append(value)
        if not es.stopped and es.update(epoch, val_loss, net):
            at_stop = mlp.copy(net)            # what you keep without restore_best_weights
    hist = {k: np.array(v) for k, v in hist.items()}
    stop_epoch = es.stop_epoch or epochs
    return {
        "hist": hist, "es": es, "epochs": epochs, "stop_epoch": stop_epoch,
        "hidden": int(net[0][0].shape[1]), "n_params": mlp.n_params(net),
        "n_train": len(y), "n_val": len(yv),
        "test_best": evaluate(es.best_weights, Xt, yt)[1],
        "test_stop": evaluate(at_stop if at_stop is not None else net, Xt, yt)[1],
        "test_final": evaluate(net, Xt, yt)[1],
        "train_noise_rate": data["train_noise_rate"], "n_test": len(yt),
    }


def mark_stop(ax, run, theme, label=True):
    """Best epoch (dotted line), the patience window (shaded) and the stop epoch (dashed)."""
    best, stop = run["es"].best_epoch, run["stop_epoch"]
    ax.axvspan(best, stop, color=theme.colors[4], alpha=0.18, linewidth=0,
               label=f"patience window ({run['es'].patience} epochs)" if label else None)
    ax.axvline(best, color=theme.fg, linestyle=":", linewidth=1.2,
               label=f"best epoch ({best})" if label else None)
    ax.axvline(stop, color=theme.fg, linestyle="--", linewidth=1.2,
               label=f"stop epoch ({stop})" if label else None)


# --- figures ------------------------------------------------------------------------------

@figure("loss-curves",
        caption="One training run of a 256-unit network on 300 digits with 30% wrong "
                "labels, trained with Adam for 150 epochs. Left: training and validation "
                "loss, with the validation minimum, the patience window and the epoch where "
                "early stopping fires. Right: how far the weights have moved from their "
                "initial values. See that the validation loss turns upwards long before "
                "the training loss stops falling, and that the best epoch comes while "
                "the weights are still close to where they started.",
        alt="Two line charts against epoch. Left: the training loss falls steadily towards "
            "zero; the validation loss falls for the first few epochs, reaches its minimum "
            "(marked by a dotted line), then climbs for the rest of the run to above its "
            "starting value; a shaded band of 20 epochs after the minimum ends at a dashed "
            "line where training would stop. Right: the distance of the weights from their "
            "initialisation grows throughout training and is still small at the best epoch.",
        size=(10.0, 4.2))
def loss_curves(seed, quick=False):
    run = train(seed, quick)
    hist, es = run["hist"], run["es"]
    epochs = np.arange(1, run["epochs"] + 1)
    best, stop = es.best_epoch, run["stop_epoch"]
    numbers = {
        "epochs": run["epochs"], "patience": es.patience, "label_noise": LABEL_NOISE,
        "hidden": run["hidden"], "n_params": run["n_params"], "n_train": run["n_train"],
        "n_val": run["n_val"],
        "best_epoch": best, "stop_epoch": stop,
        "global_best_epoch": int(np.argmin(hist["val_loss"])) + 1,
        "best_val_loss": es.best, "final_val_loss": float(hist["val_loss"][-1]),
        "stop_val_loss": float(hist["val_loss"][stop - 1]),
        "best_train_loss": float(hist["train_loss"][best - 1]),
        "final_train_loss": float(hist["train_loss"][-1]),
        "first_val_loss": float(hist["val_loss"][0]),
        "distance_best": float(hist["distance"][best - 1]),
        "distance_final": float(hist["distance"][-1]),
        "epochs_saved": run["epochs"] - stop,
    }

    def draw(fig, theme):
        ax, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
        ax.plot(epochs, hist["train_loss"], color=theme.colors[0], label="training loss")
        ax.plot(epochs, hist["val_loss"], color=theme.colors[1], label="validation loss")
        mark_stop(ax, run, theme)
        ax.plot([best], [es.best], "o", color=theme.colors[1], markersize=7,
                markeredgecolor=theme.fg)
        ax.set(xlabel="epoch", ylabel="cross-entropy loss", xlim=(0, run["epochs"]),
               ylim=(0, None), title="loss per epoch")
        ax.legend(loc="center right", fontsize=8.5)
        ax2.plot(epochs, hist["distance"], color=theme.colors[2])
        mark_stop(ax2, run, theme, label=False)
        ax2.set(xlabel="epoch", ylabel="‖θ − θ₀‖", xlim=(0, run["epochs"]), ylim=(0, None),
                title="distance from the initial weights")

    return draw, numbers


@figure("accuracy",
        caption="The same run. Left: accuracy per epoch on the training and validation sets "
                "(whose labels are 30% wrong) and on the test set (true labels, drawn here "
                "for illustration only: nothing is chosen with it). Right: test accuracy of "
                "the restored best weights, of the weights at the stop epoch, and of the "
                "network trained to the end. See that the test accuracy peaks near the "
                "epoch chosen on validation data alone, and that training on costs "
                "accuracy once the network memorises the wrong labels.",
        alt="Left, a line chart against epoch: training accuracy climbs to nearly 100 "
            "percent; validation and test accuracy peak early, near the marked best epoch, "
            "and then drift down for the rest of the run. Right, three bars of test accuracy: "
            "the restored best weights are highest, the weights at the stop epoch a few "
            "points lower, the network trained to the end clearly lowest.",
        size=(10.0, 4.2))
def accuracy(seed, quick=False):
    run = train(seed, quick, test_curve=True)
    hist, es = run["hist"], run["es"]
    epochs = np.arange(1, run["epochs"] + 1)
    best = es.best_epoch
    bars = (("best weights\n(restored)", run["test_best"]),
            (f"weights at stop\n(epoch {run['stop_epoch']})", run["test_stop"]),
            (f"trained to the end\n(epoch {run['epochs']})", run["test_final"]))
    numbers = {
        "test_acc_best": run["test_best"], "test_acc_stop": run["test_stop"],
        "test_acc_final": run["test_final"],
        "test_acc_gain": run["test_best"] - run["test_final"],
        "val_acc_best": float(hist["val_acc"][best - 1]),
        "val_acc_final": float(hist["val_acc"][-1]),
        "train_acc_best": float(hist["train_acc"][best - 1]),
        "train_acc_final": float(hist["train_acc"][-1]),
        "train_noise_rate": run["train_noise_rate"], "n_test": run["n_test"],
    }

    def draw(fig, theme):
        ax, ax2 = fig.subplots(1, 2, width_ratios=(1.5, 1))
        ax.plot(epochs, hist["train_acc"], color=theme.colors[0], label="training (noisy labels)")
        ax.plot(epochs, hist["val_acc"], color=theme.colors[1], label="validation (noisy labels)")
        ax.plot(epochs, hist["test_acc"], color=theme.colors[2], label="test (true labels)")
        mark_stop(ax, run, theme, label=False)
        ax.set(xlabel="epoch", ylabel="accuracy", xlim=(0, run["epochs"]), ylim=(0, 1.02),
               title="accuracy per epoch")
        ax.legend(loc="lower right", fontsize=8.5)
        names, values = zip(*bars)
        x = np.arange(len(values))
        ax2.bar(x, values, color=[theme.colors[1], theme.colors[4], theme.colors[6]], width=0.6)
        for xi, v in zip(x, values):
            ax2.text(xi, v + 0.015, f"{v:.1%}", ha="center", va="bottom", color=theme.fg)
        ax2.set_xticks(x, names, fontsize=8.5)
        ax2.set(ylim=(0, 1.05), ylabel="test accuracy", title="test accuracy")
        ax2.grid(axis="x", visible=False)

    return draw, numbers


@figure("patience-sweep",
        caption="Early stopping replayed on the validation-loss curve of the same run with "
                "every patience from 1 to 60. Left: the epoch where training stops and the "
                "epoch whose weights are restored. Right: the validation loss of the weights "
                "you end up with, with and without restoring the best ones. See that "
                "with restoring, any patience beyond the smallest finds the same best "
                "epoch and more patience only costs epochs; without restoring, more "
                "patience means worse weights.",
        alt="Two line charts with patience on the horizontal axis. Left: the stop epoch "
            "rises along a diagonal as patience grows, while the epoch of the restored "
            "weights is a little early for patience 1 and then stays flat at the epoch of "
            "the lowest validation loss. Right: with restored weights the validation loss is "
            "flat at its minimum for every patience above 1; keeping the weights of the stop "
            "epoch instead gives a validation loss that grows steadily with patience.",
        size=(10.0, 4.0))
def patience_sweep(seed, quick=False):
    run = train(seed, quick)
    val = run["hist"]["val_loss"]
    patiences = np.arange(1, (20 if quick else MAX_PATIENCE) + 1)
    best, stop = np.array([replay(val, p) for p in patiences]).T
    kept_best, kept_stop = val[best - 1], val[stop - 1]
    global_best = int(np.argmin(val)) + 1
    finds = patiences[best == global_best]
    numbers = {
        "sweep_patience_1_best": int(best[0]), "sweep_patience_1_stop": int(stop[0]),
        "sweep_patience_1_val_loss": float(kept_best[0]),
        "sweep_min_patience_global": int(finds.min()) if len(finds) else int(patiences[-1]),
        "sweep_global_best_epoch": global_best,
        "sweep_global_best_val_loss": float(val.min()),
        "sweep_max_patience": int(patiences[-1]),
        "sweep_max_patience_stop": int(stop[-1]),
        "sweep_max_patience_stop_val_loss": float(kept_stop[-1]),
    }

    def draw(fig, theme):
        ax, ax2 = fig.subplots(1, 2)
        ax.plot(patiences, stop, color=theme.colors[0], label="stop epoch")
        ax.plot(patiences, best, color=theme.colors[1], label="epoch of the best weights")
        ax.set(xlabel="patience (epochs)", ylabel="epoch", xlim=(0, patiences[-1] + 1),
               ylim=(0, None), title="when it stops")
        ax.legend(loc="upper left")
        ax2.plot(patiences, kept_stop, color=theme.colors[4], label="keep weights at stop")
        ax2.plot(patiences, kept_best, color=theme.colors[1], label="restore best weights")
        ax2.set(xlabel="patience (epochs)", ylabel="validation loss of the kept weights",
                xlim=(0, patiences[-1] + 1), title="what you keep")
        ax2.legend(loc="upper left")

    return draw, numbers


# --- the linear picture: early stopping ~ L2 -------------------------------------------------

def least_squares_problem(seed, n=60, d=6):
    """A small regression problem with correlated features (a spread of curvatures)."""
    rng = np.random.default_rng(seed)
    scales = np.geomspace(3.0, 0.1, d)
    X = rng.normal(size=(n, d)) * scales
    w_true = rng.normal(size=d)
    y = X @ w_true + rng.normal(0, 0.5, n)
    return X, y


def gd_path(X, y, lr, steps):
    """Gradient descent on (1/2n)||Xw - y||^2 from w = 0: the iterates w_1..w_steps."""
    n = len(y)
    w, path = np.zeros(X.shape[1]), []
    for _ in range(steps):
        w = w - lr * X.T @ (X @ w - y) / n
        path.append(w.copy())
    return np.array(path)


def ridge(X, y, lam):
    """argmin (1/2n)||Xw - y||^2 + (lam/2)||w||^2."""
    n, d = X.shape
    return np.linalg.solve(X.T @ X / n + lam * np.eye(d), X.T @ y / n)


def filters(s, lr, t):
    """Shrinkage of the least-squares solution along a curvature-s direction: after t GD
    steps from zero, 1 - (1 - lr s)^t; for ridge with lam = 1/(lr t), s / (s + lam)."""
    return 1 - (1 - lr * s) ** t, s / (s + 1 / (lr * t))


@figure("gd-vs-ridge",
        caption="Early stopping as L2 for a linear model with squared loss: the coefficients "
                "of gradient descent from zero after t steps (solid) and of ridge regression "
                "with λ = 1/(ηt) (dashed), on a regression problem with six features of "
                "very different scales. See that gradient descent fits the large-scale "
                "directions first, as ridge does for a shrinking λ: the two paths are "
                "alike, not identical.",
        alt="Line chart with gradient-descent steps on a logarithmic horizontal axis and "
            "coefficient value on the vertical axis. Six pairs of curves start at zero and "
            "move to their least-squares values, large-scale features first and small-scale "
            "ones last; each solid gradient-descent curve has the same shape as its dashed "
            "ridge curve and runs near it, but visibly apart in the middle of the run: at "
            "the widest the gap is between a twentieth and a fifth of the length of the "
            "least-squares coefficient vector.",
        size=(6.4, 4.0))
def gd_vs_ridge(seed, quick=False):
    X, y = least_squares_problem(seed)
    n = len(y)
    s = np.linalg.eigvalsh(X.T @ X / n)
    lr = 0.5 / s.max()
    steps = np.unique(np.geomspace(1, 3000 if quick else 30000, 120).astype(int))
    path = gd_path(X, y, lr, steps[-1])[steps - 1]
    ridge_path = np.array([ridge(X, y, 1 / (lr * t)) for t in steps])
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    gap = np.linalg.norm(path - ridge_path, axis=1) / np.linalg.norm(w_ls)
    numbers = {
        "ridge_max_gap": float(gap.max()),
        "ridge_condition": float(s.max() / s.min()),
        "ridge_final_gap_to_ls": float(np.linalg.norm(path[-1] - w_ls) / np.linalg.norm(w_ls)),
    }

    def draw(fig, theme):
        ax = fig.subplots()
        for j in range(X.shape[1]):
            color = theme.colors[j]
            ax.semilogx(steps, path[:, j], color=color, linewidth=1.8)
            ax.semilogx(steps, ridge_path[:, j], color=color, linestyle="--", linewidth=1.2)
        ax.plot([], [], color=theme.fg, label="gradient descent, t steps")
        ax.plot([], [], color=theme.fg, linestyle="--", linewidth=1.2,
                label="ridge, λ = 1/(ηt)")
        ax.axhline(0, color=theme.muted, linewidth=0.8)
        ax.set(xlabel="gradient-descent steps t", ylabel="coefficient")
        ax.legend(loc="center right")

    return draw, numbers
