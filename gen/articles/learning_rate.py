"""Figures for docs/articles/learning-rate.md.

Everything shown is computed here. The network figures train a small tanh MLP
(10 -> 32 -> 32 -> 1, squared error) on Friedman's #1 regression problem with
mini-batch SGD or Adam. To compare learning rates fairly, the runs of one
figure are trained side by side as a stack of networks: every run starts from
the same weights and sees the same mini-batches, only its learning rate (or
schedule) differs. The forward and backward pass of that stack is written out
below and checked against gen.lib.mlp in tests/test_learning_rate.py.
"""
from __future__ import annotations

import numpy as np

from gen.figure import figure

SIZES = (10, 32, 32, 1)     # inputs, two tanh hidden layers, one linear output
N_SAMPLES = 512
NOISE = 1.0                 # std of the label noise in make_friedman1 (before scaling)
BATCH = 32
EPOCHS = 50
DTYPE = np.float32          # float32 is what networks are trained in, and 4x faster here

# The four rates of the first figure (plain SGD, batch 32).
RATES = (("too small", 0.01), ("about right", 0.2), ("too large", 0.7), ("divergent", 1.5))
KEYS = ("small", "good", "large", "diverge")


# --------------------------------------------------------------------------- data

def make_data(seed, quick=False):
    """Friedman #1: y = 10 sin(pi x1 x2) + 20 (x3 - 1/2)^2 + 10 x4 + 5 x5 + noise.

    Ten uniform inputs (five of them irrelevant); inputs and target are
    standardised so that the learning rates are on a familiar scale.
    """
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=128 if quick else N_SAMPLES, noise=NOISE,
                          random_state=seed)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (y - y.mean()) / y.std()
    return X.astype(DTYPE), y[:, None].astype(DTYPE)


# ------------------------------------------------------- a stack of R small MLPs

def init_stack(R, rng, sizes=SIZES, same=True):
    """Glorot-normal weights for R networks: [(W (R, fan_in, fan_out), b (R, 1, fan_out))].

    same=True gives all R networks the same initial weights (one draw, repeated).
    """
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        std = np.sqrt(2.0 / (fan_in + fan_out))
        shape = (1 if same else R, fan_in, fan_out)
        W = np.repeat(rng.normal(0.0, std, shape), R // shape[0], axis=0)
        params.append([W.astype(DTYPE), np.zeros((R, 1, fan_out), DTYPE)])
    return params


def forward(params, X):
    """Activations of every layer; X is (B, d), shared by the stack; output (R, B, 1)."""
    acts = [X]
    for i, (W, b) in enumerate(params):
        z = acts[-1] @ W + b
        acts.append(np.tanh(z) if i < len(params) - 1 else z)
    return acts


def losses(params, X, y):
    """Mean squared-error loss (with the usual 1/2) of each of the R networks."""
    p = forward(params, X)[-1]
    return 0.5 * np.mean(np.sum((p - y) ** 2, axis=-1), axis=-1)


def loss_and_grads(params, X, y):
    """Loss (R,) and [dW, db] per layer for the whole stack, by backpropagation."""
    acts = forward(params, X)
    diff = acts[-1] - y
    loss = 0.5 * np.mean(np.sum(diff ** 2, axis=-1), axis=-1)
    delta = diff / len(X)
    grads = [None] * len(params)
    for i in range(len(params) - 1, -1, -1):
        grads[i] = [np.swapaxes(acts[i], -1, -2) @ delta, delta.sum(axis=-2, keepdims=True)]
        if i:
            delta = (delta @ np.swapaxes(params[i][0], -1, -2)) * (1 - acts[i] ** 2)
    return loss, grads


class Adam:
    """Adam (Kingma & Ba) with bias correction; one learning rate per network of the stack."""

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8):
        self.b1, self.b2, self.eps, self.t = beta1, beta2, eps, 0
        self.m = [[np.zeros_like(p) for p in layer] for layer in params]
        self.v = [[np.zeros_like(p) for p in layer] for layer in params]

    def step(self, params, grads, lr):
        """Update params in place; lr has shape (R,)."""
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        rate = lr[:, None, None]
        for layer, grad, m, v in zip(params, grads, self.m, self.v):
            for k in range(2):
                m[k] = self.b1 * m[k] + (1 - self.b1) * grad[k]
                v[k] = self.b2 * v[k] + (1 - self.b2) * grad[k] ** 2
                layer[k] -= rate * (m[k] / c1) / (np.sqrt(v[k] / c2) + self.eps)


