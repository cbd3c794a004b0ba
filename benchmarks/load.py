"""Load run: drain N messages (default 10,000) through the real handler and prove nothing is lost.

    python -m benchmarks.load [--messages N] [--workers W] [--seed S]

What runs, all on 127.0.0.1 and offline:

* moto's **server** (``newsingest_tools.local.stack.moto_server``) with the stack created from ``template.yaml``
  (queue with its DLQ redrive at ``maxReceiveCount`` 5, versioned bucket, table with GSIs);
* an origin (``tests.support.origin``) serving the sample pages under distinct URLs, 404s, 410s, and *flapping* URLs
  that answer 503 the first k times and then the page (k ≥ 5 ends in the DLQ, as on AWS);
* ``W`` worker processes, each one execution environment: the local event-source loop (``LocalEventSource``:
  receive ≤ 10, build Lambda's SQS event, call the real ``lambda_handler`` from ``template.yaml``, delete successes,
  failures visible again at once) until the queue stays empty.

The mix: good pages, repeated URLs (the second is ``unchanged``), 404/410, flapping 5xx, malformed bodies, invalid
URLs and refused addresses (cloud metadata, RFC 1918, loopback). It prints the throughput (messages/s) and the
invariant's accounting table (``tests.support.invariant``), and exits 1 if a message is lost or any part of the
invariant is violated (lost updates included: the write log sees what each write observed).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsingest.storage.queue import queue_depth
from newsingest_tools.local.env import OFFLINE_CREDENTIALS

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

OFFLINE_AWS = OFFLINE_CREDENTIALS | {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Newsingest",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_METRICS_DISABLED": "true",
}

# (kind, weight): the share of each kind of message in the mix.
MIX = (
    ("good", 50),
    ("repeat", 6),
    ("not_found", 10),
    ("gone", 2),
    ("flapping", 12),
    ("flapping_dlq", 1),
    ("malformed", 7),
    ("invalid_url", 4),
    ("refused", 8),
)
PAGES = ("coastline_lighthouse.html", "coastline_index.html", "koreatimes_esper.html",
         "badasinmun_whale.nocharset.html")
MALFORMED = (
    "   ", "{not json", '{"link": "https://example.com/a"}', '{"url": 42}', '{"url": "https://example.com/a", '
    '"force": "yes"}', '["https://example.com/a"]', '"https://example.com/a"', "\u00ff\u00fe binary-ish \u0001\u0002",
    "x" * 5000,
)
INVALID_URLS = ("ftp://example.com/file", "javascript:alert(1)", "file:///etc/passwd", "http://", "notaurl",
                "http://exa mple.com/", "https://user:pw@example.com/", "http://example.com:99999/",
                "https://" + "a" * 3000 + ".com/")
REFUSED = ("http://169.254.169.254/latest/meta-data/{n}", "http://10.0.0.1/{n}", "http://192.168.1.1/{n}",
           "http://127.0.0.1:9/{n}", "http://[::1]/{n}", "http://0.0.0.0/{n}")


def build_bodies(count: int, base_url: str, seed: int) -> tuple[list[str], Counter[str]]:
    """``count`` message bodies in a shuffled, realistic mix (deterministic for a seed)."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    bodies: list[str] = []
    mix: Counter[str] = Counter()
    good: list[str] = []
    for n in range(count):
        kind = rng.choice(kinds)
        if kind == "repeat" and not good:
            kind = "good"
        mix[kind] += 1
        if kind == "good":
            url = f"{base_url}/page/{n}/{PAGES[n % len(PAGES)]}"
            good.append(url)
            body = url if n % 3 else json.dumps({"url": url})
        elif kind == "repeat":
            body = rng.choice(good)
        elif kind == "not_found":
            body = f"{base_url}/missing/{n}"
        elif kind == "gone":
            body = f"{base_url}/status/410?n={n}"
        elif kind == "flapping":
            body = f"{base_url}/flap/{rng.choice((1, 1, 2, 3))}/{n}"
        elif kind == "flapping_dlq":
            body = f"{base_url}/flap/9/{n}"
        elif kind == "malformed":
            body = rng.choice(MALFORMED) + ("" if rng.random() < 0.5 else f" #{n}")
        elif kind == "invalid_url":
            body = rng.choice(INVALID_URLS)
        else:
            body = rng.choice(REFUSED).format(n=n)
        bodies.append(body)
    rng.shuffle(bodies)
    return bodies, mix


