"""The playground's data: a seeded PRNG and eight 2-D data sets (twin of core/data.js).

mulberry32 gives the same stream of doubles in Python and JavaScript. Every data
set draws, from one stream, 3 uniforms per point and then 2 normal deviates per
point (Box-Muller), so the order of draws is the same on both sides; the
arithmetic is gen.lib.playground.xmath. Point i has class i % K (K classes: 2,
or 3 and 4 for the clusters and the 3-arm spiral); the first
round(n * train) points are the training set, the rest the test set. The
reader's own points (the URL's `pts`) join them, or alone make the data set
"custom"; see points().
"""
from __future__ import annotations

import numpy as np

from gen.lib.playground import xmath

M32 = 0xFFFFFFFF
GOLDEN = 0x9E3779B9
STREAMS = {"data": 1, "init": 2, "shuffle": 3}
DATASETS = ("circles", "xor", "blobs", "spiral", "moons", "clusters3", "clusters4", "spiral3")
CLASSES = {"clusters3": 3, "clusters4": 4, "spiral3": 3}
EXTENT = 3.6                # the plane and your points: [-EXTENT, EXTENT]^2
STEPS = 2047                # your points' coordinates: 11-bit steps over it
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def classes(name: str) -> int:
    """How many classes data set `name` has."""
    return CLASSES.get(name, 2)