def train(params, X, y, lr, rng, *, epochs, batch=BATCH, adam=False, record_every=None,
          dense_until=0):
    """Mini-batch training of a stack; lr is an array (steps, R) of per-step rates.

    The full-training-set loss is recorded at step 0 and then every
    `record_every` steps (default: once an epoch), and at every step up to
    `dense_until`. Returns (the recorded steps, the losses there (n, R) with NaN
    once a run has diverged, and for each run the step at which its loss first
    stopped being a finite number, or -1 if it never did). A diverged run is
    frozen (rate 0, weights zeroed) so that it costs nothing further.
    """
    n = len(X)
    per_epoch = n // batch
    steps = epochs * per_epoch
    lr = np.broadcast_to(np.asarray(lr, DTYPE), (steps, np.shape(lr)[-1]))
    R = lr.shape[1]
    record_every = record_every or per_epoch
    opt = Adam(params) if adam else None
    dead = np.zeros(R, bool)
    died = np.full(R, -1)
    at, record = [0], [losses(params, X, y)]
    with np.errstate(over="ignore", invalid="ignore"):
        t = 0
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, per_epoch * batch, batch):
                idx = order[start:start + batch]
                loss, grads = loss_and_grads(params, X[idx], y[idx])
                rate = np.where(dead, DTYPE(0), lr[t])
                if adam:
                    opt.step(params, grads, rate)
                else:
                    for layer, grad in zip(params, grads):
                        for k in range(2):
                            layer[k] -= rate[:, None, None] * grad[k]
                t += 1
                bad = ~dead & ~np.isfinite(loss)
                if t % record_every == 0 or t <= dense_until:
                    full = losses(params, X, y)
                    bad |= ~dead & ~np.isfinite(full)
                    at.append(t)
                    record.append(np.where(dead | bad, np.nan, full))
                if bad.any():
                    died[bad] = t
                    dead |= bad
                    for layer in params:
                        for p in layer:
                            p[bad] = 0
    return np.array(at), np.array(record, dtype=float), died


def end_loss(record):
    """The end loss every figure here reports: the full-training-set loss after
    the last step (NaN for a run that diverged)."""
    return record[-1]


def steps_per_epoch(X, batch=BATCH):
    return len(X) // batch


# ------------------------------------------------------------------ schedules

def constant(peak, T):
    return np.full(T, float(peak))


def step_decay(peak, T, drops=(0.5, 0.75), factor=0.1):
    """Multiply the rate by `factor` at each fraction of training in `drops`."""
    t = np.arange(T)
    return peak * factor ** sum((t >= int(f * T)).astype(int) for f in drops)


def cosine(peak, T, floor=0.0):
    """Cosine annealing from `peak` at step 0 to `floor` at step T (Loshchilov & Hutter)."""
    t = np.arange(T)
    return floor + 0.5 * (peak - floor) * (1 + np.cos(np.pi * t / T))


def warmup_cosine(peak, T, warmup=0.1):
    """Linear warm-up over the first `warmup` fraction of steps, then cosine annealing."""
    W = max(1, int(warmup * T))
    t = np.arange(T)
    rise = peak * (t + 1) / W
    fall = 0.5 * peak * (1 + np.cos(np.pi * (t - W) / (T - W)))
    return np.where(t < W, rise, fall)


def range_test_rates(lo, hi, steps):
    """The exponentially increasing rates of a learning-rate range test."""
    return lo * (hi / lo) ** (np.arange(steps) / (steps - 1))


def ema(values, beta):
    """Bias-corrected exponential moving average (as in Adam's first moment)."""
    out, avg = np.empty(len(values)), 0.0
    for i, v in enumerate(values):
        avg = beta * avg + (1 - beta) * v
        out[i] = avg / (1 - beta ** (i + 1))
    return out


# ------------------------------------------------------------- the quadratic

LAMBDAS = (0.5, 5.0)        # eigenvalues of the Hessian: condition number 10
ANGLE = np.deg2rad(30)      # the valley is rotated so that it is not axis-aligned
THETA0 = np.array([-3.6, 2.4])


def hessian(lambdas=LAMBDAS, angle=ANGLE):
    c, s = np.cos(angle), np.sin(angle)
    Q = np.array([[c, -s], [s, c]])
    return Q @ np.diag(lambdas) @ Q.T


def gd_path(H, theta0, lr, steps):
    """Plain gradient descent on L(θ) = ½ θᵀHθ (gradient Hθ): the iterates, (steps+1, 2)."""
    path = [np.asarray(theta0, float)]
    for _ in range(steps):
        path.append(path[-1] - lr * H @ path[-1])
    return np.array(path)


