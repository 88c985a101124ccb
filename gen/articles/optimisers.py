"""Figures for docs/articles/optimisers.md.

The update rules live in gen/lib/optim.py. Two test beds:

- an ill-conditioned 2-D quadratic L(θ) = ½ θᵀHθ, where the paths can be drawn;
- the network and data of the learning-rate article (gen/articles/learning_rate.py:
  a 10 -> 32 -> 32 -> 1 tanh MLP on Friedman #1, mini-batches of 32), trained as a
  stack of networks that start from the same weights and see the same
  mini-batches, so that only the optimiser and its settings differ.

"Final loss" means one thing everywhere: the loss on the whole training set
after the last step, averaged over the initialisations of a figure.
"""
from __future__ import annotations

import numpy as np

from gen.articles import learning_rate as lr_art
from gen.figure import figure
from gen.lib import optim

DTYPE = lr_art.DTYPE
INITS = 3                   # initialisations per setting on the network
EPOCHS = 50                 # as in the learning-rate article
BETA = 0.9                  # momentum of the momentum methods (and Adam's β₁)

# --------------------------------------------------------------------------- the quadratic

LAMBDAS = (0.1, 5.0)        # Hessian eigenvalues: condition number κ = 50
ANGLE = np.deg2rad(30)      # the valley is rotated: no coordinate axis lies along it
THETA0_EIG = (-4.0, 1.0)    # the start in the eigenbasis (along, across the valley)
Q_STEPS = 100
Q_LR = 0.25                 # the same η for GD, momentum and Nesterov: 1.25/λmax
Q_LR_ADAPTIVE = 0.1         # RMSProp's and Adam's η: a step length


