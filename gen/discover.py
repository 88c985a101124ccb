"""Find the figure modules and read their declarations without importing them.

A figure module is `gen/articles/<module>.py`; its article is
`docs/articles/<slug>.md` with `slug = module.replace("_", "-")`. The
`@figure(...)` decorators are read from the syntax tree, so listing figures and
deciding what is stale costs a file read, not an import of matplotlib.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from gen.figure import FigureSpec, check_spec

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = "gen/articles"
# Code every figure runs through besides its own module: a change to any of
# these changes how every figure is drawn or saved.
SHARED = ("gen/figure.py", "gen/style.py", "gen/render.py")
LIBRARIES = ("numpy", "scikit-learn", "matplotlib")


class DeclarationError(Exception):
    """A figure module whose declarations cannot be read; says where and how to fix."""


@dataclass
class Module:
    name: str                 # activation_functions
    path: Path                # absolute path of the .py file
    root: Path = ROOT         # the checkout it belongs to
    figures: list[FigureSpec] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.name.replace("_", "-")

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def slug_to_module(slug: str) -> str:
    return slug.replace("-", "_")


def _literal(node: ast.AST, what: str, where: str):
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise DeclarationError(
            f"{where}: {what} must be a literal (a plain string, number or tuple), "
            "because figures are listed without importing their module") from None


def _figure_call(dec: ast.AST) -> ast.Call | None:
    if isinstance(dec, ast.Call):
        f = dec.func
        if (isinstance(f, ast.Name) and f.id == "figure") or (
                isinstance(f, ast.Attribute) and f.attr == "figure"):
            return dec
    return None


def parse_module(path: Path, root: Path = ROOT) -> Module:
    """Read a figure module's `@figure(...)` declarations from its source."""
    rel = path.relative_to(root).as_posix()
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    except SyntaxError as e:
        raise DeclarationError(f"{rel}:{e.lineno}: syntax error: {e.msg}") from None
    module = Module(name=path.stem, path=path, root=root)
    seen: dict[str, int] = {}
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for dec in node.decorator_list:
            call = _figure_call(dec)
            if call is None:
                continue
            where = f"{rel}:{node.lineno} ({node.name})"
            if len(call.args) != 1:
                raise DeclarationError(
                    f"{where}: write @figure(\"name\", caption=..., alt=...)")
            kwargs = {k.arg: _literal(k.value, k.arg, where) for k in call.keywords}
            for required in ("caption", "alt"):
                if required not in kwargs:
                    raise DeclarationError(f"{where}: @figure needs {required}=\"...\"")
            try:
                spec = FigureSpec(name=_literal(call.args[0], "the figure name", where),
                                  module=module.name, lineno=node.lineno,
                                  **{k: tuple(v) if isinstance(v, list) else v
                                     for k, v in kwargs.items()})
            except TypeError as e:
                raise DeclarationError(f"{where}: {e}") from None
            problems = check_spec(spec)
            if problems:
                raise DeclarationError(f"{where}: " + "; ".join(problems))
            if spec.name in seen:
                raise DeclarationError(
                    f"{where}: figure name {spec.name!r} is already used on line "
                    f"{seen[spec.name]}; give each figure of a module its own name")
            seen[spec.name] = node.lineno
            module.figures.append(spec)
    return module


def discover(root: Path = ROOT) -> list[Module]:
    """All figure modules under gen/articles, sorted by name."""
    folder = root / ARTICLES
    return [parse_module(p, root) for p in sorted(folder.glob("*.py"))
            if not p.name.startswith("_")]

