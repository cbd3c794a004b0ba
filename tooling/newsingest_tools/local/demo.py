"""``make demo`` / ``newsingest demo``: the whole flow on embedded moto, offline, with no AWS account.

1. Start moto's server on 127.0.0.1 and create the resources from template.yaml itself (offline SAM transform,
   moto CloudFormation; the function and its event source mapping are left out and emulated).
2. Serve the bundled sample pages from a local origin on 127.0.0.1 (allowed through ``FETCH_ALLOW_HOSTS``).
3. Enqueue the sample URLs, a URL that answers 404, and two malformed messages.
4. Run the local event-source-mapping loop against the real ``lambda_handler`` until the queue is empty.
5. Print the stored articles, the failures with their reasons, and an example query by domain.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

from newsingest_tools.local.emf import outcome_summary, tap_stdout
from newsingest_tools.local.env import OFFLINE_CREDENTIALS, environment

DEMO_PAGES = (
    "koreatimes_esper.html",
    "coastline_lighthouse.html",
    "badasinmun_whale.nocharset.html",
    "coastline_index.html",  # a listing page: recorded as no_article
    "no-such-story.html",  # answers 404: recorded as http_404
)
MALFORMED_BODIES = ("this is not a url", '{"url": 42}')


@dataclass(frozen=True)
class DemoResult:
    stored: list[Any]
    failed: list[Any]
    by_domain: list[Any]
    seconds: float


# The function's JSON logs and EMF metrics are real but would bury the demo's tables; --verbose shows them (the
# EMF lines are read, and hidden, by local.emf: POWERTOOLS_METRICS_DISABLED would not hide the cold-start line).
QUIET_FUNCTION = {"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_TRACE_DISABLED": "true"}


def run_demo(out: TextIO = sys.stdout, *, verbose: bool = False) -> DemoResult:
    """Run steps 1–5 and print what was stored; returns the records for callers that check them."""
    import boto3  # keep `import newsingest_tools.local.demo` cheap

    from newsingest.batch import reset_runtime
    from newsingest.storage import ArticleRepository
    from newsingest.storage.clients import TOOLING_READ_TIMEOUT_S, create_clients
    from newsingest.storage.queue import send_bodies
    from newsingest.urls import normalize_url
    from newsingest_tools.enqueue import enqueue_urls
    from newsingest_tools.local.esm import LocalEventSource, load_handler
    from newsingest_tools.local.origin import serve_pages
    from newsingest_tools.local.stack import deploy_local_stack, find_template, function_environment, moto_server

    started = time.perf_counter()
    say = _printer(out)
    if not verbose:
        from newsingest.observability import logger

        logger.setLevel("WARNING")
    quiet = {} if verbose else QUIET_FUNCTION
    with environment(OFFLINE_CREDENTIALS | quiet), moto_server() as endpoint, serve_pages() as origin:
        origin_host = urlsplit(origin).netloc
        say(f"1. moto server at {endpoint}; creating the stack from template.yaml …")
        parameters = {"FetchAllowHosts": origin_host}
        cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1")
        outputs = deploy_local_stack(cloudformation, parameters=parameters)
        say(f"   queue {outputs.queue_url}\n   table {outputs.table_name}\n   bucket {outputs.bucket_name}")
        function_env = function_environment(outputs, parameters=parameters) | {"AWS_ENDPOINT_URL": endpoint} | quiet
        with environment(function_env):
            reset_runtime()
            clients = create_clients(endpoint_url=endpoint, read_timeout=TOOLING_READ_TIMEOUT_S)
            say(f"2. sample origin at {origin} (allowed by FETCH_ALLOW_HOSTS={origin_host})")
            urls = [normalize_url(f"{origin}/{page}") for page in DEMO_PAGES]
            sent, failures = enqueue_urls(clients.sqs, outputs.queue_url, urls)
            sent_bad, failures_bad = send_bodies(clients.sqs, outputs.queue_url, list(MALFORMED_BODIES))
            say(f"3. enqueued {sent} URLs and {sent_bad} malformed messages"
                + (f" ({len(failures) + len(failures_bad)} could not be sent)" if failures or failures_bad else ""))
            tap = tap_stdout(show_metrics=verbose)
            handler = tap.wrap(load_handler(find_template()))
            source = LocalEventSource(clients.sqs, outputs.queue_url, handler)
            drained = source.drain()
            say(f"4. event-source loop: {drained.batches} batch(es), {drained.received} message(s), "
                f"{drained.succeeded} done ({outcome_summary(tap.outcomes)}), {drained.failed} left for retry")
            repository = ArticleRepository(clients.dynamodb, outputs.table_name)
            # by-status projects only a few attributes (cheaper writes); read the full records for the table.
            stored = [repository.get(item.article_id) for item in repository.by_status("ok")]
            failed = [repository.get(item.article_id) for item in repository.by_status("failed")]
            domain = urlsplit(urls[0]).hostname or ""
            by_domain = list(repository.by_domain(domain, limit=10))
            reset_runtime()
    result = DemoResult(stored, failed, by_domain, time.perf_counter() - started)
    _print_result(result, domain, say)
    return result


def _print_result(result: DemoResult, domain: str, say: Callable[[str], None]) -> None:
    from newsingest_tools.cli.output import render_table

    say(f"\n5. Stored articles ({len(result.stored)}):")
    say(render_table(
        [[item.title, item.published_at, item.word_count, item.section, item.source, item.language]
         for item in result.stored],
        ["title", "published", "words", "section", "source", "lang"],
    ))
    say(f"\nFailures ({len(result.failed)}):")
    say(render_table(
        [[item.reason, (item.url or item.raw_body or ""), item.detail] for item in result.failed],
        ["reason", "url / body", "detail"],
    ))
    say(f"\nExample query by domain (newest first): newsingest query --domain {domain}")
    say(render_table([[item.published_at, item.title, item.status] for item in result.by_domain],
                     ["published", "title", "status"]))
    say(f"\nDone in {result.seconds:.1f} s.")


def _printer(out: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        print(line, file=out, flush=True)
    return say


def main() -> int:
    result = run_demo(verbose="--verbose" in sys.argv[1:])
    return 0 if result.stored and result.failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