class Producer(threading.Thread):
    """Feeds the queue as it drains, keeping at most ``backlog`` messages on it (visible or in flight).

    Why not enqueue all N up front: moto's SQS scans every message of the queue, several times, on each
    ReceiveMessage and SendMessageBatch, so one receive costs O(depth): ~1 s at a depth of 2,000 (measured),
    minutes per thousand messages at 10,000. Real SQS has no such cost, and real producers enqueue continuously too.
    """

    def __init__(self, sqs: Any, queue_url: str, bodies: list[str], done: Any, backlog: int) -> None:
        super().__init__(name="producer", daemon=True)
        self.sqs, self.queue_url, self.bodies, self.done, self.backlog = sqs, queue_url, bodies, done, backlog
        self.sent: dict[str, str] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            position = 0
            while position < len(self.bodies):
                room = self.backlog - queue_depth(self.sqs, self.queue_url).total
                if room < 10:
                    time.sleep(0.02)  # a producer's pacing, not test synchronisation
                    continue
                for _ in range(room // 10):
                    chunk = self.bodies[position:position + 10]
                    if not chunk:
                        break
                    self._send(chunk)
                    position += len(chunk)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            self.error = error
        finally:
            self.done.set()

    def _send(self, chunk: list[str]) -> None:
        response = self.sqs.send_message_batch(
            QueueUrl=self.queue_url, Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)])
        if response.get("Failed"):
            raise RuntimeError(f"SQS refused messages: {response['Failed'][:3]}")
        for success in response["Successful"]:
            self.sent[success["MessageId"]] = chunk[int(success["Id"])]


@dataclass
class WorkerResult:
    batches: int
    received: int
    handler_errors: int
    accepted: dict[str, int]
    rejected: int
    observed: dict[str, str] = field(default_factory=dict)  # article → latest acknowledged observation (lost updates)


