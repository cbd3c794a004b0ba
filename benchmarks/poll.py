"""The scheduled poll at scale (issue 16): N feeds from a local origin answering after a delay.

``python -m benchmarks.poll [--feeds 500] [--delay 0.05] [--links 3] [--result FILE]`` deploys the stack from
template.yaml in moto's server (a process of its own), adds N sources on a local feed origin (``newsingest.local.feeds_origin``:
ETag/304, ``delay`` seconds before every answer), then runs two polls with the function's own code
(``poll_sources``, its default concurrency), the second after every source is due again with its feed unchanged.

Targets: the first poll finishes inside one invocation, ≤ 15 s; the second sends ≤ N requests, all conditional,
and enqueues nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def run(feeds: int, delay: float, links: int) -> dict:
    import boto3  # noqa: PLC0415

    from benchmarks import services  # noqa: PLC0415
    from newsingest.fetch import Fetcher, FetchOptions  # noqa: PLC0415
    from newsingest_tools.local.feeds_origin import rss_feed, serve_feeds  # noqa: PLC0415
    from newsingest_tools.local.stack import deploy_local_stack  # noqa: PLC0415
    from newsingest.poll import PollContext, new_source, poll_sources  # noqa: PLC0415
    from newsingest.storage.clients import create_clients  # noqa: PLC0415
    from newsingest.storage.sources import SourceStore  # noqa: PLC0415

    clock = [1_714_560_000.0]
    # moto's server in a process of its own (as DynamoDB and SQS are elsewhere): this process holds the poll only
    with services.running() as running, serve_feeds(delay=delay) as origin:
        session = boto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name="us-east-1")
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
        calls["n"] = 0
        started = time.perf_counter()
        first = poll_sources(context)
        first_s = time.perf_counter() - started
        first_calls, calls["n"] = calls["n"], 0
        first_requests = len(origin.requests())
        clock[0] += 25 * 3600  # every source due again (the interval is at most a day)
        started = time.perf_counter()
        second = poll_sources(context)
        second_s = time.perf_counter() - started
        log = origin.requests()[first_requests:]
        fetcher.close()
    return {
        "feeds": feeds, "delay_s": delay, "links_per_feed": links,
        "first_poll_s": first_s, "first": first.summary(), "first_requests": first_requests,
        "first_aws_calls": first_calls, "second_aws_calls": calls["n"],
        "second_poll_s": second_s, "second": second.summary(), "second_requests": len(log),
        "second_conditional": sum(1 for entry in log if entry.conditional),
        "second_304": sum(1 for entry in log if entry.status == 304),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--links", type=int, default=3)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args(argv)
    result = run(args.feeds, args.delay, args.links)
    text = json.dumps(result, indent=1)
    print(text)
    if args.result:
        args.result.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
