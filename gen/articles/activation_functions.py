"""Figures for docs/articles/activation-functions.md.

Everything shown is computed here: the linear classifier is trained with
scikit-learn, the small networks of the decision-boundary figures with the
playground's numpy reference (gen.lib.playground, which the browser playground
replays exactly), the gradients are backpropagated with gen.lib.mlp.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure
from gen.lib import mlp
from gen.lib.activations import ACTIVATIONS, LEAKY_SLOPE, sigmoid, softmax

HIDDEN = (16, 16)
LABELS = {"identity": "identity", "relu": "ReLU",
          "sigmoid": "sigmoid", "tanh": "tanh"}


def grid(X, steps):
    lo, hi = X.min(axis=0) - 0.4, X.max(axis=0) + 0.4
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], steps), np.linspace(lo[1], hi[1], steps))
    return xx, yy, np.c_[xx.ravel(), yy.ravel()]


def draw_regions(ax, xx, yy, proba, X, y, theme, title, hollow=False):
    """Where the model predicts each class (flat fills compress well), and the boundary."""
    cs = ax.contourf(xx, yy, proba, levels=[0, 0.5, 1], cmap=theme.region_cmap(),
                     vmin=-0.2, vmax=1.2)
    cs.set_rasterized(True)
    ax.contour(xx, yy, proba, levels=[0.5], colors=[theme.fg], linewidths=1.2)
    for label, marker in ((0, "o"), (1, "^")):
        pts = X[y == label]
        style = (dict(facecolors="none", edgecolors=theme.colors[label], linewidths=0.9)
                 if hollow else dict(color=theme.colors[label], edgecolors="none"))
        ax.scatter(pts[:, 0], pts[:, 1], s=12, marker=marker, label=f"class {label}", **style)
    ax.set(title=title, xticks=[], yticks=[], aspect="equal")
    ax.grid(False)


# The networks of the decision-boundary figures, trained by the playground's numpy reference
# (gen/lib/playground): the browser playground replays these runs bit for bit.
PLAYGROUND = dict(layers=HIDDEN, opt="adam", lr=0.01, batch=10, noise=0.25, n=400, train=0.7)
EPOCHS = 100
PLAY_ACTS = ("identity", "relu", "sigmoid", "tanh")


def play(data, act, seed, quick, **changes):
    """One playground run: the configuration, trained for EPOCHS epochs."""
    from gen.lib.playground import nn

    cfg = nn.config(**{**PLAYGROUND, "data": data, "act": act, "seed": seed, **changes})
    return nn.train(cfg, epochs=30 if quick else EPOCHS)


def run_grid(run, steps):
    from gen.lib.playground import nn

    X = np.concatenate([run["X_train"], run["X_test"]])
    xx, yy, pts = grid(X, steps)
    return xx, yy, nn.probabilities(run["net"], run["cfg"], pts).reshape(xx.shape)


@figure("linear-boundary",
        caption="Two linearly separable classes and the straight boundary that logistic "
                "regression (a network with no hidden layer and a sigmoid output) learns "
                "from them; the shading shows which class it predicts.",
        alt="Scatter plot of two clusters of points, blue circles lower left and orange "
            "triangles upper right, separated by a single straight line learnt by "
            "logistic regression.",
        size=(5.0, 4.0))
def linear_boundary(seed, quick=False):
    from gen.lib.playground import nn

    run = play("blobs", "identity", seed, quick, layers=(), noise=0.1)
    acc = run["history"]["test_acc"][-1]
    xx, yy, proba = run_grid(run, 120 if quick else 250)

    def draw(fig, theme):
        ax = fig.subplots()
        draw_regions(ax, xx, yy, proba, run["X_test"], run["y_test"], theme,
                     f"logistic regression: test accuracy {acc:.0%}")
        ax.legend(loc="upper left")

    return draw, {"linear_test_acc": acc}, {"blobs": nn.export(run, "two blobs, no hidden layer")}


@figure("nonlinear-boundaries",
        caption="The same two-hidden-layer network (16 units each, Adam, 100 epochs) trained on "
                "circles and on XOR with four different hidden activations. With the identity "
                "it can only draw a straight line, which can neither enclose the disc nor split "
                "XOR's quadrants; with ReLU, sigmoid or tanh it bends the boundary around the "
                "data. Titles give test accuracy; each "
                "panel opens in the playground below the figure.",
        alt="A grid of eight decision-region plots: two rows (circles, XOR) by four columns "
            "(identity, ReLU, sigmoid, tanh). The identity column shows a straight "
            "boundary that cuts through both classes; the other three columns show a closed "
            "curve around the inner disc and a cross-shaped split for XOR.",
        size=(10.0, 5.4),
        # PNG: as SVG this figure has >1,300 elements, which the browser draws on the
        # page's main thread (Lighthouse blocking time on phones); pixels decode off it.
        format="png")
def nonlinear_boundaries(seed, quick=False):
    from gen.lib.playground import nn

    results, numbers, exports = {}, {}, {}
    for data_name in ("circles", "xor"):
        for act in PLAY_ACTS:
            run = play(data_name, act, seed, quick)
            acc = run["history"]["test_acc"][-1]
            numbers[f"{data_name}_{act}_acc"] = acc
            results[data_name, act] = (*run_grid(run, 100 if quick else 150),
                                       run["X_test"], run["y_test"], acc)
            exports[f"{data_name}-{act}"] = nn.export(run, f"{data_name}, {LABELS[act]}")

    def draw(fig, theme):
        axes = fig.subplots(2, len(PLAY_ACTS))
        for row, data_name in enumerate(("circles", "xor")):
            for col, act in enumerate(PLAY_ACTS):
                xx, yy, proba, X, y, acc = results[data_name, act]
                draw_regions(axes[row, col], xx, yy, proba, X, y, theme,
                             f"{LABELS[act]}{' (none)' * (act == 'identity')}\n{data_name}: {acc:.0%}")

    return draw, numbers, exports


@figure("playground-run",
        caption="The playground's starting point: the ReLU network of Figure 2 on circles after "
                "100 epochs. Left, where it predicts each class (training points filled, test "
                "points hollow); right, its training and test loss per epoch. In the browser "
                "this figure is a playground that trains the same network from the same "
                "initial weights and arrives at the same numbers.",
        alt="Two panels. Left, a decision-region plot: a closed boundary around the inner disc "
            "of points, with the outer ring of the other class outside it. Right, two falling "
            "loss curves over 100 epochs, training and test, that drop steeply in the first "
            "ten epochs and then level off close to zero.",
        size=(8.0, 3.6), format="png")
def playground_run(seed, quick=False):
    from gen.lib.playground import nn

    run = play("circles", "relu", seed, quick)
    xx, yy, proba = run_grid(run, 100 if quick else 150)
    h = run["history"]
    epochs = np.arange(len(h["train_loss"]))
    numbers = {"play_epochs": int(epochs[-1]), "play_test_acc": h["test_acc"][-1],
               "play_train_acc": h["train_acc"][-1], "play_test_loss": h["test_loss"][-1],
               "play_initial_loss": h["train_loss"][0]}

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, width_ratios=(1, 1.3))
        draw_regions(left, xx, yy, proba, run["X_test"], run["y_test"], theme,
                     f"test accuracy {h['test_acc'][-1]:.0%}", hollow=True)
        for label, marker in ((0, "o"), (1, "^")):
            pts = run["X_train"][run["y_train"] == label]
            left.scatter(pts[:, 0], pts[:, 1], s=10, marker=marker, color=theme.colors[label],
                         edgecolors="none")
        right.plot(epochs, h["train_loss"], color=theme.colors[0], label="training loss")
        right.plot(epochs, h["test_loss"], color=theme.colors[1], linestyle="--",
                   label="test loss")
        right.set(xlabel="epoch", ylabel="cross-entropy", title="loss", ylim=(0, None))
        right.legend()

    return draw, numbers, {"run": nn.export(run, "circles, ReLU")}


CURVES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus")
TITLES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU",
          "leaky_relu": f"Leaky ReLU (slope {LEAKY_SLOPE:g})", "elu": "ELU (α = 1)",
          "selu": "SELU", "gelu": "GELU", "silu": "SiLU / Swish", "softplus": "softplus"}


@figure("activation-curves",
        caption="Nine activation functions (solid) and their derivatives (dashed) on "
                "[-4, 4]; the last panel builds a maxout unit as the maximum of three "
                "linear functions. See that the derivatives of sigmoid and tanh fall "
                "towards zero away from the origin, while the ReLU family keeps a slope "
                "near one for positive inputs.",
        alt="Ten small line plots. Sigmoid and tanh are S-shaped with bell-shaped "
            "derivatives that fall to nearly zero away from the origin; ReLU, Leaky ReLU, "
            "ELU, SELU, GELU, SiLU and softplus are flat or gently curved for negative "
            "inputs and rise linearly for positive ones, with derivatives near one there. "
            "The maxout panel shows three straight lines and their upper envelope.",
        size=(10.0, 4.6),
        # PNG: as SVG this figure has >1,300 elements, which the browser draws on the
        # page's main thread (Lighthouse blocking time on phones); pixels decode off it.
        format="png")
def activation_curves(seed, quick=False):
    x = np.linspace(-4, 4, 161 if quick else 401)
    curves = {name: (ACTIVATIONS[name][0](x), ACTIVATIONS[name][1](x)) for name in CURVES}
    pieces = np.stack([0.5 * x - 0.5, -0.8 * x - 1.0, 1.3 * x - 2.5])   # three affine maps
    numbers = {
        "sigmoid_max_slope": float(curves["sigmoid"][1].max()),    # 0.25, at x = 0
        "tanh_max_slope": float(curves["tanh"][1].max()),          # 1, at x = 0
        "sigmoid_slope_at_4": float(curves["sigmoid"][1][-1]),
        "selu_min": float(curves["selu"][0].min()),
    }

    def draw(fig, theme):
        axes = fig.subplots(2, 5, sharex=True).ravel()
        for ax, name in zip(axes, CURVES):
            f, df = curves[name]
            ax.plot(x, f, color=theme.colors[0], label="f(x)")
            ax.plot(x, df, color=theme.colors[1], linestyle="--", label="f′(x)")
            ax.set_title(TITLES[name])
            ax.set_ylim(-2.0, 4.0)
            ax.axhline(0, color=theme.muted, linewidth=0.8)
        ax = axes[-1]
        for piece in pieces:
            ax.plot(x, piece, color=theme.muted, linewidth=1)
        ax.plot(x, pieces.max(axis=0), color=theme.colors[2], label="max of the three")
        ax.set(title="maxout (k = 3)", ylim=(-2.0, 4.0))
        axes[0].legend(loc="upper left", fontsize=8)
        ax.legend(loc="upper left", fontsize=8)
        for ax in axes[5:]:
            ax.set_xlabel("x")

    return draw, numbers


DEPTH, WIDTH, REPEATS = 20, 64, 10
DEEP = (("sigmoid", "xavier"), ("tanh", "xavier"), ("relu", "he"))


COST_BATCH, COST_WIDTHS, COST_WIDTH = 256, (64, 128, 256, 512, 1024, 2048, 4096), 512


def layer_cost(batch, width):
    """Counts for one dense layer (width in = width out) on a batch, float32.

    Matmul: 2·batch·width² floating-point operations, and it reads the input and the
    weights and writes the output once (ideal caching). Activation, unfused: one
    function evaluation per output, reading and writing each output once.
    """
    return {"matmul_flops": 2 * batch * width ** 2, "activation_evals": batch * width,
            "matmul_bytes": 4 * (2 * batch * width + width ** 2),
            "activation_bytes": 4 * 2 * batch * width}


@figure("layer-cost",
        caption="Counted, not timed: the work of one dense layer (as many outputs as "
                "inputs, a batch of 256, float32) against its width. Left: "
                "floating-point operations of the matrix multiplication against the "
                "number of activation evaluations. Right: bytes the two steps read and "
                "write when the activation is a separate pass. See that the matrix "
                "multiplication dominates the arithmetic by a factor that grows with "
                "the width, while up to width 512 an unfused activation moves at least half "
                "as many bytes.",
        alt="Two log-log line charts against layer width from 64 to 4096. Left: the "
            "matrix-multiplication operation count rises steeply and lies above the "
            "count of activation evaluations, which rises gently, by a factor of twice "
            "the width. Right: bytes moved; the activation pass and the matrix "
            "multiplication stay within a factor of two of each other up to width 512, "
            "and the matrix multiplication pulls ahead only for wider layers.",
        size=(8.0, 3.4))
def layer_cost_figure(seed, quick=False):
    counts = [layer_cost(COST_BATCH, w) for w in COST_WIDTHS]
    ref = layer_cost(COST_BATCH, COST_WIDTH)
    numbers = {
        "cost_batch": COST_BATCH, "cost_width": COST_WIDTH,
        "cost_flops_per_eval": ref["matmul_flops"] // ref["activation_evals"],
        "cost_bytes_ratio": ref["matmul_bytes"] / ref["activation_bytes"],
    }

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for ax, keys, labels, ylabel in (
                (left, ("matmul_flops", "activation_evals"),
                 ("matmul operations", "activation evaluations"), "count"),
                (right, ("matmul_bytes", "activation_bytes"),
                 ("matmul", "activation (unfused)"), "bytes moved")):
            for i, (key, label) in enumerate(zip(keys, labels)):
                ax.loglog(COST_WIDTHS, [c[key] for c in counts], marker="o", markersize=3,
                          color=theme.colors[i], label=label)
            ax.set(xlabel="layer width", ylabel=ylabel)
            ax.legend(loc="upper left", fontsize=8)

    return draw, numbers


@figure("vanishing-gradients",
        caption="Size of the loss gradient reaching each weight matrix of a 20-layer, "
                "64-unit network at initialisation (median of 10 random "
                "initialisations, log scale). Sigmoid and tanh networks use Glorot (Xavier) "
                "initialisation, the ReLU one He initialisation. See that the sigmoid "
                "network's early layers get almost no gradient while tanh and ReLU keep "
                "it within an order of magnitude across all twenty layers.",
        alt="Line chart with layer number 1 to 20 on the horizontal axis and gradient norm "
            "on a logarithmic vertical axis. The sigmoid line falls by several orders of "
            "magnitude from the output layer back to the first layer; the tanh line stays "
            "roughly flat; the ReLU line rises only gently towards the output layer.",
        size=(6.4, 4.0))
def vanishing_gradients(seed, quick=False):
    rng = np.random.default_rng(seed)
    n = 128 if quick else 512
    X = rng.normal(size=(n, WIDTH))
    y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    repeats = 3 if quick else REPEATS
    norms = {}
    for act, scheme in DEEP:
        runs = []
        for _ in range(repeats):
            net = mlp.init([WIDTH] + [WIDTH] * (DEPTH - 1) + [1], rng, init=scheme)
            _, grads, _ = mlp.loss_and_grads(net, X, y, hidden=act, output="sigmoid")
            runs.append([np.linalg.norm(dW) for dW, _ in grads])
        norms[act] = np.median(runs, axis=0)
    # How much smaller the first layer's gradient is than the last layer's.
    numbers = {f"{act}_first_to_last": float(norms[act][0] / norms[act][-1]) for act, _ in DEEP}
    numbers.update(deep_depth=DEPTH, deep_width=WIDTH, deep_repeats=repeats)
    layers = np.arange(1, DEPTH + 1)

    def draw(fig, theme):
        ax = fig.subplots()
        for i, (act, scheme) in enumerate(DEEP):
            ax.semilogy(layers, norms[act], marker="o", markersize=3, color=theme.colors[i],
                        label=f"{act} ({'Glorot' if scheme == 'xavier' else 'He'} init)")
        ax.set(xlabel="layer (1 = nearest the input)", ylabel="‖∂L/∂W‖ (Frobenius norm)",
               xticks=[1, *range(5, DEPTH + 1, 5)])
        ax.legend()

    return draw, numbers


@figure("output-layers",
        caption="Choosing the output layer. Left: the same four scores through softmax "
                "(one class, probabilities sum to 1) and through one sigmoid per score "
                "(multi-label, each in (0, 1)). Right: a regression network with a linear "
                "output fits targets below zero; the same network with a ReLU output "
                "cannot predict anything negative. See "
                "that only the softmax bars add up to one, and that the ReLU fit is flat "
                "at zero wherever the targets dip below it.",
        alt="Two panels. Left, a grouped bar chart of four classes comparing softmax "
            "probabilities, which add up to one, with sigmoid probabilities, which do not. "
            "Right, noisy points following a sine wave with two fitted curves: the linear "
            "output follows the wave below zero, the ReLU output is flat at zero wherever "
            "the targets are negative.",
        size=(10.0, 3.8))
def output_layers(seed, quick=False):
    logits = np.array([2.0, 1.0, 0.2, -1.0])
    p_soft, p_sig = softmax(logits), sigmoid(logits)

    rng = np.random.default_rng(seed)
    n = 200
    x = np.sort(rng.uniform(-3, 3, n))[:, None]
    y = np.sin(1.5 * x) + rng.normal(0, 0.1, x.shape)
    fits = {}
    for output in ("linear", "relu"):
        net_rng = np.random.default_rng(seed)
        net = mlp.init([1, 64, 64, 1], net_rng, init="he")
        velocity = None
        for _ in range(100 if quick else 600):
            velocity = mlp.sgd_epoch(net, x, y, lr=0.02, rng=net_rng, batch_size=32,
                                     hidden="tanh", output=output, momentum=0.9,
                                     velocity=velocity)
        fits[output] = mlp.predict(net, x, hidden="tanh", output=output)
    rmse = {k: float(np.sqrt(np.mean((v - y) ** 2))) for k, v in fits.items()}
    numbers = {
        "softmax_sum": float(p_soft.sum()), "sigmoid_sum": float(p_sig.sum()),
        "linear_output_rmse": rmse["linear"], "relu_output_rmse": rmse["relu"],
        "relu_output_min": float(fits["relu"].min()),
        "target_min": float(y.min()),
    }

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        idx = np.arange(len(logits))
        left.bar(idx - 0.2, p_soft, 0.4, color=theme.colors[0],
                 label=f"softmax (sum {p_soft.sum():.2f})")
        left.bar(idx + 0.2, p_sig, 0.4, color=theme.colors[1],
                 label=f"sigmoid (sum {p_sig.sum():.2f})")
        left.set(xticks=idx, xticklabels=[f"score {v:g}" for v in logits], ylim=(0, 1.15),
                 ylabel="probability", title="multi-class vs multi-label")
        left.legend(loc="upper right")
        right.scatter(x[:, 0], y[:, 0], s=6, color=theme.colors[6], label="targets")
        right.plot(x[:, 0], fits["linear"][:, 0], color=theme.colors[0],
                   label=f"linear output (RMSE {rmse['linear']:.2f})")
        right.plot(x[:, 0], fits["relu"][:, 0], color=theme.colors[1], linestyle="--",
                   label=f"ReLU output (RMSE {rmse['relu']:.2f})")
        right.set(xlabel="x", ylabel="y", title="regression", ylim=(-1.6, 1.9))
        right.legend(loc="upper left", fontsize=8)

    return draw, numbers
