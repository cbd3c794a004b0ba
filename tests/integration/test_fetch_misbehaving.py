"""Fetching from local servers that misbehave: caps, deadlines, bad encodings, statuses, content types."""

from __future__ import annotations

import pytest

from newsingest.fetch import XML_TYPES
from newsingest.outcomes import PermanentFailure, TransientFailure
from tests.integration.fetch_servers import (
    HTML,
    Exchange,
    ScriptServer,
    deflate_bomb,
    gzip_bomb,
    gzipped,
    make_fetcher,
)


def html_page(exchange: Exchange) -> bool:
    exchange.respond(200, HTML, {"Content-Type": "text/html; charset=utf-8"})
    return True


class TestHappyPath:
    def test_plain_page(self, server: ScriptServer) -> None:
        # Given a server with an HTML page
        server.routes["/"] = html_page
        # When it is fetched
        result = make_fetcher(server).fetch(server.url("/"))
        # Then the body, type and charset come back
        assert result.status == 200
        assert result.body == HTML
        assert result.content_type == "text/html; charset=utf-8"
        assert result.charset == "utf-8"
        assert result.not_modified is False
        assert result.final_url == server.url("/")
        assert result.redirects == ()

    def test_keep_alive_reuses_the_connection(self, server: ScriptServer) -> None:
        # Given one Fetcher
        server.routes["/"] = html_page
        fetcher = make_fetcher(server)
        # When it fetches twice from the same host
        fetcher.fetch(server.url("/"))
        fetcher.fetch(server.url("/"))
        # Then the second request rode the first connection
        assert [r.connection_id for r in server.requests] == [1, 1]

    def test_sends_user_agent_and_only_cappable_encodings(self, server: ScriptServer) -> None:
        server.routes["/"] = html_page
        make_fetcher(server, user_agent="newsingest/9 (+https://example.org/contact)").fetch(server.url("/"))
        headers = server.requests[0].headers
        assert headers["user-agent"] == "newsingest/9 (+https://example.org/contact)"
        assert set(headers["accept-encoding"].replace(" ", "").split(",")) <= {"gzip", "deflate", "br"}
        assert "text/html" in headers["accept"]

    def test_gzip_content_encoding_is_decoded(self, server: ScriptServer) -> None:
        @server.route("/")
        def gz(exchange: Exchange) -> bool:
            exchange.respond(200, gzipped(HTML), {"Content-Type": "text/html", "Content-Encoding": "gzip"})
            return True

        assert make_fetcher(server).fetch(server.url("/")).body == HTML

    def test_unknown_charset_is_not_handed_on(self, server: ScriptServer) -> None:
        @server.route("/")
        def odd(exchange: Exchange) -> bool:
            exchange.respond(200, HTML, {"Content-Type": "text/html; charset=x-no-such-codec"})
            return True

        assert make_fetcher(server).fetch(server.url("/")).charset is None


class TestDeadlines:
    def test_slow_body_drip_is_cut_at_the_deadline(self, server: ScriptServer) -> None:
        # Given a server that promises 1 MB and drips a byte at a time, each well within the read timeout
        @server.route("/")
        def drip(exchange: Exchange) -> None:
            exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000\r\n\r\n<html>")
            exchange.drip(b"x", 0.02)

        # When fetched with a short total deadline and a long read timeout
        fetcher = make_fetcher(server, total_timeout=0.3, read_timeout=5.0)
        # Then the fetch ends as a transient timeout
        with pytest.raises(TransientFailure) as caught:
            fetcher.fetch(server.url("/"))
        assert caught.value.reason == "timeout"

    def test_slow_header_drip_is_cut_at_the_deadline(self, server: ScriptServer) -> None:
        # Given a server that sends a status line then one header line at a time, forever
        @server.route("/")
        def drip(exchange: Exchange) -> None:
            exchange.send(b"HTTP/1.1 200 OK\r\n")
            exchange.drip(b"X-Slow: 1\r\n", 0.02)

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server, total_timeout=0.3, read_timeout=5.0).fetch(server.url("/"))
        assert caught.value.reason == "timeout"

    def test_caller_deadline_is_honoured(self, server: ScriptServer) -> None:
        # Given a server that never answers
        @server.route("/")
        def silent(exchange: Exchange) -> None:
            exchange.stop.wait()

        fetcher = make_fetcher(server, total_timeout=30.0, read_timeout=30.0)
        # When the caller passes an absolute deadline shortly ahead
        import time

        with pytest.raises(TransientFailure) as caught:
            fetcher.fetch(server.url("/"), deadline=time.monotonic() + 0.2)
        # Then its deadline, not the 30 s options, ended the fetch
        assert caught.value.reason == "timeout"

    def test_an_expired_deadline_fails_before_any_request(self, server: ScriptServer) -> None:
        server.routes["/"] = html_page
        import time

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"), deadline=time.monotonic() - 1)
        assert caught.value.reason == "timeout"
        assert server.requests == []


