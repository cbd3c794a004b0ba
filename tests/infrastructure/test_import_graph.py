"""The one-way import rule: the runtime library (the layer) never imports the tooling package, nor anything its
requirements.txt does not install.

``functions/*/app.py`` → ``newsingest`` (``layers/newsingest``, shipped as the Lambda layer) ← ``newsingest_tools``
(``tooling/``: the CLI, the local stack, the operator back-ends; installed, never deployed). See
docs/architecture.md.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.import_graph import (
    HANDLERS,
    RUNTIME_PACKAGE,
    RUNTIME_ROOT,
    TOOLING_PACKAGE,
    TOOLING_ROOT,
    imports_of,
    package_modules,
    runtime_closure,
)

#: Packages only the tooling installs (click: the CLI; moto, yaml: the local stack): never in the runtime.
TOOLING_ONLY = {TOOLING_PACKAGE, "click", "moto", "yaml"}
RUNTIME_PROVIDED = {"boto3"}  # the Lambda runtime ships it (the layer bundles it too, see requirements.txt)


def _requirement_closure(requirements: list[Requirement]) -> set[str]:
    """Canonical names of the installed distributions ``requirements`` pull in (extras and markers honoured)."""
    seen: set[tuple[str, str]] = set()
    pending = [(requirement, extra) for requirement in requirements for extra in (requirement.extras or {""})]
    while pending:
        requirement, extra = pending.pop()
        if (canonicalize_name(requirement.name), extra) in seen:
            continue
        seen.add((canonicalize_name(requirement.name), extra))
        for line in metadata.distribution(requirement.name).requires or []:
            dependency = Requirement(line)
            if dependency.marker is None or dependency.marker.evaluate({"extra": extra}):
                pending += [(dependency, e) for e in (dependency.extras or {""})]
    return {name for name, _ in seen}


def test_no_runtime_module_imports_the_tooling_package_or_a_tooling_only_library() -> None:
    # Given every module of the runtime package, with its lazy (function-level) imports
    modules = package_modules(RUNTIME_ROOT, RUNTIME_PACKAGE)
    assert "newsingest.batch" in modules and "newsingest.poll" in modules
    # When their imports are read
    offending = [f"{item.module}:{item.line} imports {item.target}"
                 for name, path in modules.items() for item in imports_of(path, name)
                 if item.target.split(".")[0] in TOOLING_ONLY]
    # Then none points at the tooling package, click, moto or PyYAML
    assert offending == []


def test_the_runtime_package_holds_only_what_the_handlers_reach() -> None:
    # Given the runtime package and the import closure of both handlers (ingest and poll)
    modules = set(package_modules(RUNTIME_ROOT, RUNTIME_PACKAGE))
    reached = runtime_closure() | {RUNTIME_PACKAGE}
    # Then every module of the package is reached by a handler: nothing tooling-only is left in the layer
    assert modules - reached == set()
    # And the paths the issue names are among them: the ingest path, and the poll's feeds, sources and batch send
    assert {"newsingest.pipeline", "newsingest.extract.body", "newsingest.fetch.fetcher", "newsingest.feeds",
            "newsingest.sources", "newsingest.storage.sources", "newsingest.storage.queue"} <= reached


def test_the_tooling_package_is_not_inside_the_layer_folder() -> None:
    # Given the two roots pyproject.toml installs
    # Then the tooling lives beside the layer's ContentUri, not in it, and the runtime has no cli/ or local/ left
    assert (TOOLING_ROOT / TOOLING_PACKAGE / "__init__.py").is_file()
    assert not (RUNTIME_ROOT / TOOLING_PACKAGE).exists()
    assert not (RUNTIME_ROOT / RUNTIME_PACKAGE / "cli").exists()
    assert not (RUNTIME_ROOT / RUNTIME_PACKAGE / "local").exists()
    # And the package data (sample pages) moved with the local tooling
    assert sorted((TOOLING_ROOT / TOOLING_PACKAGE / "local" / "pages").glob("*.html"))


def test_every_third_party_import_of_the_runtime_is_installed_by_the_layer_requirements() -> None:
    # Given the distributions layers/newsingest/requirements.txt pulls in (what sam build puts in the layer)
    lines = (line.split("#", 1)[0].strip() for line in
             (RUNTIME_ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    installed = _requirement_closure([Requirement(line) for line in lines if line])
    providers = metadata.packages_distributions()
    # When every top-level name the runtime imports (but the optional ones, tried under `except ImportError`) is
    # mapped to the distribution providing it
    modules = package_modules(RUNTIME_ROOT, RUNTIME_PACKAGE)
    missing = set()
    for name, path in modules.items():
        for item in imports_of(path, name):
            top = item.target.split(".")[0]
            skipped = (RUNTIME_PACKAGE, "__future__", *RUNTIME_PROVIDED)
            if item.optional or top in sys.stdlib_module_names or top in skipped:
                continue
            distributions = {canonicalize_name(d) for d in providers.get(top, [])}
            if not distributions & installed:
                missing.add(f"{top} ({name}:{item.line})")
    # Then each is in the layer: no import the deployed function could not satisfy (click was one before the split)
    assert missing == set()


@pytest.mark.parametrize("function", sorted(HANDLERS))
def test_importing_a_handler_and_every_runtime_module_loads_no_tooling(function: str, tmp_path: Path) -> None:
    # Given a fresh interpreter with the function's code folder first on sys.path, as Lambda has it
    code = (f"import sys, json, importlib\nsys.path.insert(0, {str(HANDLERS[function])!r})\nimport app\n"
            f"for name in {sorted(package_modules(RUNTIME_ROOT, RUNTIME_PACKAGE))!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    # When it imports the handler, then every runtime module (what lazy imports would load later)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env=os.environ | {"POWERTOOLS_TRACE_DISABLED": "true"}, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # Then no tooling module, nor click, moto or PyYAML, was imported along the way
    assert "app" in loaded and "newsingest.batch" in loaded
    assert [name for name in loaded if name.split(".")[0] in TOOLING_ONLY] == []


def _top_level_names(path: Path) -> set[str]:
    """Names a module binds at its top level (definitions, assignments, imports), read from its source."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {target.id for target in targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


def test_every_import_of_our_packages_names_something_that_exists() -> None:
    # Given every module of both packages and of the tests and benchmarks, and what each of them imports from
    # newsingest or newsingest_tools (lazy imports included: the CLI imports most of its back-ends inside commands)
    known = package_modules(RUNTIME_ROOT, RUNTIME_PACKAGE) | package_modules(TOOLING_ROOT, TOOLING_PACKAGE)
    sources = [*known.values(), *sorted((RUNTIME_ROOT.parents[1] / "tests").rglob("*.py")),
               *sorted((RUNTIME_ROOT.parents[1] / "benchmarks").rglob("*.py"))]
    broken = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted = [(alias.name, None) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                wanted = [(node.module, alias.name) for alias in node.names]
            else:
                continue
            for module, name in wanted:
                if module.split(".")[0] not in (RUNTIME_PACKAGE, TOOLING_PACKAGE):
                    continue
                if module not in known:
                    broken.append(f"{path.name}:{node.lineno} {module}")
                elif name and f"{module}.{name}" not in known and name not in _top_level_names(known[module]):
                    broken.append(f"{path.name}:{node.lineno} {module}.{name}")
    # Then each names a module that exists, or a name that module defines (a move left no stale import behind)
    assert broken == []
