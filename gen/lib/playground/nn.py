"""The playground's network and its training loop (twin of docs/playground/core/nn.js).

A dense network on 2-D points: input features, hidden layers with one activation,
and a sigmoid (two classes) or softmax (several) output, trained by mini-batch
SGD, momentum or Adam with optional L1/L2 on the weights. Each operation sits
next to its derivative. Every sum adds its terms one at a time in the JS loop's
order (in_order), never through BLAS or a pairwise sum, so that the
browser, looping that way, gets the same bits.

    cfg = config(data="xor", act="tanh", layers=(16, 16), epochs=200)
    run = train(cfg)        # initial weights, per-epoch losses and accuracies
"""
from __future__ import annotations

import math

import numpy as np

from gen.lib.playground import data as datasets
from gen.lib.playground import xmath

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
LEAKY_SLOPE = 0.01
GELU_C = math.sqrt(2.0 / math.pi)       # GELU in its tanh form (Hendrycks & Gimpel)
GELU_A = 0.044715
ADAM_B1, ADAM_B2, ADAM_EPS = 0.9, 0.999, 1e-8
MOMENTUM = 0.9

DEFAULTS = {
    "data": "circles", "noise": 0.25, "n": 400, "train": 0.7, "seed": 0,
    "features": ("x1", "x2"), "layers": (16, 16), "act": "relu", "init": "glorot",
    "loss": "bce", "opt": "adam", "lr": 0.01, "batch": 10, "reg": "none", "rate": 0.0,
    "sched": "constant", "warmup": 0, "every": 50, "horizon": 200, "patience": 0,
    "pts": "", "epochs": 0,
}
STEP_FACTOR = 0.1                       # the step schedule multiplies the rate by this


def lr_at(cfg, epoch: int) -> float:
    """The learning rate of epoch `epoch` (0 = the first): a linear warm-up over `warmup`
    epochs, then constant, ×0.1 every `every` epochs, or a cosine from lr to 0 over
    `horizon` epochs (then 0)."""
    lr, warmup = cfg["lr"], cfg["warmup"]
    if epoch < warmup:
        return lr * (epoch + 1) / warmup
    t = epoch - warmup
    if cfg["sched"] == "step":
        f = 1.0
        for _ in range(t // cfg["every"]):
            f *= STEP_FACTOR
        return lr * f
    if cfg["sched"] == "cosine":
        H = cfg["horizon"]
        return lr * 0.5 * (1.0 + float(xmath.cos(math.pi * min(t, H) / H)))
    if cfg["sched"] != "constant":
        raise ValueError(f"unknown schedule {cfg['sched']!r}: use constant, step or cosine")
    return lr


def config(**changes) -> dict:
    """The defaults with `changes`; the same fields as the playground's URL."""
    unknown = set(changes) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown playground settings {sorted(unknown)}; known: {list(DEFAULTS)}")
    cfg = {**DEFAULTS, **changes}
    cfg["features"], cfg["layers"] = tuple(cfg["features"]), tuple(cfg["layers"])
    return cfg


# --- activations: f(z), and f'(z) given z and a = f(z) -----------------------------

def _where(cond, a, b):
    return np.where(cond, a, b)


ACTIVATIONS = {
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    "relu": (lambda z: _where(z > 0, z, 0.0), lambda z, a: _where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z: _where(z > 0, z, LEAKY_SLOPE * z),
                   lambda z, a: _where(z > 0, 1.0, LEAKY_SLOPE)),
    "elu": (lambda z: _where(z > 0, z, xmath.expm1(z)),
            lambda z, a: _where(z > 0, 1.0, a + 1.0)),
    "sigmoid": (xmath.sigmoid, lambda z, a: a * (1.0 - a)),
    "tanh": (xmath.tanh, lambda z, a: 1.0 - a * a),
    "gelu": (lambda z: 0.5 * z * (1.0 + xmath.tanh(GELU_C * (z + GELU_A * z * z * z))),
             lambda z, a: _d_gelu(z)),
    "silu": (lambda z: z * xmath.sigmoid(z), lambda z, a: _d_silu(z)),
    "softplus": (lambda z: _where(z > 0, z, 0.0) + xmath.log1p(xmath.exp(-np.abs(z))),
                 lambda z, a: xmath.sigmoid(z)),
}


def _d_gelu(z):
    t = xmath.tanh(GELU_C * (z + GELU_A * z * z * z))
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_A * z * z)


