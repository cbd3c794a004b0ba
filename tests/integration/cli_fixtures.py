"""Fixtures for the CLI tests: one moto server per module, a fresh stack per test, a local site with feeds.

Import the fixtures explicitly into a test module (``from tests.integration.cli_fixtures import ...``). Every test
gets its own CloudFormation stack (queue, DLQ, table, bucket from template.yaml) on the module's moto server, so
tests never see each other's messages or records, and the server starts once per module.
"""

from __future__ import annotations

import gzip
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from newsingest.cli import main
from newsingest.local.origin import QuietHandler

TEST_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
                    "aws_session_token": "testing", "region_name": "us-east-1"}

ARTICLE_PAGES = ("koreatimes_esper.html", "coastline_lighthouse.html", "badasinmun_whale.nocharset.html")
LISTING_PAGE = "coastline_index.html"  # no article: recorded as no_article, its page kept


# ------------------------------------------------------------------------------------------------ the site

@dataclass
class Site:
    """A local web site on 127.0.0.1: the bundled sample pages plus any documents a test adds."""

    base_url: str
    routes: dict[str, tuple[int, str, bytes]]
    requests: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def add(self, path: str, body: bytes | str, content_type: str = "application/xml", status: int = 200) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes["/" + path.lstrip("/")] = (status, content_type, data)
        return self.url(path)


def _handler(site: Site) -> type[QuietHandler]:
    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            site.requests.append(path)
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                return
            status, content_type, body = site.routes.get(
                path, (404, "text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>"))
            self._send(status, body, content_type)

    return Handler


@pytest.fixture()
def site() -> Iterator[Site]:
    """The sample pages (text/html) at /NAME.html; tests add sitemaps, feeds and failing routes."""
    from newsingest.local.origin import sample_pages

    routes: dict[str, tuple[int, str, bytes]] = {}
    for name, body in sample_pages().items():
        charset = "" if ".nocharset." in name else "; charset=utf-8"
        routes[f"/{name}"] = (200, "text/html" + charset, body)
    holder = Site(base_url="", routes=routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(holder))
    server.daemon_threads = True
    holder.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()


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

@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto's server over HTTP, once per test module."""
    from newsingest.local.stack import moto_server

    with moto_server() as endpoint:
        yield endpoint


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


@pytest.fixture()
def cli_stack(moto_endpoint: str, site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliStack]:
    """A fresh stack from template.yaml; the site's host:port is allowed for fetching (FETCH_ALLOW_HOSTS)."""
    import boto3

    from newsingest.batch import reset_runtime
    from newsingest.local.stack import deploy_local_stack

    session = boto3.Session(**TEST_CREDENTIALS)
    name = f"cli-{uuid.uuid4().hex[:10]}"
    outputs = deploy_local_stack(session.client("cloudformation", endpoint_url=moto_endpoint), name,
                                 parameters={"FetchAllowHosts": site.host})
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", site.host)
    reset_runtime()
    yield CliStack(name=name, endpoint=moto_endpoint, outputs=outputs, session=session)
    reset_runtime()


# ------------------------------------------------------------------------------------------------ running

def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:  # noqa: A002
    """Invoke ``newsingest ARGS`` in-process; unexpected exceptions propagate (they are bugs)."""
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def ingest_pages(stack: CliStack, site: Site, pages: tuple[str, ...] = ARTICLE_PAGES + (LISTING_PAGE,)) -> Result:
    """Given-step shared by several tests: enqueue pages of the site and run the worker until the queue is empty."""
    enqueued = run("enqueue", *[site.url(page) for page in pages], *stack.args)
    assert enqueued.exit_code == 0, enqueued.output
    worked = run("worker", "--until-empty", *stack.args)
    assert worked.exit_code == 0, worked.output
    return worked
