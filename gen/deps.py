"""What one figure depends on, read from the syntax tree without importing anything.

A figure depends on its own function and on the module-level definitions it uses,
followed transitively (helpers, constants, classes, imports), into other `gen.*`
modules too; never on the rest of its file. Every definition is hashed in a
normalised form, its AST without docstrings, comments, formatting or line
numbers, so an edit that changes no code changes no key.

Where a name is looked up at run time (`globals()`, `getattr(module, ...)`,
`sys.modules`, `eval`, ...), the figure depends on the whole module instead,
and a note says so.
"""
from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gen.discover import DeclarationError


# Calls that look names up at run time: the analysis cannot follow them.
DYNAMIC = {"globals", "vars", "eval", "exec", "__import__", "import_module"}
LOOSE = "(module-level statements)"       # statements that run at import and bind nothing
WHOLE = "(whole module)"
PAGE_ONLY = {"caption", "alt"}            # @figure(...) arguments only the page uses


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _statements(node: ast.AST):
    """`node` and every statement nested in it, not descending into expressions
    (where no definition, hence no docstring, can be): a tenth of ast.walk's nodes."""
    yield node
    for _, value in ast.iter_fields(node):
        if isinstance(value, list):
            for child in value:
                if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                    yield from _statements(child)


def _strip(tree: ast.AST) -> ast.AST:
    """Remove docstrings (in place), and the page-only arguments of @figure(...)."""
    for node in _statements(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
        for dec in getattr(node, "decorator_list", ()):
            if isinstance(dec, ast.Call) and _name(dec.func) == "figure":
                dec.keywords = [k for k in dec.keywords if k.arg not in PAGE_ONLY]
    return tree


def _name(func: ast.expr) -> str | None:
    """`f` for a call of `f(...)` or `x.f(...)`."""
    return getattr(func, "id", getattr(func, "attr", None))


def normalised(source: str) -> str:
    """The code of `source` without docstrings, comments, formatting or positions."""
    return ast.dump(_strip(ast.parse(source)))


def _bound(node: ast.AST) -> set[str]:
    """Names a top-level statement binds in its module (not the locals of its functions)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"}
    if isinstance(node, ast.Name):
        return {node.id} if isinstance(node.ctx, ast.Store) else set()
    if isinstance(node, ast.Lambda):
        return set()
    return set().union(*map(_bound, ast.iter_child_nodes(node)))


def _from_base(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of `from <module> import ...`, relative forms included."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    return ".".join(filter(None, [*parts[: len(parts) - node.level + 1], node.module]))


def _modules(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """Every module an import statement may load (`from a import b`: a, and a.b if a module)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = _from_base(node, package)
    return [base, *(f"{base}.{a.name}" for a in node.names)]


@dataclass
class Source:
    """One `gen` file, split into the definitions a figure can depend on one by one."""

    rel: str
    package: str
    defs: dict[str, list[ast.stmt]] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name -> (module, symbol)
    loose: list[ast.stmt] = field(default_factory=list)
    tree: ast.Module | None = None
    hashes: dict[str | None, str] = field(default_factory=dict)

    def hash(self, name: str | None) -> str:
        """Hash of the definition of `name` (LOOSE: the loose statements; None: the file)."""
        if name not in self.hashes:
            stmts = [self.tree] if name is None else self.loose if name == LOOSE else self.defs[name]
            self.hashes[name] = _sha("\n".join(map(ast.dump, stmts)))
        return self.hashes[name]


class Analysis:
    """Dependencies of figures in one checkout; each file is parsed once."""

    def __init__(self, root: Path, shared: tuple[str, ...] = ()):
        self.root = root
        self.shared = {root / s for s in shared}   # hashed whole into every key already
        self.sources: dict[Path, Source] = {}
        self.files: dict[str, Path | None] = {}
        self.uses: dict[tuple[Path, str], tuple[list, list[str]]] = {}

    def file(self, dotted: str) -> Path | None:
        """The file of module `gen.x.y`, or None if it is not a local module."""
        if dotted not in self.files:
            base = self.root.joinpath(*dotted.split("."))
            self.files[dotted] = next(
                (c for c in (base.with_suffix(".py"), base / "__init__.py") if c.is_file()),
                None) if dotted.split(".")[0] == "gen" else None
        return self.files[dotted]

    def source(self, path: Path) -> Source:
        if path in self.sources:
            return self.sources[path]
        rel = path.relative_to(self.root).as_posix()
        try:
            tree = _strip(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        except SyntaxError as e:
            raise DeclarationError(f"{rel}:{e.lineno}: syntax error: {e.msg}") from None
        src = Source(rel,
                     ".".join(path.parent.relative_to(self.root).parts), tree=tree)
        for stmt in tree.body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for alias in stmt.names:        # one definition per imported name
                    self._import(src, stmt, alias)
                continue
            names = _bound(stmt)
            for name in names:
                src.defs.setdefault(name, []).append(stmt)
            if not names:
                src.loose.append(stmt)
        self.sources[path] = src
        return src

    def _import(self, src: Source, stmt, alias: ast.alias) -> None:
        if isinstance(stmt, ast.Import):
            one = ast.Import(names=[alias])
            name = alias.asname or alias.name.split(".")[0]
            target = (alias.name if alias.asname else name, None)
        else:
            one = ast.ImportFrom(module=stmt.module, names=[alias], level=stmt.level)
            if alias.name == "*":               # binds names nobody can see: a loose statement
                src.loose.append(one)
                return
            base = _from_base(stmt, src.package)
            name = alias.asname or alias.name
            sub = f"{base}.{alias.name}"
            target = (sub, None) if self.file(sub) else (base, alias.name)
        src.defs.setdefault(name, []).append(one)
        if self.file(target[0]):
            src.imports[name] = target

    def local_imports(self, path: Path) -> set[Path]:
        """The gen modules `path` imports anywhere in its code (directly)."""
        src = self.source(path)
        found = set()
        for node in ast.walk(src.tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(self.file(n) for n in _modules(node, src.package) if self.file(n))
        return found - {path}

    def figure(self, path: Path, lineno: int) -> tuple[dict[str, str], list[str]]:
        """({dependency: hash}, notes) of the figure function defined at `path:lineno`."""
        src = self.source(path)
        name = next((n for n, stmts in src.defs.items()      # None (the whole file) if the
                     if any(isinstance(s, ast.FunctionDef) and s.lineno == lineno for s in stmts)),
                    None)                                     # file moved under our feet
        deps: dict[str, str] = {}
        notes: list[str] = []
        # (file, name, follow): name None is the whole file; follow=False takes an
        # import statement alone (for `mlp.train`, the statement `from gen.lib import mlp`).
        todo: list[tuple[Path, str | None, bool]] = [(path, name, True)]
        seen = set()
        while todo:
            item = todo.pop()
            if item in seen or item[0] in self.shared:
                continue
            seen.add(item)
            file, symbol, follow = item
            src = self.source(file)
            if src.loose and (file, LOOSE) not in seen:     # they run whenever the file is imported
                seen.add((file, LOOSE))
                deps[f"{src.rel}::{LOOSE}"] = src.hash(LOOSE)
                todo += self._used_by(file, src, LOOSE, src.loose, notes)
            if symbol is None or symbol not in src.defs:
                if symbol is not None:
                    notes.append(f"{src.rel} has no visible definition of {symbol!r}: "
                                 f"depends on the whole of {src.rel}")
                deps[f"{src.rel} {WHOLE}"] = src.hash(None)
                todo += [(p, None, True) for p in self.local_imports(file)]
                continue
            deps[f"{src.rel}::{symbol}"] = src.hash(symbol)
            if symbol in src.imports:
                module, imported = src.imports[symbol]
                if follow:
                    todo.append((self.file(module), imported, True))
                continue
            todo += self._used_by(file, src, symbol, src.defs[symbol], notes)
        return deps, sorted(set(notes))

    def _used_by(self, file: Path, src: Source, symbol: str, stmts: list[ast.stmt],
                 notes: list[str]) -> list[tuple[Path, str | None, bool]]:
        """What the statements defining `symbol` refer to (computed once per checkout)."""
        if (file, symbol) not in self.uses:
            found: list = []
            notes_here: list[str] = []
            for stmt in stmts:
                found += self._uses(file, src, stmt, symbol, notes_here)
            self.uses[file, symbol] = (found, notes_here)
        found, notes_here = self.uses[file, symbol]
        notes += notes_here
        return found

    def _uses(self, file: Path, src: Source, stmt: ast.stmt, symbol: str,
              notes: list[str]) -> list[tuple[Path, str | None, bool]]:
        """What `stmt` refers to: definitions of its file, or of the gen modules it imports."""
        found: list[tuple[Path, str | None, bool]] = []

        def whole(node, what: str, target: Path) -> None:
            rel = target.relative_to(self.root).as_posix()
            notes.append(f"{what} in {src.rel}:{node.lineno} ({symbol}) is looked up at run "
                         f"time: depends on the whole of {rel}")
            found.append((target, None, True))

        def visit(node: ast.AST) -> None:
            if isinstance(node, ast.Attribute):          # mlp.train, gen.lib.mlp.train
                if node.attr == "modules" and getattr(node.value, "id", None) == "sys":
                    whole(node, "sys.modules", file)
                chain, base = [], node
                while isinstance(base, ast.Attribute):
                    chain.insert(0, base.attr)
                    base = base.value
                target = src.imports.get(base.id) if isinstance(base, ast.Name) else None
                if target and target[1] is None:         # an attribute of a gen module
                    module = target[0]
                    while chain and self.file(f"{module}.{chain[0]}"):
                        module = f"{module}.{chain.pop(0)}"
                    found.extend([(file, base.id, False),
                                  (self.file(module), chain[0] if chain else None, True)])
                    return
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in src.defs:
                    found.append((file, node.id, True))
            elif isinstance(node, ast.Call):
                callee = _name(node.func)
                first = node.args[0] if node.args else None
                if callee in DYNAMIC:
                    whole(node, f"{callee}()", file)
                elif callee == "getattr" and isinstance(first, ast.Name) and first.id in src.imports:
                    whole(node, f"getattr({first.id}, ...)", self.file(src.imports[first.id][0]))
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and (
                    node is not stmt or any(a.name == "*" for a in node.names)):
                # An import inside a function (or `import *`): all of each gen module it names.
                found.extend((self.file(n), None, True) for n in _modules(node, src.package)
                             if self.file(n))
            for child in ast.iter_child_nodes(node):
                visit(child)

        visit(stmt)
        return found
