"""Politeness run: many workers, one site, a shared budget; the site's own log says whether the budget held.

    python -m benchmarks.politeness [--urls 200] [--workers 10] [--rate 2] [--burst 2] [--result FILE]

What runs, all on 127.0.0.1 and offline: moto's server with the stack from ``template.yaml`` (``HostBudgetTable``
included), an origin (``tests.support.origin``) serving ``--urls`` distinct stories of one host and logging the
arrival of every request (robots.txt included), and ``--workers`` processes, each one execution environment
draining the queue through the real handler (``LocalEventSource``) with ``HOST_REQUESTS_PER_SECOND=--rate`` and
``HOST_BURST=--burst``. Messages whose slot is more than ``HOST_MAX_WAIT_S`` away are re-sent delayed, as on AWS.

It reports the most requests the origin saw in any 1 s window (the bound is ``burst + rate``), the mean rate, the
deferrals, and whether every message ended stored; it exits 1 when the bound is exceeded or a story is missing
(with ``--result`` it writes the figures as JSON for ``python -m benchmarks`` and exits 0: the table says it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.load import OFFLINE_AWS, _environment  # noqa: E402 - after the path set-up

WINDOW_S = 1.0


def busiest_window(arrivals: list[float], window: float = WINDOW_S) -> int:
    """The most arrivals in any ``window`` seconds (a window starting at each arrival covers every case)."""
    times = sorted(arrivals)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


def worker(environment: dict[str, str], queue_url: str) -> dict[str, int]:
    """One execution environment: drain the queue through the real handler."""
    os.environ.update(environment)
    from newsingest.batch import reset_runtime
    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, create_clients
    from newsingest_tools.local.esm import LocalEventSource, load_handler
    from newsingest_tools.local.stack import find_template

    sys.stdout = open(os.devnull, "w")  # the worker's EMF lines (ColdStart) are not this run's output
    reset_runtime()
    sqs = create_clients(read_timeout=TOOLING_READ_TIMEOUT_S).sqs
    source = LocalEventSource(sqs, queue_url, load_handler(find_template()), retry_visibility_seconds=0)
    # Deferred copies wait out their DelaySeconds on the queue: pause between empty receives instead of spinning.
    report = source.drain(max_batches=100_000, when_idle=lambda: time.sleep(0.2))
    if not report.idle:
        raise AssertionError(f"queue {queue_url} not empty after the drain's polls")
    return {"deliveries": report.received, "failed": report.failed}


def run(urls: int = 200, workers: int = 10, rate: float = 2.0, burst: int = 2) -> dict[str, Any]:
    import boto3

    from newsingest.storage import ArticleRepository
    from newsingest.urls import article_id, normalize_url
    from newsingest_tools.enqueue import enqueue_urls
    from newsingest_tools.local.stack import deploy_local_stack, function_environment, moto_server
    from tests.support.origin import serve_origin

    with _environment(OFFLINE_AWS), moto_server() as endpoint, serve_origin() as origin:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        parameters = {"FetchAllowHosts": urlsplit(origin.base_url).netloc, "HostRequestsPerSecond": str(rate),
                      "HostBurst": str(burst)}
        outputs = deploy_local_stack(boto3.client("cloudformation", endpoint_url=endpoint), parameters=parameters)
        environment = {**OFFLINE_AWS, **function_environment(outputs, parameters=parameters),
                       "AWS_ENDPOINT_URL": endpoint, "POWERTOOLS_LOG_LEVEL": "ERROR", "LOG_LEVEL": "ERROR"}
        sqs = boto3.client("sqs", endpoint_url=endpoint)
        stories = [normalize_url(origin.url(f"page/{n}/coastline_lighthouse.html")) for n in range(urls)]
        enqueue_urls(sqs, outputs.queue_url, stories)
        context = multiprocessing.get_context("spawn")
        started = time.monotonic()
        with context.Pool(workers) as pool:
            results = pool.starmap(worker, [(environment, outputs.queue_url)] * workers)
        elapsed = time.monotonic() - started
        arrivals = [moment for moment in origin.arrivals if moment >= started]
        repository = ArticleRepository(boto3.client("dynamodb", endpoint_url=endpoint), outputs.table_name)
        stored = sum(1 for url in stories if (item := repository.get(article_id(url))) is not None
                     and item.status == "ok")
        deliveries = sum(r["deliveries"] for r in results)
    span = (max(arrivals) - min(arrivals)) if len(arrivals) > 1 else 0.0
    return {
        "urls": urls, "workers": workers, "rate": rate, "burst": burst, "requests": len(arrivals),
        "busiest_window": busiest_window(arrivals), "bound": burst + int(rate * WINDOW_S),
        "mean_rate": (len(arrivals) - 1) / span if span else 0.0, "elapsed_s": elapsed, "stored": stored,
        "deliveries": deliveries, "redeliveries": deliveries - urls,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--burst", type=int, default=2)
    parser.add_argument("--result", type=Path, help="write the figures here as JSON (python -m benchmarks)")
    args = parser.parse_args(argv)
    result = run(args.urls, args.workers, args.rate, args.burst)
    if args.result:
        args.result.write_text(json.dumps(result), encoding="utf-8")
        return 0
    print(f"{result['requests']} requests to one host in {result['elapsed_s']:.0f} s by {result['workers']} "
              f"workers: busiest 1 s window {result['busiest_window']} (bound {result['bound']}), mean "
              f"{result['mean_rate']:.2f}/s; {result['stored']}/{result['urls']} stored, "
              f"{result['redeliveries']} redeliveries (deferred copies included)")
    return 0 if result["busiest_window"] <= result["bound"] and result["stored"] == result["urls"] else 1


if __name__ == "__main__":
    sys.exit(main())