def contraction(lr, lambdas=LAMBDAS):
    """Worst per-step factor max_i |1 - η λ_i| by which GD shrinks the error."""
    return np.max(np.abs(1 - np.multiply.outer(np.atleast_1d(lr), lambdas)), axis=-1)


# -------------------------------------------------------------------- figures

def rate_label(eta):
    return f"η = {eta:g}"


@figure("loss-curves",
        caption="The same network trained on the same data from the same starting "
                "weights with four constant learning rates (plain mini-batch SGD, "
                "batch 32). Training loss on a log scale, measured every four steps "
                "(every step in the first two epochs). "
                "Left: 50 epochs; right: the first two epochs, where the divergent "
                "run leaves the chart. See that the middle rate ends lowest, that too "
                "small a rate stalls, that too large a rate overshoots at once and stays "
                "noisy, and that the divergent one grows exponentially.",
        alt="Two line charts of training loss (log scale). Left, against epochs 0 to "
            "50: the smallest rate stalls on a plateau well above the others; the "
            "'about right' rate falls steadily to the lowest loss; the 'too large' "
            "rate jumps up in the first epoch, then falls, jitters and ends higher; "
            "the divergent rate shoots "
            "off the top of the chart within the first epoch, marked with a cross. "
            "Right, the first 32 steps on a log axis reaching far higher: the "
            "divergent loss climbs in a straight line, i.e. grows exponentially.",
        size=(10.0, 4.0))
def loss_curves(seed, quick=False):
    from matplotlib.ticker import LogLocator

    X, y = make_data(seed, quick)
    rng = np.random.default_rng(seed)
    etas = np.array([eta for _, eta in RATES])
    params = init_stack(len(etas), rng)
    epochs = 5 if quick else EPOCHS
    spe = steps_per_epoch(X)
    zoom = 2 * spe
    at, record, died = train(params, X, y, etas[None, :], rng, epochs=epochs,
                             record_every=4, dense_until=zoom)
    start = float(record[0, 0])
    end = end_loss(record)
    numbers = {"start_loss": start, "epochs": epochs, "batch": BATCH}
    for i, (key, (_, eta)) in enumerate(zip(KEYS, RATES)):
        numbers[f"lr_{key}"] = eta
        if key != "diverge":
            numbers[f"final_{key}"] = float(end[i])
            numbers[f"diverged_{key}"] = int(died[i] > 0)
    # The too-large rate overshoots at once: its highest loss in the first epoch.
    numbers["large_peak_epoch1"] = float(np.nanmax(record[at <= spe, 2]))
    numbers["small_loss_epoch10"] = float(record[at == min(10 * spe, at[-1]), 0][0])
    div = record[:, 3]
    finite = np.isfinite(div)
    over = np.nonzero(finite & (div > 100 * start))[0]
    numbers["diverge_step_100x"] = int(at[over[0]]) if len(over) else -1
    numbers["diverge_overflow_step"] = int(died[3])
    numbers["diverge_overflow_epoch"] = int(np.ceil(died[3] / spe)) if died[3] > 0 else -1
    numbers["diverge_max_finite"] = float(np.nanmax(div))
    # How fast it runs away: median ratio of successive per-step losses in the zoom window.
    dense = div[:zoom + 1][np.isfinite(div[:zoom + 1])]
    numbers["diverge_growth_per_step"] = float(np.median(dense[1:] / dense[:-1]))
    top = 10.0

    def draw(fig, theme):
        left, right = fig.subplots(1, 2, width_ratios=(1.6, 1))
        for i, (label, eta) in enumerate(RATES):
            col = record[:, i]
            ok = np.isfinite(col)
            kw = dict(color=theme.colors[i], linewidth=1.0 if i == 2 else 1.6,
                      label=f"{label} ({rate_label(eta)})")
            left.plot(at[ok] / spe, col[ok], **kw)
            z = ok & (at <= zoom)
            right.plot(at[z], col[z], **kw)
        # Mark where the divergent run leaves the left chart.
        leave = np.nonzero(finite & (div > top))[0]
        if len(leave):
            x_leave = at[leave[0]] / spe
            left.plot([x_leave], [top], marker="x", markersize=9, mew=2,
                      color=theme.colors[3], clip_on=False, zorder=5)
            left.annotate(f"diverged: loss → ∞ at step {died[3]}",
                          (x_leave, top), xytext=(0.18 * epochs, 3.0),
                          color=theme.fg, fontsize=9, va="center",
                          arrowprops=dict(arrowstyle="->", color=theme.fg, lw=0.8))
        last = np.nonzero(finite & (at <= zoom))[0]
        if died[3] > 0 and len(last) and at[last[-1]] < zoom:
            xl, yl = at[last[-1]], div[last[-1]]
            right.plot([xl], [yl], marker="x", markersize=9, mew=2, color=theme.colors[3])
            right.annotate("next step: inf", (xl, yl), xytext=(6, -4),
                           textcoords="offset points", fontsize=9, color=theme.fg,
                           va="top")
        left.set(yscale="log", ylim=(0.01, top), xlim=(0, epochs), xlabel="epoch",
                 ylabel="training loss", title=f"{epochs} epochs")
        left.legend(loc="lower left", fontsize=8)
        right.set(yscale="log", xlim=(0, zoom), xlabel="step", title="first two epochs")
        right.yaxis.set_major_locator(LogLocator(numticks=6))

    return draw, numbers


