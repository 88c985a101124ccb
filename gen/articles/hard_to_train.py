"""Figures for docs/articles/hard-to-train.md.

Every network here is a gen.lib.mlp network, trained or differentiated with its
own backward pass. The theory added here (the escape time from a saddle, the
plateau length of a small network, and the mean-field recursion for activation
and gradient sizes through depth) is checked against simulations, closed forms
and Monte Carlo in tests/test_hard_to_train.py.
"""
from __future__ import annotations

import math

import numpy as np

from gen.figure import figure
from gen.lib import mlp
from gen.lib.activations import ACTIVATIONS


def plain_log_ticks(axis):
    """Label a log axis 0.1, 0.2, 0.3, 0.5 rather than 10⁻¹, 2×10⁻¹."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def loss_cmap(theme):
    """Low loss in the theme's first colour, fading to the page background."""
    import matplotlib.colors as mcolors

    return mcolors.LinearSegmentedColormap.from_list(
        f"loss-{theme.name}", [theme.colors[0], theme.bg])


# --------------------------------------------------------------------------
# 1. Non-convex: two trained networks, and one network with its units shuffled
# --------------------------------------------------------------------------

LANDSCAPE_SIZES = [2, 16, 16, 1]
LANDSCAPE_HIDDEN = "tanh"


def moons(n, seed, noise):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y[:, None].astype(float)


def flatten(net):
    return np.concatenate([np.concatenate([W.ravel(), b]) for W, b in net])


def unflatten(theta, sizes):
    net, i = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = theta[i:i + fan_in * fan_out].reshape(fan_in, fan_out)
        i += fan_in * fan_out
        net.append([W, theta[i:i + fan_out]])
        i += fan_out
    return net


def permute_hidden(net, perms):
    """The same function with the units of each hidden layer relabelled.

    New unit k of hidden layer l is old unit perms[l][k]: its incoming weights,
    its bias and its outgoing weights move together, so every output is unchanged.
    """
    net = mlp.copy(net)
    for layer, perm in enumerate(perms):
        net[layer][0] = net[layer][0][:, perm]
        net[layer][1] = net[layer][1][perm]
        net[layer + 1][0] = net[layer + 1][0][perm, :]
    return net


def train_moons_net(X, y, seed, epochs):
    rng = np.random.default_rng(seed)
    net = mlp.init(LANDSCAPE_SIZES, rng, init="xavier")
    velocity = None
    for _ in range(epochs):
        velocity = mlp.sgd_epoch(net, X, y, lr=0.05, rng=rng, batch_size=32,
                                 hidden=LANDSCAPE_HIDDEN, output="sigmoid", momentum=0.9,
                                 velocity=velocity)
    return net


@figure("loss-slices",
        caption="The training loss of a 2-16-16-1 tanh network on the two-moons data, "
                "along straight lines in weight space (left) and over the plane through "
                "three solutions (right): A and B are trained from different seeds, P(A) "
                "is A with its hidden units shuffled, which computes exactly the same "
                "function. Points between two good solutions are much worse than either.",
        alt="Two panels. Left: loss against the interpolation coefficient from 0 to 1. "
            "Both curves start and end low; the curve from A to B rises to a high peak in "
            "the middle, the curve from A to its shuffled copy rises to a smaller peak and "
            "returns to exactly its starting value. Right: a shaded map of log loss over a "
            "plane, with three low-loss basins at A, B and P(A) separated by "
            "high-loss ridges.",
        size=(10.0, 4.2))
