"""Helpers of the CLI tests: the local site, the per-test stack on the module's moto server, running the CLI.

The fixtures built on them (``site``, ``moto_endpoint``, ``cli_stack``) live in ``tests/integration/conftest.py``.
Every test gets its own CloudFormation stack (queue, DLQ, table, bucket from template.yaml) on the module's moto
server, so tests never see each other's messages or records, and the server starts once per module.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner, Result

from newsingest_tools.cli import main
from newsingest_tools.local.env import offline_session_kwargs
from newsingest_tools.local.origin import Origin, page_response, sample_pages, serve

TEST_CREDENTIALS = offline_session_kwargs()

ARTICLE_PAGES = ("koreatimes_esper.html", "coastline_lighthouse.html", "badasinmun_whale.nocharset.html")
LISTING_PAGE = "coastline_index.html"  # no article: recorded as no_article, its page kept


# ------------------------------------------------------------------------------------------------ the site

class Site(Origin):
    """A local web site on 127.0.0.1 (the local origin, one connection per request): the bundled sample pages
    (text/html) at /NAME.html plus any documents a test adds (XML unless told)."""

    default_content_type = "application/xml"

    def __init__(self, pages: dict[str, bytes] | None = None) -> None:
        super().__init__({name: page_response(name, body) for name, body in (pages or sample_pages()).items()})

    @property
    def requests(self) -> list[str]:  # type: ignore[override]  # the CLI tests' view of the log: every path asked for
        with self._lock:
            return [entry.path for entry in self.log]


@contextmanager
def serve_site() -> Iterator[Site]:
    """A :class:`Site` listening on 127.0.0.1 (an ephemeral port) until the block ends."""
    with serve(Site(), keep_alive=False) as site:
        yield site


def sitemap(urls: list[tuple[str, str | None]]) -> str:
    entries = "".join(f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>"
                      for loc, lastmod in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def sitemap_index(children: list[tuple[str, str | None]]) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
                      + "</sitemap>" for loc, lastmod in children)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')


def gzipped(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), mtime=0)


# ------------------------------------------------------------------------------------------------ AWS

@dataclass
class CliStack:
    """One test's stack on the module's moto server, and how to point the CLI at it."""

    name: str
    endpoint: str
    outputs: Any
    session: Any

    @property
    def args(self) -> list[str]:
        """``--stack NAME --endpoint-url URL``: resources resolved from the stack's CloudFormation outputs."""
        return ["--stack", self.name, "--endpoint-url", self.endpoint]

    def client(self, service: str) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint)

    def repository(self) -> Any:
        from newsingest.storage import ArticleRepository

        return ArticleRepository(self.client("dynamodb"), self.outputs.table_name)

    def queue_depth(self, url: str | None = None) -> int:
        sqs = self.client("sqs")
        attributes = sqs.get_queue_attributes(
            QueueUrl=url or self.outputs.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])

    def bodies(self, url: str | None = None) -> list[str]:
        """Receive every message of a queue (made visible again afterwards) and return the bodies."""
        sqs = self.client("sqs")
        queue = url or self.outputs.queue_url
        seen: dict[str, str] = {}
        handles: list[str] = []
        while True:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=30,
                                           WaitTimeSeconds=0).get("Messages", [])
            fresh = [m for m in messages if m["MessageId"] not in seen]
            if not fresh:
                break
            for message in fresh:
                seen[message["MessageId"]] = message["Body"]
                handles.append(message["ReceiptHandle"])
        for handle in handles:
            sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=handle, VisibilityTimeout=0)
        return list(seen.values())


# ------------------------------------------------------------------------------------------------ running

def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """Invoke ``newsingest ARGS`` in-process; unexpected exceptions propagate (they are bugs)."""
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def ingest_pages(stack: CliStack, site: Site, pages: tuple[str, ...] = ARTICLE_PAGES + (LISTING_PAGE,)) -> Result:
    """Given-step shared by several tests: enqueue pages of the site and run the worker until the queue is empty."""
    enqueued = run("enqueue", *[site.url(page) for page in pages], *stack.args)
    assert enqueued.exit_code == 0, enqueued.output
    worked = run("worker", "--until-empty", *stack.args)
    assert worked.exit_code == 0, worked.output
    return worked
