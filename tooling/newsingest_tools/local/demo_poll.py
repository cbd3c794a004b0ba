"""``make demo`` (second part) / ``python -m newsingest_tools.local.demo_poll``: continuous ingestion, offline.

1. Start moto's server with the stack from template.yaml and a local feed origin (ETag/304) serving the sample
   pages and an RSS feed of two of them.
2. Add the feed as a source, poll it with the poll function's code (both stories are enqueued) and run the local
   event-source loop against the real ingest handler until the queue is empty (both are stored).
3. Publish a third story in the feed and poll again: only the new one is enqueued (and then stored).
4. Poll once more with the feed unchanged: one conditional request answered 304, nothing enqueued.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from newsingest_tools.local.env import OFFLINE_CREDENTIALS, environment

STORIES = ("koreatimes_esper.html", "coastline_lighthouse.html", "badasinmun_whale.nocharset.html")
QUIET_FUNCTION = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_TRACE_DISABLED": "true"}


@dataclass(frozen=True)
class PollDemoResult:
    enqueued: tuple[int, int, int]  # per round
    stored: int
    last_round_requests: list[tuple[bool, int]]  # (conditional, status) of the feed in round 3


def run_poll_demo(out: TextIO = sys.stdout) -> PollDemoResult:
    """Run steps 1-4, printing each."""
    import boto3

    from newsingest.batch import reset_runtime
    from newsingest.fetch import Fetcher, FetchOptions
    from newsingest.observability import logger
    from newsingest.poll import PollContext, new_source, poll_sources
    from newsingest.storage import ArticleRepository
    from newsingest.storage.clients import create_clients
    from newsingest.storage.sources import SourceStore
    from newsingest_tools.local.emf import tap_stdout
    from newsingest_tools.local.esm import LocalEventSource, load_handler
    from newsingest_tools.local.feeds_origin import rss_feed, serve_feeds
    from newsingest_tools.local.origin import sample_pages
    from newsingest_tools.local.stack import deploy_local_stack, find_template, function_environment, moto_server

    say = _printer(out)
    logger.setLevel("WARNING")
    with environment(OFFLINE_CREDENTIALS | QUIET_FUNCTION), moto_server() as endpoint, serve_feeds() as origin:
        pages = sample_pages()
        for name in STORIES:
            charset = "" if ".nocharset." in name else "; charset=utf-8"
            origin.add(name, pages[name], "text/html" + charset)
        feed = origin.add("rss.xml", rss_feed([origin.url(name) for name in STORIES[:2]]))
        parameters = {"FetchAllowHosts": origin.host}
        outputs = deploy_local_stack(boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1"),
                                     parameters=parameters)
        say(f"1. moto server at {endpoint}, sources table {outputs.sources_table_name}; feed {feed}")
        function_env = function_environment(outputs, parameters=parameters) | {"AWS_ENDPOINT_URL": endpoint}
        with environment(function_env | QUIET_FUNCTION):
            reset_runtime()
            clients = create_clients(endpoint_url=endpoint)
            store = SourceStore(clients.dynamodb, str(outputs.sources_table_name))
            fetcher = Fetcher(FetchOptions(allow_hosts=frozenset({origin.host})))
            clock = [float(int(time.time()))]
            context = PollContext(store=store, fetcher=fetcher, sqs=clients.sqs, queue_url=outputs.queue_url,
                                  now=lambda: clock[0])
            store.add(new_source(feed, 900, int(clock[0])))
            tap = tap_stdout(show_metrics=False)  # the handler's EMF lines are read, not printed
            source = LocalEventSource(clients.sqs, outputs.queue_url, tap.wrap(load_handler(find_template())))

            def poll_round(label: str) -> int:
                report = poll_sources(context)
                totals = report.summary()
                drained = source.drain()
                say(f"{label} polled {totals['polled']} source(s): {totals['found']} found, {totals['enqueued']} new "
                    f"enqueued, {totals['not_modified']} unchanged (304); ingest: {drained.succeeded} message(s) done")
                clock[0] = store.get(feed).next_poll_at  # type: ignore[union-attr] # the next round: when it is due
                return int(totals["enqueued"])

            first = poll_round("2.")
            origin.add("rss.xml", rss_feed([origin.url(name) for name in (STORIES[2], *STORIES[:2])]))
            second = poll_round("3. a third story published;")
            before = len(origin.requests("rss.xml"))
            third = poll_round("4. feed unchanged;")
            requests = [(entry.conditional, entry.status) for entry in origin.requests("rss.xml")[before:]]
            # This demo's articles only: in one process, moto's state outlives its server (a test run that made
            # `make demo`'s stack before finds it again under the same name, with the first demo's articles).
            stored = sum(1 for item in ArticleRepository(clients.dynamodb, outputs.table_name).by_status("ok")
                         if item.url.startswith(origin.url("")))
            fetcher.close()
            reset_runtime()
    say(f"   {stored} article(s) stored; the unchanged feed cost {len(requests)} request(s): "
        + ", ".join(f"{'conditional' if conditional else 'plain'} → {status}" for conditional, status in requests))
    return PollDemoResult((first, second, third), stored, requests)


def _printer(out: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)
    return say


def main() -> int:
    result = run_poll_demo()
    return 0 if result.enqueued == (2, 1, 0) else 1


if __name__ == "__main__":
    raise SystemExit(main())
