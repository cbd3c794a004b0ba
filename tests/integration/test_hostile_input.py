"""Hostile input through the real handler: malformed bodies, bad URLs, pages built to hurt the extractor.

Whatever arrives, each message ends in one delivery as a stored article or a recorded failure with a reason: never
an exception, never a retry loop ending in the DLQ for input that can never succeed. The invariant holds after each.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from newsingest_tools.local.esm import LocalLambdaContext
from tests.support.invariant import record_id_of
from tests.support.world import World


@pytest.fixture()
def world(shared_world: World) -> World:  # one stack for the module, each test sends its own messages
    return shared_world

ARTICLE = b"<p>" + b"The harbour authority said on Tuesday that the old lighthouse would be restored. " * 6 + b"</p>"


def _run(world: World, *bodies: str) -> dict[str, Any]:
    """One direct invocation per body (each a fresh message id); returns record id → item."""
    world.origin.hits.clear()
    for index, body in enumerate(bodies):
        result = world.handler(world.event(body, prefix=f"h{len(world.sent)}-{index}"), LocalLambdaContext())
        assert result["batchItemFailures"] == [], f"{body[:80]!r} was sent back for retry"
    world.check(queues=False)
    return {record_id_of(body): world.item(record_id_of(body)) for body in bodies}


# --------------------------------------------------------------------------------------------- malformed bodies

MALFORMED = {
    "empty": "",
    "blank": " \n\t ",
    "binary": "\x00\x01\x02\xff\xfe binary \x7f",
    "lone-surrogate": "\ud800 not utf-8 encodable",
    "huge": "x" * 300_000,
    "huge-json": json.dumps({"url": "http://example.com/", "padding": "p" * 250_000}),
    "json-without-url": '{"link": "https://example.com/a"}',
    "json-url-number": '{"url": 42}',
    "json-url-null": '{"url": null}',
    "json-url-list": '{"url": ["https://example.com/a"]}',
    "json-url-object": '{"url": {"href": "https://example.com/a"}}',
    "json-force-string": '{"url": "https://example.com/a", "force": "true"}',
    "json-array": '["https://example.com/a"]',
    "json-string": '"https://example.com/a"',
    "json-null": "null",
    "json-number": "42",
    "json-truncated": '{"url": "https://example.com/a"',
    "json-duplicated": '{"url": "https://example.com/a"}{"url": "https://example.com/b"}',
    "json-deeply-nested": '{"a":' * 5000 + "1" + "}" * 5000,
    "json-deeply-nested-array": "[" * 5000 + "]" * 5000,
    "html": "<html><body>https://example.com/a</body></html>",
    "two-urls": "https://example.com/a https://example.com/b",
    # pure ASCII, so SQS takes it; JSON decodes the escape to an unpaired surrogate, which no URL can hold
    "json-url-with-escaped-surrogate": '{"url": "https://example.com/\\ud800"}',
    "json-url-with-escaped-nul": '{"url": "https://example.com/\\u0000"}',
}


@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_body_is_recorded_as_a_failure_not_retried(world: World, body: str) -> None:
    # Given a message body that is not a URL nor {"url": ..., "force": ...}
    # When the real handler gets it
    items = _run(world, body)

    # Then a failure is recorded under a hash of the body, with a reason and at most 1 KB of the body
    item = items[record_id_of(body)]
    assert item["status"] == "failed" and item["reason"] in ("invalid_message", "invalid_url")
    # (1 KB of the body; an unpaired surrogate is kept as a 6-character escape)
    assert item["article_id"].startswith("msg-") and len(item.get("raw_body", "")) <= 6 * 1024
    assert not world.origin.page_hits()


# ----------------------------------------------------------------------------------------------------- bad URLs

BAD_URLS = {
    "ftp": "ftp://example.com/file.txt",
    "file": "file:///etc/passwd",
    "javascript": "javascript:alert(document.cookie)",
    "data": "data:text/html,<script>alert(1)</script>",
    "mailto": "mailto:news@example.com",
    "gopher": "gopher://example.com/",
    "scheme-relative": "//example.com/news",
    "no-scheme": "example.com/news",
    "no-host": "http:///news",
    "one-slash": "http:/example.com",
    "credentials": "https://user:secret@example.com/",
    "port-out-of-range": "http://example.com:70000/",
    "port-not-a-number": "http://example.com:http/",
    "too-long": "https://example.com/" + "a" * 2100,
    "label-too-long": "https://" + "a" * 64 + ".com/",
    "host-too-long": "https://" + ".".join(["abcdefghij"] * 30) + ".com/",
    "empty-label": "https://example..com/",
    "emoji-host-with-space": "https://\U0001f4f0 news.example/",
    "space": "https://example.com/breaking news",
    "tab-in-host": "https://exa\tmple.com/",
    "newline-header-injection": "https://example.com/\r\nHost: evil.example",
    "nul": "https://example.com/\x00",
    "del": "https://example.com/\x7f",
    "ipv6-unclosed": "http://[::1/",
}


@pytest.mark.parametrize("url", list(BAD_URLS.values()), ids=list(BAD_URLS))
def test_a_bad_url_is_recorded_as_invalid_and_never_fetched(world: World, url: str) -> None:
    # Given a URL of a kind the ingester must refuse, as a bare body and as JSON
    bodies = [url, json.dumps({"url": url})]

    # When the real handler gets them
    items = _run(world, *bodies)

    # Then both are recorded failures with a reason, and nothing was fetched
    for body in bodies:
        item = items[record_id_of(body)]
        assert item["status"] == "failed", (body, item)
        assert item["reason"] in ("invalid_url", "invalid_message", "blocked_address", "blocked_port",
                                  "blocked_scheme"), item
    assert not world.origin.page_hits()


def test_a_url_that_only_looks_bad_is_normalized_not_refused() -> None:
    # Given URLs with a bidi override or an IDN host: odd, but valid (fetching them is the fetcher's business)
    from newsingest.urls import normalize_url

    # Then they normalize to plain ASCII, escapes and punycode
    assert normalize_url("https://example.com/\u202etxt.exe") == "https://example.com/%E2%80%AEtxt.exe"
    assert normalize_url("https://B\u00fccher.example/") == "https://xn--bcher-kva.example/"


REFUSED = {
    "cloud-metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "private-10": "http://10.0.0.1/admin",
    "private-192": "http://192.168.0.1/",
    "loopback-other-port": "http://127.0.0.1:9/",
    "loopback-v6": "http://[::1]/",
    "v4-mapped-v6": "http://[::ffff:169.254.169.254]/",
    "unspecified": "http://0.0.0.0/",
    "localhost": "http://localhost/",
    "fullwidth-localhost": "http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",
    "decimal-ip": "http://2130706433/",
    "hex-ip": "http://0x7f000001/",
    "octal-ip": "http://0177.0.0.1/",
    "short-ip": "http://127.1/",
    "port-not-allowed": "http://127.0.0.1:22/",
}


@pytest.mark.parametrize("url", list(REFUSED.values()), ids=list(REFUSED))
def test_an_address_the_fetcher_must_refuse_is_recorded_and_never_connected(world: World, url: str) -> None:
    # Given a URL pointing (directly or by an obfuscated spelling) at a non-public address
    # When the real handler gets it
    items = _run(world, url)

    # Then it is a recorded, permanent failure (not retried, not fetched)
    item = items[record_id_of(url)]
    assert item["status"] == "failed"
    assert item["reason"] in ("blocked_address", "blocked_port", "invalid_url", "dns_failure"), item


UNPARSEABLE_REDIRECTS = {
    "fullwidth-digits-in-brackets": "http://[::①②⑦。⓪。⓪。①]:80/",
    "fullwidth-colon": "http://127.0.0.1：80/",
    "double-brackets": "http://[[::1]]/",
}


@pytest.mark.parametrize("location", list(UNPARSEABLE_REDIRECTS.values()), ids=list(UNPARSEABLE_REDIRECTS))
def test_a_redirect_the_url_parser_rejects_is_recorded_invalid_url_in_one_delivery(world: World,
                                                                                  location: str) -> None:
    # Given a page redirecting to a target urljoin itself raises on (sent as raw UTF-8, as such servers do)
    name = f"redirect-{abs(hash(location))}"
    url = world.origin.add(name, b"", status=302, headers={"Location": location.encode("utf-8").decode("latin-1")})
    # When the real handler gets it
    items = _run(world, url)
    # Then it is recorded invalid_url in the first delivery (not retried to the DLQ as "unexpected")
    item = items[record_id_of(url)]
    assert item["status"] == "failed" and item["reason"] == "invalid_url", item
    assert world.origin.page_hits() == {f"/raw/{name}": 1}


# ------------------------------------------------------------------------------------------------ hostile pages

BODY = b"<html><head><title>Lighthouse restored</title></head><body><article>" + ARTICLE + b"</article></body></html>"


def _with_head(head: bytes) -> bytes:
    return b"<html><head>" + head + b"</head><body><article>" + ARTICLE + b"</article></body></html>"


HOSTILE_PAGES: dict[str, tuple[bytes, dict[str, Any]]] = {
    "empty": (b"", {}),
    "whitespace": (b" \n" * 1000, {}),
    "binary-as-html": (bytes(range(256)) * 400, {}),
    "nul-bytes": (BODY.replace(b" ", b"\x00 "), {}),
    "invalid-utf8": (BODY.replace(b"lighthouse", b"light\xc3\x28house\xff\xfe"), {}),
    "charset-lie-utf16": (_with_head(b'<meta charset="utf-16">'), {}),
    "charset-unknown": (BODY, {"content_type": "text/html; charset=x-no-such-charset"}),
    "xml-ebcdic-declaration": (b'<?xml version="1.0" encoding="ebcdic-cp-us"?>' + BODY, {}),
    "deep-nesting": (b"<html><body>" + b"<div>" * 20_000 + ARTICLE + b"</div>" * 20_000 + b"</body></html>", {}),
    "unclosed-attribute": (b'<html><body><p class="' + b"a" * 300_000, {}),
    "unclosed-comment": (b"<html><body><!--" + ARTICLE * 1000, {}),
    "unclosed-tags": (b"<html><body>" + b"<p><b><i><span>" * 20_000 + ARTICLE, {}),
    "many-paragraphs": (b"<html><body>" + b"<p>word</p>" * 100_000 + b"</body></html>", {}),
    "one-huge-line": (b"<html><body><p>" + b"longword" * 250_000 + b"</p></body></html>", {}),
    "only-scripts": (b"<html><head><script>" + b"var a=1;" * 50_000 + b"</script><style>p{}</style></head>"
                     b"<body><script>document.write('x')</script></body></html>", {}),
    "entity-bomb": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
                    b'&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                    b"<html><body><p>&lol3;&lol3;&lol3;</p>" + ARTICLE + b"</body></html>", {}),
    "numeric-entities-out-of-range": (BODY.replace(b"restored", b"&#0;&#xD800;&#x110000;&#99999999999;"), {}),
    "huge-title": (_with_head(b"<title>" + b"T" * 600_000 + b"</title>"), {}),
    "huge-description": (_with_head(b'<meta name="description" content="' + b"D" * 500_000 + b'">'), {}),
    "huge-og-tags": (_with_head(b'<meta property="og:title" content="' + b"O" * 300_000 + b'">'
                                b'<meta property="og:site_name" content="' + b"S" * 300_000 + b'">'
                                b'<meta property="og:image" content="http://x/' + b"i" * 300_000 + b'">'), {}),
    "many-authors": (_with_head(b"".join(b'<meta name="author" content="Author %d">' % i for i in range(20_000))),
                     {}),
    "many-tags": (_with_head(b"".join(b'<meta property="article:tag" content="tag %d">' % i for i in range(20_000))),
                  {}),
    "jsonld-broken": (_with_head(b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
                                 b'</script>'), {}),
    "jsonld-deep": (_with_head(b'<script type="application/ld+json">' + b'{"a":' * 5_000 + b"1" + b"}" * 5_000
                               + b"</script>"), {}),
    "jsonld-huge-graph": (_with_head(b'<script type="application/ld+json">' + json.dumps(
        {"@graph": [{"@type": "NewsArticle", "headline": f"h{i}", "author": {"name": f"a{i}"}}
                    for i in range(20_000)]}).encode() + b"</script>"), {}),
    "date-traps": (_with_head(b'<meta property="article:published_time" content="9999-99-99T99:99:99Z">'
                              b'<meta name="date" content="-0001-01-01"><time datetime="0000-00-00">x</time>'), {}),
    "not-html": (b"%PDF-1.7\n" + b"\x00" * 1000, {"content_type": "application/pdf"}),
    "too-large": (b"<html><body>" + b"<p>padding</p>" * 800_000 + b"</body></html>", {}),
    "gzip-bomb": (gzip.compress(b"<html><body>" + b" " * 40_000_000), {"headers": {"Content-Encoding": "gzip"}}),
    "gzip-broken": (b"\x1f\x8b\x08\x00broken", {"headers": {"Content-Encoding": "gzip"}}),
}
PERMANENT = {"no_article", "not_html", "too_large", "bad_encoding", "decode_error", "invalid_body"}


@pytest.mark.parametrize("name", list(HOSTILE_PAGES))
def test_a_page_hostile_to_the_extractor_ends_in_one_delivery(world: World, name: str) -> None:
    # Given a page built to hurt the fetcher or the extractor, served from the local origin
    body, options = HOSTILE_PAGES[name]
    url = world.origin.add(name, body, **options)

    # When the real handler gets its URL
    items = _run(world, url)

    # Then it is stored, or recorded as a permanent failure with a reason: no crash, no retry, nothing half-written
    item = items[record_id_of(url)]
    assert item["status"] in ("ok", "failed")
    if item["status"] == "failed":
        assert item["reason"] and item.get("detail"), item
    else:
        assert item["text_key"] and item["raw_key"]
    world.check(queues=False)


def test_hostile_pages_through_the_queue_leave_nothing_behind(world: World) -> None:
    # Given a few hostile pages and malformed bodies on the real queue (URLs no other test of the module used)
    bodies = [world.origin.add(f"queued-{name}", *HOSTILE_PAGES[name][:1], **HOSTILE_PAGES[name][1])
              for name in ("deep-nesting", "binary-as-html", "huge-description", "jsonld-deep")]
    bodies += [MALFORMED["json-deeply-nested"] + " ", MALFORMED["json-url-with-escaped-surrogate"] + " ",
               BAD_URLS["file"] + "#queued", REFUSED["localhost"] + "queued"]
    world.send(*bodies)

    # When the queue is drained through the local event source
    drained = world.drain()

    # Then every message is accounted for in one delivery each: none retried, none in the DLQ
    assert drained.received == len(bodies) and drained.failed == 0
    accounting = world.check()
    assert accounting.buckets["queue"] == accounting.buckets["dlq"] == 0