PATH_FRACTIONS = (0.1, 0.5, 0.95, 1.05)     # rates as fractions of 2/λ_max
PATH_KEYS = ("small", "good", "zigzag", "diverge")
PATH_STEPS = 30


@figure("quadratic-paths",
        caption="Plain gradient descent on a quadratic bowl whose curvature is ten times "
                "larger across the valley than along it, from the same start (circle) "
                "with four learning rates given as fractions of 2/λmax. Thin lines are "
                "contours of the loss; the minimum is at the cross. See that a small rate "
                "crawls, that just below the edge the path zigzags but converges, and "
                "that just above it the zigzag grows without bound.",
        alt="Four contour plots of the same elongated, tilted elliptical bowl, each with "
            "a path of gradient-descent steps. At 0.1 of the critical rate the path "
            "creeps down the steep wall and is still far from the centre; at 0.5 it "
            "drops straight to the valley floor and walks along it towards the minimum; at "
            "0.95 it zigzags across the valley but still converges; at 1.05 the "
            "zigzag grows with every step and the path leaves the plot.",
        size=(10.0, 3.3))
def quadratic_paths(seed, quick=False):
    H = hessian()
    lam_min, lam_max = LAMBDAS
    crit = 2 / lam_max
    steps = 10 if quick else PATH_STEPS
    paths = {k: gd_path(H, THETA0, f * crit, steps) for k, f in zip(PATH_KEYS, PATH_FRACTIONS)}
    d0 = np.linalg.norm(THETA0)
    numbers = {"lam_min": lam_min, "lam_max": lam_max, "kappa": lam_max / lam_min,
               "lr_crit": crit, "path_steps": steps}
    for k, f in zip(PATH_KEYS, PATH_FRACTIONS):
        numbers[f"path_lr_{k}"] = f * crit
        numbers[f"path_frac_{k}"] = f
        numbers[f"path_dist_{k}"] = float(np.linalg.norm(paths[k][-1]) / d0)
    g = np.linspace(-4.6, 4.6, 61)
    xx, yy = np.meshgrid(g, g)
    pts = np.stack([xx, yy], axis=-1)
    zz = 0.5 * np.einsum("...i,ij,...j->...", pts, H, pts)
    levels = 0.5 * np.geomspace(0.02, 1.2, 7) * (THETA0 @ H @ THETA0)

    def draw(fig, theme):
        axes = fig.subplots(1, 4)
        for i, (ax, k, f) in enumerate(zip(axes, PATH_KEYS, PATH_FRACTIONS)):
            ax.contour(xx, yy, zz, levels=levels, colors=[theme.muted], linewidths=0.8)
            p = paths[k]
            ax.plot(p[:, 0], p[:, 1], color=theme.colors[i], marker="o", markersize=2.5,
                    linewidth=1.2)
            ax.plot(*THETA0, marker="o", markersize=7, color=theme.fg, mfc="none")
            ax.plot(0, 0, marker="+", markersize=10, mew=1.8, color=theme.fg)
            ax.set(xlim=(-4.6, 4.6), ylim=(-4.6, 4.6), aspect="equal", xticks=[], yticks=[],
                   title=f"η = {f:g} × 2/λmax\n= {f * crit:.2f}")
            ax.grid(False)
            ax.text(0.03, 0.03, f"after {steps} steps: {numbers[f'path_dist_{k}']:.2g}× start",
                    transform=ax.transAxes, fontsize=8, color=theme.fg)

    return draw, numbers