def rotation(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def hessian(angle=ANGLE, lambdas=LAMBDAS):
    Q = rotation(angle)
    return Q @ np.diag(lambdas) @ Q.T


def theta0(angle=ANGLE):
    return rotation(angle) @ np.array(THETA0_EIG)


def quad_loss(H, theta):
    """½ θᵀHθ for one point (d,) or many (n, d)."""
    theta = np.atleast_2d(theta)
    return 0.5 * np.einsum("ni,ij,nj->n", theta, H, theta)


def run_on_quadratic(make_opt, H, start, lr, steps):
    """The iterates of an optimiser from gen.lib.optim on ½ θᵀHθ: (steps+1, 2)."""
    theta = np.array(start, float)
    opt = make_opt([theta])
    path = [theta.copy()]
    for _ in range(steps):
        opt.step([theta], [H @ theta], lr)
        path.append(theta.copy())
    return np.array(path)


def momentum_rate(eta, lam, beta, nesterov=False):
    """Per-step contraction along an eigenvector of curvature λ: the largest |root| of

    heavy ball  z² − (1 + β − ηλ) z + β = 0,
    Nesterov    z² − (1 + β)(1 − ηλ) z + β(1 − ηλ) = 0.
    """
    a = 1 - eta * lam
    if nesterov:
        M = np.array([[(1 + beta) * a, -beta * a], [1.0, 0.0]])
    else:
        M = np.array([[1 + beta - eta * lam, -beta], [1.0, 0.0]])
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def spectral_rate(eta, beta=0.0, nesterov=False, lambdas=LAMBDAS):
    """The worst per-step contraction over the Hessian's eigenvalues (β = 0: plain GD)."""
    return max(momentum_rate(eta, lam, beta, nesterov) for lam in lambdas)


def measured_rate(path, lo, hi):
    """Average per-step shrink factor of ‖θ‖ between steps lo and hi."""
    n = np.linalg.norm(path, axis=1)
    return float((n[hi] / n[lo]) ** (1 / (hi - lo)))


Q_METHODS = (   # label, key, optimiser factory, learning rate
    ("gradient descent", "gd", lambda p: optim.SGD(p), Q_LR),
    ("momentum β = 0.9", "mom", lambda p: optim.Momentum(p, beta=BETA), Q_LR),
    ("Nesterov β = 0.9", "nag", lambda p: optim.Nesterov(p, beta=BETA), Q_LR),
    ("RMSProp", "rms", lambda p: optim.RMSProp(p, rho=0.99), Q_LR_ADAPTIVE),
    ("Adam", "adam", lambda p: optim.Adam(p, beta1=BETA), Q_LR_ADAPTIVE),
)


@figure("quadratic-paths",
        caption="Five optimisers on the same ill-conditioned quadratic (condition number "
                "50, the valley rotated by 30°), 100 steps each from the same start "
                "(circle) towards the minimum (cross). Gradient descent, momentum and "
                "Nesterov use the same η = 0.25; RMSProp and Adam use η = 0.1, a step "
                "length. Momentum and Nesterov travel along the valley many times faster "
                "than gradient descent; the last panel shows the loss of every run.",
        alt="Six panels. Five show elliptical contour lines of a long, narrow valley "
            "tilted upwards to the right, with one optimiser's path each. Gradient descent "
            "drops onto the valley floor in a few steps and then creeps along it in tiny "
            "steps, still short of the minimum after 100 steps. Momentum zigzags widely "
            "across the valley, overshoots the minimum and swings around it in shrinking "
            "loops. Nesterov zigzags across the valley for a few steps, overshoots the "
            "minimum a little along it and comes back to settle there. RMSProp makes one "
            "long diagonal jump, then runs along the valley floor to near the minimum. Adam "
            "moves diagonally in short steps of equal length, bends into the valley and is "
            "still far from the minimum after 100 steps. The sixth panel plots loss against "
            "step on a log scale: Nesterov falls fastest, then momentum (oscillating), "
            "RMSProp, gradient descent, and Adam slowest.",
        size=(10.0, 5.6))
def quadratic_paths(seed, quick=False):
    H = hessian()
    start = theta0()
    steps = 40 if quick else Q_STEPS
    paths = {key: run_on_quadratic(make, H, start, lr, steps)
             for _, key, make, lr in Q_METHODS}
    loss0 = float(quad_loss(H, start)[0])
    lam_min, lam_max = LAMBDAS
    kappa = lam_max / lam_min
    numbers = {"q_kappa": kappa, "q_lam_min": lam_min, "q_lam_max": lam_max,
               "q_steps": steps, "q_lr": Q_LR, "q_lr_adaptive": Q_LR_ADAPTIVE,
               "q_eta_lam_max": Q_LR * lam_max, "q_beta": BETA, "q_loss0": loss0}
    for _, key, _, _ in Q_METHODS:
        numbers[f"q_loss_{key}"] = float(quad_loss(H, paths[key][-1])[0]) / loss0
    # Theory for the three methods with a fixed linear iteration.
    for key, beta, nag in (("gd", 0.0, False), ("mom", BETA, False), ("nag", BETA, True)):
        numbers[f"q_rate_{key}"] = spectral_rate(Q_LR, beta, nag)
        numbers[f"q_measured_rate_{key}"] = measured_rate(paths[key], steps // 2, steps)
    numbers["q_rate_mom_shallow"] = momentum_rate(Q_LR, lam_min, BETA)
    numbers["q_rate_mom_steep"] = momentum_rate(Q_LR, lam_max, BETA)
    numbers["q_rate_nag_steep"] = momentum_rate(Q_LR, lam_max, BETA, nesterov=True)
    numbers["q_gd_shallow_factor"] = 1 - Q_LR * lam_min
    numbers["q_gd_steep_factor"] = abs(1 - Q_LR * lam_max)
    numbers["q_effective_lr_mom"] = Q_LR / (1 - BETA)
    # The best tuning of each (Polyak): GD (κ−1)/(κ+1), heavy ball (√κ−1)/(√κ+1).
    numbers["q_best_rate_gd"] = (kappa - 1) / (kappa + 1)
    numbers["q_best_rate_hb"] = float((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    for key in ("gd", "hb"):       # steps to shrink the error 1000-fold at that rate
        numbers[f"q_steps_1000_{key}"] = float(np.log(1000) / -np.log(numbers[f"q_best_rate_{key}"]))
    # Stability edges in ηλmax: GD 2, heavy ball 2(1+β), Nesterov 2(1+β)/(1+2β).
    numbers["q_edge_gd"] = 2.0
    numbers["q_edge_mom"] = 2 * (1 + BETA)
    numbers["q_edge_nag"] = 2 * (1 + BETA) / (1 + 2 * BETA)
    # Adam's per-coordinate scaling helps only when the valley lies along the axes.
    Ha = hessian(angle=0.0)
    aligned = run_on_quadratic(Q_METHODS[4][2], Ha, theta0(0.0), Q_LR_ADAPTIVE, steps)
    numbers["q_loss_adam_aligned"] = float(quad_loss(Ha, aligned[-1])[0]) / loss0
    # How far each run got along the valley (the slow direction) and how long Adam's steps are.
    numbers["q_adam_first_step"] = float(np.linalg.norm(paths["adam"][1] - start))
    numbers["q_rms_first_step"] = float(np.linalg.norm(paths["rms"][1] - start))

    def draw(fig, theme):
        axes = fig.subplots(2, 3).ravel()
        # The contours of ½θᵀHθ are ellipses: drawn as curves, not a contour grid (size).
        phi = np.linspace(0, 2 * np.pi, 121)
        Q = rotation(ANGLE)
        ellipses = [Q @ np.vstack([np.sqrt(2 * level / LAMBDAS[0]) * np.cos(phi),
                                   np.sqrt(2 * level / LAMBDAS[1]) * np.sin(phi)])
                    for level in loss0 * np.geomspace(1e-3, 3, 9)]
        for i, (label, key, _, lr) in enumerate(Q_METHODS):
            ax = axes[i]
            for e in ellipses:
                ax.plot(e[0], e[1], color=theme.muted, linewidth=0.8)
            p = paths[key]
            ax.plot(p[:, 0], p[:, 1], "-o", color=theme.colors[i], markersize=2.2,
                    linewidth=1.1)
            ax.plot(*start, "o", color=theme.fg, markersize=6, fillstyle="none", mew=1.5)
            ax.plot(0, 0, "x", color=theme.fg, markersize=7, mew=1.8)
            ax.set(xlim=(-4.6, 2.4), ylim=(-3.5, 2.0), aspect="equal", xticks=[], yticks=[],
                   title=f"{label} (η = {lr:g})")
            ax.title.set_fontsize(9)
        ax = axes[5]
        for i, (label, key, _, _) in enumerate(Q_METHODS):
            ax.plot(quad_loss(H, paths[key]) / loss0, color=theme.colors[i], linewidth=1.5,
                    label=label)
        ax.set(yscale="log", xlabel="step", ylabel="loss / starting loss", title="loss")
        ax.title.set_fontsize(9)
        ax.legend(loc="lower left", fontsize=7)

    return draw, numbers


# --------------------------------------------------------------------- the network

def init_repeated(n_settings, rng, inits=INITS):
    """INITS different initialisations, each repeated for every setting: R = inits × settings.

    Network r has initialisation r % inits and setting r // inits.
    """
    base = lr_art.init_stack(inits, rng, same=False)
    return [[np.tile(p, (n_settings, 1, 1)) for p in layer] for layer in base]


def flat(params):
    return [p for layer in params for p in layer]


def train_stack(params, X, y, make_opt, lr, rng, *, epochs, batch=lr_art.BATCH,
                beta=None, grad_scale=None):
    """Mini-batch training of a stack with an optimiser from gen.lib.optim.

    lr: per-network rates (R,) or per-step rates (steps, R); beta: per-step
    momentum (steps,) for the momentum methods (one-cycle), or None;
    grad_scale: (R,) factors the loss is multiplied by (so its gradient is too).
    Returns (the loss on the whole training set after every epoch, (epochs+1, R),
    NaN from a run's divergence on; the step at which each run diverged, or -1).
    """
    n = len(X)
    per_epoch = n // batch
    steps = epochs * per_epoch
    R = params[0][0].shape[0]
    lr = np.broadcast_to(np.asarray(lr, DTYPE), (steps, R))
    flat_params = flat(params)
    opt = make_opt(flat_params)
    scale = None if grad_scale is None else np.asarray(grad_scale, DTYPE)[:, None, None]
    dead = np.zeros(R, bool)
    died = np.full(R, -1)
    record = [lr_art.losses(params, X, y)]
    t = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, per_epoch * batch, batch):
                idx = order[start:start + batch]
                loss, grads = lr_art.loss_and_grads(params, X[idx], y[idx])
                g = flat(grads)
                if scale is not None:
                    g = [gi * scale for gi in g]
                rate = np.where(dead, DTYPE(0), lr[t])[:, None, None]
                if beta is None:
                    opt.step(flat_params, g, rate)
                else:
                    opt.step(flat_params, g, rate, beta=DTYPE(beta[t]))
                t += 1
                bad = ~dead & ~np.isfinite(loss)
                if bad.any():
                    died[bad], dead = t, dead | bad
                    for p in flat_params:
                        p[bad] = 0
            full = lr_art.losses(params, X, y)
            bad = ~dead & ~np.isfinite(full)
            if bad.any():
                died[bad], dead = t, dead | bad
                for p in flat_params:
                    p[bad] = 0
            record.append(np.where(dead, np.nan, full))
    return np.array(record, dtype=float), died


def by_setting(values, inits=INITS):
    """(..., R) -> (..., settings, inits), undoing init_repeated's order."""
    values = np.asarray(values)
    return values.reshape(values.shape[:-1] + (-1, inits))


def blew_up(curves):
    """Per setting: did any run end above its starting loss (or overflow)?"""
    end = np.where(np.isfinite(curves[-1]), curves[-1], np.inf)
    return np.any(end > curves[0], axis=-1)


WEIGHT_DECAY = 0.01         # AdamW's λ on the network (PyTorch's default)
NET_METHODS = (  # label, key, optimiser factory, rate grid
    ("SGD", "sgd", lambda p: optim.SGD(p), (0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0)),
    ("momentum", "mom", lambda p: optim.Momentum(p, beta=BETA),
     (0.01, 0.02, 0.035, 0.05, 0.07, 0.1, 0.14, 0.2, 0.28)),
    ("Nesterov", "nag", lambda p: optim.Nesterov(p, beta=BETA),
     (0.01, 0.02, 0.035, 0.05, 0.07, 0.1, 0.14, 0.2, 0.28)),
    ("RMSProp", "rms", lambda p: optim.RMSProp(p), (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)),
    ("Adam", "adam", lambda p: optim.Adam(p, beta1=BETA), (3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)),
    ("AdamW λ = 0.01", "adamw", lambda p: optim.AdamW(p, beta1=BETA, weight_decay=WEIGHT_DECAY),
     (3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3)),
)


def sweep(X, y, seed, make_opt, grid, *, epochs, batch=lr_art.BATCH, inits=INITS,
          schedule=None, **kw):
    """Train every rate of `grid` from `inits` initialisations; (curves (E+1, S, I), died (S, I)).

    schedule: a per-step shape (steps,) that each rate of the grid multiplies
    (the rate is then the schedule's peak), or None for constant rates.
    """
    rng = np.random.default_rng(seed)
    params = init_repeated(len(grid), rng, inits)
    lr = np.repeat(np.asarray(grid, float), inits)
    if schedule is not None:
        lr = np.asarray(schedule)[:, None] * lr[None, :]
    record, died = train_stack(params, X, y, make_opt, lr, rng, epochs=epochs, batch=batch, **kw)
    return by_setting(record, inits), by_setting(died, inits)


def final_mean(curves):
    """Mean over initialisations of the final loss, per setting (NaN if any run diverged)."""
    return curves[-1].mean(axis=-1)


@figure("network-curves",
        caption="The network of the learning-rate article trained with six optimisers, "
                "each at the best rate of its sweep (by final training loss, mean of three "
                "initialisations; all runs see the same mini-batches of 32). Left: training "
                "loss per epoch at that rate: every optimiser ends below plain SGD, Adam "
                "lowest. Right: final loss against the rate: the good rates of Adam and "
                "RMSProp lie well below SGD's, RMSProp's by more than an order of magnitude.",
        alt="Two panels. Left, jagged curves of training loss against epoch on a log "
            "scale for six optimisers: all fall from about 0.8; SGD ends highest, RMSProp "
            "and momentum in between, Nesterov, AdamW and Adam lowest, Adam lowest of all. "
            "Right, final loss against learning rate on log axes, one curve per optimiser, "
            "each falling to a minimum and rising again: SGD's curve lies at the largest "
            "rates, momentum's and Nesterov's just left of it, Adam's and AdamW's about ten "
            "times further left and RMSProp's further still; crosses at the top mark the "
            "largest rates of SGD and momentum, which blew up.",
        size=(10.0, 4.0))
def network_curves(seed, quick=False):
    X, y = lr_art.make_data(seed, quick)
    epochs = 4 if quick else EPOCHS
    numbers = {"net_epochs": epochs, "net_inits": INITS, "net_batch": lr_art.BATCH,
               "net_weight_decay": WEIGHT_DECAY, "net_start_loss": 0.0}
    best_curves, grids, finals = {}, {}, {}
    for _, key, make, grid in NET_METHODS:
        curves, died = sweep(X, y, seed, make, grid, epochs=epochs)
        bad = blew_up(curves)
        f = np.where(bad, np.nan, final_mean(curves))
        k = int(np.nanargmin(f))
        best_curves[key] = curves[:, k].mean(axis=-1)
        grids[key], finals[key] = np.array(grid), f
        numbers[f"net_best_lr_{key}"] = float(grid[k])
        numbers[f"net_best_loss_{key}"] = float(f[k])
        numbers[f"net_best_at_edge_{key}"] = int(k in (0, len(grid) - 1))
        numbers[f"net_n_blew_up_{key}"] = int(bad.sum())
        numbers[f"net_largest_lr_{key}"] = float(grid[-1])
        numbers[f"net_largest_blew_up_{key}"] = int(bad[-1])
        numbers[f"net_loss_epoch5_{key}"] = float(best_curves[key][min(5, epochs)])
        numbers["net_start_loss"] = float(curves[0].mean())
    numbers["net_eff_ratio_mom"] = (numbers["net_best_lr_mom"] / (1 - BETA)
                                    / numbers["net_best_lr_sgd"])
    numbers["net_ratio_sgd_adam"] = numbers["net_best_lr_sgd"] / numbers["net_best_lr_adam"]
    numbers["net_ratio_sgd_rms"] = numbers["net_best_lr_sgd"] / numbers["net_best_lr_rms"]

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for i, (label, key, _, _) in enumerate(NET_METHODS):
            style = "--" if key in ("nag", "adamw") else "-"
            lr_k = numbers[f"net_best_lr_{key}"]
            left.plot(np.arange(epochs + 1), best_curves[key], color=theme.colors[i],
                      linestyle=style, linewidth=1.6, label=f"{label} (η = {lr_k:g})")
            ok = np.isfinite(finals[key])
            right.plot(grids[key][ok], finals[key][ok], marker="o", markersize=3.5,
                       color=theme.colors[i], linestyle=style, label=label)
            right.plot(grids[key][~ok], np.full((~ok).sum(), 0.8 * 0.85 ** i), "x",
                       markersize=7, mew=2, color=theme.colors[i])
        left.set(yscale="log", xlabel="epoch", ylabel="training loss",
                 title="at each optimiser's best rate", xlim=(0, epochs))
        left.legend(loc="upper right", fontsize=7.5)
        right.plot([], [], "x", color=theme.fg, mew=2, label="blew up")
        right.set(xscale="log", yscale="log", xlabel="learning rate η", ylim=(None, 1.0),
                  ylabel=f"training loss after {epochs} epochs", title="rate sweep")
        right.legend(loc="lower left", fontsize=7.5, ncols=2)
        for ax in (left, right):
            ax.title.set_fontsize(10)

    return draw, numbers


# ------------------------------------------------------------- decoupled weight decay

SCALES = (0.01, 0.1, 1.0, 10.0, 100.0)      # the loss is multiplied by these
DECAY_LR = 0.01
DECAY_LAMBDA = 0.1
DECAY_KINDS = (  # label, key, optimiser factory
    ("Adam, no decay", "adam", lambda p: optim.Adam(p, beta1=BETA)),
    ("Adam + L2 in the gradient", "adaml2",
     lambda p: optim.Adam(p, beta1=BETA, weight_decay=DECAY_LAMBDA)),
    ("AdamW (decoupled)", "adamw", lambda p: optim.AdamW(p, beta1=BETA, weight_decay=DECAY_LAMBDA)),
)


def weight_norms(params, inits=INITS):
    """‖θ‖ over all weights and biases of each network, (settings, inits)."""
    sq = sum(np.sum(p.astype(float) ** 2, axis=(1, 2)) for layer in params for p in layer)
    return by_setting(np.sqrt(sq), inits)


@figure("decoupled-decay",
        caption="Adam with L2 regularisation in the gradient against AdamW, both with "
                "λ = 0.1 and η = 0.01, on the network of the learning-rate article, when "
                "the loss is multiplied by a constant c (as loss scaling or a sum instead "
                "of a mean would do). Adam itself ignores c; AdamW's decay ignores it too, "
                "but L2's strength is divided by c. Mean of three initialisations.",
        alt="Two panels against the loss scale c from 0.01 to 100 on a log axis. Left, "
            "the norm of the trained weights: plain Adam and AdamW are flat horizontal "
            "lines, AdamW's lower than Adam's; Adam with L2 is near zero at c = 0.01 and "
            "0.1, where the weights are crushed, and rises steadily with c but is still "
            "below both at c = 100. Right, the final training loss (of the unscaled loss) "
            "on a log axis: flat for Adam and AdamW, AdamW's about twice Adam's; Adam with "
            "L2 is highest at small c and falls to about AdamW's level at c = 100.",
        size=(10.0, 3.8))
def decoupled_decay(seed, quick=False):
    X, y = lr_art.make_data(seed, quick)
    epochs = 4 if quick else EPOCHS
    norms, finals = {}, {}
    for _, key, make in DECAY_KINDS:
        rng = np.random.default_rng(seed)
        params = init_repeated(len(SCALES), rng)
        scale = np.repeat(SCALES, INITS)
        record, _ = train_stack(params, X, y, make, DECAY_LR, rng, epochs=epochs,
                                grad_scale=scale)
        norms[key] = weight_norms(params).mean(axis=-1)
        finals[key] = final_mean(by_setting(record))
    mid = SCALES.index(1.0)
    numbers = {"dd_lr": DECAY_LR, "dd_lambda": DECAY_LAMBDA, "dd_epochs": epochs,
               "dd_scale_min": SCALES[0], "dd_scale_max": SCALES[-1]}
    for _, key, _ in DECAY_KINDS:
        numbers[f"dd_norm_{key}_c1"] = float(norms[key][mid])
        numbers[f"dd_loss_{key}_c1"] = float(finals[key][mid])
        numbers[f"dd_norm_spread_{key}"] = float(norms[key].max() / norms[key].min())
        numbers[f"dd_loss_spread_{key}"] = float(finals[key].max() / finals[key].min())
        numbers[f"dd_norm_{key}_cmin"] = float(norms[key][0])
        numbers[f"dd_norm_{key}_cmax"] = float(norms[key][-1])
        numbers[f"dd_loss_{key}_cmin"] = float(finals[key][0])
        numbers[f"dd_loss_{key}_cmax"] = float(finals[key][-1])

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        for i, (label, key, _) in enumerate(DECAY_KINDS):
            kw = dict(color=theme.colors[i], marker="o", markersize=4, linewidth=1.6,
                      label=label)
            left.plot(SCALES, norms[key], **kw)
            right.plot(SCALES, finals[key], **kw)
        left.set(xscale="log", xlabel="loss multiplied by c", ylabel="‖θ‖ after training",
                 title="size of the weights")
        right.set(xscale="log", yscale="log", xlabel="loss multiplied by c",
                  ylabel="final training loss (unscaled)", title="fit")
        left.legend(loc="lower right", fontsize=8)
        for ax in (left, right):
            ax.title.set_fontsize(10)

    return draw, numbers


# ------------------------------------------------------------------- one-cycle

OC_EPOCHS = 20
OC_INITS = 5
OC_PCT_START = 0.3          # share of the steps spent rising (PyTorch's default)
OC_GRID = (0.02, 0.035, 0.05, 0.07, 0.1, 0.14, 0.2, 0.3, 0.4)   # constant rates / peaks


@figure("one-cycle",
        caption="Smith's one-cycle policy on the network of the learning-rate article, "
                "with momentum SGD (β = 0.9) and a budget of 20 epochs. Left: the rate "
                "rises for 30% of the steps, then falls to almost zero, while momentum "
                "moves the other way (the shape at peak 0.1). Right: final training loss "
                "against the rate, used as a constant or as one-cycle's peak (mean of five "
                "initialisations): one-cycle survives peaks that blow up as constants, and "
                "its best peak ends a little lower.",
        alt="Two panels. Left, learning rate against step: a smooth rise from 0.004 to "
            "0.1 over the first 30% of training, then a smooth fall to nearly zero; on a "
            "second axis, momentum falls from 0.95 to 0.85 while the rate rises and climbs "
            "back to 0.95 as it falls. Right, final training loss against learning rate on "
            "log axes, two curves that fall and flatten out: one-cycle's lies above the "
            "constant rates' at small rates and continues to larger rates, where it ends "
            "slightly lower. Crosses at the top mark the constant rates 0.2 to 0.4 and the "
            "one-cycle peak 0.4, which blew up.",
        size=(10.0, 3.8))
def one_cycle_figure(seed, quick=False):
    from matplotlib.ticker import NullFormatter

    X, y = lr_art.make_data(seed, quick)
    epochs = 2 if quick else OC_EPOCHS
    inits = 2 if quick else OC_INITS
    T = epochs * lr_art.steps_per_epoch(X)
    shape, beta_oc = optim.one_cycle(1.0, T, pct_start=OC_PCT_START)
    make = lambda p: optim.Momentum(p, beta=BETA)          # noqa: E731
    const_curves, _ = sweep(X, y, seed, make, OC_GRID, epochs=epochs, inits=inits)
    oc_curves, _ = sweep(X, y, seed, make, OC_GRID, epochs=epochs, inits=inits,
                         schedule=shape, beta=beta_oc)
    grid = np.array(OC_GRID)
    numbers = {"oc_epochs": epochs, "oc_inits": inits, "oc_pct_start": OC_PCT_START,
               "oc_div": 25.0, "oc_final_div": 1e4,
               "oc_beta_min": float(beta_oc.min()), "oc_beta_max": float(beta_oc.max())}
    results = {}
    for key, curves in (("const", const_curves), ("oc", oc_curves)):
        bad = blew_up(curves)
        f = np.where(bad, np.nan, final_mean(curves))
        k = int(np.nanargmin(f))
        results[key] = (f, bad)
        numbers[f"{key}_best_lr"] = float(grid[k])
        numbers[f"{key}_best_loss"] = float(f[k])
        numbers[f"{key}_largest_ok_lr"] = float(grid[~bad].max())
        numbers[f"{key}_n_blew_up"] = int(bad.sum())
        numbers[f"{key}_best_at_edge"] = int(k in (0, len(grid) - 1))
    numbers["oc_gain"] = numbers["const_best_loss"] / numbers["oc_best_loss"]
    numbers["oc_loss_at_const_best_lr"] = float(
        results["oc"][0][OC_GRID.index(numbers["const_best_lr"])])
    show = 0.1

    def draw(fig, theme):
        left, right = fig.subplots(1, 2)
        left.plot(show * shape, color=theme.colors[0], linewidth=2, label="learning rate η")
        left.set(xlabel="step", ylabel="learning rate η", title=f"one-cycle, peak {show:g}")
        twin = left.twinx()
        twin.plot(beta_oc, color=theme.colors[1], linewidth=1.6, linestyle="--",
                  label="momentum β")
        twin.set_ylabel("momentum β")
        twin.grid(False)
        lines = left.get_lines() + twin.get_lines()
        left.legend(lines, [ln.get_label() for ln in lines], loc="center right", fontsize=8)
        top = 1.0
        for i, (key, label) in enumerate((("const", "constant rate"),
                                          ("oc", "one-cycle (rate = peak)"))):
            f, bad = results[key]
            right.plot(grid[~bad], f[~bad], marker="o", markersize=4, linewidth=1.6,
                       color=theme.colors[2 + i], label=label,
                       linestyle="--" if key == "oc" else "-")
            right.plot(grid[bad], np.full(bad.sum(), top * 0.8 ** i), "x", markersize=8,
                       mew=2, color=theme.colors[2 + i], clip_on=False)
        right.plot([], [], "x", color=theme.fg, mew=2, label="blew up")
        right.set(xscale="log", yscale="log", ylim=(None, top), xlabel="learning rate η",
                  ylabel=f"training loss after {epochs} epochs", title="momentum SGD",
                  xticks=[0.02, 0.05, 0.1, 0.2, 0.4],
                  xticklabels=["0.02", "0.05", "0.1", "0.2", "0.4"])
        right.xaxis.set_minor_formatter(NullFormatter())
        right.legend(loc="lower left", fontsize=8)
        for ax in (left, right):
            ax.title.set_fontsize(10)

    return draw, numbers


# ------------------------------------------------------------ batch size and the rate

BATCHES = (8, 16, 32, 64, 128)
BS_EPOCHS = 20
BS_INITS = 10
BS_GRID_ADAM = tuple(0.000625 * 2 ** k for k in range(9))      # 0.000625 ... 0.16
BS_GRID_SGD = tuple(0.0125 * 2 ** k for k in range(9))         # 0.0125 ... 3.2


def best_rate(grid, finals, half_width=2):
    """The rate of lowest final loss, refined by a parabola in (log η, log loss).

    The parabola is fitted to the minimum and up to `half_width` finite
    neighbours on each side, which smooths the noise of a flat valley floor.
    Returns (rate, index of the grid minimum).
    """
    f = np.where(np.isfinite(finals) & (finals > 0), finals, np.inf)
    k = int(np.argmin(f))
    lo, hi = max(0, k - half_width), min(len(grid), k + half_width + 1)
    x, v = np.log(np.asarray(grid, float)[lo:hi]), np.log(f[lo:hi])
    ok = np.isfinite(v)
    if 0 < k < len(grid) - 1 and ok.sum() >= 3:
        a, b, _ = np.polyfit(x[ok], v[ok], 2)
        if a > 0:
            return float(np.exp(np.clip(-b / (2 * a), x[ok].min(), x[ok].max()))), k
    return float(grid[k]), k


def slope(batches, rates):
    """Least-squares slope of log(rate) against log(batch)."""
    return float(np.polyfit(np.log(batches), np.log(rates), 1)[0])


@figure("batch-size",
        caption="The best learning rate against batch size for Adam and for plain SGD, on "
                "the network of the learning-rate article with a fixed budget of 20 epochs "
                "(so a larger batch means fewer steps). Each point is the minimum of a "
                "sweep over nine rates a factor of two apart (mean final loss of ten "
                "initialisations), refined by a parabola. Grey lines: the square-root and "
                "linear scaling heuristics, drawn through the batch-32 point. Both best "
                "rates grow with the batch, and neither follows one heuristic throughout.",
        alt="Log-log chart of best learning rate against batch size from 8 to 128, two "
            "series of points. Adam's, roughly an order of magnitude lower than SGD's, rises "
            "steadily up to batch 64, almost parallel to the linear guide line, and dips "
            "slightly at 128. SGD's rises from 8 to 16, stays flat up to 64 and rises "
            "again at 128. Grey guide lines through each series' batch-32 point show "
            "slopes one half and one; the fitted slopes are printed in the legend.",
        size=(6.4, 4.2))
def batch_size(seed, quick=False):
    X, y = lr_art.make_data(seed, quick)
    epochs = 2 if quick else BS_EPOCHS
    batches = (8, 32) if quick else BATCHES
    best = {"adam": [], "sgd": []}
    numbers = {"bs_epochs": epochs, "bs_min_batch": batches[0], "bs_max_batch": batches[-1]}
    for key, grid, make in (("adam", BS_GRID_ADAM, lambda p: optim.Adam(p, beta1=BETA)),
                            ("sgd", BS_GRID_SGD, lambda p: optim.SGD(p))):
        halves = ([], [])
        for b in batches:
            curves, _ = sweep(X, y, seed, make, grid, epochs=epochs, batch=b,
                              inits=2 if quick else BS_INITS)
            rate, k = best_rate(grid, final_mean(curves))
            bad = blew_up(curves)
            numbers[f"bs_first_blew_up_{key}_{b}"] = float(np.asarray(grid)[bad].min()) \
                if bad.any() else -1.0
            best[key].append(rate)
            numbers[f"bs_best_{key}_{b}"] = rate
            numbers[f"bs_best_at_edge_{key}_{b}"] = int(k in (0, len(grid) - 1))
            # The same estimate from each half of the initialisations: how noisy it is.
            half = curves.shape[-1] // 2
            for h, part in enumerate((curves[..., :half], curves[..., half:])):
                halves[h].append(best_rate(grid, final_mean(part))[0])
        numbers[f"bs_slope_{key}"] = slope(batches, best[key])
        slopes = sorted(slope(batches, r) for r in halves)
        numbers[f"bs_slope_{key}_half_lo"], numbers[f"bs_slope_{key}_half_hi"] = slopes
        numbers[f"bs_ratio_{key}"] = best[key][-1] / best[key][0]
    numbers["bs_batch_ratio"] = batches[-1] / batches[0]

    def draw(fig, theme):
        ax = fig.subplots()
        b = np.array(batches, float)
        ref = batches.index(32) if 32 in batches else 0
        for i, (key, label) in enumerate((("adam", "Adam"), ("sgd", "SGD"))):
            r = np.array(best[key])
            ax.plot(b, r, "o-", color=theme.colors[i], markersize=6, linewidth=1.6,
                    label=f"{label}: best η (slope {numbers[f'bs_slope_{key}']:.2f})")
            for power, style in ((0.5, "--"), (1.0, ":")):
                ax.plot(b, r[ref] * (b / b[ref]) ** power, color=theme.muted, linestyle=style,
                        linewidth=1.4)
        ax.plot([], [], "--", color=theme.muted, label="∝ √batch (heuristic)")
        ax.plot([], [], ":", color=theme.muted, label="∝ batch (heuristic)")
        ax.set(xscale="log", yscale="log", xlabel="batch size", xticks=list(batches),
               xticklabels=[str(v) for v in batches], ylabel="best learning rate η")
        ax.minorticks_off()
        ax.legend(loc="center right", fontsize=8)

    return draw, numbers
