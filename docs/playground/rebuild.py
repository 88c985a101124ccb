"""Rebuild a network exported by the Nonlinear playground and score it on its test points.

    python rebuild.py run.json

run.json is a "Download weights (JSON)" file from the playground (or a run the
site's build exported): format "nonlinear-playground-run/1", with the settings
("state"), the data, the initial and final weights and the history. This script
needs only numpy. It rebuilds the final network (inputs chosen from x1, x2, x1^2,
x2^2, x1*x2, sin x1, sin x2, in that order; the hidden activation in every hidden
layer; a sigmoid output for one output unit, softmax for several) and prints its
test accuracy and test loss. They are the run's history at the epoch of its final
weights (the loss to rounding): the last epoch, or, when early stopping put the
best weights back, that best epoch ("stopped": {"epoch", "best"}).
"""
import json
import sys

import numpy as np

FEATURES = {"x1": lambda x1, x2: x1, "x2": lambda x1, x2: x2,      # in this order
            "x1sq": lambda x1, x2: x1 * x1, "x2sq": lambda x1, x2: x2 * x2,
            "x1x2": lambda x1, x2: x1 * x2,
            "sinx1": lambda x1, x2: np.sin(x1), "sinx2": lambda x1, x2: np.sin(x2)}
softplus = lambda z: np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))   # log(1 + e^z), stably
sigmoid = lambda z: 0.5 * (1 + np.tanh(z / 2))
ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "gelu": lambda z: 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z**3))),
    "silu": lambda z: z * sigmoid(z),
    "softplus": softplus,
}


def logits(run, X):
    """The network's output before the sigmoid or softmax, one row per point."""
    state = run["state"]
    a = np.stack([f(X[:, 0], X[:, 1]) for name, f in FEATURES.items() if name in state["features"]], axis=1)
    layers = run["final"]
    for i, layer in enumerate(layers):
        W = np.array(layer["W"]).reshape(layer["shape"])          # fan_in x fan_out, row-major
        z = a @ W + np.array(layer["b"])
        a = ACTIVATIONS[state["act"]](z) if i < len(layers) - 1 else z
    return z


def score(run):
    """(test accuracy, mean test loss) of the run's final weights."""
    X = np.array(run["data"]["X_test"], dtype=float).reshape(-1, 2)
    y = np.array(run["data"]["y_test"], dtype=int)
    z = logits(run, X)
    if z.shape[1] == 1:                                            # two classes: P(1) = sigmoid(z)
        z = z[:, 0]
        if run["state"]["loss"] == "mse":
            loss = (sigmoid(z) - y) ** 2
        else:                                                      # cross-entropy from the logit
            loss = softplus(z) - y * z
        predicted = (z > 0).astype(int)
    else:                                                          # several: softmax, cross-entropy
        m = z.max(axis=1, keepdims=True)
        log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(len(y)), y]
        predicted = z.argmax(axis=1)
    return float(np.mean(predicted == y)), float(np.mean(loss))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python rebuild.py run.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        run = json.load(f)
    if run.get("format") != "nonlinear-playground-run/1":
        sys.exit(f"{sys.argv[1]}: not a playground export (format {run.get('format')!r})")
    if not run["data"]["y_test"]:
        sys.exit(f"{sys.argv[1]}: this run has no test points to score")
    stopped = run.get("stopped")
    epoch = stopped["best"] if stopped else run["state"]["epochs"]
    accuracy, loss = score(run)
    print(f"weights of epoch {epoch}" + (f" (early stopping, at epoch {stopped['epoch']})" if stopped else ""))
    print(f"test accuracy {accuracy!r}")
    print(f"test loss {loss!r}")