@figure("stability-threshold",
        caption="Distance from the minimum after 50 steps of gradient descent on the "
                "quadratic of the previous figure, relative to the starting distance, "
                "for 200 learning rates (dots). The line is the worst-case factor "
                "max|1 − ηλ| raised to the 50th power. Dashed: 2/λmax, the edge; "
                "dotted: the best rate 2/(λmin + λmax). See that the best rate sits close "
                "to the edge, and that just past the edge every run ends farther away than "
                "it started.",
        alt="Log-scale plot of final distance against learning rate. The distance falls "
            "steeply as the rate grows, reaches its lowest point at the dotted line, then "
            "rises sharply and crosses 1 (the starting distance) exactly at the dashed "
            "line 2/λmax; beyond it every rate ends farther away than it started.",
        size=(6.4, 3.8))
def stability_threshold(seed, quick=False):
    H = hessian()
    lam_min, lam_max = LAMBDAS
    crit, best = 2 / lam_max, 2 / (lam_min + lam_max)
    steps = 50
    etas = np.linspace(0.005, 1.25 * crit, 40 if quick else 200)
    d0 = np.linalg.norm(THETA0)
    dist = np.array([np.linalg.norm(gd_path(H, THETA0, e, steps)[-1]) / d0 for e in etas])
    bound = contraction(etas) ** steps
    conv = etas[dist < 1]
    numbers = {
        "thr_steps": steps, "lr_best": best,
        "rho_best": float(contraction(best)[0]),              # (κ-1)/(κ+1)
        "largest_converging_lr": float(conv.max()),
        "smallest_diverging_lr": float(etas[dist >= 1].min()),
        "all_below_crit_converge": int(np.all(dist[etas < crit] < 1)),
        "all_above_crit_diverge": int(np.all(dist[etas > crit] > 1)),
        "best_over_crit": best / crit,
    }

    def draw(fig, theme):
        ax = fig.subplots()
        ax.plot(etas, bound, color=theme.colors[6], linewidth=1.2,
                label="max|1 − ηλ|⁵⁰ (worst case)")
        ax.plot(etas, dist, "o", markersize=2.5, color=theme.colors[0],
                label="‖θ₅₀‖ / ‖θ₀‖ (measured)")
        ax.axvline(crit, color=theme.colors[1], linestyle="--", linewidth=1.3)
        ax.axvline(best, color=theme.colors[2], linestyle=":", linewidth=1.6)
        ax.axhline(1.0, color=theme.fg, linewidth=0.8)
        ax.text(crit, 1e-8, f" 2/λmax = {crit:.2f}", color=theme.colors[1], fontsize=9)
        ax.text(best, 1e3, f"2/(λmin+λmax) = {best:.3f} ", color=theme.colors[2],
                fontsize=9, ha="right")
        ax.set(yscale="log", ylim=(1e-10, 1e5), xlim=(0, etas[-1]),
               xlabel="learning rate η", ylabel="distance to minimum (× start)")
        ax.legend(loc="lower left", fontsize=8)

    return draw, numbers


RT_LO, RT_HI, RT_STEPS = 1e-4, 10.0, 300    # the range test: 300 mini-batches, 1e-4 -> 10
RT_BETA = 0.95                              # smoothing of the mini-batch loss
RT_RUNS = 3                                 # three initialisations


def range_test(params, X, y, rates, rng, batch=BATCH):
    """Train once while the rate grows through `rates`; mini-batch loss per step (NaN after overflow)."""
    n = len(X)
    R = params[0][0].shape[0]
    out = np.full((len(rates), R), np.nan)
    order, pos = rng.permutation(n), 0
    with np.errstate(over="ignore", invalid="ignore"):
        for t, eta in enumerate(rates):
            if pos + batch > n:
                order, pos = rng.permutation(n), 0
            idx = order[pos:pos + batch]
            pos += batch
            loss, grads = loss_and_grads(params, X[idx], y[idx])
            out[t] = loss
            if not np.all(np.isfinite(loss)):
                break
            for layer, grad in zip(params, grads):
                for k in range(2):
                    layer[k] -= DTYPE(eta) * grad[k]
    return out


