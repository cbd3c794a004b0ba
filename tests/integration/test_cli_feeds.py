"""newsingest.feeds: sitemap and feed parsing (safe XML), dates, caps. Pure: no servers needed."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from newsingest.feeds import FeedError, parse_feed, parse_feed_datetime, parse_sitemap, read_feed, read_sitemap
from newsingest.outcomes import PermanentFailure


def test_xxe_entity_is_not_resolved(tmp_path) -> None:
    # Given a sitemap whose <loc> is an external entity pointing at a local file
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file://{secret}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://e.com/&xxe;</loc></url>'
            '</urlset>').encode()

    # When parsed
    parsed = parse_sitemap(body)

    # Then the file's content never appears
    assert all("TOP-SECRET" not in entry.url for entry in parsed.pages)


def test_billion_laughs_does_not_expand() -> None:
    # Given nested internal entities
    entities = '<!ENTITY a "ha">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                                            for i in range(8))
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss><channel><item><link>https://e.com/&i;'
            '</link></item></channel></rss>').encode()

    # When parsed (either refused or left unexpanded)
    try:
        entries = parse_feed(body)
    except FeedError:
        return
    # Then nothing blew up to 10^8 characters
    assert all(len(entry.url) < 1000 for entry in entries)


def test_gzip_sitemap_bytes_are_gunzipped() -> None:
    # Given a gzipped urlset (served as application/gzip, no Content-Encoding)
    body = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                         b'<url><loc> https://e.com/a </loc><lastmod>2024-05-01</lastmod></url></urlset>')

    # When parsed
    parsed = parse_sitemap(body)

    # Then the entry is read, trimmed, with its date
    assert [(entry.url, entry.date) for entry in parsed.pages] == [
        ("https://e.com/a", datetime(2024, 5, 1, tzinfo=UTC))]


def test_gzip_bomb_is_refused() -> None:
    # Given a gzip body that expands beyond the cap
    from newsingest.feeds import gunzip_if_needed

    bomb = gzip.compress(b"\0" * (2 * 1024 * 1024))

    # When gunzipped with a 1 MB cap, Then it is refused
    with pytest.raises(FeedError, match="expands to more than"):
        gunzip_if_needed(bomb, cap=1024 * 1024)


def test_rss_1_rdf_and_atom_without_rel() -> None:
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
                       xmlns:dc="http://purl.org/dc/elements/1.1/">
                <item rdf:about="https://e.com/1"><link>https://e.com/1</link><dc:date>2024-05-01T00:00:00Z</dc:date></item>
              </rdf:RDF>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://e.com/2"/>
               <published>2024-05-02T00:00:00+02:00</published></entry><entry><title>no link</title></entry></feed>"""

    assert [(e.url, e.date.isoformat()) for e in parse_feed(rdf)] == [("https://e.com/1", "2024-05-01T00:00:00+00:00")]
    assert [(e.url, e.date.isoformat()) for e in parse_feed(atom)] == [("https://e.com/2", "2024-05-02T00:00:00+02:00")]


def test_not_a_sitemap_or_feed() -> None:
    with pytest.raises(FeedError, match="neither <urlset> nor <sitemapindex>"):
        parse_sitemap(b"<html><body>hi</body></html>")
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"<urlset/>")
    with pytest.raises(FeedError, match="empty"):
        parse_feed(b"  ")


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01", "2024-05-01T00:00:00+00:00"),
    ("2024-05-01T10:00Z", "2024-05-01T10:00:00+00:00"),
    ("2024-05-01T10:00:00+09:00", "2024-05-01T10:00:00+09:00"),
    ("Fri, 03 May 2024 10:00:00 +0900", "2024-05-03T10:00:00+09:00"),
    ("2024-05", "2024-05-01T00:00:00+00:00"),
    ("someday", None),
    (None, None),
])
def test_dates(text, expected) -> None:
    parsed = parse_feed_datetime(text)
    assert (parsed.isoformat() if parsed else None) == expected


def test_sitemap_count_cap_and_child_errors() -> None:
    # Given an index of 5 children, one of which fails, and a cap of 3 documents
    documents = {
        "https://e.com/index.xml": b'<sitemapindex>' + b"".join(
            f"<sitemap><loc>https://e.com/{n}.xml</loc></sitemap>".encode() for n in range(5)) + b"</sitemapindex>",
        "https://e.com/0.xml": b"<urlset><url><loc>https://e.com/p0</loc></url></urlset>",
        "https://e.com/2.xml": b"<urlset><url><loc>https://e.com/p2</loc></url></urlset>",
    }

    def fetch(url: str) -> bytes:
        if url not in documents:
            raise PermanentFailure("http_404", f"{url}: 404")
        return documents[url]

    # When read with max_sitemaps=3
    found = read_sitemap(fetch, "https://e.com/index.xml", max_sitemaps=3)

    # Then the failing child is reported, the others read until the cap, and the rest noted
    assert found.urls == ["https://e.com/p0", "https://e.com/p2"]
    assert found.errors == [("https://e.com/1.xml", "http_404: https://e.com/1.xml: 404")]
    assert found.warnings and "stopped after 3 sitemaps" in found.warnings[0]


def test_read_feed_reports_a_fetch_failure() -> None:
    def fetch(url: str) -> bytes:
        raise PermanentFailure("not_html", "Content-Type text/html is not one of application/xml")

    found = read_feed(fetch, "https://e.com/rss")
    assert found.urls == [] and found.errors[0][1].startswith("not_html")