def _d_silu(z):
    s = xmath.sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


# --- data and features -------------------------------------------------------------

def features(X, names) -> np.ndarray:
    """The input columns the network sees, in FEATURES order."""
    x1, x2 = X[:, 0], X[:, 1]
    table = {"x1": x1, "x2": x2, "x1sq": x1 * x1, "x2sq": x2 * x2, "x1x2": x1 * x2,
             "sinx1": xmath.sin(x1), "sinx2": xmath.sin(x2)}
    return np.stack([table[f] for f in FEATURES if f in names], axis=1)


def dataset(cfg):
    """(X_train, y_train, X_test, y_test) of the configured data set."""
    X, y, k = datasets.points(cfg)
    return X[:k], y[:k], X[k:], y[k:]


# --- the network ---------------------------------------------------------------------

def sizes(cfg) -> list[int]:
    """Inputs, hidden widths, outputs: one sigmoid unit for two classes, else one per class."""
    classes = datasets.class_count(cfg)
    outputs = 1 if classes == 2 else classes
    return [sum(f in cfg["features"] for f in FEATURES), *cfg["layers"], outputs]


def init(layer_sizes, seed, scheme="glorot"):
    """[[W, b], ...]: W normal with He, Glorot or a fixed small std; b = 0."""
    rng = datasets.stream(seed, "init")
    net = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if scheme == "he":
            std = math.sqrt(2.0 / fan_in)
        elif scheme == "glorot":
            std = math.sqrt(2.0 / (fan_in + fan_out))
        elif scheme == "normal":
            std = 0.1
        else:
            raise ValueError(f"unknown init {scheme!r}: use he, glorot or normal")
        W = (std * rng.normals(fan_in * fan_out)).reshape(fan_in, fan_out)
        net.append([W, np.zeros(fan_out)])
    return net


def in_order(first, terms):
    """first + terms[0] + terms[1] + ... (the terms stacked on axis 0), added one term at a
    time in that order, as a JS loop adds them; one numpy call instead of a Python loop.

    numpy adds along a slow axis of memory one row at a time, in order; only along the
    fast axis does it sum pairwise (numpy.sum's notes). So: rows of a C-contiguous
    (terms + 1) x size array, and where size is 1, that axis is the fast one and
    cumsum, which is the recurrence itself, adds in order instead."""
    stack = np.empty((len(terms) + 1, *first.shape))      # C order, whatever the inputs'
    stack[0], stack[1:] = first, terms
    stack = stack.reshape(len(stack), -1)
    total = np.cumsum(stack[:, 0])[-1:] if stack.shape[1] == 1 else np.add.reduce(stack, axis=0)
    return total.reshape(first.shape)


ROWS = 512      # dense() in blocks of rows: the terms of 512 rows of 16 x 16 take 1 MB


def dense(A, W, b):
    """z = b + sum_j A[:, j] W[j] with j ascending (the JS loop's order)."""
    if len(A) > ROWS:
        return np.concatenate([dense(A[i:i + ROWS], W, b) for i in range(0, len(A), ROWS)])
    return in_order(np.broadcast_to(b, (len(A), len(b))), A.T[:, :, None] * W[:, None, :])


def forward(net, A, act):
    """Pre-activations and activations of every layer; the last z are the logits."""
    f, _ = ACTIVATIONS[act]
    zs, acts = [], [A]
    for i, (W, b) in enumerate(net):
        z = dense(acts[-1], W, b)
        zs.append(z)
        if i < len(net) - 1:
            acts.append(f(z))
    return zs, acts


def seqsum(v) -> float:
    """Sum in index order from 0, as a JS loop `let s = 0; s += v[i]` adds."""
    return float(in_order(np.zeros(()), np.asarray(v, dtype=np.float64).ravel()))


def grad_norms(grads) -> list[float]:
    """‖∂L/∂W‖ (Frobenius) of every layer's weights, squares summed in index order."""
    return [math.sqrt(seqsum(dW * dW)) for dW, _ in grads]


