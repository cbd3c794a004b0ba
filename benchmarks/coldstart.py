"""Cold start: import of the handler module vs the floor of its unavoidable libraries, in fresh interpreters.

Each repetition starts ``python -I -S`` with a Lambda-like ``sys.path`` and environment (see ``lambda_env``) and
times, inside the child, ``import app`` (what Lambda's bootstrap does with ``functions/ingest/app.py``) or the
floor statement below. Handler and floor runs alternate, so both see the same machine load; the figure is the
ratio of the medians. A ``-X importtime`` run of each then lists every module the handler imports beyond the
floor, and who imports it.
"""

from __future__ import annotations

import argparse
import ast
import json
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks import lambda_env

#: What the handler cannot do without: boto3 (runtime-provided), bs4 + lxml (extraction), and the Powertools pieces
#: it uses: Logger, Metrics, Tracer with its X-Ray provider (the function runs with ``Tracing: Active``), the
#: batch utilities and the SQS record class.
FLOOR = ("import boto3, botocore.config; import bs4, lxml.etree; "
         "from aws_lambda_powertools import Logger, Metrics, Tracer; "
         "from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit; "
         "from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response; "
         "from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord; "
         "from aws_lambda_powertools.utilities.typing import LambdaContext; "
         "import aws_xray_sdk.core")
HANDLER = "import app"
#: The handler plus what its first message imports lazily (bs4, lxml, charset detection): a tiny extraction.
HANDLER_FIRST_EXTRACT = ("import app\nfrom newsingest.extract import extract_article\n"
                         "extract_article(b'<html><body><article><p>Cold start.</p></article></body></html>')")

_CHILD = ("import sys, time\nsys.path[:0] = {paths!r}\nt0 = time.perf_counter(); c0 = time.process_time()\n"
          "{statement}\n"
          "t1 = time.perf_counter(); c1 = time.process_time()\n"
          "sys.stdout.write(repr(((t1 - t0) * 1000.0, (c1 - c0) * 1000.0, {modules})))\n")


def child_code(paths: list[str], statement: str, *, modules: bool = False) -> str:
    return _CHILD.format(paths=paths, statement=statement, modules="sorted(sys.modules)" if modules else "None")


def run_once(paths: list[str], statement: str, env: dict[str, str], *, importtime: bool = False,
             modules: bool = False) -> tuple[float, float, list[str] | None, str]:
    """One fresh interpreter: (wall ms, CPU ms, sys.modules after the import if asked, stderr)."""
    args = [sys.executable, "-I", "-S"] + (["-X", "importtime"] if importtime else []) + \
        ["-c", child_code(paths, statement, modules=modules)]
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=paths[0], timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child failed: {done.stderr[-2000:]}")
    wall, cpu, loaded = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    return wall, cpu, loaded, done.stderr


def parse_importtime(text: str) -> dict[str, dict[str, object]]:
    """``-X importtime`` output → {module: {"self_us", "cumulative_us", "parent"}} (parent = who imported it)."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self [us]" in line:
            continue
        _, self_us, rest = line.split("|", 2) if line.count("|") >= 2 else (line, "0", "")
        self_us = line.split(":", 1)[1].split("|")[0].strip()
        cumulative, name = line.split("|")[1].strip(), line.split("|")[2]
        level = (len(name) - len(name.lstrip(" "))) // 2
        rows.append((int(self_us), int(cumulative), level, name.strip()))
    modules: dict[str, dict[str, object]] = {}
    stack: list[str] = []
    for self_us, cumulative, level, name in reversed(rows):  # reversed postorder = preorder
        del stack[level:]
        parent = stack[level - 1] if level > 0 and len(stack) >= level else None
        stack.append(name)
        modules.setdefault(name, {"self_us": self_us, "cumulative_us": cumulative, "parent": parent})
    return modules


_AUDIT = """import sys
seen = []
def hook(event, args):
    if event == "open":
        path = str(args[0])
        if not path.endswith((".py", ".pyc", ".so")) and "__pycache__" not in path:
            seen.append("open %s (%s)" % (path, args[1]))
    elif event in ("socket.connect", "socket.getaddrinfo", "subprocess.Popen", "os.system"):
        seen.append("%s %s" % (event, str(args)[:120]))
sys.addaudithook(hook)
sys.path[:0] = PATHS
STATEMENT
sys.stdout.write(repr(seen))
"""


def side_effects(paths: list[str], statement: str, env: dict[str, str]) -> list[str]:
    """Files opened (other than modules) and network/process events during ``statement`` (audit hooks)."""
    done = subprocess.run([sys.executable, "-I", "-S", "-c",
                           _AUDIT.replace("PATHS", repr(paths)).replace("STATEMENT", statement)],
                          capture_output=True, text=True, env=env, cwd=paths[0], timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"audit child failed: {done.stderr[-2000:]}")
    return [item.replace(paths[1], "<layer>").replace(paths[2], "<runtime>")
            for item in ast.literal_eval(done.stdout.strip().splitlines()[-1])]


def _median_importtime(paths: list[str], statement: str, env: dict[str, str],
                       runs: int) -> dict[str, dict[str, object]]:
    """``-X importtime`` of ``runs`` fresh interpreters; each module's self/cumulative time is the median."""
    traces = [parse_importtime(run_once(paths, statement, env, importtime=True)[3]) for _ in range(runs)]
    merged: dict[str, dict[str, object]] = {}
    for name, first in traces[0].items():
        seen = [t[name] for t in traces if name in t]
        merged[name] = {"parent": first["parent"],
                        "self_us": statistics.median(int(s["self_us"]) for s in seen),
                        "cumulative_us": statistics.median(int(s["cumulative_us"]) for s in seen)}
    return merged