def loss_slices(seed, quick=False):
    X, y = moons(200, seed, noise=0.2)
    epochs = 30 if quick else 120
    A = train_moons_net(X, y, seed + 1, epochs)
    B = train_moons_net(X, y, seed + 2, epochs)
    rng = np.random.default_rng(seed + 3)
    P = permute_hidden(A, [rng.permutation(n) for n in LANDSCAPE_SIZES[1:-1]])
    a, b, p = flatten(A), flatten(B), flatten(P)

    def loss(theta):
        net = unflatten(theta, LANDSCAPE_SIZES)
        return mlp.loss_of(mlp.predict(net, X, LANDSCAPE_HIDDEN, "sigmoid"), y, "sigmoid")

    t = np.linspace(-0.2, 1.2, 29 if quick else 57)
    line_ab = np.array([loss(a + s * (b - a)) for s in t])
    line_ap = np.array([loss(a + s * (p - a)) for s in t])
    g = np.linspace(-0.3, 1.3, 15 if quick else 41)
    plane = np.array([[loss(a + u * (b - a) + v * (p - a)) for u in g] for v in g])

    la, lb, lp = loss(a), loss(b), loss(p)
    mid_ab, mid_ap = loss((a + b) / 2), loss((a + p) / 2)
    same_fn = np.max(np.abs(mlp.predict(A, X, LANDSCAPE_HIDDEN, "sigmoid")
                            - mlp.predict(P, X, LANDSCAPE_HIDDEN, "sigmoid")))
    widths = LANDSCAPE_SIZES[1:-1]
    numbers = {
        "loss_a": la, "loss_b": lb, "loss_perm": lp,
        "perm_output_diff": float(same_fn),
        "mid_loss_ab": mid_ab, "mid_loss_perm": mid_ap,
        "max_loss_ab": float(line_ab[(t >= 0) & (t <= 1)].max()),
        "max_loss_perm": float(line_ap[(t >= 0) & (t <= 1)].max()),
        "chance_loss": math.log(2),
        # How many weight vectors compute the same function as A (relabellings only).
        "n_permutations": float(math.prod(math.factorial(n) for n in widths)),
        "landscape_width": widths[0],
    }

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
        left.plot(t, line_ab, color=theme.colors[0], label="A → B (another seed)")
        left.plot(t, line_ap, color=theme.colors[1], label="A → P(A) (units shuffled)")
        left.axhline(math.log(2), color=theme.muted, linestyle=":", linewidth=1.2)
        left.text(-0.18, math.log(2), "constant guess (ln 2)", ha="left", va="bottom",
                  fontsize=8, color=theme.fg)
        left.set(xlabel="position along the line (0 = A, 1 = end point)",
                 ylabel="training loss (cross-entropy)", title="straight lines",
                 ylim=(0, None))
        left.legend(loc="upper left", fontsize=8)
        levels = np.linspace(np.log10(plane.min()), np.log10(plane.max()), 16)
        cs = right.contourf(g, g, np.log10(plane), levels=levels, cmap=loss_cmap(theme))
        cs.set_rasterized(True)
        right.contour(g, g, np.log10(plane), levels=levels[::3], colors=[theme.muted],
                      linewidths=0.6)
        ticks = [v for v in (0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
                 if levels[0] <= np.log10(v) <= levels[-1]]
        bar = fig.colorbar(cs, ax=right, label="training loss (log scale)",
                           ticks=np.log10(ticks))
        bar.ax.set_yticklabels([f"{v:g}" for v in ticks])
        for (u, v), name in (((0, 0), "A"), ((1, 0), "B"), ((0, 1), "P(A)")):
            right.plot(u, v, "o", color=theme.colors[1], markersize=6)
            right.annotate(name, (u, v), xytext=(6, 6), textcoords="offset points",
                           color=theme.fg, fontsize=10)
        right.set(xlabel="towards B", ylabel="towards P(A)", title="plane through A, B, P(A)",
                  aspect="equal")
        right.grid(False)

    return draw, numbers


# --------------------------------------------------------------------------
# 2. Saddle points and plateaus
# --------------------------------------------------------------------------

def saddle_f(x, y):
    """x² + (y² − 1)²/4: a saddle at the origin (value 1/4), minima at (0, ±1)."""
    return x ** 2 + (y ** 2 - 1) ** 2 / 4


def saddle_grad(x, y):
    return np.array([2 * x, y * (y ** 2 - 1)])


SADDLE_LR, SADDLE_START = 0.1, (1.5, 1e-4)


def saddle_escape_steps(y0, lr, f_level=1 / 8):
    """Steps until f falls to f_level, from the continuous-time flow along y.

    Near the x-axis, x has long decayed and dy/dt = lr·y(1 − y²), whose
    solution is y² = 1 / (1 + (1/y0² − 1) e^(−2 lr t)). f = (y² − 1)²/4 reaches
    f_level when y² = 1 − 2√f_level.
    """
    y2 = 1 - 2 * math.sqrt(f_level)
    return math.log((1 / y0 ** 2 - 1) / (1 / y2 - 1)) / (2 * lr)


@figure("saddle-point",
        caption="Gradient descent on f(x, y) = x² + (y² − 1)²/4, started close to the "
                "line that leads into the saddle point at the origin. The path runs into "
                "the saddle, sits there while the gradient is tiny, then slides off to a "
                "minimum.",
        alt="Three panels. Left: contour lines of f with a saddle at the centre and "
            "minima above and below; the gradient-descent path comes in from the right "
            "along the horizontal axis, stops near the centre and then turns up to the "
            "minimum at (0, 1). Middle: f against step, dropping quickly to a flat "
            "plateau at 0.25, then falling to zero. Right: the gradient norm on a log "
            "scale, falling by several orders of magnitude into the plateau, rising "
            "during the escape and falling again at the minimum.",
        size=(10.0, 3.6))
def saddle_point(seed, quick=False):
    steps = 200
    path = [np.array(SADDLE_START)]
    for _ in range(steps):
        path.append(path[-1] - SADDLE_LR * saddle_grad(*path[-1]))
    path = np.array(path)
    f = saddle_f(path[:, 0], path[:, 1])
    gnorm = np.linalg.norm(saddle_grad(path[:, 0], path[:, 1]), axis=0)
    escape = int(np.argmax(f < 1 / 8))
    arrive = int(np.argmax(f < 0.25 * 1.05))           # first within 5% of the saddle value
    numbers = {
        "saddle_escape_step": escape,
        "saddle_escape_theory": saddle_escape_steps(SADDLE_START[1], SADDLE_LR),
        "saddle_escape_rough": math.log(1 / SADDLE_START[1]) / SADDLE_LR,
        "saddle_arrive_step": arrive,
        "saddle_min_grad": float(gnorm[:escape].min()),
        "saddle_peak_grad": float(gnorm[arrive:].max()),
        "saddle_lr": SADDLE_LR,
        "saddle_y0": SADDLE_START[1],
    }
    xs = np.linspace(-1.6, 1.6, 121 if not quick else 41)
    ys = np.linspace(-1.5, 1.5, 121 if not quick else 41)
    XX, YY = np.meshgrid(xs, ys)
    FF = saddle_f(XX, YY)

    def draw(fig, theme):
        ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.1, 1, 1])
        ax0.contour(XX, YY, FF, levels=[0.02, 0.1, 0.25, 0.5, 1, 1.5, 2.5], colors=[theme.muted],
                    linewidths=0.8)
        ax0.plot(path[:, 0], path[:, 1], "o-", color=theme.colors[0], markersize=2,
                 linewidth=1)
        ax0.plot([0], [0], "x", color=theme.colors[1], markersize=8, mew=2)
        ax0.annotate("saddle", (0, 0), xytext=(-8, -14), textcoords="offset points",
                     ha="right", color=theme.fg, fontsize=9)
        ax0.plot([0, 0], [-1, 1], "*", color=theme.colors[2], markersize=10)
        ax0.set(xlabel="x", ylabel="y", title="path of gradient descent", aspect="equal")
        ax0.grid(False)
        ax1.plot(f, color=theme.colors[0])
        ax1.axhline(0.25, color=theme.muted, linestyle=":", linewidth=1)
        ax1.set(xlabel="step", ylabel="f", title="loss: plateau, then drop")
        ax2.semilogy(gnorm, color=theme.colors[1])
        ax2.set(xlabel="step", ylabel="‖∇f‖", title="gradient norm")
        for ax in (ax1, ax2):
            ax.axvspan(arrive, escape, color=theme.muted, alpha=0.3, linewidth=0)
        ax1.text((arrive + escape) / 2, 0.32, "near the saddle", ha="center", va="bottom",
                 fontsize=8, color=theme.fg)

    return draw, numbers