class _SerialReceive:
    """An SQS client whose ReceiveMessage calls are serialized across the worker processes.

    moto's ReceiveMessage is not safe under concurrent calls: two receives moving the same exhausted message to the
    DLQ race (``list.remove(x): x not in list``), the losing call answers 500 *after* marking its messages received,
    and those messages stay invisible for the queue's whole visibility timeout (minutes) before they come back.
    Nothing is lost (that is at-least-once delivery at work, and the invariant still holds), but the run stalls.
    Real SQS has no such race; serializing the few-millisecond receive keeps the run about the pipeline.
    """

    def __init__(self, client: Any, lock: Any) -> None:
        self._client = client
        self._lock = lock

    def receive_message(self, **request: Any) -> Any:
        with self._lock:
            return self._client.receive_message(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


receive_lock: Any = None
producer_done: Any = None


def _init_worker(lock: Any, done: Any) -> None:
    global receive_lock, producer_done  # one per worker process, set by the pool's initializer
    receive_lock, producer_done = lock, done


def worker(environment: dict[str, str], queue_url: str) -> WorkerResult:
    """One execution environment: poll the queue through the real handler until it stays empty."""
    os.environ.update(environment)
    from newsingest.batch import get_runtime, reset_runtime
    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, create_clients
    from newsingest_tools.local.esm import LocalEventSource, load_handler
    from newsingest_tools.local.stack import find_template
    from tests.support.invariant import WriteLog

    reset_runtime()
    handler = load_handler(find_template())
    write_log = WriteLog().attach(get_runtime().deps.repository._db)  # observe the function's writes
    sqs = create_clients(read_timeout=TOOLING_READ_TIMEOUT_S).sqs
    source = LocalEventSource(_SerialReceive(sqs, receive_lock), queue_url, handler, retry_visibility_seconds=0)
    # While other workers hold the last messages in flight, pause briefly between receives instead of spinning
    # (moto's long polling would hold the receive for a whole second: released messages do not wake it up).
    report = source.drain(max_batches=100_000, when_idle=lambda: time.sleep(0.02),
                          more_coming=lambda: not producer_done.is_set())
    if not report.idle:
        raise AssertionError(f"queue {queue_url} not empty after the drain's polls")
    return WorkerResult(report.batches, report.received, report.handler_errors, write_log.accepted,
                        write_log.rejected, write_log.observed)


@dataclass
class LoadReport:
    mix: Counter[str]
    sent: dict[str, str]
    elapsed: float
    workers: int
    results: list[WorkerResult]
    write_log: Any
    accounting: Any

    @property
    def throughput(self) -> float:
        return len(self.sent) / self.elapsed if self.elapsed else 0.0

    @property
    def ok(self) -> bool:
        return self.accounting.ok and self.accounting.lost == 0 and len(self.sent) == sum(self.mix.values())

    def summary(self) -> str:
        batches = sum(r.batches for r in self.results)
        deliveries = sum(r.received for r in self.results)
        errors = sum(r.handler_errors for r in self.results)
        return (f"drained {len(self.sent)} messages in {self.elapsed:.1f} s with {self.workers} worker(s): "
                f"{self.throughput:.1f} messages/s ({deliveries} deliveries in {batches} batches, {errors} handler "
                f"errors, {self.write_log.rejected} conditional writes refused)")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the run, and restore the caller's afterwards (the tests call ``run``)."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run(messages: int = 10_000, workers: int = 2, seed: int = 7, *, verify_content: bool = True,
        backlog: int = 50, log: Callable[[str], None] = print) -> LoadReport:
    """Run the load scenario end to end and check the invariant; see the module docstring."""
    import boto3

    from newsingest_tools.local.stack import deploy_local_stack, function_environment, moto_server
    from tests.support.invariant import AwsView, WriteLog, check_invariant
    from tests.support.origin import serve_origin

    with _environment(OFFLINE_AWS), moto_server() as endpoint, serve_origin() as origin:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        # one local origin serves the whole load: the shared host budget would pace it to 1 request/s
        parameters = {"FetchAllowHosts": urlsplit(origin.base_url).netloc, "HostRequestsPerSecond": "0"}
        outputs = deploy_local_stack(boto3.client("cloudformation", endpoint_url=endpoint), parameters=parameters)
        environment = {**OFFLINE_AWS, **function_environment(outputs, parameters=parameters),
                       "AWS_ENDPOINT_URL": endpoint,
                       # one local origin stands in for thousands of sites: let a batch fetch from it at once
                       "FETCH_PER_HOST_CONCURRENCY": "10", "BATCH_CONCURRENCY": "10",
                       "POWERTOOLS_LOG_LEVEL": "ERROR", "LOG_LEVEL": "ERROR"}
        sqs = boto3.client("sqs", endpoint_url=endpoint)
        bodies, mix = build_bodies(messages, origin.base_url, seed)
        log(f"{len(bodies)} messages: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.items())))

        context = multiprocessing.get_context("spawn")
        done = context.Event()
        producer = Producer(sqs, outputs.queue_url, bodies, done, backlog)
        with context.Pool(workers, initializer=_init_worker, initargs=(context.Lock(), done)) as pool:
            started = time.perf_counter()
            producer.start()
            results = pool.starmap(worker, [(environment, outputs.queue_url)] * workers)
            elapsed = time.perf_counter() - started
        producer.join()
        if producer.error is not None:
            raise RuntimeError(f"producer failed: {producer.error!r}")

        write_log = WriteLog()
        for result in results:
            write_log.merge(result.accepted, result.rejected, result.observed)
        clients = _clients(endpoint)
        view = AwsView(s3=clients.s3, dynamodb=clients.dynamodb, sqs=clients.sqs, bucket=outputs.bucket_name,
                       table=outputs.table_name, queue_url=outputs.queue_url, dlq_url=outputs.dead_letter_queue_url)
        accounting = check_invariant(view, producer.sent, write_log=write_log, verify_content=verify_content)
    return LoadReport(mix, producer.sent, elapsed, workers, results, write_log, accounting)


def _clients(endpoint: str) -> Any:
    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, create_clients

    return create_clients(endpoint_url=endpoint, read_timeout=TOOLING_READ_TIMEOUT_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="messages to drain (default 10000)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2),
                        help="execution environments polling at once (processes; default: CPUs, at least 2)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the message mix")
    parser.add_argument("--backlog", type=int, default=50,
                        help="most messages on the queue at once (the producer feeds it as it drains)")
    parser.add_argument("--no-verify-content", action="store_true",
                        help="skip re-reading every S3 object to check its hash (faster on huge runs)")
    args = parser.parse_args(argv)
    report = run(args.messages, args.workers, args.seed, verify_content=not args.no_verify_content,
                 backlog=args.backlog, log=lambda line: print(line, flush=True))
    print("\n" + report.summary())
    print(report.accounting.table())
    if not report.ok:
        print(f"FAILED: {report.accounting.lost} lost, {len(report.accounting.violations)} violation(s)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
