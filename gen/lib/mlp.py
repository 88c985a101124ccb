"""A small fully-connected network in numpy, with its backward pass written out.

Enough for the figures that need to look inside training (per-layer gradients,
loss per epoch, learning-rate sweeps), which scikit-learn does not expose.
Checked against finite differences in tests/test_mlp.py.

    net = init([2, 32, 32, 1], rng, init="he")
    loss, grads, acts = loss_and_grads(net, X, y, hidden="relu", output="sigmoid")
"""
from __future__ import annotations

import numpy as np

from gen.lib.activations import ACTIVATIONS, sigmoid, softmax

OUTPUTS = ("linear", "sigmoid", "softmax", "relu")


def init(sizes, rng, init="he", scale=None):
    """Weights for layer sizes [n_in, h1, ..., n_out]; biases start at zero.

    init: "he" (std sqrt(2/fan_in), for ReLU), "xavier" (std sqrt(2/(fan_in+fan_out)),
    Glorot normal, for tanh/sigmoid) or "normal" (a fixed std `scale`, the naive choice).
    """
    net = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if init == "he":
            std = np.sqrt(2.0 / fan_in)
        elif init == "xavier":
            std = np.sqrt(2.0 / (fan_in + fan_out))
        elif init == "normal":
            std = 0.01 if scale is None else scale
        else:
            raise ValueError(f"unknown init {init!r}: use 'he', 'xavier' or 'normal'")
        net.append([rng.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)])
    return net


def forward(net, X, hidden="relu", output="linear"):
    """Pre-activations zs and activations acts of every layer (acts[0] is X)."""
    f, _ = ACTIVATIONS[hidden]
    acts, zs = [X], []
    for i, (W, b) in enumerate(net):
        z = acts[-1] @ W + b
        zs.append(z)
        if i < len(net) - 1:
            acts.append(f(z))
        elif output == "sigmoid":
            acts.append(sigmoid(z))
        elif output == "softmax":
            acts.append(softmax(z))
        elif output == "relu":
            acts.append(np.maximum(z, 0))
        else:
            acts.append(z)
    return zs, acts


def predict(net, X, hidden="relu", output="linear"):
    return forward(net, X, hidden, output)[1][-1]


def loss_of(p, y, output):
    """Mean loss matched to the output: cross-entropy for sigmoid/softmax, else squared error."""
    eps = 1e-12
    if output == "sigmoid":
        # Summed over output units (labels), averaged over samples.
        return float(-np.mean(np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps),
                                     axis=-1)))
    if output == "softmax":                      # y holds integer class labels
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + eps)))
    return float(0.5 * np.mean(np.sum((p - y) ** 2, axis=-1)))


def loss_and_grads(net, X, y, hidden="relu", output="linear"):
    """Loss, [dW, db] per layer, and the forward activations."""
    zs, acts = forward(net, X, hidden, output)
    p, n = acts[-1], len(X)
    if output == "softmax":
        delta = p.copy()
        delta[np.arange(n), y] -= 1
    else:
        delta = p - y                            # sigmoid+BCE and linear+MSE share this form
        if output == "relu":
            delta = delta * (zs[-1] > 0)
    delta = delta / n
    _, df = ACTIVATIONS[hidden]
    grads = [None] * len(net)
    for i in range(len(net) - 1, -1, -1):
        grads[i] = [acts[i].T @ delta, delta.sum(axis=0)]
        if i:
            delta = (delta @ net[i][0].T) * df(zs[i - 1])
    return loss_of(p, y, output), grads, acts


def accuracy(net, X, y, hidden="relu", output="sigmoid"):
    p = predict(net, X, hidden, output)
    guess = p.argmax(axis=1) if output == "softmax" else (p[:, 0] > 0.5).astype(int)
    truth = y if output == "softmax" else y[:, 0]
    return float(np.mean(guess == truth))


def sgd_epoch(net, X, y, lr, rng, batch_size=32, hidden="relu", output="linear",
              momentum=0.0, velocity=None):
    """One pass over shuffled mini-batches; updates `net` in place, returns the velocity."""
    if velocity is None:
        velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in net]
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        _, grads, _ = loss_and_grads(net, X[idx], y[idx], hidden, output)
        for layer, grad, vel in zip(net, grads, velocity):
            for k in range(2):
                vel[k] = momentum * vel[k] - lr * grad[k]
                layer[k] += vel[k]
    return velocity


def copy(net):
    return [[W.copy(), b.copy()] for W, b in net]


def n_params(net) -> int:
    """Weights and biases of a network, for the articles' parameter counts."""
    return int(sum(W.size + b.size for W, b in net))
