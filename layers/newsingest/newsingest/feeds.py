"""URLs from sitemaps and feeds, for ``newsingest enqueue --sitemap/--feed``.

* Sitemaps (sitemaps.org 0.9): ``<urlset>`` of ``<url><loc>``/``<lastmod>``, and ``<sitemapindex>`` of child
  sitemaps, followed breadth-first up to ``max_depth`` levels and ``max_sitemaps`` documents in all (a loop or a
  sitemap bomb ends there, reported as a warning). ``.xml.gz`` sitemaps are gunzipped (under a cap).
* Feeds: RSS 2.0 (``<item><link>``, ``<guid isPermaLink>``), RSS 1.0/RDF (``<item rdf:about>``/``<link>``) and Atom
  (``<entry><link rel="alternate" href>``).
* ``since``: only entries whose ``lastmod`` / ``pubDate`` / ``updated`` / ``published`` is at or after it; entries
  without a date are kept (nothing says they are old). Child sitemaps of an index whose own ``lastmod`` is older
  than ``since`` are not fetched at all.

Documents are fetched through the pipeline's safe :class:`~newsingest.fetch.Fetcher` (the same SSRF-vetted,
size-capped path as articles) and parsed with lxml's XML parser with entity resolution, network access and huge
trees all off, so an XXE or a billion-laughs document yields nothing dangerous.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from newsingest.outcomes import IngestFailure

DEFAULT_MAX_DEPTH = 3  # index → index → urlset is already unusual
DEFAULT_MAX_SITEMAPS = 200  # documents fetched for one --sitemap
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024  # sitemaps may be 50 MB uncompressed (sitemaps.org)

# Fetch one document: URL → body bytes. Raises IngestFailure (Permanent/Transient) when it cannot.
FetchBytes = Callable[[str], bytes]


class FeedError(ValueError):
    """A document is not a sitemap or feed we can read (the message says why)."""


@dataclass(frozen=True)
class Entry:
    """One URL found in a sitemap or a feed, with the date the document gave for it (if any)."""

    url: str
    date: datetime | None = None
    source: str = ""  # the sitemap or feed URL it came from


@dataclass
class Discovery:
    """What reading one sitemap (tree) or feed produced."""

    entries: list[Entry] = field(default_factory=list)
    skipped_old: int = 0  # entries (or whole child sitemaps' worth, counted as 1 each) older than since
    documents: int = 0  # documents fetched and parsed
    errors: list[tuple[str, str]] = field(default_factory=list)  # (document URL, why it could not be read)
    warnings: list[str] = field(default_factory=list)

    @property
    def urls(self) -> list[str]:
        return [entry.url for entry in self.entries]


# ------------------------------------------------------------------------------------------------ parsing

def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers are not thread-safe.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True, recover=False)


def parse_xml(body: bytes) -> etree._Element:
    """Parse a sitemap/feed safely (gunzipping a gzip body first). Raises ``FeedError``."""
    data = gunzip_if_needed(body)
    if not data.strip():
        raise FeedError("document is empty")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise FeedError(f"not well-formed XML: {error}") from None
    if root is None:
        raise FeedError("document has no root element")
    return root


def gunzip_if_needed(body: bytes, *, cap: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Gunzip ``body`` when it is gzip (magic bytes), refusing more than ``cap`` bytes of output."""
    if body[:2] != b"\x1f\x8b":
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, cap + 1)
    except zlib.error as error:
        raise FeedError(f"corrupt gzip data: {error}") from None
    if len(data) > cap:
        raise FeedError(f"gzip document expands to more than {cap} bytes")
    return data