def beyond_floor(app: dict[str, dict[str, object]], floor_loaded: set[str],
                 app_loaded: set[str]) -> list[dict[str, object]]:
    """Third-party/stdlib modules the handler imports that the floor does not, grouped where their import starts
    (the entry point), with the module that imports them. The handler's own ``newsingest`` modules are counted
    separately."""
    extra = {name for name in app if name in app_loaded and name not in floor_loaded and name != "app"}
    entries = []
    for name in extra:
        parent = app[name]["parent"]
        if name.split(".")[0] == "newsingest" or (parent in extra and str(parent).split(".")[0] != "newsingest"):
            continue  # the handler's own code, or counted under its entry point
        subtree = [m for m in extra if _under(m, name, app, extra)]
        entries.append({
            "module": name,
            "imported_by": parent or "(top level)",
            "ms": sum(int(app[m]["self_us"]) for m in subtree) / 1000.0,
            "modules": len(subtree),
        })
    return sorted(entries, key=lambda e: -float(e["ms"]))


def _under(module: str, root: str, tree: dict[str, dict[str, object]], extra: set[str]) -> bool:
    seen = 0
    while module is not None and seen < 500:
        if module == root:
            return True
        if module not in extra or (module.split(".")[0] == "newsingest"):
            return False
        module = tree[module]["parent"]
        seen += 1
    return False


def measure(repetitions: int, out_dir: Path) -> dict[str, object]:
    paths, linked = lambda_env.build(out_dir)
    env = lambda_env.lambda_environment()
    # untimed: warm the OS file cache, compile .pyc files, and list what each side leaves in sys.modules
    app_loaded = set(run_once(paths, HANDLER, env, modules=True)[2] or ())
    floor_loaded = set(run_once(paths, FLOOR, env, modules=True)[2] or ())
    run_once(paths, HANDLER_FIRST_EXTRACT, env)
    handler_ms, floor_ms, handler_cpu, floor_cpu, first_ms = [], [], [], [], []
    for i in range(repetitions):
        order = [(HANDLER, handler_ms, handler_cpu), (FLOOR, floor_ms, floor_cpu),
                 (HANDLER_FIRST_EXTRACT, first_ms, [])]
        shift = i % len(order)
        for statement, wall_sink, cpu_sink in order[shift:] + order[:shift]:
            wall, cpu, _, _ = run_once(paths, statement, env)
            wall_sink.append(wall)
            cpu_sink.append(cpu)
    app_modules = _median_importtime(paths, HANDLER, env, runs=5)
    own = [m for m in app_modules if m.split(".")[0] == "newsingest" and m in app_loaded]
    extras = beyond_floor(app_modules, floor_loaded, app_loaded)
    deferred = sorted({m.split(".")[0] for m in floor_loaded - app_loaded})
    # What the first message adds on top of the handler and the floor (the extraction's own modules, mostly)
    first_modules = _median_importtime(paths, HANDLER_FIRST_EXTRACT, env, runs=5)
    first_loaded = set(run_once(paths, HANDLER_FIRST_EXTRACT, env, modules=True)[2] or ())
    first_only = sorted(((int(v["self_us"]) / 1000.0, m, str(v["parent"])) for m, v in first_modules.items()
                         if m in first_loaded and m not in app_loaded and m not in floor_loaded), reverse=True)
    return {
        "repetitions": repetitions,
        "handler_ms": handler_ms,
        "floor_ms": floor_ms,
        "handler_cpu_ms": handler_cpu,
        "floor_cpu_ms": floor_cpu,
        "handler_median_ms": statistics.median(handler_ms),
        "floor_median_ms": statistics.median(floor_ms),
        "ratio": statistics.median(handler_ms) / statistics.median(floor_ms),
        "cpu_ratio": statistics.median(handler_cpu) / statistics.median(floor_cpu),
        "first_extract_median_ms": statistics.median(first_ms),
        "first_extract_ratio": statistics.median(first_ms) / statistics.median(floor_ms),
        "paired_ratio_median": statistics.median(h / f for h, f in zip(handler_ms, floor_ms, strict=True)),
        "beyond_floor": extras,
        "newsingest_modules": len(own),
        "newsingest_self_ms": sum(int(app_modules[m]["self_us"]) for m in own) / 1000.0,
        "deferred_from_floor": deferred,
        "handler_side_effects": side_effects(paths, HANDLER, env),
        "floor_side_effects": side_effects(paths, FLOOR, env),
        "first_extract_beyond_floor": [{"module": m, "self_ms": ms, "imported_by": parent}
                                       for ms, m, parent in first_only[:8]],
        "first_extract_beyond_floor_total_ms": sum(ms for ms, _, _ in first_only),
        "linked": linked,
        "floor_statement": FLOOR,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=21)
    parser.add_argument("--out-dir", default=str(Path(__file__).resolve().parent / "out" / "lambda"))
    parser.add_argument("--result", help="write the JSON result here (default: stdout)")
    args = parser.parse_args(argv)
    result = measure(args.repetitions, Path(args.out_dir))
    text = json.dumps(result, indent=1)
    if args.result:
        Path(args.result).write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