def losses(z, y, loss, per_sample=True):
    """Per-sample loss from the logits z (None if not per_sample: training needs only the
    gradient), and its gradient dL/dz (not yet / batch)."""
    if z.shape[1] == 1:                                  # two classes: sigmoid output
        z1, t = z[:, 0], y.astype(np.float64)
        p = xmath.sigmoid(z1)
        if loss == "bce":                                # log(1 + e^z) - t z, stably
            per = (_where(z1 > 0, z1, 0.0) - z1 * t + xmath.log1p(xmath.exp(-np.abs(z1)))
                   if per_sample else None)
            grad = p - t
        elif loss == "mse":
            d = p - t
            per = d * d
            grad = 2.0 * d * p * (1.0 - p)
        else:
            raise ValueError(f"unknown loss {loss!r}: use bce or mse")
        return per, grad[:, None]
    m = z[:, 0].copy()                                   # softmax: log-sum-exp from the max
    for k in range(1, z.shape[1]):
        m = np.maximum(m, z[:, k])
    e = xmath.exp(z - m[:, None])
    s = np.zeros(len(z))
    for k in range(z.shape[1]):
        s += e[:, k]
    rows = np.arange(len(z))
    per = (m + xmath.log(s)) - z[rows, y] if per_sample else None
    grad = e / s[:, None]
    grad[rows, y] -= 1.0
    return per, grad


def predict(z):
    return (z[:, 0] > 0).astype(int) if z.shape[1] == 1 else z.argmax(axis=1)


def backward(net, A, y, act, loss):
    """[dW, db] of every layer: the gradient of the batch's mean data loss."""
    _, df = ACTIVATIONS[act]
    zs, acts = forward(net, A, act)
    _, g = losses(zs[-1], y, loss, per_sample=False)
    g = g / len(A)
    grads = [None] * len(net)
    for i in range(len(net) - 1, -1, -1):
        W = net[i][0]
        a = acts[i]                                     # batch rows in order, from 0
        grads[i] = [in_order(np.zeros_like(W), a[:, :, None] * g[:, None, :]),
                    in_order(np.zeros_like(net[i][1]), g)]
        if i:                                           # sum over k of g[:, k] W[:, k], from 0
            back = in_order(np.zeros_like(a), g.T[:, :, None] * W.T[:, None, :])
            g = back * df(zs[i - 1], a)
    return grads


# --- optimisers ----------------------------------------------------------------------

class Optimiser:
    """SGD, momentum (0.9) or Adam (0.9, 0.999, 1e-8) with L1/L2 on the weights only."""

    def __init__(self, net, cfg):
        self.kind, self.lr = cfg["opt"], cfg["lr"]
        self.reg, self.rate = cfg["reg"], cfg["rate"]
        self.m = [[np.zeros_like(p) for p in layer] for layer in net]
        self.v = [[np.zeros_like(p) for p in layer] for layer in net]
        self.b1t = self.b2t = 1.0

    def step(self, net, grads):
        if self.kind == "adam":
            self.b1t *= ADAM_B1
            self.b2t *= ADAM_B2
        for layer, grad, m, v in zip(net, grads, self.m, self.v):
            for k in range(2):
                g = grad[k]
                if k == 0 and self.reg == "l2":
                    g = g + self.rate * layer[0]
                elif k == 0 and self.reg == "l1":
                    g = g + self.rate * np.sign(layer[0])
                if self.kind == "sgd":
                    layer[k] = layer[k] - self.lr * g
                elif self.kind == "momentum":
                    m[k] = MOMENTUM * m[k] - self.lr * g
                    layer[k] = layer[k] + m[k]
                elif self.kind == "adam":
                    m[k] = ADAM_B1 * m[k] + (1.0 - ADAM_B1) * g
                    v[k] = ADAM_B2 * v[k] + (1.0 - ADAM_B2) * (g * g)
                    mhat = m[k] / (1.0 - self.b1t)
                    vhat = v[k] / (1.0 - self.b2t)
                    layer[k] = layer[k] - self.lr * mhat / (np.sqrt(vhat) + ADAM_EPS)
                else:
                    raise ValueError(f"unknown optimiser {self.kind!r}: use sgd, momentum or adam")