class TestSizeCaps:
    def test_endless_body_is_too_large(self, server: ScriptServer) -> None:
        # Given a server streaming an endless body without Content-Length
        @server.route("/")
        def endless(exchange: Exchange) -> None:
            exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            chunk = b"<p>" + b"a" * 65536
            while not exchange.stop.is_set():
                exchange.send(chunk)

        # When fetched with a 256 KiB cap
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, max_body_bytes=256 * 1024).fetch(server.url("/"))
        # Then it stops at the cap
        assert caught.value.reason == "too_large"

    def test_declared_length_over_the_cap_is_refused_before_reading(self, server: ScriptServer) -> None:
        @server.route("/")
        def huge(exchange: Exchange) -> None:
            exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 999999999\r\n\r\n")
            exchange.stop.wait()  # never sends the body: only the header can have triggered the refusal

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, max_body_bytes=1024).fetch(server.url("/"))
        assert caught.value.reason == "too_large"
        assert "Content-Length" in caught.value.detail

    @pytest.mark.parametrize("encoding", ["gzip", "deflate"])
    def test_compression_bombs_are_stopped(self, server: ScriptServer, encoding: str) -> None:
        # Given a ~64 KB body that inflates to 64 MiB
        payload = (gzip_bomb if encoding == "gzip" else deflate_bomb)(64 * 1024 * 1024)

        @server.route("/")
        def bomb(exchange: Exchange) -> bool:
            exchange.respond(200, payload, {"Content-Type": "text/html", "Content-Encoding": encoding})
            return True

        # When fetched with a 1 MiB decompressed cap
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, max_decompressed_bytes=1024 * 1024).fetch(server.url("/"))
        # Then it is a decompression bomb, not an out-of-memory
        assert caught.value.reason == "decompression_bomb"

    def test_unknown_content_encoding_is_permanent(self, server: ScriptServer) -> None:
        @server.route("/")
        def weird(exchange: Exchange) -> bool:
            exchange.respond(200, b"\x00\x01", {"Content-Type": "text/html", "Content-Encoding": "zstd"})
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "unsupported_encoding"