@figure("range-test",
        caption="A learning-rate range test on the network of the first figure: one short "
                "run of 300 mini-batches in which the rate grows exponentially from 1e-4 "
                "to 10, repeated from three initialisations. Faint: the raw mini-batch "
                "loss; bold: its smoothed average over the three runs. Vertical ticks at "
                "the bottom mark the four constant rates of the first figure. See that the "
                "loss falls fastest a little below where it explodes, which is where the "
                "good constant rate lies, and that the divergent rate sits past the "
                "explosion.",
        alt="Line chart of loss against learning rate on log-log axes. The loss is flat "
            "for tiny rates, falls between about 0.003 and 0.1, is lowest around 0.3, "
            "then turns up and explodes past about 1.4. Markers show the rate "
            "of lowest loss, the blow-up point, and a suggested rate a factor of ten below "
            "the blow-up point.",
        size=(6.4, 4.0))
def range_test_figure(seed, quick=False):
    X, y = make_data(seed, quick)
    rng = np.random.default_rng(seed)
    steps = 60 if quick else RT_STEPS
    rates = range_test_rates(RT_LO, RT_HI, steps)
    raw = range_test(init_stack(RT_RUNS, rng, same=False), X, y, rates, rng)
    smooth = np.column_stack([ema(col, RT_BETA) for col in raw.T])
    mean = smooth.mean(axis=1)                  # NaN as soon as one run has overflowed
    ok = np.isfinite(mean)
    k_min = int(np.nanargmin(mean))
    above = np.nonzero(~ok | (mean > 4 * mean[k_min]))[0]
    above = above[above > k_min]
    k_blow = int(above[0]) if len(above) else len(rates) - 1
    numbers = {
        "rt_steps": steps, "rt_lo": RT_LO, "rt_hi": RT_HI,
        "rt_min_lr": float(rates[k_min]), "rt_min_loss": float(mean[k_min]),
        "rt_blowup_lr": float(rates[k_blow]),
        "rt_suggest_lr": float(rates[k_blow] / 10),
        "rt_min_over_10": float(rates[k_min] / 10),
        "rt_start_loss": float(mean[0]),
    }

    def draw(fig, theme):
        ax = fig.subplots()
        for j in range(raw.shape[1]):
            ax.plot(rates, raw[:, j], color=theme.colors[0], alpha=0.25, linewidth=0.8)
        ax.plot(rates[ok], mean[ok], color=theme.colors[0], linewidth=2.2,
                label="smoothed loss (mean of 3 runs)")
        ax.plot(rates[k_min], mean[k_min], "o", color=theme.colors[2], markersize=7,
                label=f"lowest loss: η = {rates[k_min]:.2g}")
        ax.axvline(rates[k_blow], color=theme.colors[1], linestyle="--", linewidth=1.3,
                   label=f"blows up (4× lowest): η = {rates[k_blow]:.2g}")
        ax.axvline(rates[k_blow] / 10, color=theme.colors[4], linewidth=1.6,
                   label=f"suggested (÷10): η = {rates[k_blow] / 10:.2g}")
        ymin = 0.4 * np.nanmin(raw)
        for i, (_, eta) in enumerate(RATES):
            ax.plot([eta, eta], [ymin, ymin * 1.6], color=theme.colors[i], linewidth=2.5)
        ax.text(1.2e-4, ymin * 1.15, "ticks: the four rates of the first figure →",
                fontsize=7.5, color=theme.fg)
        ax.set(xscale="log", yscale="log", ylim=(ymin, 5.0), xlim=(RT_LO, RT_HI),
               xlabel="learning rate η (grows during the test)", ylabel="training loss")
        ax.legend(loc="upper left", fontsize=8)

    return draw, numbers


SWEEP_SGD = (0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.5, 2.0)
SWEEP_ADAM = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)


@figure("rate-sweep",
        caption="End loss (full training set, after the last step of 50 epochs, as in "
                "the first figure) against a constant learning rate, for SGD "
                "with batches of 32 (as above) and of 128 (a quarter as many steps), and "
                "for Adam with batches of 32. Every run starts from the same weights; "
                "crosses at the top mark rates whose loss overflowed. See that each curve "
                "is flat near its minimum, that larger batches need a larger rate but blow "
                "up at about the same place, and that Adam wants a rate more than ten times smaller.",
        alt="Log-log chart of final training loss against learning rate with three "
            "U-shaped curves. SGD with batch 32 is lowest between about 0.2 and 0.35 and "
            "diverges from 1 upwards. SGD with batch 128 sits higher, is best at a larger "
            "rate, and diverges at about the same place. Adam's curve lies more than an "
            "order of magnitude further left, reaches the lowest loss of all near 0.01 "
            "to 0.03, and at large rates gets worse without overflowing.",
        size=(6.4, 4.2))