def permutation(rng, n: int) -> list[int]:
    """Fisher-Yates with the shuffle stream."""
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(rng() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def evaluate(net, A, y, act, loss):
    if not len(A):                      # "custom" with no test point yet: NaN, as in JS (0 / 0)
        return math.nan, math.nan
    zs, _ = forward(net, A, act)
    per, _ = losses(zs[-1], y, loss)
    return seqsum(per) / len(A), float(np.mean(predict(zs[-1]) == y))


def train(cfg, epochs=None, grid=None):
    """Train as the playground does; per-epoch history (index 0 = before training)."""
    epochs = cfg["epochs"] if epochs is None else epochs
    X_train, y_train, X_test, y_test = dataset(cfg)
    if not len(X_train):
        raise ValueError(f"data={cfg['data']!r}, pts={cfg['pts'][:40]!r}: no training point")
    A_train, A_test = features(X_train, cfg["features"]), features(X_test, cfg["features"])
    net = init(sizes(cfg), cfg["seed"], cfg["init"])
    initial = [[W.copy(), b.copy()] for W, b in net]
    opt, shuffle = Optimiser(net, cfg), datasets.stream(cfg["seed"], "shuffle")
    history = {k: [] for k in ("train_loss", "test_loss", "train_acc", "test_acc", "grad_norm")}

    def record():
        for split, A, y in (("train", A_train, y_train), ("test", A_test, y_test)):
            loss, acc = evaluate(net, A, y, cfg["act"], cfg["loss"])
            history[f"{split}_loss"].append(loss)
            history[f"{split}_acc"].append(acc)

    record()
    best = (history["test_loss"][0], 0, [[W.copy(), b.copy()] for W, b in net])
    stopped = None
    for epoch in range(epochs):
        opt.lr = lr_at(cfg, epoch)
        order = permutation(shuffle, len(A_train))
        total, steps = [0.0] * len(net), 0
        for start in range(0, len(order), cfg["batch"]):
            idx = order[start:start + cfg["batch"]]
            grads = backward(net, A_train[idx], y_train[idx], cfg["act"], cfg["loss"])
            total = [t + g for t, g in zip(total, grad_norms(grads))]
            steps += 1
            opt.step(net, grads)
        history["grad_norm"].append([t / steps for t in total])   # mean over the epoch's steps
        record()
        if cfg["patience"]:                 # early stopping on the test points' loss
            if history["test_loss"][-1] < best[0]:
                best = (history["test_loss"][-1], epoch + 1, [[W.copy(), b.copy()] for W, b in net])
            elif epoch + 1 - best[1] >= cfg["patience"]:
                net[:] = best[2]            # the best weights back, as the article's pseudocode does
                stopped = {"epoch": epoch + 1, "best": best[1]}
                break
    return {"cfg": cfg, "X_train": X_train, "y_train": y_train, "X_test": X_test,
            "y_test": y_test, "initial": initial, "net": net, "history": history,
            "stopped": stopped}


def probabilities(net, cfg, X):
    """P(class 1) (two classes) or the class probabilities at the points X."""
    zs, _ = forward(net, features(X, cfg["features"]), cfg["act"])
    z = zs[-1]
    if z.shape[1] == 1:
        return xmath.sigmoid(z[:, 0])
    e = xmath.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def export(run, title: str) -> dict:
    """A run as the JSON the playground and its tests read (figures/<module>/<figure>/).

    `title` names the run in the page's "Explore in the playground" links."""
    def layers(net):
        return [{"shape": list(W.shape), "W": W.ravel().tolist(), "b": b.tolist()}
                for W, b in net]

    cfg = {**run["cfg"], "features": list(run["cfg"]["features"]),
           "layers": list(run["cfg"]["layers"]), "epochs": len(run["history"]["train_loss"]) - 1}
    return {
        "format": "nonlinear-playground-run/1",
        "title": title,
        "state": cfg,
        "data": {"X_train": run["X_train"].tolist(), "y_train": run["y_train"].tolist(),
                 "X_test": run["X_test"].tolist(), "y_test": run["y_test"].tolist()},
        "initial": layers(run["initial"]),
        "final": layers(run["net"]),
        "history": run["history"],
        "stopped": run["stopped"],          # {epoch, best} or None: the final weights are best's
    }
