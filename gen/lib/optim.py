"""First-order optimisers in numpy, each update rule written out, and the one-cycle schedule.

Written for docs/articles/optimisers.md (gen/articles/optimisers.py); checked
against hand-written one-step formulas in tests/test_optimisers.py. The
conventions are PyTorch's (torch.optim), which most code today follows:

    opt = Adam(params)                 # params: a list of numpy arrays, updated in place
    for ...:
        opt.step(params, grads, lr)    # grads: same shapes; lr: a number or an array
                                       # that broadcasts against every parameter

Every optimiser keeps its state (velocities, moment estimates, step count) per
parameter array, so a "stack" of networks with per-network rates works as long
as `lr` (and `weight_decay`, `beta`) broadcast, e.g. shape (R, 1, 1).
"""
from __future__ import annotations

import numpy as np


class SGD:
    """Plain SGD, optionally with L2 weight decay in the gradient: θ ← θ − η (g + λθ)."""

    def __init__(self, params, weight_decay=0.0):
        self.weight_decay = weight_decay

    def step(self, params, grads, lr):
        for p, g in zip(params, grads):
            p -= lr * (g + self.weight_decay * p)


class Momentum:
    """Heavy-ball momentum (Polyak), PyTorch's form: v ← βv + g, θ ← θ − η v.

    The textbook form u ← βu − ηg, θ ← θ + u is the same run while η is
    constant (u = −ηv); with a schedule they differ slightly.
    `beta` passed to step() overrides the constant one (one-cycle cycles it).
    """

    nesterov = False

    def __init__(self, params, beta=0.9):
        self.beta = beta
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads, lr, beta=None):
        beta = self.beta if beta is None else beta
        for p, g, v in zip(params, grads, self.v):
            v *= beta
            v += g
            # Nesterov: step along g + βv instead of v (see the class below).
            p -= lr * (g + beta * v) if self.nesterov else lr * v


class Nesterov(Momentum):
    """Nesterov momentum, PyTorch's form: v ← βv + g, θ ← θ − η (g + βv).

    This is Sutskever et al.'s look-ahead form, u ← βu − η∇L(θ + βu),
    θ ← θ + u, rewritten in the look-ahead point φ = θ + βu: the parameters
    it stores are the points at which the gradient is evaluated.
    """

    nesterov = True


def nesterov_lookahead_path(grad_fn, theta0, lr, beta, steps):
    """Nesterov in its look-ahead form (gradient at θ + βu); the iterates θ_t, (steps+1, d)."""
    theta = np.array(theta0, float)
    u = np.zeros_like(theta)
    path = [theta.copy()]
    for _ in range(steps):
        u = beta * u - lr * grad_fn(theta + beta * u)
        theta = theta + u
        path.append(theta.copy())
    return np.array(path)


class RMSProp:
    """RMSProp (Hinton, 2012): s ← ρs + (1−ρ)g², θ ← θ − η g / (√s + ε).

    No bias correction: s starts at 0, so the first step is about η/√(1−ρ)
    long (10η for ρ = 0.99, PyTorch's default `alpha`).
    """

    def __init__(self, params, rho=0.99, eps=1e-8):
        self.rho, self.eps = rho, eps
        self.s = [np.zeros_like(p) for p in params]

    def step(self, params, grads, lr):
        for p, g, s in zip(params, grads, self.s):
            s *= self.rho
            s += (1 - self.rho) * g * g
            p -= lr * g / (np.sqrt(s) + self.eps)


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction, ε outside the square root.

        m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
        m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ),  θ ← θ − η m̂/(√v̂ + ε).

    weight_decay λ is L2 in the gradient (g ← g + λθ before the moments, as in
    torch.optim.Adam), so it is divided by √v̂ like the rest of the gradient.
    """

    decoupled = False

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.beta1, self.beta2, self.eps, self.weight_decay = beta1, beta2, eps, weight_decay
        self.t = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads, lr):
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        lam = self.weight_decay
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if not self.decoupled:
                g = g + lam * p
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            update = (m / c1) / (np.sqrt(v / c2) + self.eps)
            if self.decoupled:
                update = update + lam * p
            p -= lr * update


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019): Adam plus decoupled decay, θ ← θ − η (m̂/(√v̂+ε) + λθ).

    The decay never enters m or v, so every weight shrinks by the same factor
    (1 − ηλ) per step whatever its gradients. As in torch.optim.AdamW, λ is
    multiplied by η (the paper multiplies it by the schedule factor η_t only).
    """

    decoupled = True

    def __init__(self, params, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(params, beta1, beta2, eps, weight_decay)


def one_cycle(peak, T, pct_start=0.3, div=25.0, final_div=1e4, beta_max=0.95, beta_min=0.85):
    """Smith's one-cycle policy as in torch.optim.lr_scheduler.OneCycleLR (cosine phases).

    The rate rises from peak/div to peak over the first pct_start of the T
    steps, then falls to peak/(div·final_div); momentum moves the other way,
    from beta_max down to beta_min and back. Returns (lr, beta), each (T,).
    """
    up = max(1, int(pct_start * T))
    t = np.arange(T)
    lo, end = peak / div, peak / (div * final_div)

    def cos_ramp(a, b, frac):          # from a (frac = 0) to b (frac = 1)
        return b + 0.5 * (a - b) * (1 + np.cos(np.pi * frac))

    rising = t < up
    frac = np.where(rising, t / up, (t - up) / max(1, T - 1 - up))
    lr = np.where(rising, cos_ramp(lo, peak, frac), cos_ramp(peak, end, frac))
    beta = np.where(rising, cos_ramp(beta_max, beta_min, frac), cos_ramp(beta_min, beta_max, frac))
    return lr, beta
