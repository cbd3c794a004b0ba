"""`sam local invoke` parity: the handlers wired exactly as template.yaml wires them, invoked with every events/*.json.

``sam local invoke IngestFunction -e events/sqs-X.json --env-vars events/env.json`` (and ``PollFunction -e
events/scheduler-poll.json``) needs Docker, which this environment does not have. This test reproduces what it would
run, from template.yaml alone:

* **code**: the function's ``CodeUri`` folder is the task root (``/var/task``); ``Handler`` names the module and
  function to import.
* **layers**: each entry of ``Layers`` is resolved to its ``AWS::Serverless::LayerVersion``; its ``ContentUri`` is
  laid out as ``sam build`` (``BuildMethod: python3.13``) lays it out - a ``python/`` folder holding the
  ``newsingest`` package and the distributions of ``requirements.txt`` with their dependencies. pip cannot install
  offline here, so those distributions are linked from this virtualenv (the same versions the tests run), and
  nothing else from it is visible.
* **runtime**: boto3 and its dependencies, which the Lambda runtime provides (``/var/runtime``).
* **environment**: the function's ``Environment`` from the template (parameters and resources resolved), overridden by
  ``events/env.json`` as ``--env-vars`` does (only variables the template declares), plus what the Lambda
  runtime and SAM CLI set (``AWS_LAMBDA_FUNCTION_NAME``, ``_HANDLER``, ``AWS_SAM_LOCAL``...).

The handler is imported in a clean interpreter (``-I -S -B``: no site-packages, no user site, no PYTHONPATH, no
bytecode writes, as /var/task and /opt are read-only) whose
``sys.path`` is exactly task root + layer + runtime + the standard library. A missing requirement, a wrong
``Handler``/``CodeUri``, a layer that does not contain the package or an environment variable the code needs but
the template does not set all fail here as they would in ``sam local invoke``.

It talks to moto's server (``AWS_ENDPOINT_URL``) holding a stack created from template.yaml, and fetches the
bundled sample pages from a local origin on 127.0.0.1 (the events' ``127.0.0.1:8765`` is rewritten to its
port, and ``FETCH_ALLOW_HOSTS`` with it). Difference left: the interpreter is this venv's Python, not 3.13 on arm64.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from newsingest.messages import IngestRequest, parse_message
from newsingest_tools.local import stack
from newsingest_tools.local.env import OFFLINE_CREDENTIALS, OFFLINE_REGION, offline_session_kwargs
from tests.support.import_graph import RUNTIME_PACKAGE, TOOLING_PACKAGE, package_modules, runtime_closure

REPO_ROOT = Path(__file__).resolve().parents[2]
POLL_FUNCTION = "PollFunction"
EVENTS = REPO_ROOT / "events"
EVENTS_ORIGIN = "http://127.0.0.1:8765"  # the origin the committed events use (python -m newsingest_tools.local.origin)
REGION = OFFLINE_REGION
# What the python3.13 Lambda runtime ships (the layer bundles its own, see requirements.txt).
RUNTIME_PROVIDED = ["boto3"]

# What each committed event must produce: messageId → (status, reason). Events added later without an entry here
# are still invoked and checked for the invariants (every record has exactly one outcome, nothing is lost).
EXPECTED: dict[str, dict[str, tuple[str, str | None]]] = {
    "sqs-single-url.json": {
        "00000000-0000-0000-0000-00005eed0001": ("ok", None),
    },
    "sqs-mixed-batch.json": {
        "00000000-0000-0000-0000-00005eed0001": ("ok", None),
        "00000000-0000-0000-0000-00005eed0002": ("ok", None),
        "00000000-0000-0000-0000-00005eed0003": ("failed", "http_404"),
        "00000000-0000-0000-0000-00005eed0004": ("failed", "invalid_message"),
    },
}

RUNNER = textwrap.dedent(
    '''
    """Plays the Lambda runtime's bootstrap: import the handler from sys.path as given, invoke it once."""
    import importlib, json, os, sys, time, uuid

    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    sys.path[:0] = spec["path"]
    os.chdir(spec["task_root"])


    class Context:
        function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        function_version = os.environ["AWS_LAMBDA_FUNCTION_VERSION"]
        memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        log_group_name = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        log_stream_name = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        invoked_function_arn = "arn:aws:lambda:%s:123456789012:function:%s" % (os.environ["AWS_REGION"], function_name)
        aws_request_id = str(uuid.uuid4())
        identity = client_context = None

        def __init__(self, timeout_s):
            self._deadline = time.monotonic() + timeout_s

        def get_remaining_time_in_millis(self):
            return max(0, int((self._deadline - time.monotonic()) * 1000))


    module_name, _, function_name = os.environ["_HANDLER"].rpartition(".")
    handler = getattr(importlib.import_module(module_name), function_name)
    with open(spec["event"], encoding="utf-8") as handle:
        event = json.load(handle)
    response = handler(event, Context(int(os.environ["AWS_LAMBDA_FUNCTION_TIMEOUT"])))
    sys.stdout.flush()
    modules = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
    with open(spec["result"], "w", encoding="utf-8") as handle:
        json.dump({"response": response, "modules": {k: v for k, v in modules.items() if v}}, handle)
    '''
)


# ------------------------------------------------------------------------------------------ the "sam build"


@dataclass(frozen=True)
class Build:
    """What ``sam build`` + ``sam local invoke`` would mount: task root, /opt/python of each layer, the runtime."""

    task_root: Path
    layers: tuple[Path, ...]
    runtime: Path
    handler: str

    @property
    def sys_path(self) -> list[str]:
        return [str(self.task_root), *map(str, self.layers), str(self.runtime)]


def _distribution_closure(requirements: list[Requirement]) -> dict[str, metadata.Distribution]:
    """Installed distributions needed by ``requirements`` (extras and environment markers honoured)."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, str]] = set()
    pending = [(requirement, extra) for requirement in requirements for extra in (requirement.extras or {""})]
    while pending:
        requirement, extra = pending.pop()
        name = canonicalize_name(requirement.name)
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        distribution = found.get(name) or metadata.distribution(requirement.name)
        found[name] = distribution
        for line in distribution.requires or []:
            dependency = Requirement(line)
            if dependency.marker is None or dependency.marker.evaluate({"extra": extra}):
                pending += [(dependency, e) for e in (dependency.extras or {""})]
    return found


def _link_distributions(distributions: dict[str, metadata.Distribution], target: Path) -> None:
    """Make each distribution's top-level packages/modules (and its metadata) importable from ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for distribution in distributions.values():
        for file in distribution.files or []:
            top = file.parts[0]
            if top in ("..", "__pycache__") or top.endswith(".pth"):
                continue
            destination = target / top
            if not destination.exists():
                destination.symlink_to(Path(str(distribution.locate_file(top))).resolve())


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


@dataclass(frozen=True)
class Wiring:
    """What ``sam build`` / ``sam local invoke`` read of one ``AWS::Serverless::Function`` (Globals not used here)."""

    logical_id: str
    code_uri: str
    handler: str
    runtime: str
    memory_size: int
    timeout: int
    layers: tuple[str, ...]
    environment: dict[str, Any]  # raw, intrinsics unresolved


def _wiring(template: dict[str, Any], logical_id: str) -> Wiring:
    resource = template["Resources"][logical_id]
    assert resource["Type"] == "AWS::Serverless::Function", f"{logical_id} is not a function of this template"
    properties = resource["Properties"]
    return Wiring(
        logical_id=logical_id, code_uri=str(properties["CodeUri"]), handler=str(properties["Handler"]),
        runtime=str(properties["Runtime"]), memory_size=int(properties.get("MemorySize", 128)),
        timeout=int(properties.get("Timeout", 3)),
        layers=tuple(layer["Ref"] if isinstance(layer, dict) else str(layer) for layer in properties.get("Layers", [])),
        environment=dict(properties.get("Environment", {}).get("Variables", {})),
    )


def _sam_build(template: dict[str, Any], out: Path, logical_id: str = stack.FUNCTION_LOGICAL_ID) -> Build:
    function = _wiring(template, logical_id)
    task_root = out / logical_id
    shutil.copytree(REPO_ROOT / function.code_uri, task_root, ignore=shutil.ignore_patterns("__pycache__"))
    layers = []
    for layer_id in function.layers:
        layer = template["Resources"][layer_id]
        assert layer["Type"] == "AWS::Serverless::LayerVersion", f"{layer_id} is not a layer of this template"
        assert layer["Metadata"]["BuildMethod"] == function.runtime, "layer is built for another runtime"
        content = REPO_ROOT / layer["Properties"]["ContentUri"]
        python = out / layer_id / "python"  # mounted at /opt/python: on the runtime's sys.path
        for package in content.iterdir():
            if package.is_dir() and (package / "__init__.py").exists():
                shutil.copytree(package, python / package.name, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy2(content / "requirements.txt", python / "requirements.txt")  # sam build copies it too
        _link_distributions(_distribution_closure(_requirements(content / "requirements.txt")), python)
        layers.append(python)
    runtime = out / "var-runtime"
    _link_distributions(_distribution_closure([Requirement(name) for name in RUNTIME_PROVIDED]), runtime)
    return Build(task_root=task_root, layers=tuple(layers), runtime=runtime, handler=function.handler)


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return _sam_build(stack.load_template(REPO_ROOT / "template.yaml"), tmp_path_factory.mktemp("aws-sam-build"))


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with stack.moto_server() as endpoint_url:
        yield endpoint_url


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    from newsingest_tools.local.origin import serve_pages

    with serve_pages() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def aws(moto_endpoint: str) -> boto3.Session:
    return boto3.Session(**offline_session_kwargs(REGION))


@dataclass
class Invocation:
    response: dict[str, Any]
    modules: dict[str, str]
    stdout: str
    outputs: stack.StackOutputs
    event: dict[str, Any]


def _environment(build: Build, outputs: stack.StackOutputs, origin: str, endpoint: str, home: Path) -> dict[str, str]:
    """What the handler's process sees under ``sam local invoke --env-vars events/env.json``."""
    template_env = stack.function_environment(outputs, parameters={"FetchAllowHosts": urlsplit(origin).netloc})
    overrides = json.loads((EVENTS / "env.json").read_text(encoding="utf-8")).get(stack.FUNCTION_LOGICAL_ID, {})
    # --env-vars only overrides variables the template declares; the committed placeholders for the bucket,
    # table and origin are what a user replaces with their stack's names - here, the moto stack's.
    function_env = template_env | {k: str(v) for k, v in overrides.items() if k in template_env}
    function_env |= outputs.environment()
    function_env["FETCH_ALLOW_HOSTS"] = function_env["FETCH_ALLOW_HOSTS"].replace(
        urlsplit(EVENTS_ORIGIN).netloc, urlsplit(origin).netloc
    )
    return _runtime_environment(build, _wiring(stack.load_template(REPO_ROOT / "template.yaml"),
                                               stack.FUNCTION_LOGICAL_ID), endpoint, home) | function_env


def _runtime_environment(build: Build, function: Wiring, endpoint: str, home: Path) -> dict[str, str]:
    """What the Lambda runtime and SAM CLI set in the handler's process, and the offline credentials."""
    return {
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "TZ": "UTC",
        # Lambda runtime
        "AWS_LAMBDA_FUNCTION_NAME": function.logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.logical_id}",
        "AWS_LAMBDA_LOG_STREAM_NAME": "parity",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "_HANDLER": build.handler,
        "LAMBDA_TASK_ROOT": str(build.task_root),
        "LAMBDA_RUNTIME_DIR": str(build.runtime),
        # SAM CLI (disables X-Ray in Powertools' Tracer, as locally there is no daemon)
        "AWS_SAM_LOCAL": "true",
        # credentials, region and endpoint: moto's server only, never a profile from this machine
        **OFFLINE_CREDENTIALS,
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_ENDPOINT_URL": endpoint,
    }


@pytest.fixture(scope="module")
def invoke(build: Build, moto_endpoint: str, origin: str, aws: boto3.Session, tmp_path_factory: pytest.TempPathFactory):
    """Invoke the built handler with one event in a fresh process against a fresh stack; returns an Invocation.

    Each event is invoked once per module (like one ``sam local invoke``); the tests share the result.
    """
    done: dict[str, Invocation] = {}

    def run(name: str, event: dict[str, Any]) -> Invocation:
        if name not in done:
            done[name] = _run(name, event)
        assert done[name].event == event, f"{name} was already invoked with another event"
        return done[name]

    def _run(name: str, event: dict[str, Any]) -> Invocation:
        work = tmp_path_factory.mktemp(f"invoke-{Path(name).stem}")
        cloudformation = aws.client("cloudformation", endpoint_url=moto_endpoint)
        outputs = stack.deploy_local_stack(cloudformation, f"parity-{Path(name).stem}")
        response, modules, stdout = _run_handler(build, _environment(build, outputs, origin, moto_endpoint, work),
                                                 event, work)
        return Invocation(response, modules, stdout, outputs, event)

    return run


def _run_handler(build: Build, env: dict[str, str], event: dict[str, Any],
                 work: Path) -> tuple[Any, dict[str, str], str]:
    """One invocation in a clean interpreter laid out as the runtime's: (response, imported modules, stdout)."""
    event_path, spec_path, result_path, runner = (work / f for f in ("event.json", "spec.json", "result.json",
                                                                     "runner.py"))
    event_path.write_text(json.dumps(event), encoding="utf-8")
    runner.write_text(RUNNER, encoding="utf-8")
    spec = {"path": build.sys_path, "task_root": str(build.task_root), "event": str(event_path),
            "result": str(result_path)}
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-B", str(runner), str(spec_path)],  # -B: /var/task and /opt are read-only
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, f"handler process failed:\n{completed.stderr[-4000:]}\n{completed.stdout[-2000:]}"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    return result["response"], result["modules"], completed.stdout


def _event(name: str, origin: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8").replace(EVENTS_ORIGIN, origin))


def _record_key(body: str) -> str:
    message = parse_message(body)
    return message.article_id if isinstance(message, IngestRequest) else message.record_id


def _item(aws: boto3.Session, endpoint: str, table: str, key: str) -> dict[str, Any] | None:
    resource = aws.resource("dynamodb", endpoint_url=endpoint)
    return resource.Table(table).get_item(Key={"article_id": key}, ConsistentRead=True).get("Item")


EVENT_FILES = sorted(path.name for path in EVENTS.glob("sqs-*.json"))  # IngestFunction's (SQS) events
POLL_EVENT_FILES = sorted(path.name for path in EVENTS.glob("scheduler-*.json"))  # PollFunction's (Scheduler)


# ------------------------------------------------------------------------------------------------ tests


def test_the_committed_events_are_covered() -> None:
    # Given events/ as committed: at least one good URL and a mixed batch, and the poll's scheduled invocation
    assert {"sqs-single-url.json", "sqs-mixed-batch.json"} <= set(EVENT_FILES)
    assert POLL_EVENT_FILES == ["scheduler-poll.json"]
    # And every event file is one of those (a new kind of event needs its own checks here)
    assert {path.name for path in EVENTS.glob("*.json")} == {*EVENT_FILES, *POLL_EVENT_FILES, "env.json"}
    # And env.json only names variables the template declares, per function (--env-vars ignores the others)
    template = stack.load_template(REPO_ROOT / "template.yaml")
    overrides = json.loads((EVENTS / "env.json").read_text(encoding="utf-8"))
    assert set(overrides) == {stack.FUNCTION_LOGICAL_ID, POLL_FUNCTION}
    for function, variables in overrides.items():
        declared = set(_wiring(template, function).environment)
        assert set(variables) <= declared, (function, set(variables) - declared)


@pytest.mark.parametrize("name", EVENT_FILES)
def test_every_event_gives_each_message_exactly_one_outcome(name: str, invoke: Any, origin: str, aws: boto3.Session,
                                                            moto_endpoint: str) -> None:
    # Given the event as sam local invoke -e events/<name> would pass it
    event = _event(name, origin)
    # When the handler built from template.yaml is invoked with it
    invocation = invoke(name, event)
    # Then the response is a partial-batch response naming only records of this event
    response = invocation.response
    assert set(response) == {"batchItemFailures"}, response
    retried = {failure["itemIdentifier"] for failure in response["batchItemFailures"]}
    assert retried <= {record["messageId"] for record in event["Records"]}
    # And every record that is not retried left exactly one item, keyed as the storage contract says
    outcomes = {}
    for record in event["Records"]:
        item = _item(aws, moto_endpoint, invocation.outputs.table_name, _record_key(record["body"]))
        if record["messageId"] in retried:
            assert item is None or item.get("status") != "ok", record
            outcomes[record["messageId"]] = ("retry", None)
        else:
            assert item is not None, f"message {record['messageId']} ({record['body']!r}) left no item"
            outcomes[record["messageId"]] = (item["status"], item.get("reason"))
    # And the committed events produce exactly the documented outcomes
    if name in EXPECTED:
        assert outcomes == EXPECTED[name]
        assert retried == set()


@pytest.mark.parametrize("name", EVENT_FILES)
def test_stored_articles_have_their_text_and_gzipped_html_in_the_bucket(name: str, invoke: Any, origin: str,
                                                                        aws: boto3.Session, moto_endpoint: str) -> None:
    # Given an event invoked through the template's wiring
    event = _event(name, origin)
    invocation = invoke(name, event)
    s3 = aws.client("s3", endpoint_url=moto_endpoint)
    stored = 0
    for record in event["Records"]:
        item = _item(aws, moto_endpoint, invocation.outputs.table_name, _record_key(record["body"]))
        if not item or item["status"] != "ok":
            continue
        stored += 1
        # Then the item points at the cleaned text and the gzipped raw HTML, both present
        text = s3.get_object(Bucket=invocation.outputs.bucket_name, Key=item["text_key"])
        assert text["ContentType"].startswith("text/plain")
        assert text["Body"].read().decode("utf-8").strip()
        raw = s3.get_object(Bucket=invocation.outputs.bucket_name, Key=item["raw_key"])["Body"].read()
        assert b"<html" in gzip.decompress(raw).lower()
        assert item["domain"] == urlsplit(item["url"]).hostname or item["domain"] in item["url"]
    assert stored >= 1 or name not in EXPECTED


def test_handler_imports_only_from_the_task_root_the_layer_and_the_runtime(invoke: Any, origin: str,
                                                                           build: Build) -> None:
    # Given one invocation
    invocation = invoke("sqs-single-url.json", _event("sqs-single-url.json", origin))
    # Then the handler module came from CodeUri and the library from the layer's python/ folder
    assert Path(invocation.modules["app"]).parent == build.task_root
    assert Path(invocation.modules["newsingest"]).is_relative_to(build.layers[0])
    # And every imported module came from the task root, a layer, the runtime or the standard library
    stdlib = (Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["platstdlib"]))
    allowed = (*stdlib, build.task_root, *build.layers, build.runtime)
    bootstrap = {"__main__", "__mp_main__"}  # the runner standing in for the runtime's bootstrap
    strays = {
        name: file
        for name, file in invocation.modules.items()
        if name not in bootstrap and not any(Path(file).is_relative_to(root) for root in allowed)
    }
    assert strays == {}, strays
    # And boto3 and botocore both come from the layer (a matched pair), ahead of the runtime's copies
    for module in ("boto3", "botocore"):
        assert any(Path(invocation.modules[module]).is_relative_to(layer) for layer in build.layers), module


def test_handler_logs_json_and_emits_outcome_metrics_in_the_templates_namespace(invoke: Any, origin: str) -> None:
    # Given the mixed batch invoked through the template's wiring
    invocation = invoke("sqs-mixed-batch.json", _event("sqs-mixed-batch.json", origin))
    lines = [json.loads(line) for line in invocation.stdout.splitlines() if line.startswith("{")]
    # Then the logs are JSON with the service name, message ids and outcomes
    processed = [line for line in lines if line.get("message") == "processed"]
    assert {line["message_id"] for line in processed} == {r["messageId"] for r in invocation.event["Records"]}
    assert all(line["service"] == "newsingest" and "duration_ms" in line for line in processed)
    # And EMF metrics count the outcomes in the namespace the template sets
    emf = [line for line in lines if "_aws" in line]
    namespaces = {m["Namespace"] for line in emf for m in line["_aws"]["CloudWatchMetrics"]}
    assert namespaces == {"Newsingest"}
    counted: dict[str, float] = {}
    for line in emf:
        if "MessagesProcessed" in line:
            values = line["MessagesProcessed"]
            counted[line["outcome"]] = (counted.get(line["outcome"], 0)
                                        + sum(values if isinstance(values, list) else [values]))
    assert counted == {"ok": 2, "failed": 2}
    reasons = {line["reason"] for line in emf if "FailureReasons" in line}
    assert reasons == {"http_404", "invalid_message"}


def test_a_transient_failure_is_reported_for_retry_only_for_its_message(invoke: Any, origin: str) -> None:
    # Given the single-URL event with a second record whose origin answers 503
    event = _event("sqs-single-url.json", origin)
    (good,) = event["Records"]
    flaky = {**good, "messageId": "00000000-0000-0000-0000-00000000f503", "body": f"{origin}/status/503"}
    event["Records"] = [good, flaky]
    # When the handler is invoked with it
    invocation = invoke("synthetic-503.json", event)
    # Then only the flaky message is reported, so SQS redelivers it alone (ReportBatchItemFailures)
    assert invocation.response == {"batchItemFailures": [{"itemIdentifier": flaky["messageId"]}]}


def test_the_simulated_layer_holds_only_runtime_modules(build: Build) -> None:
    # Given the layer laid out as sam build lays out its ContentUri (python/: the package, requirements.txt, and the
    # distributions of requirements.txt, linked here)
    layer = build.layers[0]
    copied = {entry.name for entry in layer.iterdir() if not entry.is_symlink()}
    # Then what it copies from the repository is the runtime package and its requirements, nothing else
    assert copied == {RUNTIME_PACKAGE, "requirements.txt"}
    package = layer / RUNTIME_PACKAGE
    assert [f for f in package.rglob("*") if f.is_file() and f.suffix != ".py"] == []  # no sample pages, no data
    # And every module in it is one the ingest or the poll handler imports (at import time or lazily)
    assert set(package_modules(layer, RUNTIME_PACKAGE)) == runtime_closure(layer) | {RUNTIME_PACKAGE}
    # And neither the tooling package nor the CLI's or the local stack's libraries are in the layer
    assert not {TOOLING_PACKAGE, "click", "moto", "yaml"} & {entry.name for entry in layer.iterdir()}


def test_the_simulated_layer_matches_a_real_sam_build_when_there_is_one(build: Build) -> None:
    # Given a `make build` output newer than the layer's sources (skipped on a fresh clone or a stale build)
    real = REPO_ROOT / ".aws-sam" / "build" / "NewsingestLayer" / "python"
    sources = [REPO_ROOT / "template.yaml", REPO_ROOT / "layers" / "newsingest" / "requirements.txt"]
    if not real.is_dir():
        pytest.skip("no .aws-sam/build (run make build where SAM CLI and python3.13 exist)")
    if real.stat().st_mtime < max(path.stat().st_mtime for path in sources):
        pytest.skip(".aws-sam/build is older than template.yaml or requirements.txt (run make build again)")

    def names(folder: Path) -> set[str]:  # distribution metadata folders by project name (versions may differ)
        return {
            n.name.split("-")[0].lower() if n.name.endswith((".dist-info", ".data")) else n.name
            for n in folder.iterdir()
            if n.name != "__pycache__"
        }

    # Then the layer laid out here holds exactly the packages sam build put into python/
    assert names(build.layers[0]) == names(real)


# ------------------------------------------------------------------------------------- the poll function


def _poll_environment(build: Build, outputs: stack.StackOutputs, feeds_origin: str, endpoint: str,
                      home: Path) -> dict[str, str]:
    """PollFunction's process under ``sam local invoke PollFunction --env-vars events/env.json``: the template's
    variables (parameter defaults, the stack's resource names), env.json's overrides of declared ones, the
    committed placeholders replaced by this stack's names and the events' origin by the local feed origin."""
    function = _wiring(stack.load_template(REPO_ROOT / "template.yaml"), POLL_FUNCTION)
    declared = stack.function_environment(outputs, function=POLL_FUNCTION)
    overrides = json.loads((EVENTS / "env.json").read_text(encoding="utf-8")).get(POLL_FUNCTION, {})
    env = declared | {k: str(v) for k, v in overrides.items() if k in declared}
    env |= {"SOURCES_TABLE": str(outputs.sources_table_name), "QUEUE_URL": outputs.queue_url,
            "HOST_BUDGET_TABLE": str(outputs.host_budget_table_name)}
    env["FETCH_ALLOW_HOSTS"] = env["FETCH_ALLOW_HOSTS"].replace(urlsplit(EVENTS_ORIGIN).netloc,
                                                                urlsplit(feeds_origin).netloc)
    return _runtime_environment(build, function, endpoint, home) | env


@pytest.fixture(scope="module")
def poll_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return _sam_build(stack.load_template(REPO_ROOT / "template.yaml"), tmp_path_factory.mktemp("aws-sam-build-poll"),
                      POLL_FUNCTION)


def _drain(sqs: Any, queue_url: str) -> list[IngestRequest]:
    requests: list[IngestRequest] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in batch:
            parsed = parse_message(message["Body"])
            assert isinstance(parsed, IngestRequest), message["Body"]
            requests.append(parsed)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return requests


def test_the_scheduled_poll_enqueues_new_stories_once_then_costs_one_304(poll_build: Build, aws: boto3.Session,
                                                                         moto_endpoint: str,
                                                                         tmp_path_factory: pytest.TempPathFactory
                                                                         ) -> None:
    import time

    from newsingest.poll import new_source
    from newsingest.storage.sources import SourceStore, source_id
    from newsingest_tools.local.feeds_origin import rss_feed, serve_feeds

    (event_name,) = POLL_EVENT_FILES
    event = json.loads((EVENTS / event_name).read_text(encoding="utf-8"))
    with serve_feeds() as feeds:
        # Given a stack from template.yaml whose SourcesTable holds one feed of two stories on a local origin
        outputs = stack.deploy_local_stack(aws.client("cloudformation", endpoint_url=moto_endpoint), "parity-poll")
        stories = [feeds.url("parity/first.html"), feeds.url("parity/second.html")]
        feed_url = feeds.add("parity/rss.xml", rss_feed(stories))
        store = SourceStore(aws.client("dynamodb", endpoint_url=moto_endpoint), str(outputs.sources_table_name))
        store.add(new_source(feed_url, 900, int(time.time())))
        sqs = aws.client("sqs", endpoint_url=moto_endpoint)
        # When PollFunction, built as sam build lays it out, is invoked with the scheduler's event
        work = tmp_path_factory.mktemp("invoke-poll")
        env = _poll_environment(poll_build, outputs, feeds.base_url, moto_endpoint, work)
        response, modules, stdout = _run_handler(poll_build, env, event, work)
        # Then it polled the source and sent both stories to ArticlesQueue, each carrying the source's id
        assert (response["polled"], response["ok"], response["found"], response["enqueued"]) == (1, 1, 2, 2), response
        sent = _drain(sqs, outputs.queue_url)
        assert sorted(request.url for request in sent) == sorted(stories)
        assert {request.source_id for request in sent} == {source_id(feed_url)}
        # And the handler and the library came from CodeUri and the layer, nothing from this virtualenv
        assert Path(modules["app"]).parent == poll_build.task_root
        assert Path(modules["newsingest.poll"]).is_relative_to(poll_build.layers[0])
        assert not any(name.startswith(TOOLING_PACKAGE) for name in modules)
        # And it emitted its counts as EMF metrics in the template's namespace, under the poll's service name
        lines = [json.loads(text) for text in stdout.splitlines() if text.startswith("{")]
        emf = [line for line in lines if "_aws" in line]
        assert {m["Namespace"] for line in emf for m in line["_aws"]["CloudWatchMetrics"]} == {"Newsingest"}
        assert {line.get("service") for line in emf} == {"newsingest-poll"}
        enqueued = [line["PollEnqueued"] for line in emf if "PollEnqueued" in line]
        assert [sum(value) if isinstance(value, list) else value for value in enqueued] == [2]

        # Given the same feed, unchanged, due again
        assert store.set_due(feed_url, int(time.time()))
        before = len(feeds.requests())
        # When the poll runs again
        response, _, _ = _run_handler(poll_build, env, event, tmp_path_factory.mktemp("invoke-poll-again"))
        # Then the feed cost one conditional request answered 304, and nothing was enqueued
        assert (response["not_modified"], response["enqueued"]) == (1, 0), response
        assert [(entry.conditional, entry.status) for entry in feeds.requests()[before:]
                if entry.path.endswith("rss.xml")] == [(True, 304)]
        assert _drain(sqs, outputs.queue_url) == []
