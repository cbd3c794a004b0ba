"""The one local origin (newsingest_tools.local.origin): what its wrappers and the tests build on."""

from __future__ import annotations

import urllib.error
import urllib.request

from newsingest_tools.local.origin import Logged, Origin, Request, Response, serve, serve_pages


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_routes_sequences_and_the_log() -> None:
    # Given an origin with a fixed page, a callable route and a path that fails twice before its page
    def echo(request: Request) -> Response:
        return Response(200, f"{request.query} #{request.count}".encode(), {"Content-Type": "text/plain"})

    with serve(Origin({"echo": echo})) as origin:
        origin.add("page.html", "<p>hi</p>", "text/html")
        origin.add_sequence("page.html", [503, 500])

        # When each is requested
        statuses = [_get(origin.url("page.html"))[0] for _ in range(3)]
        echoed = [_get(origin.url("echo?x=1"))[2] for _ in range(2)]
        missing, _, _ = _get(origin.url("nowhere"))
        robots, _, body = _get(origin.url("robots.txt"))

    # Then the sequence comes first, the callable sees the query and the count, the rest is a 404
    assert statuses == [503, 500, 200]
    assert echoed == [b"x=1 #1", b"x=1 #2"]
    assert (missing, robots, body) == (404, 200, b"User-agent: *\nAllow: /\n")
    # and the log holds every request (robots.txt only when asked for)
    assert [entry.status for entry in origin.requests("page.html")] == [503, 500, 200]
    assert origin.requests("robots.txt") == [Logged("/robots.txt", False, 200)]
    assert "/robots.txt" not in {entry.path for entry in origin.requests()}
    assert origin.page_hits()["/echo"] == 2


def test_etag_if_none_match_and_cache_control() -> None:
    # Given an origin with ETags and a Cache-Control for one feed
    with serve(Origin(etags=True)) as origin:
        url = origin.add("rss.xml", "<rss/>", "application/rss+xml")
        origin.cache_control["/rss.xml"] = "max-age=60"

        # When it is fetched, then fetched again with the ETag it gave
        status, headers, _ = _get(url)
        again, again_headers, body = _get(url, {"If-None-Match": headers["ETag"]})
        changed, _, _ = _get(url, {"If-None-Match": '"something else"'})

    # Then the second answer is a bodiless 304 with the same ETag and Cache-Control; a stale ETag gets the 200
    assert (status, headers["Cache-Control"]) == (200, "max-age=60")
    assert (again, body, again_headers["ETag"], again_headers["Cache-Control"]) == (304, b"", headers["ETag"],
                                                                                    "max-age=60")
    assert changed == 200
    assert [(entry.conditional, entry.status) for entry in origin.requests("rss.xml")] == [
        (False, 200), (True, 304), (True, 200)]


def test_serve_pages_keeps_the_sample_origin() -> None:
    # Given the sample-pages origin (what `python -m newsingest_tools.local.origin 8765` serves)
    with serve_pages() as base_url:
        # When a page, a no-charset page and a status page are requested
        page = _get(f"{base_url}/coastline_lighthouse.html")
        nocharset = _get(f"{base_url}/badasinmun_whale.nocharset.html")
        status = _get(f"{base_url}/status/503?retry_after=5")

    # Then each is served as before (the no-charset page without a charset parameter)
    assert (page[0], page[1]["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert (nocharset[0], nocharset[1]["Content-Type"]) == (200, "text/html")
    assert (status[0], status[1]["Retry-After"]) == (503, "5")