class TestGzipMemberFlood:
    def test_a_member_flood_is_refused_as_a_bomb(self, server: ScriptServer) -> None:
        # Given 500,000 empty gzip members, gzipped again: about 25 KB on the wire
        flood = gzipped(gzipped(b"") * 500_000)
        assert len(flood) < 40_000

        @server.route("/")
        def members(exchange: Exchange) -> bool:
            exchange.respond(200, flood, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"})
            return True

        # When fetched
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        # Then it is a recorded bomb, not minutes of CPU ending "ok" with an empty body
        assert caught.value.reason == "decompression_bomb"


class TestBrokenConnections:
    def test_truncated_body_is_transient(self, server: ScriptServer) -> None:
        # Given a server announcing 1000 bytes and closing after 10
        @server.route("/")
        def short(exchange: Exchange) -> None:
            exchange.respond(200, b"<html>0123", {"Content-Type": "text/html"}, content_length=1000)

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "truncated"

    def test_connection_reset_is_transient(self, server: ScriptServer) -> None:
        @server.route("/")
        def rst(exchange: Exchange) -> None:
            exchange.reset()

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "connection_error"

    def test_connection_refused_is_transient(self) -> None:
        # Given a port that is bound but not listening (so nobody else can take it meanwhile)
        import socket

        with socket.socket() as reserved:
            reserved.bind(("127.0.0.1", 0))
            port = reserved.getsockname()[1]
            fetcher = make_fetcher(extra_hosts=(f"127.0.0.1:{port}",))
            # When fetched / Then the refusal is a transient connection error
            with pytest.raises(TransientFailure) as caught:
                fetcher.fetch(f"http://127.0.0.1:{port}/")
        assert caught.value.reason == "connection_error"

    def test_garbage_status_line_is_transient(self, server: ScriptServer) -> None:
        @server.route("/")
        def garbage(exchange: Exchange) -> None:
            exchange.send(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "connection_error"


class TestStatuses:
    @pytest.mark.parametrize(
        ("status", "kind"),
        [
            (404, PermanentFailure),
            (410, PermanentFailure),
            (403, PermanentFailure),
            (501, PermanentFailure),
            (500, TransientFailure),
            (503, TransientFailure),
            (408, TransientFailure),
        ],
    )
    def test_status_maps_to_reason(self, server: ScriptServer, status: int, kind: type) -> None:
        @server.route("/")
        def answer(exchange: Exchange) -> bool:
            exchange.respond(status, b"nope", {"Content-Type": "text/plain"})
            return True

        with pytest.raises(kind) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == f"http_{status}"

    def test_429_with_retry_after_seconds(self, server: ScriptServer) -> None:
        # Given a rate-limited site asking for two minutes
        @server.route("/")
        def limited(exchange: Exchange) -> bool:
            exchange.respond(429, b"slow down", {"Retry-After": "120"})
            return True

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        # Then the delay reaches the pipeline
        assert caught.value.reason == "http_429"
        assert caught.value.retry_after == 120.0

    def test_503_with_retry_after_http_date(self, server: ScriptServer) -> None:
        # Given "now" is fixed and the server asks to come back five minutes later
        now = 1_780_000_000.0
        from email.utils import formatdate

        @server.route("/")
        def down(exchange: Exchange) -> bool:
            exchange.respond(503, b"", {"Retry-After": formatdate(now + 300, usegmt=True)})
            return True

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server, wall_clock=lambda: now).fetch(server.url("/"))
        assert caught.value.reason == "http_503"
        assert caught.value.retry_after == 300.0

    def test_503_without_retry_after(self, server: ScriptServer) -> None:
        @server.route("/")
        def down(exchange: Exchange) -> bool:
            exchange.respond(503, b"")
            return True

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.retry_after is None


class TestInformationalResponses:
    """Issue 13, case 9: interim 1xx responses before the final one are skipped, not taken as the status."""

    @pytest.mark.parametrize(
        "interim",
        [
            [b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n"],
            [b"HTTP/1.1 102 Processing\r\n\r\n", b"HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n"],
            [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 103 Early Hints\r\n\r\n"],
        ],
        ids=["103", "102-then-103", "100-then-103"],
    )
    def test_interim_responses_before_the_200_are_skipped(self, server: ScriptServer, interim: list[bytes]) -> None:
        # Given a server that sends informational responses before the page
        @server.route("/")
        def hinted(exchange: Exchange) -> bool:
            for head in interim:
                exchange.send(head)
            exchange.respond(200, HTML, {"Content-Type": "text/html"})
            return True

        fetcher = make_fetcher(server)
        # When it is fetched (twice: the connection stays usable)
        results = [fetcher.fetch(server.url("/")) for _ in range(2)]
        # Then the final response is the page, not a permanent "http_103"
        assert [r.status for r in results] == [200, 200]
        assert results[0].body == HTML
        assert [r.connection_id for r in server.requests] == [1, 1]

    def test_endless_interim_responses_are_refused(self, server: ScriptServer) -> None:
        @server.route("/")
        def chatty(exchange: Exchange) -> bool:
            for _ in range(50):
                exchange.send(b"HTTP/1.1 103 Early Hints\r\n\r\n")
            exchange.respond(200, HTML, {"Content-Type": "text/html"})
            return False

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "too_many_interim_responses"


class TestHeaderCap:
    """Issue 13, case 8: the response head is capped in total, not only per line and per header count."""

    def test_many_large_headers_are_refused(self, server: ScriptServer) -> None:
        # Given 97 headers of almost 64 KB each: every one passes http.client's own limits
        @server.route("/")
        def fat(exchange: Exchange) -> bool:
            headers = {f"X-Pad-{i}": "a" * 65_000 for i in range(97)}
            try:
                exchange.respond(200, HTML, {"Content-Type": "text/html", **headers})
            except OSError:
                pass  # the client hung up once the cap was reached
            return False

        # When fetched
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        # Then the fetch stops at the cap with its own reason
        assert caught.value.reason == "headers_too_large"

    def test_interim_heads_count_against_the_cap(self, server: ScriptServer) -> None:
        @server.route("/")
        def hinted(exchange: Exchange) -> bool:
            for _ in range(5):
                exchange.send(b"HTTP/1.1 103 Early Hints\r\nLink: <" + b"x" * 60_000 + b">\r\n\r\n")
            exchange.respond(200, HTML, {"Content-Type": "text/html"})
            return False

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "headers_too_large"

    def test_ordinary_headers_pass(self, server: ScriptServer) -> None:
        @server.route("/")
        def cookies(exchange: Exchange) -> bool:
            exchange.respond(200, HTML,
                             {"Content-Type": "text/html", **{f"Set-Cookie-{i}": "c" * 4000 for i in range(20)}})
            return True

        assert make_fetcher(server).fetch(server.url("/")).body == HTML


class TestConditionalRequests:
    def test_304_on_matching_etag_returns_not_modified(self, server: ScriptServer) -> None:
        # Given a page whose ETag we stored
        @server.route("/")
        def cached(exchange: Exchange) -> bool:
            if exchange.request.headers.get("if-none-match") == '"v1"':
                exchange.send(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
            else:
                exchange.respond(200, HTML, {"Content-Type": "text/html", "ETag": '"v1"'})
            return True

        fetcher = make_fetcher(server)
        # When it is re-crawled with that ETag and a Last-Modified
        result = fetcher.fetch(server.url("/"), etag='"v1"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
        # Then it is unchanged, without a body, and both validators were sent
        assert result.not_modified is True
        assert result.status == 304
        assert result.body == b""
        assert result.etag == '"v1"'
        assert server.requests[0].headers["if-modified-since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
        # And the connection stays usable (304 has no body)
        fetcher.fetch(server.url("/"))
        assert {r.connection_id for r in server.requests} == {1}

    def test_first_crawl_reports_validators(self, server: ScriptServer) -> None:
        @server.route("/")
        def page(exchange: Exchange) -> bool:
            headers = {"Content-Type": "text/html", "ETag": '"abc"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
            exchange.respond(200, HTML, headers)
            return True

        result = make_fetcher(server).fetch(server.url("/"))
        assert (result.etag, result.last_modified) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
        assert "if-none-match" not in server.requests[0].headers

    def test_header_injection_in_stored_etag_is_not_sent(self, server: ScriptServer) -> None:
        server.routes["/"] = html_page
        make_fetcher(server).fetch(server.url("/"), etag='"x"\r\nX-Evil: 1')
        assert "x-evil" not in server.requests[0].headers
        assert "if-none-match" not in server.requests[0].headers


class TestContentTypes:
    def test_wrong_content_type_is_refused_without_reading_the_body(self, server: ScriptServer) -> None:
        @server.route("/")
        def pdf(exchange: Exchange) -> None:
            exchange.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: 50000000\r\n\r\n")
            exchange.stop.wait()

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "not_html"
        assert "application/pdf" in caught.value.detail

    def test_missing_content_type_with_html_body_is_sniffed(self, server: ScriptServer) -> None:
        @server.route("/")
        def bare(exchange: Exchange) -> bool:
            exchange.respond(200, b"\n\n  " + HTML)
            return True

        result = make_fetcher(server).fetch(server.url("/"))
        assert result.content_type == "text/html"
        assert result.charset is None

    def test_missing_content_type_with_binary_body_is_not_html(self, server: ScriptServer) -> None:
        @server.route("/")
        def binary(exchange: Exchange) -> bool:
            exchange.respond(200, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "not_html"
        assert "octet-stream" in caught.value.detail

    def test_xml_types_accept_feeds_and_refuse_html(self, server: ScriptServer) -> None:
        @server.route("/feed")
        def feed(exchange: Exchange) -> bool:
            exchange.respond(200, b"<?xml version='1.0'?><rss></rss>", {"Content-Type": "application/rss+xml"})
            return True

        server.routes["/page"] = html_page
        fetcher = make_fetcher(server)
        assert fetcher.fetch(server.url("/feed"), accept_types=XML_TYPES).content_type == "application/rss+xml"
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(server.url("/page"), accept_types=XML_TYPES)
        assert caught.value.reason == "not_html"

    def test_gzipped_sitemap_file_is_gunzipped(self, server: ScriptServer) -> None:
        sitemap = b"<?xml version='1.0'?><urlset><url><loc>https://example.com/a</loc></url></urlset>"

        @server.route("/sitemap.xml.gz")
        def gz(exchange: Exchange) -> bool:
            exchange.respond(200, gzipped(sitemap), {"Content-Type": "application/x-gzip"})
            return True

        result = make_fetcher(server).fetch(server.url("/sitemap.xml.gz"), accept_types=XML_TYPES)
        assert result.body == sitemap
        assert result.content_type == "application/x-gzip"

    def test_gzipped_sitemap_served_as_octet_stream_is_sniffed(self, server: ScriptServer) -> None:
        sitemap = b"<?xml version='1.0'?><urlset></urlset>"

        @server.route("/sitemap.xml.gz")
        def gz(exchange: Exchange) -> bool:
            exchange.respond(200, gzipped(sitemap), {"Content-Type": "application/octet-stream"})
            return True

        fetcher = make_fetcher(server)
        assert fetcher.fetch(server.url("/sitemap.xml.gz"), accept_types=XML_TYPES).body == sitemap
        # but an HTML fetch does not sniff a declared binary type
        with pytest.raises(PermanentFailure):
            fetcher.fetch(server.url("/sitemap.xml.gz"))

    def test_gzipped_sitemap_bomb_is_stopped(self, server: ScriptServer) -> None:
        @server.route("/sitemap.xml.gz")
        def gz(exchange: Exchange) -> bool:
            exchange.respond(200, gzip_bomb(8 * 1024 * 1024), {"Content-Type": "application/gzip"})
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, max_decompressed_bytes=1024 * 1024).fetch(
                server.url("/sitemap.xml.gz"), accept_types=XML_TYPES
            )
        assert caught.value.reason == "decompression_bomb"