PLATEAU_SCALES = (1e-2, 1e-4, 1e-6)
PLATEAU_LR = 0.05
PLATEAU_BAND = 0.1           # on the plateau while the loss is within this fraction of its start
DROP_TO = 0.1                # the drop ends when the loss falls below this fraction of its start


def plateau_task(seed, n=100, d=4):
    """Centred targets from a two-unit tanh 'teacher' with a strong and a weak unit."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    U = np.linalg.qr(rng.normal(size=(d, d)))[0]
    y = 2.0 * np.tanh(X @ U[:, :1]) + 0.5 * np.tanh(X @ U[:, 1:2])
    return X, y - y.mean()


def plateau_delay_per_decade(X, y, lr):
    """Extra steps of plateau per factor 10 smaller initial weights (linearised theory).

    Near zero weights (tanh ≈ identity, zero biases, centred y) gradient descent on a
    one-hidden-layer network is the linear map W1 += lr·s·W2ᵀ, W2 += lr·s·W1 along
    the input-output correlation s = ‖Xᵀy/n‖; its growing mode is multiplied by
    (1 + lr·s) per step. The loss moves once the product W1·W2 ~ 1, which starts
    at scale², so each factor 10 in scale costs ln(100) / (2 ln(1 + lr·s)) steps.
    """
    s = np.linalg.norm(X.T @ y / len(X))
    return math.log(10) / math.log(1 + lr * s)


@figure("plateau-network",
        caption="A 4-8-1 tanh network trained by full-batch gradient descent from "
                "weights drawn with three small standard deviations. Zero weights are a "
                "saddle point: the loss sits on a plateau while the gradient grows from "
                "almost nothing, then drops fast. Ten times smaller weights add a fixed "
                "number of steps to the plateau.",
        alt="Two panels sharing a horizontal axis of training steps. Left: three loss "
            "curves, each flat at the same high value for a while and then falling "
            "steeply; the smaller the initial weights, the later the fall, at evenly "
            "spaced steps. Right: the gradient norm on a log scale for the same three "
            "runs, starting at values that differ by factors of one hundred, rising "
            "along parallel straight lines to the same peak at the drop.",
        size=(10.0, 3.8))
def plateau_network(seed, quick=False):
    X, y = plateau_task(seed)
    steps = 120 if quick else 400
    runs, numbers = {}, {}
    for scale in PLATEAU_SCALES:
        net = mlp.init([X.shape[1], 8, 1], np.random.default_rng(seed + 1), init="normal",
                       scale=scale)
        losses, gnorms = [], []
        for _ in range(steps):
            loss, grads, _ = mlp.loss_and_grads(net, X, y, "tanh", "linear")
            losses.append(loss)
            gnorms.append(math.sqrt(sum(float((dW ** 2).sum() + (db ** 2).sum())
                                        for dW, db in grads)))
            for layer, (dW, db) in zip(net, grads):
                layer[0] -= PLATEAU_LR * dW
                layer[1] -= PLATEAU_LR * db
        losses, gnorms = np.array(losses), np.array(gnorms)
        runs[scale] = losses, gnorms
        tag = f"{round(-math.log10(scale))}"
        start = int(np.argmax(losses < (1 - PLATEAU_BAND) * losses[0]))
        end = int(np.argmax(losses < DROP_TO * losses[0]))
        low = gnorms < 0.1 * gnorms.max()
        numbers[f"plateau_steps_{tag}"] = start                  # loss still within 10%
        numbers[f"drop_steps_{tag}"] = end - start               # from 90% to 10% of it
        numbers[f"low_grad_steps_{tag}"] = int(np.argmin(low))   # first step with a large gradient
        numbers[f"grad_at_start_{tag}"] = float(gnorms[0])
        numbers[f"grad_peak_{tag}"] = float(gnorms.max())
    first, last = max(PLATEAU_SCALES), min(PLATEAU_SCALES)
    numbers["plateau_delay_per_decade"] = (
        (numbers[f"plateau_steps_{round(-math.log10(last))}"]
         - numbers[f"plateau_steps_{round(-math.log10(first))}"]) / math.log10(first / last))
    numbers["plateau_delay_theory"] = plateau_delay_per_decade(X, y, PLATEAU_LR)
    numbers["plateau_initial_loss"] = float(runs[first][0][0])
    numbers["plateau_band"] = PLATEAU_BAND

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, sharex=True)
        for i, scale in enumerate(PLATEAU_SCALES):
            losses, gnorms = runs[scale]
            label = f"initial std 1e{round(math.log10(scale))}"
            left.plot(losses, color=theme.colors[i], label=label)
            right.semilogy(gnorms, color=theme.colors[i], label=label)
        left.set(xlabel="step (full batch)", ylabel="training loss (squared error)",
                 title="loss")
        right.set(xlabel="step (full batch)", ylabel="‖gradient‖ (all weights)",
                  title="gradient norm")
        left.legend(loc="center right", fontsize=8)

    return draw, numbers


# --------------------------------------------------------------------------
# 3. Vanishing and exploding signals with depth and initialisation
# --------------------------------------------------------------------------

DEPTH, WIDTH = 20, 64            # hidden layers, units per layer (and input dimension)
INITS = {                        # label -> (mlp.init scheme, scale, key in the numbers)
    "naive, std 0.01": ("normal", 0.01, "small"),
    "naive, std 1": ("normal", 1.0, "large"),
    "Glorot": ("xavier", None, "glorot"),
    "He": ("he", None, "he"),
}
DEEP_CASES = (("tanh", ("naive, std 0.01", "naive, std 1", "Glorot")),
              ("relu", ("naive, std 0.01", "naive, std 1", "He")))

# A dense grid rather than Gauss–Hermite nodes: for a large variance, tanh'(z)²
# is a narrow bump at z = 0 that a few dozen nodes step over, and ReLU has a kink there.
_U = np.linspace(-10, 10, 20000)          # even: no node exactly at the kink
_PDF = np.exp(-_U ** 2 / 2)
_PDF /= _PDF.sum()


def gauss_mean(fn, var):
    """E[fn(z)] for z ~ N(0, var), summed on a dense grid of standard-normal quantiles."""
    return float(np.sum(_PDF * fn(math.sqrt(var) * _U)))


def weight_var(init, scale, fan_in, fan_out):
    if init == "he":
        return 2.0 / fan_in
    if init == "xavier":
        return 2.0 / (fan_in + fan_out)
    return (0.01 if scale is None else scale) ** 2


def mean_field(hidden, init, scale, sizes, input_var=1.0):
    """Predicted std of every hidden pre-activation z_l, and ‖∂L/∂z_l‖ / ‖∂L/∂z_last‖.

    Forward:  Var(z_l) = n_{l-1} Var(W_l) E[f(z_{l-1})²]   (with f(z_0) = x).
    Backward: E‖∂L/∂z_{l-1}‖² = n_{l-1} Var(W_l) E[f'(z_{l-1})²] E‖∂L/∂z_l‖².
    Both assume wide layers and weights independent of the signals (true at init).
    """
    f, df = ACTIVATIONS[hidden]
    n_hidden = len(sizes) - 2
    q = [sizes[0] * weight_var(init, scale, sizes[0], sizes[1]) * input_var]
    for l in range(1, n_hidden):
        q.append(sizes[l] * weight_var(init, scale, sizes[l], sizes[l + 1])
                 * gauss_mean(lambda z: f(z) ** 2, q[-1]))
    # chi[l]: factor by which the squared gradient norm grows from hidden layer l+1 to l
    chi = [sizes[l + 1] * weight_var(init, scale, sizes[l + 1], sizes[l + 2])
           * gauss_mean(lambda z: df(z) ** 2, q[l]) for l in range(n_hidden - 1)]
    ratio = np.sqrt(np.append(np.cumprod(np.array(chi)[::-1])[::-1], 1.0))
    return np.sqrt(q), ratio


def layer_signals(net, X, y, hidden):
    """Per hidden layer: std of z_l, rms ‖∂L/∂z_l‖ per sample, and ‖∂L/∂W_l‖ on the batch.

    For a loss on one sample the bias gradient of a layer *is* ∂L/∂z_l, so the
    backpropagated signal is read from mlp.loss_and_grads one sample at a time.
    """
    zs, _ = mlp.forward(net, X, hidden, "linear")
    z_std = np.array([z.std() for z in zs[:-1]])
    per_sample = np.array([[np.sum(db ** 2) for _, db in
                            mlp.loss_and_grads(net, X[i:i + 1], y[i:i + 1], hidden, "linear")[1]]
                           for i in range(len(X))])
    dz = np.sqrt(per_sample.mean(axis=0))[:-1]
    _, grads, _ = mlp.loss_and_grads(net, X, y, hidden, "linear")
    dW = np.array([np.linalg.norm(g[0]) for g in grads])[:-1]
    return z_std, dz, dW


@figure("depth-and-init",
        caption="A 20-hidden-layer, 64-unit network at initialisation, tanh (top) and "
                "ReLU (bottom), with naive weights (std 0.01 or 1) against Glorot and He "
                "initialisation. Left: size of the pre-activations per layer. Middle: the "
                "backpropagated gradient ∂L/∂z per layer, relative to the last hidden "
                "layer. Right: the gradient on each weight matrix. Markers: measured "
                "(median of 4 networks); thin lines (left, middle): mean-field prediction. "
                "See that naive scales lose or blow up the signal by many orders of "
                "magnitude in both directions, that Glorot and He keep it within one "
                "order over twenty layers, and that the prediction matches the markers.",
        alt="A grid of six log-scale plots, hidden layer 1 to 20 on every horizontal "
            "axis, tanh on top and ReLU below. Left column: with naive standard deviation "
            "0.01 the pre-activation size falls by over twenty orders of magnitude from "
            "layer 1 to layer 20; with standard deviation 1 it stays saturated near 8 "
            "(tanh) or grows by about fourteen orders of magnitude (ReLU); He stays "
            "between 1 and 2, while tanh with Glorot drifts down by less than one order of "
            "magnitude, from 1 to below 0.2. Middle column: the backpropagated gradient relative to layer 20 "
            "shrinks towards the input for standard deviation 0.01 and grows towards the "
            "input for standard deviation 1, by many orders of magnitude; He stays "
            "near 1 and tanh with Glorot shrinks gently to between a tenth and a half at "
            "layer 1; thin prediction lines pass through the markers. Right "
            "column: the ReLU weight gradients are level across layers for every "
            "initialisation but at very different heights; tanh with standard deviation "
            "1 grows towards the input.",
        size=(10.0, 6.2),
        # PNG: as SVG this figure has >1,300 elements, which the browser draws on the
        # page's main thread (Lighthouse blocking time on phones); pixels decode off it.
        format="png")
def depth_and_init(seed, quick=False):
    rng = np.random.default_rng(seed)
    n, repeats = (16, 2) if quick else (48, 4)
    depth = 8 if quick else DEPTH
    sizes = [WIDTH] + [WIDTH] * depth + [1]
    X = rng.normal(size=(n, WIDTH))
    y = rng.normal(size=(n, 1))
    results, numbers = {}, {}
    for hidden, labels in DEEP_CASES:
        for label in labels:
            init, scale, tag = INITS[label]
            runs = [layer_signals(mlp.init(sizes, rng, init=init, scale=scale), X, y, hidden)
                    for _ in range(repeats)]
            z_std, dz, dW = (np.median([r[k] for r in runs], axis=0) for k in range(3))
            dz = dz / dz[-1]
            theory_std, theory_dz = mean_field(hidden, init, scale, sizes)
            results[hidden, label] = z_std, dz, dW, theory_std, theory_dz
            key = f"{hidden}_{tag}"
            numbers[f"{key}_grad_ratio"] = float(dz[0])           # first / last hidden layer
            numbers[f"{key}_grad_ratio_theory"] = float(theory_dz[0])
            numbers[f"{key}_std_first"] = float(z_std[0])
            numbers[f"{key}_std_last"] = float(z_std[-1])
            numbers[f"{key}_std_last_theory"] = float(theory_std[-1])
            numbers[f"{key}_wgrad_ratio"] = float(dW[0] / dW[-1])
            numbers[f"{key}_wgrad_max"] = float(dW.max())
            # Predicted change of ‖∂L/∂z‖ per layer, going back (geometric mean).
            numbers[f"{key}_layer_factor"] = float(theory_dz[0] ** (1 / (depth - 1)))
    numbers["deep_depth"] = depth
    numbers["deep_width"] = WIDTH
    layers = np.arange(1, depth + 1)

    def draw(fig, theme):
        axes = fig.subplots(2, 3, sharex=True)
        for row, (hidden, labels) in enumerate(DEEP_CASES):
            for i, label in enumerate(labels):
                z_std, dz, dW, theory_std, theory_dz = results[hidden, label]
                c = theme.colors[i]
                axes[row, 0].semilogy(layers, z_std, "o", color=c, markersize=3.5, label=label)
                axes[row, 0].semilogy(layers, theory_std, "-", color=c, linewidth=0.9)
                axes[row, 1].semilogy(layers, dz, "o", color=c, markersize=3.5)
                axes[row, 1].semilogy(layers, theory_dz, "-", color=c, linewidth=0.9)
                axes[row, 2].semilogy(layers, dW, "o", color=c, markersize=3.5)
            name = "tanh" if hidden == "tanh" else "ReLU"
            axes[row, 0].set_ylabel(f"{name}\n" + r"std of $z_\ell$")
            axes[row, 1].set_ylabel(r"$\|\partial L/\partial z_\ell\|$ / last layer")
            axes[row, 2].set_ylabel(r"$\|\partial L/\partial W_\ell\|$")
            axes[row, 0].legend(loc="lower left", fontsize=7.5)
        from matplotlib.ticker import LogLocator, NullLocator

        for ax in axes.ravel():            # a few labelled decades per axis keep them legible
            ax.yaxis.set_major_locator(LogLocator(numticks=5))
            ax.yaxis.set_minor_locator(NullLocator())
        axes[0, 0].set_title("forward: activations")
        axes[0, 1].set_title("backward: gradient signal")
        axes[0, 2].set_title("weight gradients")
        for ax in axes[1]:
            ax.set_xlabel(r"hidden layer $\ell$ (1 = input side)")
            ax.set_xticks(sorted({1, depth // 4, depth // 2, 3 * depth // 4, depth}))

    return draw, numbers


# --------------------------------------------------------------------------
# 4. The same network, several seeds and learning rates
# --------------------------------------------------------------------------

RATES = tuple(float(r) for r in np.geomspace(1e-3, 1.0, 6))
N_SEEDS, SWEEP_EPOCHS = 8, 25
SWEEP_SIZES = [2, 16, 16, 1]


@figure("seeds-and-rates",
        caption="A 2-16-16-1 ReLU network (He initialisation, SGD with momentum 0.9, "
                "batches of 32, 25 epochs) trained on the same two-moons data with six "
                "learning rates and eight seeds each; the seed sets the initial weights "
                "and the order of the batches. See that the best rate sits in the "
                "middle, and that at the largest rate the seed decides whether a run "
                "trains or dies at the constant-guess loss.",
        alt="Two panels. Left: final training loss against learning rate on log axes, "
            "eight dots per rate and a line through their means; the mean falls from the "
            "smallest rate to a minimum at an intermediate rate, then rises sharply at "
            "the largest rate, where the dots are scattered widely. Right: training loss "
            "per epoch for every seed at three rates: the smallest rate decreases "
            "slowly, the best rate quickly, the largest rate jumps around and several "
            "runs end flat at the loss of a constant guess.",
        size=(10.0, 4.0))
def seeds_and_rates(seed, quick=False):
    X, y = moons(256, seed, noise=0.25)
    rates = RATES[::2] + RATES[-1:] if quick else RATES
    seeds = 2 if quick else N_SEEDS
    epochs = 5 if quick else SWEEP_EPOCHS
    final = np.zeros((len(rates), seeds))
    curves = np.zeros((len(rates), seeds, epochs + 1))
    dead = np.zeros((len(rates), seeds), dtype=bool)
    for i, lr in enumerate(rates):
        for k in range(seeds):
            rng = np.random.default_rng(1000 * seed + k)
            net = mlp.init(SWEEP_SIZES, rng, init="he")
            curves[i, k, 0] = mlp.loss_and_grads(net, X, y, "relu", "sigmoid")[0]
            velocity = None
            for e in range(epochs):
                velocity = mlp.sgd_epoch(net, X, y, lr, rng, batch_size=32, hidden="relu",
                                         output="sigmoid", momentum=0.9, velocity=velocity)
                curves[i, k, e + 1] = mlp.loss_and_grads(net, X, y, "relu", "sigmoid")[0]
            final[i, k] = curves[i, k, -1]
            # A layer whose units are all zero on every training input: the network is constant.
            _, acts = mlp.forward(net, X, "relu", "sigmoid")
            dead[i, k] = any(not a.any() for a in acts[1:-1])
    mean = final.mean(axis=1)
    best = int(np.argmin(mean))
    numbers = {
        "best_rate": rates[best], "best_rate_index": best,
        "smallest_rate": rates[0], "largest_rate": rates[-1],
        "mean_loss_best": float(mean[best]),
        "mean_loss_smallest": float(mean[0]), "mean_loss_largest": float(mean[-1]),
        "best_rate_seed_min": float(final[best].min()),
        "best_rate_seed_max": float(final[best].max()),
        "largest_rate_seed_min": float(final[-1].min()),
        "largest_rate_seed_max": float(final[-1].max()),
        "dead_runs_largest": int(dead[-1].sum()),
        "dead_runs_best": int(dead[best].sum()),
        "n_seeds": seeds, "n_rates": len(rates), "sweep_epochs": epochs,
    }
    for i in range(len(rates)):
        numbers[f"spread_rate_{i}"] = float(final[i].max() - final[i].min())
        numbers[f"mean_loss_rate_{i}"] = float(mean[i])

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        jitter = np.linspace(-0.06, 0.06, seeds)
        for i, lr in enumerate(rates):
            left.scatter(lr * 10 ** jitter, final[i], s=14, color=theme.colors[0],
                         edgecolors="none", alpha=0.8, label="one seed" if i == 0 else None)
        left.plot(rates, mean, "-", color=theme.colors[1], label="mean over seeds")
        left.axhline(math.log(2), color=theme.muted, linestyle=":", linewidth=1.2)
        left.text(rates[0], math.log(2) * 1.05, "constant guess (ln 2)", fontsize=8,
                  color=theme.fg, va="bottom")
        left.set(xscale="log", yscale="log", xlabel="learning rate",
                 ylabel=f"training loss after {epochs} epochs", title="final loss")
        plain_log_ticks(left.yaxis)
        left.legend(loc="lower left", fontsize=8)
        shown = (0, best, len(rates) - 1)
        for j, i in enumerate(shown):
            for k in range(seeds):
                right.plot(curves[i, k], color=theme.colors[j], linewidth=1, alpha=0.8,
                           label=f"rate {rates[i]:.3g}" if k == 0 else None)
        right.set(yscale="log", xlabel="epoch", ylabel="training loss",
                  title="every seed, three rates")
        plain_log_ticks(right.yaxis)
        right.legend(loc="lower left", fontsize=8)

    return draw, numbers