def rate_sweep(seed, quick=False):
    X, y = make_data(seed, quick)
    epochs = 4 if quick else EPOCHS
    finals, died = {}, {}
    for key, grid, batch, adam in (("sgd32", SWEEP_SGD, 32, False),
                                   ("sgd128", SWEEP_SGD, 128, False),
                                   ("adam32", SWEEP_ADAM, 32, True)):
        rng = np.random.default_rng(seed)
        params = init_stack(len(grid), rng)
        _, record, d = train(params, X, y, np.array(grid)[None, :], rng, epochs=epochs,
                             batch=batch, adam=adam)
        finals[key], died[key] = end_loss(record), d > 0
    numbers = {}
    for key, grid in (("sgd32", SWEEP_SGD), ("sgd128", SWEEP_SGD), ("adam32", SWEEP_ADAM)):
        f, g = finals[key], np.array(grid)
        best = int(np.nanargmin(f))
        numbers[f"{key}_best_lr"] = float(g[best])
        numbers[f"{key}_best_loss"] = float(f[best])
        numbers[f"{key}_n_diverged"] = int(died[key].sum())
        numbers[f"{key}_first_diverged_lr"] = float(g[died[key]].min()) if died[key].any() else -1.0
        numbers[f"{key}_largest_lr_loss"] = float(f[-1]) if np.isfinite(f[-1]) else -1.0
    f = finals["sgd32"]
    best, runner_up = np.argsort(np.where(np.isfinite(f), f, np.inf))[:2]
    numbers["sgd32_runner_up_lr"] = SWEEP_SGD[runner_up]
    numbers["sgd32_runner_up_gap"] = float(f[runner_up] / f[best] - 1)
    numbers["sgd32_loss_good"] = float(f[SWEEP_SGD.index(RATES[1][1])])
    numbers["adam_default_loss"] = float(finals["adam32"][SWEEP_ADAM.index(1e-3)])
    numbers["adam32_largest_lr"] = SWEEP_ADAM[-1]
    numbers["sweep_epochs"] = epochs

    def draw(fig, theme):
        ax = fig.subplots()
        top = 1.0
        for i, (key, grid, label) in enumerate((
                ("sgd32", SWEEP_SGD, "SGD, batch 32"), ("sgd128", SWEEP_SGD, "SGD, batch 128"),
                ("adam32", SWEEP_ADAM, "Adam, batch 32"))):
            g, f = np.array(grid), finals[key]
            ok = np.isfinite(f)
            ax.plot(g[ok], f[ok], marker="o", markersize=4, color=theme.colors[i],
                    label=label, linestyle="--" if key == "sgd128" else "-")
            ax.plot(g[~ok], np.full((~ok).sum(), top * 0.8 ** i), "x", markersize=8, mew=2,
                    color=theme.colors[i], clip_on=False)
        ax.plot([], [], "x", color=theme.fg, mew=2, label="loss overflowed (diverged)")
        ax.set(xscale="log", yscale="log", ylim=(None, top), xlabel="learning rate η",
               ylabel=f"training loss after {epochs} epochs")
        ax.legend(loc="lower left", fontsize=8)

    return draw, numbers


SCHED_PEAK = 0.7            # the 'too large' constant rate of the first figure
WARM_PEAKS = (0.9, 1.0, 1.2)
WARM_RUNS = 8
WARM_EPOCHS = 16            # every divergence below happens well within this


def schedule_table(peak, T):
    return {"constant": constant(peak, T), "step decay": step_decay(peak, T),
            "cosine": cosine(peak, T), "warm-up + cosine": warmup_cosine(peak, T)}


@figure("schedules",
        caption="Left: four schedules with the same peak rate. Middle: training the "
                "network of the first figure with each of them at peak 0.7 (the rate "
                "that was too large as a constant), against the good constant rate 0.2 of "
                "the first figure (dashed). Right: of eight initialisations, how many "
                "runs diverged in their first 16 epochs with cosine annealing alone and "
                "with a 10% linear warm-up first. See that every decaying schedule ends "
                "below both constant rates although it starts at the rate that was too "
                "large, and that warm-up saves runs at moderate peaks but not at the "
                "largest one.",
        alt="Three panels. Left, learning rate against epoch: a flat line (constant), "
            "a staircase dropping tenfold at epochs 25 and 37 (step decay), a smooth "
            "half-cosine falling to zero (cosine) and a short linear ramp followed by "
            "the same half-cosine (warm-up + cosine). Middle, training loss against "
            "epoch on a log scale: the constant rate 0.7 stays noisy and high, while the "
            "three decaying schedules drop below it as their rate falls and end below "
            "the constant rate 0.2. Right, a bar chart: at peak rates 0.9 and 1.0 most "
            "runs without warm-up diverge and few or none with warm-up; at 1.2 all runs "
            "diverge either way.",
        size=(10.0, 3.8))
