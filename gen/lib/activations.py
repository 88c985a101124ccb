"""Activation functions and their derivatives, in numpy, side by side.

Each entry maps a name to (f, df): df is the analytic derivative, checked against
central differences in tests/test_activations.py.
"""
from __future__ import annotations

import numpy as np
from scipy.special import erf

LEAKY_SLOPE = 0.1          # larger than the usual 0.01 so the slope is visible on a plot
SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def sigmoid(x):
    # Written with exp(-|x|) so that neither branch overflows.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def d_sigmoid(x):
    s = sigmoid(x)
    return s * (1 - s)


def d_tanh(x):
    return 1 - np.tanh(x) ** 2


def relu(x):
    return np.maximum(x, 0)


def d_relu(x):
    return (x > 0).astype(float)


def leaky_relu(x, a=LEAKY_SLOPE):
    return np.where(x > 0, x, a * x)


def d_leaky_relu(x, a=LEAKY_SLOPE):
    return np.where(x > 0, 1.0, a)


def elu(x, a=1.0):
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0)))


def d_elu(x, a=1.0):
    return np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0)))


def selu(x):
    return SELU_LAMBDA * elu(x, SELU_ALPHA)


def d_selu(x):
    return SELU_LAMBDA * d_elu(x, SELU_ALPHA)


def _phi(x):                     # standard normal density
    return np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)


def _Phi(x):                     # standard normal CDF
    return 0.5 * (1 + erf(x / np.sqrt(2)))


def gelu(x):
    return x * _Phi(x)


def d_gelu(x):
    return _Phi(x) + x * _phi(x)


def silu(x):
    return x * sigmoid(x)


def d_silu(x):
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def softplus(x):
    return np.logaddexp(0, x)


def identity(x):
    return x


def d_identity(x):
    return np.ones_like(x, dtype=float)


ACTIVATIONS = {
    "identity": (identity, d_identity),
    "sigmoid": (sigmoid, d_sigmoid),
    "tanh": (np.tanh, d_tanh),
    "relu": (relu, d_relu),
    "leaky_relu": (leaky_relu, d_leaky_relu),
    "elu": (elu, d_elu),
    "selu": (selu, d_selu),
    "gelu": (gelu, d_gelu),
    "silu": (silu, d_silu),
    "softplus": (softplus, sigmoid),    # d/dx log(1 + e^x) = sigmoid(x)
}


def softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)
