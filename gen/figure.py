"""How an article module declares a figure.

    @figure("linear-boundary",
            caption="A linear model separates two linearly separable classes.",
            alt="Two clouds of points split by a straight line.")
    def linear_boundary(seed, quick=False):
        ...train a model (randomness only from `seed`)...
        def draw(fig, theme):      # called once per theme (light, dark)
            ax = fig.subplots()
            ...
        return draw, {"accuracy": acc}

The function computes once and returns a `draw(fig, theme)` callable plus its
named numbers; the pipeline draws the same computation in every theme. The
decorator's arguments must be literals: the pipeline reads them from the source
without importing the module (see `gen.discover`), so a no-op build never
imports numpy, matplotlib or scikit-learn.

This module must stay import-light for the same reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

FORMATS = ("svg", "png")
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
# Every figure is drawn once per theme (see gen/style.py); light is the default.
THEME_NAMES = ("light", "dark")


def theme_suffix(theme: str) -> str:
    """File-name suffix of a theme's drawing: `x.svg` (light), `x.dark.svg`."""
    return "" if theme == "light" else f".{theme}"


@dataclass(frozen=True)
class FigureSpec:
    """One declared figure: everything the pipeline and the pages need to know."""

    name: str
    caption: str
    alt: str
    seed: int = 0
    size: tuple[float, float] = (6.4, 4.0)
    format: str = "svg"
    data: tuple[str, ...] = ()
    timeout: float | None = None
    func: Callable | None = field(default=None, compare=False, repr=False)
    module: str = ""
    lineno: int = 0


def check_spec(spec: FigureSpec) -> list[str]:
    """Problems with a declaration, as sentences that say what to fix."""
    problems = []
    if not spec.name or set(spec.name) - NAME_CHARS or spec.name[0] == "-":
        problems.append(
            f"figure name {spec.name!r} must be lower-case letters, digits and '-'")
    if not spec.caption.strip():
        problems.append(f"figure {spec.name!r} needs a caption")
    if len(spec.alt.strip()) < 15:
        problems.append(
            f"figure {spec.name!r} needs alt text that describes what the plot shows "
            "(at least a short sentence)")
    if spec.format not in FORMATS:
        problems.append(f"figure {spec.name!r}: format must be one of {FORMATS}")
    if len(spec.size) != 2 or not all(0 < float(v) <= 20 for v in spec.size):
        problems.append(f"figure {spec.name!r}: size must be (width, height) in inches")
    return problems


def figure(name: str, *, caption: str, alt: str, seed: int = 0,
           size: tuple[float, float] = (6.4, 4.0), format: str = "svg",
           data: tuple[str, ...] = (), timeout: float | None = None):
    """Declare the decorated function as the figure `name` of its module."""

    def decorate(func: Callable) -> Callable:
        func.__figure__ = FigureSpec(
            name=name, caption=caption, alt=alt, seed=seed, size=tuple(size),
            format=format, data=tuple(data), timeout=timeout, func=func,
            module=func.__module__)
        return func

    return decorate
