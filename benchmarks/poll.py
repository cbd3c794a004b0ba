"""The scheduled poll at scale (issue 16): N feeds from a local origin answering after a delay.

``python -m benchmarks.poll [--feeds 500] [--delay 0.05] [--links 3] [--consume] [--emulator lean|moto-server]
[--result FILE]`` deploys the stack from template.yaml on a local AWS endpoint in a process of its own, adds N
sources on a local feed origin (``newsingest_tools.local.feeds_origin``: ETag/304, ``delay`` seconds before every
answer), then runs two polls with the function's own code (``poll_sources``, its default concurrency), the second
after every source is due again with its feed unchanged.

The endpoint is moto either way, with ``newsingest_tools.local.moto_fixes`` applied as in every local run (moto's
SQS otherwise counts the whole queue for each message sent: the first poll's 1,500 sends alone cost it about a
minute of CPU). ``lean`` (the default) serves moto's backends through ``benchmarks.emulator``'s keep-alive front;
``moto-server`` is moto's own server, where each call pays a new connection and a global lock. ``--consume``
reads and deletes the queue during the polls (as the ingest functions do), on a client of its own whose calls
load the same endpoint; it also checks that every URL arrived exactly once.

Targets: the first poll finishes inside one invocation, ≤ 15 s; the second sends ≤ N requests, all conditional,
and enqueues nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from benchmarks import services


def run(feeds: int, delay: float, links: int, consume: bool = False, emulator: str = "lean") -> dict:
    import boto3

    from newsingest.fetch import Fetcher, FetchOptions
    from newsingest.poll import PollContext, new_source, poll_sources
    from newsingest.storage.clients import create_clients
    from newsingest.storage.sources import SourceStore
    from newsingest_tools.local.env import offline_session_kwargs
    from newsingest_tools.local.feeds_origin import rss_feed, serve_feeds
    from newsingest_tools.local.stack import deploy_local_stack

    clock = [1_714_560_000.0]
    # the AWS endpoint in a process of its own (as DynamoDB and SQS are elsewhere): this process holds the poll only
    with services.running(emulator=emulator) as running, serve_feeds(delay=delay) as origin:
        session = boto3.Session(**offline_session_kwargs())
        endpoint = running["endpoint"]
        outputs = deploy_local_stack(session.client("cloudformation", endpoint_url=endpoint), "poll-bench")
        clients = create_clients(session=session, endpoint_url=endpoint, max_pool_connections=32)
        calls = {"n": 0}

        def count(**_: object) -> None:
            calls["n"] += 1  # every DynamoDB/SQS call the poll makes (a rough count: no lock, GIL-atomic enough)

        for client in (clients.dynamodb, clients.sqs):
            client.meta.events.register("before-call.*.*", count)
        store = SourceStore(clients.dynamodb, str(outputs.sources_table_name))
        fetcher = Fetcher(FetchOptions(allow_hosts=frozenset({origin.host}), respect_robots=False))
        for n in range(feeds):
            url = origin.add(f"feeds/{n}.xml", rss_feed([origin.url(f"news/{n}/{k}.html") for k in range(links)]))
            store.add(new_source(url, 900, int(clock[0])))
        context = PollContext(store=store, fetcher=fetcher, sqs=clients.sqs, queue_url=outputs.queue_url,
                              now=lambda: clock[0], max_sources=feeds)
        consumer = _Consumer(session.client("sqs", endpoint_url=endpoint), outputs.queue_url) if consume else None
        calls["n"] = 0
        started, started_cpu = time.perf_counter(), time.process_time()
        first = poll_sources(context)
        first_s, first_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        first_calls, calls["n"] = calls["n"], 0
        first_requests = len(origin.requests())
        clock[0] += 25 * 3600  # every source due again (the interval is at most a day)
        started = time.perf_counter()
        second = poll_sources(context)
        second_s = time.perf_counter() - started
        log = origin.requests()[first_requests:]
        fetcher.close()
        consumed = consumer.stop() if consumer else None
    return {
        "feeds": feeds, "delay_s": delay, "links_per_feed": links, "emulator": emulator,
        "first_poll_s": first_s, "first_poll_cpu_s": first_cpu, "first": first.summary(),
        "first_requests": first_requests,
        "first_aws_calls": first_calls, "second_aws_calls": calls["n"],
        "second_poll_s": second_s, "second": second.summary(), "second_requests": len(log),
        "second_conditional": sum(1 for entry in log if entry.conditional),
        "second_304": sum(1 for entry in log if entry.status == 304),
        **({} if consumed is None else {"consumed": len(consumed), "consumed_unique": len(set(consumed))}),
    }


class _Consumer:
    """Reads and deletes the queue in a thread of its own (long polls: no busy loop) until stopped and drained."""

    def __init__(self, sqs: object, queue_url: str) -> None:
        import threading

        self._sqs, self._queue_url, self.urls = sqs, queue_url, []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consumer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            messages = self._sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=10,
                                                 WaitTimeSeconds=1).get("Messages", [])
            if not messages and self._stopping.is_set():
                return
            if messages:
                self.urls += [json.loads(message["Body"])["url"] for message in messages]
                self._sqs.delete_message_batch(QueueUrl=self._queue_url, Entries=[
                    {"Id": str(n), "ReceiptHandle": message["ReceiptHandle"]} for n, message in enumerate(messages)])

    def stop(self) -> list[str]:
        """The URLs read, once the queue is empty."""
        self._stopping.set()
        self._thread.join()
        return self.urls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--links", type=int, default=3)
    parser.add_argument("--consume", action="store_true", help="read and delete the queue during the polls")
    parser.add_argument("--emulator", choices=services.EMULATORS, default="lean",
                        help="the AWS endpoint: moto behind benchmarks.emulator's front, or moto's own server")
    parser.add_argument("--result", type=Path)
    args = parser.parse_args(argv)
    result = run(args.feeds, args.delay, args.links, args.consume, args.emulator)
    text = json.dumps(result, indent=1)
    print(text)
    if args.result:
        args.result.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
