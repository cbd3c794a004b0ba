"""The static import graph of the runtime library, read from the source (``ast``), lazy imports included.

What the Lambda functions can import is the closure of their handlers' imports: every ``import``/``from … import``
in a module, at module level or inside a function (the runtime imports lazily to keep the cold start short, so a
module-level scan alone would miss most of ``extract/``). The layer must hold that closure and nothing more, and
nothing in it may import the tooling package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNTIME_ROOT = REPO / "layers" / "newsingest"  # the layer's ContentUri: holds the package `newsingest`
RUNTIME_PACKAGE = "newsingest"
TOOLING_ROOT = REPO / "tooling"
TOOLING_PACKAGE = "newsingest_tools"
#: Each Lambda function's code folder (its CodeUri): the handler module is ``app``.
HANDLERS = {"IngestFunction": REPO / "functions" / "ingest", "PollFunction": REPO / "functions" / "poll"}


@dataclass(frozen=True)
class Import:
    module: str  # the module that imports
    target: str  # what it imports (a dotted name; for `from a import b`, both `a` and `a.b` are listed)
    line: int
    optional: bool = False  # inside ``try: … except ImportError``: the module runs without it


def _optional_lines(tree: ast.AST) -> set[int]:
    """Lines of the ``try`` bodies whose handlers catch ImportError (an optional dependency)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(handler.type, ast.Name) and handler.type.id in ("ImportError", "ModuleNotFoundError")
                for handler in node.handlers):
            for statement in node.body:
                lines |= {child.lineno for child in ast.walk(statement) if hasattr(child, "lineno")}
    return lines


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> list[Import]:
    """Every import statement of one file, wherever it stands (module level, functions, ``if TYPE_CHECKING``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    optional = _optional_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno, node.lineno in optional) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(Import(name, target, node.lineno, node.lineno in optional))
            found += [Import(name, f"{target}.{alias.name}", node.lineno, node.lineno in optional)
                      for alias in node.names]
    return found


def package_modules(root: Path, package: str) -> dict[str, Path]:
    """Module name → file, for every ``.py`` of ``package`` under ``root``."""
    return {module_name(path, root): path for path in sorted((root / package).rglob("*.py"))
            if "__pycache__" not in path.parts}


def closure(start: Iterable[tuple[str, Path]], modules: dict[str, Path], package: str) -> set[str]:
    """The modules of ``package`` reachable from ``start`` (name, file) pairs; parents of a module count (importing
    ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__``)."""
    reached: set[str] = set()
    pending = list(start)
    while pending:
        name, path = pending.pop()
        for item in imports_of(path, name):
            parts = item.target.split(".")
            if parts[0] != package:
                continue
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in modules and candidate not in reached:
                    reached.add(candidate)
                    pending.append((candidate, modules[candidate]))
    return reached


def runtime_closure(root: Path = RUNTIME_ROOT) -> set[str]:
    """The runtime modules the handlers reach, as laid out under ``root`` (the repository or a simulated layer)."""
    handlers = [("app", folder / "app.py") for folder in HANDLERS.values()]
    return closure(handlers, package_modules(root, RUNTIME_PACKAGE), RUNTIME_PACKAGE)
