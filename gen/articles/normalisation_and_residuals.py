"""Figures for docs/articles/normalisation-and-residuals.md.

Follows on from gen/articles/hard_to_train.py: the same kind of small ReLU
networks, but 50 layers deep, built four ways (plain, LayerNorm after every
layer, residual, pre-norm residual). gen.lib.mlp has no normalisation or skip
connections, so the forward and backward passes of the four block types are
written out here, each next to its derivative; tests/test_normalisation_and_residuals.py
checks them against finite differences. Training uses gen.lib.optim.Momentum.
"""
from __future__ import annotations

import math

import numpy as np

from gen.figure import figure
from gen.lib.optim import Momentum

WIDTH, DEPTH = 32, 50
KINDS = ("plain", "layernorm", "residual", "prenorm")
LABELS = {"plain": "plain", "layernorm": "LayerNorm after each layer",
          "residual": "residual, branches × 1/√L", "prenorm": "pre-norm residual"}
EPS = 1e-5
BATCH, BETA = 64, 0.9
RATES = (0.003, 0.01, 0.03, 0.1)


def spirals(n, seed, noise=0.15):
    """Two interleaved spirals in the plane, labels 0/1 as an (n, 1) column."""
    rng = np.random.default_rng(seed)
    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
    y = np.arange(n) % 2
    r = t / (3 * np.pi) * 2
    X = np.c_[r * np.cos(t + np.pi * y), r * np.sin(t + np.pi * y)]
    X = X + rng.normal(0, noise, X.shape)
    return X, y[:, None].astype(float)


def init(kind, rng, depth=DEPTH, width=WIDTH, n_in=2, branch_scale=True):
    """Parameters [W_in, b_in, W_1, b_1, ..., W_L, b_L, W_out, b_out], He-initialised.

    An unnormalised residual branch is also scaled by 1/√L (as Fixup and SkipInit
    do): with plain He branches each block doubles the variance (2^L over L blocks).
    """
    params = [rng.normal(0, 1 / math.sqrt(n_in), (n_in, width)), np.zeros(width)]
    std = math.sqrt(2 / width)
    if kind == "residual" and branch_scale:
        std /= math.sqrt(depth)
    for _ in range(depth):
        params += [rng.normal(0, std, (width, width)), np.zeros(width)]
    params += [rng.normal(0, 1 / math.sqrt(width), (width, 1)), np.zeros(1)]
    return params


def layer_norm(z):
    """Each row standardised over its units; returns (ẑ, 1/σ) for the backward pass."""
    mu = z.mean(axis=1, keepdims=True)
    inv = 1 / np.sqrt(z.var(axis=1, keepdims=True) + EPS)
    return (z - mu) * inv, inv


def layer_norm_back(dzhat, zhat, inv):
    """∂L/∂z from ∂L/∂ẑ: the projection that removes the mean and the ẑ direction, over σ."""
    return inv * (dzhat - dzhat.mean(axis=1, keepdims=True)
                  - zhat * (dzhat * zhat).mean(axis=1, keepdims=True))