def schedules(seed, quick=False):
    X, y = make_data(seed, quick)
    epochs = 5 if quick else EPOCHS
    spe = steps_per_epoch(X)
    T = epochs * spe
    table = schedule_table(SCHED_PEAK, T)
    names = list(table)
    lr = np.column_stack([table[k] for k in names] + [constant(RATES[1][1], T)])
    rng = np.random.default_rng(seed)
    at, record, died = train(init_stack(lr.shape[1], rng), X, y, lr, rng, epochs=epochs)
    final = end_loss(record)
    numbers = {"sched_peak": SCHED_PEAK, "sched_good_const": RATES[1][1],
               "warm_runs": WARM_RUNS, "warm_epochs": WARM_EPOCHS}
    for i, key in enumerate(("const", "step", "cosine", "warmcos", "good_const")):
        numbers[f"sched_final_{key}"] = float(final[i])
        numbers[f"sched_diverged_{key}"] = int(died[i] > 0)

    # Warm-up: cosine annealing over the full 50 epochs with and without a linear
    # warm-up, from WARM_RUNS initialisations, run for the first WARM_EPOCHS epochs.
    warm_epochs = 2 if quick else WARM_EPOCHS
    runs = 2 if quick else WARM_RUNS
    cols, groups = [], []
    for peak in WARM_PEAKS:
        for warm in (False, True):
            s = (warmup_cosine if warm else cosine)(peak, T)[:warm_epochs * spe]
            cols += [s] * runs
            groups.append((peak, warm))
    rng = np.random.default_rng(seed + 1)
    params = init_stack(runs, rng, same=False)
    params = [[np.tile(p, (len(groups), 1, 1)) for p in layer] for layer in params]
    _, _, wdied = train(params, X, y, np.column_stack(cols), rng, epochs=warm_epochs)
    counts = {}
    for g, (peak, warm) in enumerate(groups):
        d = wdied[g * runs:(g + 1) * runs]
        tag = f"{'warm' if warm else 'nowarm'}_{int(round(peak * 10)):02d}"
        counts[peak, warm] = int((d > 0).sum())
        numbers[f"div_{tag}"] = counts[peak, warm]
        numbers[f"div_step_{tag}"] = float(np.median(d[d > 0])) if (d > 0).any() else -1.0
    numbers["warmup_steps"] = int(0.1 * T)

    def draw(fig, theme):
        a, b, c = fig.subplots(1, 3, width_ratios=(1, 1.25, 0.9))
        x = np.arange(T) / spe
        for i, k in enumerate(names):
            a.plot(x, table[k], color=theme.colors[i], label=k,
                   linewidth=1.8 if i else 2.6)
        a.set(xlabel="epoch", ylabel="learning rate η", title="schedules",
              ylim=(0, 1.45 * SCHED_PEAK))
        a.legend(loc="upper right", fontsize=7.5, ncols=2)
        for i, k in enumerate(names):
            ok = np.isfinite(record[:, i])
            b.plot(at[ok] / spe, record[ok, i], color=theme.colors[i], linewidth=1.4,
                   label=k)
        b.plot(at / spe, record[:, -1], color=theme.fg, linestyle="--", linewidth=1.2,
               label=f"constant {RATES[1][1]:g}")
        b.set(yscale="log", xlabel="epoch", ylabel="training loss",
              title=f"peak η = {SCHED_PEAK:g}", ylim=(0.01, 1.0))
        b.legend(loc="upper right", fontsize=7.5, ncols=1)
        idx = np.arange(len(WARM_PEAKS))
        no = [counts[p, False] for p in WARM_PEAKS]
        yes = [counts[p, True] for p in WARM_PEAKS]
        c.bar(idx - 0.2, no, 0.4, color=theme.colors[2], label="cosine only")
        c.bar(idx + 0.2, yes, 0.4, color=theme.colors[3], label="warm-up + cosine")
        c.set(xticks=idx, xticklabels=[f"{p:.1f}" for p in WARM_PEAKS], xlabel="peak η",
              ylabel=f"diverged (of {runs})", ylim=(0, runs + 2.5), title="warm-up")
        c.legend(loc="upper left", fontsize=7.5)

    return draw, numbers
