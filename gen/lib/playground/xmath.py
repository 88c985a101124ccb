"""Elementary functions from + - * /, sqrt and floor (twin of docs/playground/core/xmath.js).

Each works element-wise on numpy arrays (and on Python floats). Every operation
is one IEEE-754 double operation, so numpy and the browser round identically;
accuracy is within a few ulp of numpy's own functions (tests/test_playground.py).
"""
from __future__ import annotations

import numpy as np

LOG2E = 1.4426950408889634
LN2_HI = 6.93147180369123816490e-01      # ln 2 split: k * LN2_HI is exact for |k| < 2^20
LN2_LO = 1.90821492927058770002e-10
PIO2_HI = 1.57079632673412561417e+00     # pi/2 split the same way
PIO2_LO = 6.07710050650619224932e-11
SQRT2 = 1.4142135623730951


def _series(terms, step):
    """Coefficients c[k] = c[k-1] / step(k), computed by division as the JS side does."""
    c = [1.0]
    for k in range(1, terms):
        c.append(c[-1] / step(k))
    return c


EXP_C = _series(14, lambda k: k)                        # 1/k!
SIN_C = _series(9, lambda k: (2 * k) * (2 * k + 1))     # 1/(2k+1)!, alternating below
COS_C = _series(10, lambda k: (2 * k - 1) * (2 * k))    # 1/(2k)!
LOG_C = [1.0 / (2 * k + 1) for k in range(12)]           # 1/(2k+1)


def _a(x):
    return np.asarray(x, dtype=np.float64)


def _horner(c, r):
    """c[0] + c[1] r + ... + c[-1] r^(n-1), highest term first."""
    p = np.full_like(r, c[-1])
    for coef in reversed(c[:-1]):
        p = p * r + coef
    return p


def exp(x):
    x = _a(x)
    xc = np.clip(x, -745.2, 709.8)
    k = np.floor(xc * LOG2E + 0.5)
    r = (xc - k * LN2_HI) - k * LN2_LO                   # |r| <= ln2/2
    p = _horner(EXP_C, r)
    # Scaling by 2^k is exact in normal range; below it, one rounding as in JS.
    ki = k.astype(np.int64)
    small = ki < -1000
    with np.errstate(over="ignore"):                     # e^709.8 > max double: inf
        out = np.where(small, np.ldexp(np.ldexp(p, np.where(small, ki + 60, 0)), -60 * small),
                       np.ldexp(p, np.where(small, 0, ki)))
    out = np.where(x > 709.8, np.inf, out)
    return np.where(x < -745.2, 0.0, out)


def expm1(x):
    """e^x - 1, accurate near 0 (a series there, exp(x) - 1 elsewhere)."""
    x = _a(x)
    near = np.abs(x) < 0.25
    xs = np.where(near, x, 0.0)
    series = xs * _horner(EXP_C[1:], xs)                 # x (1 + x/2 + x^2/6 + ...)
    return np.where(near, series, exp(np.where(near, 0.0, x)) - 1.0)


def log(x):
    """Natural log for x > 0 (0 -> -inf, negative -> nan, inf -> inf)."""
    x = _a(x)
    pos = (x > 0) & np.isfinite(x)
    xs = np.where(pos, x, 1.0)
    m, e = np.frexp(xs)                                  # xs = m 2^e, m in [0.5, 1)
    m, e = m * 2.0, (e - 1).astype(np.float64)           # m in [1, 2), exact
    big = m > SQRT2
    m = np.where(big, m * 0.5, m)
    e = np.where(big, e + 1.0, e)
    f = (m - 1.0) / (m + 1.0)                            # log m = 2 atanh f
    s = f * f
    logm = 2.0 * f + 2.0 * f * s * _horner(LOG_C[1:], s)
    out = e * LN2_HI + (logm + e * LN2_LO)
    out = np.where(x == 0, -np.inf, out)
    out = np.where(x == np.inf, np.inf, out)
    return np.where((x < 0) | np.isnan(x), np.nan, out)


def log1p(x):
    """log(1 + x), with the classic correction for the rounding of 1 + x."""
    x = _a(x)
    u = 1.0 + x
    safe = np.where(u == 1.0, 2.0, u)
    corrected = log(safe) - ((safe - 1.0) - x) / safe
    return np.where(u == 1.0, x, corrected)


def _sincos(x):
    x = _a(x)
    k = np.floor(x * (2.0 / np.pi) + 0.5)
    r = (x - k * PIO2_HI) - k * PIO2_LO                  # |r| <= pi/4
    r2 = r * r
    sin_c = [c if i % 2 == 0 else -c for i, c in enumerate(SIN_C)]
    cos_c = [c if i % 2 == 0 else -c for i, c in enumerate(COS_C)]
    s = r * _horner(sin_c, r2)
    c = _horner(cos_c, r2)
    q = np.mod(k, 4.0)                                   # quadrant, exact for these k
    sin = np.where(q == 0, s, np.where(q == 1, c, np.where(q == 2, -s, -c)))
    cos = np.where(q == 0, c, np.where(q == 1, -s, np.where(q == 2, -c, s)))
    return sin, cos


def sin(x):
    return _sincos(x)[0]


def cos(x):
    return _sincos(x)[1]


def tanh(x):
    x = _a(x)
    e = expm1(-2.0 * np.abs(x))                          # in (-1, 0]
    t = -e / (2.0 + e)
    return np.where(x < 0, -t, t)


def sigmoid(x):
    x = _a(x)
    e = exp(-np.abs(x))                                  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
