"""The shared look of every figure: one light and one dark theme.

A figure is computed once and drawn once per theme; the page shows the light
drawing in Material's light scheme and the dark one in its slate scheme
(`#only-light` / `#only-dark`), so no CSS inversion ever touches a plot.
Colours are the Okabe-Ito colour-blind-safe set, lightened for the dark theme
so that every line keeps at least 3:1 contrast against its background.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib.colors as mcolors
from cycler import cycler

from gen.figure import THEME_NAMES, theme_suffix


@dataclass(frozen=True)
class Theme:
    name: str          # "light" or "dark": also the file suffix ("" for light)
    bg: str            # figure and axes background (matches Material's page)
    fg: str            # text, ticks, spines
    muted: str         # grid lines, secondary text
    colors: tuple[str, ...]   # categorical series, in order

    @property
    def suffix(self) -> str:
        return theme_suffix(self.name)

    def rc(self) -> dict:
        return {
            "figure.facecolor": self.bg,
            "axes.facecolor": self.bg,
            "savefig.facecolor": self.bg,
            "text.color": self.fg,
            "axes.labelcolor": self.fg,
            "axes.edgecolor": self.muted,
            "axes.titlecolor": self.fg,
            "xtick.color": self.fg,
            "ytick.color": self.fg,
            "grid.color": self.muted,
            "legend.facecolor": self.bg,
            "legend.edgecolor": self.muted,
            "legend.labelcolor": self.fg,
            "axes.prop_cycle": cycler(color=list(self.colors)),
        }

    def region_cmap(self, alpha: float = 0.35) -> mcolors.Colormap:
        """Two-class decision regions: class 0 colour -> background -> class 1 colour."""
        a, b = (mcolors.to_rgb(c) for c in self.colors[:2])
        bg = mcolors.to_rgb(self.bg)
        mix = [tuple(alpha * c + (1 - alpha) * g for c, g in zip(col, bg)) for col in (a, b)]
        return mcolors.LinearSegmentedColormap.from_list(
            f"regions-{self.name}", [mix[0], bg, mix[1]])


LIGHT = Theme(
    name="light", bg="#ffffff", fg="#1f1f1f", muted="#c8c8c8",
    colors=("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#6b6b6b"),
)
# Material's slate background is hsl(232, 15%, 14%).
DARK = Theme(
    name="dark", bg="#1e2029", fg="#e3e3e3", muted="#4a4d5a",
    colors=("#56B4E9", "#FF8C42", "#3DD6A3", "#E59BC8", "#F0C24B", "#9ecbff", "#a8a8a8"),
)
THEMES = (LIGHT, DARK)
assert tuple(t.name for t in THEMES) == THEME_NAMES

# rcParams that hold for every theme. Text is drawn as paths so a figure looks
# the same on every reader's machine; the hash salt makes SVG ids repeatable.
BASE_RC = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.grid": True,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    "svg.hashsalt": "nonlinear",
    "svg.fonttype": "path",
    "path.simplify": True,
    "image.interpolation": "nearest",
}
