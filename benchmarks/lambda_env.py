"""A Lambda-like import environment built from the current one, without network or installs.

Lambda's python3.13 runtime puts the function code (``/var/task``), the layer (``/opt/python``) and the runtime's
own boto3 on ``sys.path``, and nothing else. A development venv holds much more (moto, requests, PyYAML, click…),
and what is importable changes what gets imported: the X-Ray SDK's ``patch_all`` imports ``requests`` when it can.
So the cold-start figures run in ``python -I -S`` with a ``sys.path`` of exactly:

1. the function's code folder (``functions/ingest``),
2. a "layer" folder of symlinks to the distributions in ``layers/newsingest/requirements.txt`` and their
   dependencies (resolved from the installed metadata, extras and markers honoured), plus the ``newsingest``
   package itself,
3. a "runtime" folder of symlinks to boto3 and its dependencies (the Lambda runtime provides those).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from newsingest_tools.local.env import OFFLINE_CREDENTIALS

REPO = Path(__file__).resolve().parents[1]
CODE_DIR = REPO / "functions" / "ingest"
LAYER_REQUIREMENTS = REPO / "layers" / "newsingest" / "requirements.txt"


def read_requirements(path: Path = LAYER_REQUIREMENTS) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


def closure(requirements: list[Requirement]) -> dict[str, metadata.Distribution]:
    """Installed distributions needed by ``requirements`` (markers evaluated for this interpreter)."""
    found: dict[str, metadata.Distribution] = {}
    todo = [(req, frozenset(req.extras)) for req in requirements]
    while todo:
        req, extras = todo.pop()
        name = _canonical(req.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            continue  # optional at runtime (and then not imported in Lambda either)
        found[name] = dist
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is not None:
                envs = [{"extra": e} for e in extras] or [{"extra": ""}]
                if not any(sub.marker.evaluate(env) for env in envs):
                    continue
            todo.append((sub, frozenset(sub.extras)))
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_entries(dist: metadata.Distribution) -> set[Path]:
    """The files/folders a distribution puts directly into site-packages (absolute paths)."""
    entries: set[Path] = set()
    for file in dist.files or []:
        parts = Path(file).parts
        if not parts or parts[0] == ".." or parts[0].endswith((".dist-info", ".egg-info", ".pth")):
            continue
        if parts[0] in ("__pycache__", "bin") or parts[0].startswith("__editable__"):
            continue
        entries.add(Path(dist.locate_file(parts[0])).resolve())
    return {entry for entry in entries if entry.exists()}


def _link_all(folder: Path, dists: dict[str, metadata.Distribution]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_symlink():
            old.unlink()
    names = []
    for name, dist in sorted(dists.items()):
        if name == "newsingest":
            continue
        for entry in top_level_entries(dist):
            link = folder / entry.name
            if not link.exists():
                link.symlink_to(entry)
        names.append(f"{dist.metadata['Name']} {dist.version}")
    return names


def build(out_dir: Path) -> tuple[list[str], list[str]]:
    """Create ``out_dir/layer`` and ``out_dir/runtime``; returns (sys.path entries, distributions linked)."""
    out_dir = out_dir.resolve()
    layer_reqs = read_requirements()
    layer = closure(layer_reqs)
    runtime = {k: v for k, v in closure([Requirement("boto3")]).items() if k not in layer}
    linked = _link_all(out_dir / "layer", layer) + _link_all(out_dir / "runtime", runtime)
    spec = importlib.util.find_spec("newsingest")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("newsingest is not importable")
    package = Path(list(spec.submodule_search_locations)[0]).resolve()
    link = out_dir / "layer" / "newsingest"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(package)
    return [str(CODE_DIR), str(out_dir / "layer"), str(out_dir / "runtime")], linked


def lambda_environment(code_dir: Path = CODE_DIR) -> dict[str, str]:
    """The variables Lambda sets, plus the function's own from template.yaml's defaults (as deployed)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TZ", "HOME")}
    env.update({
        "LAMBDA_TASK_ROOT": str(code_dir),
        "LAMBDA_RUNTIME_DIR": str(code_dir),
        "AWS_LAMBDA_FUNCTION_NAME": "newsingest-IngestFunction",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "_HANDLER": "app.lambda_handler",
        **OFFLINE_CREDENTIALS,  # the region and the fake credentials (the role's, on Lambda)
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "_X_AMZN_TRACE_ID": "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
        "PYTHONDONTWRITEBYTECODE": "",
    })
    env.pop("PYTHONDONTWRITEBYTECODE")
    try:
        sys.path[:0] = [str(REPO / "layers" / "newsingest"), str(REPO / "tooling")]
        from newsingest_tools.local.stack import function_environment  # dev-only (PyYAML)

        function_env = function_environment(parameters={})
        function_env.setdefault("ARTICLES_BUCKET", "bench-bucket")
        function_env.setdefault("ARTICLES_TABLE", "bench-table")
        env.update({k: v or "x" for k, v in function_env.items()})
    except Exception:  # noqa: BLE001 - the template's variables only refine the figure
        env.update({"POWERTOOLS_SERVICE_NAME": "newsingest", "POWERTOOLS_METRICS_NAMESPACE": "Newsingest",
                    "ARTICLES_BUCKET": "bench-bucket", "ARTICLES_TABLE": "bench-table"})
    return env