def forward(kind, params, X):
    """Logits and what the backward pass needs (one cache entry per block)."""
    h = X @ params[0] + params[1]
    caches = []
    for l in range(len(params) // 2 - 2):
        W, b = params[2 + 2 * l], params[3 + 2 * l]
        if kind == "plain":                      # h ← relu(hW + b)
            z = h @ W + b
            caches.append((h, z))
            h = np.maximum(z, 0)
        elif kind == "layernorm":                # h ← relu(LN(hW + b))
            zhat, inv = layer_norm(h @ W + b)
            caches.append((h, zhat, inv))
            h = np.maximum(zhat, 0)
        elif kind == "residual":                 # h ← h + relu(h)W + b
            caches.append((h,))
            h = h + np.maximum(h, 0) @ W + b
        else:                                    # h ← h + relu(LN(h))W + b
            zhat, inv = layer_norm(h)
            caches.append((zhat, inv))
            h = h + np.maximum(zhat, 0) @ W + b
    if kind == "prenorm":                        # a last LN before the read-out
        h_out, inv = layer_norm(h)
        caches.append((h_out, inv))
    else:
        h_out = h
    return h_out @ params[-2] + params[-1], h_out, caches


def loss_and_grads(kind, params, X, y):
    """Binary cross-entropy from the logits, and the gradient of every parameter."""
    logits, h_out, caches = forward(kind, params, X)
    # log(1 + e^z) − yz, written with logaddexp so it never overflows.
    loss = float(np.mean(np.logaddexp(0, logits) - y * logits))
    p = 0.5 * (1 + np.tanh(logits / 2))          # the sigmoid, overflow-free
    dlogits = (p - y) / len(X)
    grads = [None] * len(params)
    grads[-2], grads[-1] = h_out.T @ dlogits, dlogits.sum(axis=0)
    dh = dlogits @ params[-2].T
    if kind == "prenorm":
        zhat, inv = caches.pop()
        dh = layer_norm_back(dh, zhat, inv)
    for l in range(len(caches) - 1, -1, -1):
        W, c = params[2 + 2 * l], caches[l]
        if kind == "plain":
            h, z = c
            dz = dh * (z > 0)
            grads[2 + 2 * l], dh = h.T @ dz, dz @ W.T
        elif kind == "layernorm":
            h, zhat, inv = c
            dz = layer_norm_back(dh * (zhat > 0), zhat, inv)
            grads[2 + 2 * l], dh = h.T @ dz, dz @ W.T
        elif kind == "residual":
            (h,) = c
            dz = dh
            grads[2 + 2 * l] = np.maximum(h, 0).T @ dh
            dh = dh + (dh @ W.T) * (h > 0)       # the identity path plus the branch
        else:
            zhat, inv = c
            dz = dh
            grads[2 + 2 * l] = np.maximum(zhat, 0).T @ dh
            dh = dh + layer_norm_back((dh @ W.T) * (zhat > 0), zhat, inv)
        grads[3 + 2 * l] = dz.sum(axis=0)
    grads[0], grads[1] = X.T @ dh, dh.sum(axis=0)
    return loss, grads


def layer_grad_norms(grads):
    """‖∂L/∂W_l‖ (Frobenius) of the hidden layers 1..L."""
    return np.array([np.linalg.norm(g) for g in grads[2:-2:2]])


def signals(kind, params, X):
    """After every block: the RMS of the hidden state, and the mean cosine between
    the hidden states of two different inputs (1 = the inputs are indistinguishable)."""
    h = X @ params[0] + params[1]
    rms, cos = [], []
    for l in range(len(params) // 2 - 2):
        W, b = params[2 + 2 * l], params[3 + 2 * l]
        if kind == "plain":
            h = np.maximum(h @ W + b, 0)
        elif kind == "layernorm":
            h = np.maximum(layer_norm(h @ W + b)[0], 0)
        elif kind == "residual":
            h = h + np.maximum(h, 0) @ W + b
        else:
            h = h + np.maximum(layer_norm(h)[0], 0) @ W + b
        rms.append(float(np.sqrt(np.mean(h ** 2))))
        u = h / np.linalg.norm(h, axis=1, keepdims=True)
        n = len(X)
        cos.append(float((np.sum(u.sum(axis=0) ** 2) - n) / (n * (n - 1))))
    return np.array(rms), np.array(cos)


def train(kind, X, y, lr, steps, seed):
    """SGD with momentum on mini-batches; the full-batch loss every `steps // 50` steps.

    A run whose loss stops being finite is stopped there and reported as diverged
    (the rest of its curve is NaN).
    """
    rng = np.random.default_rng(seed)
    params = init(kind, rng)
    opt = Momentum(params, beta=BETA)
    every = max(1, steps // 50)
    curve = []
    for step in range(steps + 1):
        if step % every == 0:
            with np.errstate(all="ignore"):
                full = loss_and_grads(kind, params, X, y)[0]
            curve.append(full if np.isfinite(full) else np.nan)
            if not np.isfinite(full) or full > 1e3:
                curve += [np.nan] * (steps // every + 1 - len(curve))
                break
        if step == steps:
            break
        idx = rng.choice(len(X), BATCH, replace=False)
        with np.errstate(all="ignore"):
            _, grads = loss_and_grads(kind, params, X[idx], y[idx])
        opt.step(params, grads, lr)
    return np.array(curve), every, params


def colour(theme, kind):
    return theme.colors[KINDS.index(kind)]


# --------------------------------------------------------------------------
# 1. Gradients at initialisation, layer by layer
# --------------------------------------------------------------------------

@figure("gradients-at-init",
        caption="The gradient of every hidden layer's weights at initialisation, for "
                "four 50-layer ReLU networks on the same data. The plain network's "
                "gradients are the smallest at every layer; LayerNorm and the skip "
                "connections each lift the first layer's by an order of magnitude or more.",
        alt="Line chart, log scale: gradient norm against layer 1 to 50 for four "
            "networks. The plain network's line lies below the other three at every "
            "layer; the residual line is the flattest and highest.",
        size=(6.4, 4.0))
def gradients_at_init(seed, quick=False):
    X, y = spirals(128 if quick else 400, seed)
    norms = {}
    for kind in KINDS:
        _, grads = loss_and_grads(kind, init(kind, np.random.default_rng(seed + 1)), X, y)
        norms[kind] = layer_grad_norms(grads)
    numbers = {"depth": DEPTH, "width": WIDTH}
    for kind, g in norms.items():
        numbers[f"grad_first_{kind}"] = float(g[0])
        numbers[f"grad_last_{kind}"] = float(g[-1])
        numbers[f"grad_spread_{kind}"] = float(g.max() / g.min())
        numbers[f"grad_min_{kind}"], numbers[f"grad_max_{kind}"] = float(g.min()), float(g.max())
    layers = np.arange(1, DEPTH + 1)

    def draw(fig, theme):
        ax = fig.subplots()
        for kind in KINDS:
            ax.plot(layers, norms[kind], color=colour(theme, kind), label=LABELS[kind])
        ax.set(yscale="log", xlabel="hidden layer (1 = next to the input)",
               ylabel="‖∂L/∂W‖ at initialisation")
        ax.legend(fontsize=8)

    return draw, numbers


# --------------------------------------------------------------------------
# 2. Signal propagation: the size of the hidden state and how alike inputs look
# --------------------------------------------------------------------------

@figure("signal-propagation",
        caption="What reaches layer 50 at initialisation. Left: the plain net's hidden "
                "state shrinks layer after layer; LayerNorm and the 1/√L branch scale keep "
                "it level, the pre-norm residual's grows slowly. Right: in both non-residual nets the hidden states of "
                "different inputs become nearly parallel, so the last layers cannot tell "
                "inputs apart; LayerNorm does not stop that, the skip connections do.",
        alt="Two line charts against layer 1 to 50. Left, log scale: RMS of the hidden "
            "state; the plain network's falls steadily, the LayerNorm and residual ones "
            "stay level, the pre-norm residual's rises slowly. "
            "Right: mean cosine between two inputs' hidden states; the plain and "
            "LayerNorm lines climb towards 1, the two residual lines stay well below.",
        size=(10.0, 4.0))
def signal_propagation(seed, quick=False):
    X, _ = spirals(128 if quick else 400, seed)
    rms, cos = {}, {}
    for kind in KINDS:
        rms[kind], cos[kind] = signals(kind, init(kind, np.random.default_rng(seed + 1)), X)
    he_residual = signals("residual", init("residual", np.random.default_rng(seed + 1),
                                           branch_scale=False), X)[0]
    numbers = {"rms_last_residual_unscaled": float(he_residual[-1]),
               "rms_first_residual_unscaled": float(he_residual[0])}
    for kind in KINDS:
        numbers[f"rms_last_{kind}"] = float(rms[kind][-1])
        numbers[f"rms_first_{kind}"] = float(rms[kind][0])
        numbers[f"cos_first_{kind}"] = float(cos[kind][0])
        numbers[f"cos_last_{kind}"] = float(cos[kind][-1])
    layers = np.arange(1, DEPTH + 1)

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for kind in KINDS:
            left.plot(layers, rms[kind], color=colour(theme, kind), label=LABELS[kind])
            right.plot(layers, cos[kind], color=colour(theme, kind), label=LABELS[kind])
        left.set(yscale="log", xlabel="layer", ylabel="RMS of the hidden state",
                 title="size of the signal")
        right.set(xlabel="layer", ylabel="mean cosine between two inputs",
                  title="how alike different inputs look", ylim=(0, 1.02))
        right.legend(fontsize=8, loc="lower right")

    return draw, numbers


# --------------------------------------------------------------------------
# 3. Training: loss curves at each net's best rate, and the rate sweep
# --------------------------------------------------------------------------

@figure("training",
        caption="Each network trained with SGD and momentum at four learning rates. "
                "Left: the training loss at each network's best rate. Right: the final "
                "loss against the rate. The LayerNorm net ends at ln 2, the loss of a "
                "constant guess; the plain net gets part of the way at its best rate; "
                "both residual nets fit the spirals, at every rate better than the other two "
                "at their best.",
        alt="Two panels. Left: training loss against step for four networks; the "
            "LayerNorm curve hovers around the dotted ln 2 line, the plain curve falls part of "
            "the way, the two residual curves fall close to zero. Right: final loss "
            "against learning rate on a log axis, one line per network; the two "
            "residual lines lie far below the plain and LayerNorm lines at every rate.",
        size=(10.0, 4.5))
def training(seed, quick=False):
    X, y = spirals(128 if quick else 400, seed)
    steps = 30 if quick else 300
    rates = RATES[1:3] if quick else RATES
    final = {kind: [] for kind in KINDS}
    best = {}
    for kind in KINDS:
        for lr in rates:
            curve, every, _ = train(kind, X, y, lr, steps, seed + 1)
            # The mean of the last five evaluations: one batch's noise moves the last.
            end = float(np.mean(curve[-5:]))
            final[kind].append(end if np.isfinite(end) else np.nan)
            if np.isfinite(end) and (kind not in best or end < best[kind][1]):
                best[kind] = (lr, end, curve)
    numbers = {"steps": steps, "batch": BATCH, "chance_loss": math.log(2),
               "n_rates": len(rates), "lr_min": rates[0], "lr_max": rates[-1]}
    for kind in KINDS:
        lr, end, _ = best[kind]
        numbers[f"best_lr_{kind}"] = lr
        numbers[f"best_loss_{kind}"] = end
        numbers[f"curve_min_{kind}"] = float(np.nanmin(best[kind][2]))
        numbers[f"worst_loss_{kind}"] = float(np.nanmax(final[kind]))
    table = np.array([final[k] for k in KINDS])
    numbers["prenorm_lowest_count"] = int(np.sum(
        np.nanargmin(np.where(np.isnan(table), np.inf, table), axis=0) == KINDS.index("prenorm")))

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for kind in KINDS:
            lr, _, curve = best[kind]
            left.plot(np.arange(len(curve)) * every, curve, color=colour(theme, kind),
                      label=f"{LABELS[kind]} (η = {lr:g})")
            right.plot(rates, final[kind], "o-", color=colour(theme, kind),
                       label=LABELS[kind])
        for ax in (left, right):
            ax.axhline(math.log(2), color=theme.muted, linestyle=":", linewidth=1.2)
        left.set(xlabel="step", ylabel="training loss (cross-entropy)",
                 title="at each network's best rate", ylim=(0, None))
        # Below both panels: inside the left one it covered the curves it names.
        fig.legend(handles=left.get_lines()[:len(KINDS)], loc="outside lower center",
                   ncol=2, fontsize=8)
        right.set(xscale="log", xlabel="learning rate η", ylabel="final training loss",
                  title="final loss against the rate", ylim=(0, None))

    return draw, numbers