class Mulberry32:
    """Tommy Ettinger's mulberry32: 32-bit state, doubles in [0, 1) with 32 random bits."""

    def __init__(self, seed: int):
        self.state = seed & M32

    def __call__(self) -> float:
        self.state = (self.state + 0x6D2B79F5) & M32
        a = self.state
        t = ((a ^ (a >> 15)) * (1 | a)) & M32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M32)) & M32) ^ t
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def uniforms(self, n: int) -> np.ndarray:
        return np.array([self() for _ in range(n)])

    def normals(self, n: int) -> np.ndarray:
        """n standard normal deviates, Box-Muller pairs (r cos, r sin) in order."""
        u = self.uniforms(2 * ((n + 1) // 2)).reshape(-1, 2)
        r = np.sqrt(-2.0 * xmath.log(1.0 - u[:, 0]))
        theta = 2.0 * np.pi * u[:, 1]
        return np.stack([r * xmath.cos(theta), r * xmath.sin(theta)], axis=1).ravel()[:n]


def stream(seed: int, name: str) -> Mulberry32:
    """Independent streams for data, initial weights and shuffling, from one seed."""
    return Mulberry32((seed + GOLDEN * STREAMS[name]) & M32)


def generate(name: str, n: int, noise: float, seed: int):
    """(X, y): n points of data set `name`; `noise` is the std of a Gaussian jitter
    (for blobs: the clouds' std is 0.5 + 2 noise)."""
    rng = stream(seed, "data")
    u = rng.uniforms(3 * n).reshape(n, 3)
    g = rng.normals(2 * n).reshape(n, 2)
    K = classes(name)
    c = np.arange(n) % K
    two_pi = 2.0 * np.pi
    if name == "circles":            # class 1 a disc of radius 1, class 0 a ring 1.6-2.5
        r = np.where(c == 1, u[:, 0], 1.6 + 0.9 * u[:, 0])
        a = two_pi * u[:, 1]
        x1, x2 = r * xmath.cos(a), r * xmath.sin(a)
    elif name == "xor":              # class 1 in quadrants 1 and 3, class 0 in 2 and 4
        m1, m2 = 0.3 + 2.7 * u[:, 0], 0.3 + 2.7 * u[:, 1]
        s = np.where(u[:, 2] < 0.5, 1.0, -1.0)
        x1 = s * m1
        x2 = np.where(c == 1, s * m2, -s * m2)
    elif name == "blobs":            # two Gaussian clouds: noise widens them until they overlap
        centre = np.where(c == 1, 1.5, -1.5)
        spread = 0.5 + 2.0 * noise
        return np.stack([centre + spread * g[:, 0], centre + spread * g[:, 1]], axis=1), c
    elif name in ("clusters3", "clusters4"):   # K Gaussian clouds on a circle of radius 2.2
        a = two_pi * c / K + np.pi / 2
        spread = 0.4 + 1.5 * noise
        x1 = 2.2 * xmath.cos(a) + spread * g[:, 0]
        x2 = 2.2 * xmath.sin(a) + spread * g[:, 1]
        return np.stack([x1, x2], axis=1), c
    elif name == "spiral3":          # three arms, 1.25 turns each
        t = u[:, 0]
        a = 1.25 * two_pi * t + two_pi * c / 3
        x1, x2 = 2.8 * t * xmath.cos(a), 2.8 * t * xmath.sin(a)
    elif name == "spiral":           # two interleaved arms, 1.75 turns each
        t = u[:, 0]
        a = 1.75 * two_pi * t + np.pi * c
        x1, x2 = 2.8 * t * xmath.cos(a), 2.8 * t * xmath.sin(a)
    elif name == "moons":            # two interleaved half circles
        a = np.pi * u[:, 0]
        ca, sa = xmath.cos(a), xmath.sin(a)
        x1 = np.where(c == 1, 1.0 - ca, ca)
        x2 = np.where(c == 1, 0.5 - sa, sa)
        x1, x2 = 2.0 * (x1 - 0.5), 2.0 * (x2 - 0.25)
    else:
        raise ValueError(f"unknown data set {name!r}: use one of {', '.join(DATASETS)}")
    x1, x2 = x1 + noise * g[:, 0], x2 + noise * g[:, 1]
    return np.stack([x1, x2], axis=1), c


def train_count(n: int, train: float) -> int:
    return int(np.floor(n * train + 0.5))


def encode_points(X, y) -> str:
    """The `pts` text of points X (m x 2) of classes y, as the page's encodePoint writes it."""
    q = np.clip(np.round((np.asarray(X, float) + EXTENT) / (2.0 * EXTENT) * STEPS), 0, STEPS).astype(np.int64)
    v = (q[:, 0] << 13) | (q[:, 1] << 2) | np.asarray(y, dtype=np.int64)
    return "".join(B64[(int(w) >> s) & 63] for w in v for s in (18, 12, 6, 0))


def decode_points(text: str):
    """(X, y) of your points: 4 base64url characters (24 bits) each, x1 and x2 in
    11-bit steps over [-EXTENT, EXTENT], then the class in 2 bits."""
    if len(text) % 4 or any(c not in B64 for c in text):
        raise ValueError(f"pts={text[:40]!r}: not points the playground wrote (4 base64url characters each)")
    v = np.array([B64.index(c) for c in text], dtype=np.int64).reshape(-1, 4) @ (64 ** np.arange(3, -1, -1))
    X = np.stack([-EXTENT + (2.0 * EXTENT * (v >> 13)) / STEPS,
                  -EXTENT + (2.0 * EXTENT * ((v >> 2) & 2047)) / STEPS], axis=1).reshape(-1, 2)
    return X, (v & 3).astype(np.int64)


def class_count(cfg) -> int:
    """The data set's classes, or for "custom" enough for your points' highest (at least 2)."""
    if cfg["data"] != "custom":
        return classes(cfg["data"])
    return max([2, *(decode_points(cfg["pts"])[1] + 1)])


def points(cfg):
    """(X, y, k): the generated set (none for "custom") and your points, training points
    (the first k) first. Of your m points round(m * train) train, spread out: point j
    trains when train_count(j + 1) > train_count(j), so adding one never moves another."""
    if cfg["data"] == "custom":
        X, y = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    else:
        X, y = generate(cfg["data"], cfg["n"], cfg["noise"], cfg["seed"])
    mine, cls = decode_points(cfg["pts"])
    g0, train = train_count(len(y), cfg["train"]), cfg["train"]
    trains = np.array([train_count(j + 1, train) > train_count(j, train) for j in range(len(cls))], dtype=bool)
    X = np.concatenate([X[:g0], mine[trains], X[g0:], mine[~trains]])
    y = np.concatenate([y[:g0], cls[trains], y[g0:], cls[~trains]])
    return X, y, g0 + int(trains.sum())
