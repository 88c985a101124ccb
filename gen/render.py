"""Turn one declared figure into bytes: compute once, draw in every theme, save.

Runs inside a worker process (see `gen.worker`); nothing here writes a file.
"""
from __future__ import annotations

import importlib.util
import io
import json
import math
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gen.figure import FigureSpec  # noqa: E402
from gen.style import BASE_RC, THEMES  # noqa: E402

PNG_DPI = 150
SVG_RASTER_DPI = 150
MAX_BYTES = 300_000


class FigureError(Exception):
    """A figure function broke its contract; the message says how."""


def load_module(path: Path, name: str):
    """Import a figure module from its file, as `gen.articles.<name>`."""
    qualified = f"gen.articles.{name}"
    spec = importlib.util.spec_from_file_location(qualified, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


def find_spec(module, name: str) -> FigureSpec:
    for value in vars(module).values():
        spec = getattr(value, "__figure__", None)
        if isinstance(spec, FigureSpec) and spec.name == name:
            return spec
    raise FigureError(f"no function in {module.__file__} is declared @figure({name!r})")


def clean_numbers(numbers, where: str) -> dict[str, float | int]:
    if not isinstance(numbers, dict):
        raise FigureError(f"{where} must return (draw, numbers) with numbers a dict, "
                          f"not {type(numbers).__name__}")
    out: dict[str, float | int] = {}
    for key, value in numbers.items():
        if not isinstance(key, str) or not key.isidentifier():
            raise FigureError(f"{where}: number name {key!r} must be a Python identifier")
        if hasattr(value, "item"):          # numpy scalar -> Python
            value = value.item()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise FigureError(f"{where}: number {key!r} is {type(value).__name__}, "
                              "expected an int or a float")
        if isinstance(value, float) and not math.isfinite(value):
            raise FigureError(f"{where}: number {key!r} is {value}; numbers must be finite")
        out[key] = value
    return out


# Matplotlib names clip paths (p), markers (m) and hatches (h) after a hash of
# their full-precision coordinates; svg.hashsalt only fixes the salt. A
# coordinate can differ in its last bit between two processes (numpy's SIMD
# sums depend on memory alignment), which renames an id although every printed
# coordinate is equal. Found by diffing two clean builds of the whole site.
HASHED_ID = re.compile(rb'(id="|url\(#|href="#)([pmh][0-9a-f]{10})(?=[")])')


def canonical_ids(svg: bytes) -> bytes:
    """Rename matplotlib's hashed SVG ids by order of first appearance (same length)."""
    defined = set(re.findall(rb'id="([pmh][0-9a-f]{10})"', svg))
    order: dict[bytes, int] = {}
    for m in HASHED_ID.finditer(svg):
        if m[2] in defined:
            order.setdefault(m[2], len(order))
    return HASHED_ID.sub(lambda m: m[1] + m[2][:1] + b"%010x" % order[m[2]]
                         if m[2] in order else m[0], svg)


def save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "svg":
        # dpi only sets the resolution of rasterised artists inside the SVG.
        fig.savefig(buf, format="svg", dpi=SVG_RASTER_DPI, metadata={"Date": None})
        return canonical_ids(buf.getvalue())
    fig.savefig(buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buf.getvalue()


EXPORT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def export_files(exports, where: str, max_bytes: int) -> dict[str, bytes]:
    """Data a figure publishes next to its drawings (e.g. a playground run), as JSON.

    `{"circles-relu": {...}}` becomes `<figure>/circles-relu.json`; the JSON is
    compact, sorted and NaN-free, so the same run gives the same bytes.
    """
    if not isinstance(exports, dict):
        raise FigureError(f"{where}: exports must be a dict of name -> JSON data, "
                          f"not {type(exports).__name__}")
    files = {}
    for name, value in exports.items():
        if not isinstance(name, str) or not EXPORT_NAME.match(name):
            raise FigureError(f"{where}: export name {name!r} must be lower-case letters, "
                              "digits and '-'")
        try:
            data = json.dumps(value, sort_keys=True, separators=(",", ":"),
                              allow_nan=False).encode()
        except (TypeError, ValueError) as e:
            raise FigureError(f"{where}: export {name!r} is not plain JSON data ({e}); "
                              "convert arrays with .tolist() and keep numbers finite") from None
        if len(data) > max_bytes:
            raise FigureError(f"{where}: export {name!r} is {len(data) // 1000} KB, over the "
                              f"{max_bytes // 1000} KB budget; export fewer points or epochs")
        files[f"/{name}.json"] = data
    return files


def render(spec: FigureSpec, quick: bool = False, max_bytes: int = MAX_BYTES):
    """Compute `spec` once and draw it in every theme.

    Returns ({file suffix: bytes}, numbers). Raises FigureError when the
    function breaks its contract or a drawing is over the size budget. A
    function may also return exports, `(draw, numbers, {name: data})`: JSON
    files published at `figures/<module>/<figure>/<name>.json`.
    """
    where = f"figure {spec.name!r} ({spec.func.__name__})"
    with mpl.rc_context(BASE_RC):
        result = spec.func(spec.seed, quick=quick)
    exports = {}
    if callable(result):
        draw, numbers = result, {}
    elif isinstance(result, tuple) and len(result) in (2, 3) and callable(result[0]):
        draw, numbers, *rest = result
        exports = rest[0] if rest else {}
    else:
        raise FigureError(f"{where} returned {type(result).__name__}; it must return "
                          "draw, (draw, numbers) or (draw, numbers, exports) where "
                          "draw(fig, theme) draws the figure")
    numbers = clean_numbers(numbers, where)
    files: dict[str, bytes] = export_files(exports, where, max_bytes)
    for theme in THEMES:
        with mpl.rc_context({**BASE_RC, **theme.rc()}):
            fig = Figure(figsize=spec.size, layout="constrained")
            draw(fig, theme)
            data = save(fig, spec.format)
        if len(data) > max_bytes:
            raise FigureError(
                f"{where}: the {theme.name} {spec.format.upper()} is {len(data) // 1000} KB, "
                f"over the {max_bytes // 1000} KB budget; rasterise dense artists "
                "(artist.set_rasterized(True) for contours, heatmaps, many points) "
                "or declare format=\"png\"")
        files[f"{theme.suffix}.{spec.format}"] = data
    return files, numbers