def _local(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, entities, processing instructions
        return ""
    return etree.QName(element).localname


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _child_text(element: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in _children(element, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap document: page entries (a ``urlset``) or child sitemaps (a ``sitemapindex``)."""

    pages: list[Entry]
    children: list[Entry]


def parse_sitemap(body: bytes, *, source: str = "") -> Sitemap:
    """Read a ``<urlset>`` or a ``<sitemapindex>``. Raises ``FeedError`` for anything else."""
    root = parse_xml(body)
    kind = _local(root)
    if kind == "urlset":
        return Sitemap(pages=_sitemap_entries(root, "url", source), children=[])
    if kind == "sitemapindex":
        return Sitemap(pages=[], children=_sitemap_entries(root, "sitemap", source))
    raise FeedError(f"root element <{kind}> is neither <urlset> nor <sitemapindex>")


def _sitemap_entries(root: etree._Element, item: str, source: str) -> list[Entry]:
    entries = []
    for node in _children(root, item):
        loc = _child_text(node, "loc")
        if loc:
            entries.append(Entry(loc, parse_date(_child_text(node, "lastmod")), source))
    return entries


def parse_feed(body: bytes, *, source: str = "") -> list[Entry]:
    """Read an RSS 2.0, RSS 1.0 (RDF) or Atom feed into entries (article link and date)."""
    root = parse_xml(body)
    kind = _local(root)
    if kind == "rss":
        items = [item for channel in _children(root, "channel") for item in _children(channel, "item")]
        return [entry for entry in (_rss_entry(item, source) for item in items) if entry]
    if kind == "RDF":
        return [entry for entry in (_rss_entry(item, source) for item in _children(root, "item")) if entry]
    if kind == "feed":
        return [entry for entry in (_atom_entry(item, source) for item in _children(root, "entry")) if entry]
    raise FeedError(f"root element <{kind}> is not an RSS or Atom feed")


def _rss_entry(item: etree._Element, source: str) -> Entry | None:
    link = _child_text(item, "link")
    if not link:
        for guid in _children(item, "guid"):
            text = (guid.text or "").strip()
            if text and guid.get("isPermaLink", "true").lower() != "false":
                link = text
        if not link:
            about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            link = about.strip() if about else None
    if not link:
        return None
    return Entry(link, parse_date(_child_text(item, "pubDate", "date", "published", "updated")), source)


def _atom_entry(entry: etree._Element, source: str) -> Entry | None:
    links = _children(entry, "link")
    chosen = next((link for link in links if link.get("rel", "alternate") == "alternate" and link.get("href")), None)
    if chosen is None:
        return None
    return Entry(chosen.get("href", "").strip(), parse_date(_child_text(entry, "published", "updated")), source)


# ------------------------------------------------------------------------------------------------ dates

def parse_date(text: str | None) -> datetime | None:
    """W3C datetime / ISO 8601 (``2024-05-01``, ``2024-05-01T10:00Z``) or RFC 822 (RSS); naive means UTC."""
    if not text:
        return None
    value = text.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            if len(value) in (4, 7) and value[:4].isdigit():  # W3C "2024" and "2024-05"
                try:
                    parsed = datetime(int(value[:4]), int(value[5:7]) if len(value) == 7 else 1, 1)
                except ValueError:
                    return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_since(text: str) -> datetime:
    """A ``--since`` value: a date or a datetime (naive = UTC). Raises ``ValueError`` with a readable message."""
    parsed = parse_date(text)
    if parsed is None:
        raise ValueError(f"{text!r} is not a date (use 2024-05-01 or 2024-05-01T12:00:00Z)")
    return parsed


def _is_old(entry_date: datetime | None, since: datetime | None) -> bool:
    return since is not None and entry_date is not None and entry_date < since


# ------------------------------------------------------------------------------------------------ discovery

def read_sitemap(fetch: FetchBytes, url: str, *, since: datetime | None = None,
                 max_depth: int = DEFAULT_MAX_DEPTH, max_sitemaps: int = DEFAULT_MAX_SITEMAPS) -> Discovery:
    """Every page URL of a sitemap, following sitemap indexes breadth-first within the depth and count caps.

    A child sitemap that cannot be fetched or parsed is reported in ``errors``; the others are still read.
    """
    result = Discovery()
    queue: deque[tuple[str, int]] = deque([(url, 0)])
    seen: set[str] = {url}
    while queue:
        current, depth = queue.popleft()
        if result.documents >= max_sitemaps:
            result.warnings.append(f"stopped after {max_sitemaps} sitemaps; {len(queue) + 1} not read")
            break
        try:
            sitemap = parse_sitemap(fetch(current), source=current)
        except (IngestFailure, FeedError) as error:
            result.errors.append((current, str(error)))
            continue
        result.documents += 1
        for page in sitemap.pages:
            if _is_old(page.date, since):
                result.skipped_old += 1
            else:
                result.entries.append(page)
        for child in sitemap.children:
            if _is_old(child.date, since):
                result.skipped_old += 1
            elif depth + 1 > max_depth:
                result.warnings.append(f"{child.url}: deeper than {max_depth} sitemap levels; not read")
            elif child.url not in seen:
                seen.add(child.url)
                queue.append((child.url, depth + 1))
    return result


def read_feed(fetch: FetchBytes, url: str, *, since: datetime | None = None) -> Discovery:
    """The article links of one RSS or Atom feed."""
    result = Discovery()
    try:
        entries = parse_feed(fetch(url), source=url)
    except (IngestFailure, FeedError) as error:
        result.errors.append((url, str(error)))
        return result
    result.documents = 1
    for entry in entries:
        if _is_old(entry.date, since):
            result.skipped_old += 1
        else:
            result.entries.append(entry)
    return result


def fetcher_bytes(fetcher: Any) -> FetchBytes:
    """Adapt a :class:`~newsingest.fetch.Fetcher` to ``FetchBytes``: XML media types accepted, robots honored."""
    from newsingest.fetch import XML_TYPES  # noqa: PLC0415 - keep parsing importable without the fetch stack

    def fetch(url: str) -> bytes:
        return bytes(fetcher.fetch(url, accept_types=XML_TYPES).body)

    return fetch

