"""URLs from sitemaps and feeds, for ``newsingest enqueue --sitemap/--feed`` and the scheduled poll.

* Sitemaps (sitemaps.org 0.9): ``<urlset>`` of ``<url><loc>``/``<lastmod>`` (Google News sitemaps: the
  ``<news:publication_date>`` too), and ``<sitemapindex>`` of child sitemaps, followed breadth-first up to
  ``max_depth`` levels and ``max_sitemaps`` documents in all (a loop or a sitemap bomb ends there, reported as a
  warning). ``.xml.gz`` sitemaps are gunzipped (under a cap).
* Feeds: RSS 0.9x/2.0 (``<item><link>``, ``<guid isPermaLink>``), RSS 1.0/RDF (``<item rdf:about>``/``<link>``)
  and Atom 1.0/0.3 (``<entry><link rel="alternate" href>``).
* ``since``: only entries whose ``lastmod`` / ``publication_date`` / ``pubDate`` / ``updated`` / ``published`` is
  at or after it; entries without a date are kept (nothing says they are old). Child sitemaps of an index whose
  own ``lastmod`` is older than ``since`` are not fetched at all.

Feeds as the web writes them (see ``parse_document``):

1. encoding: BOM, then the HTTP charset, then the XML declaration, then UTF-8, then detection (undeclared
   windows-1252, Big5, KOI8-R ...); whitespace, a BOM or junk before ``<?xml`` is dropped;
2. a well-formed document is parsed as it is (the fast path: one lxml call);
3. a malformed one is repaired and recovered: HTML entities (``&nbsp;``) become character references, bare ``&``
   becomes ``&amp;`` (outside CDATA), and lxml's recovering parser closes truncated tags. A document from which
   nothing can be recovered is still refused with the strict parser's error;
4. links are resolved against the ``xml:base`` chain, then the feed's own (final) URL; a double-escaped
   ``&amp;amp;`` in a link is unescaped; tabs and newlines inside a link are dropped.

Documents are fetched through the pipeline's safe :class:`~newsingest.fetch.Fetcher` (the same SSRF-vetted,
size-capped path as articles) and parsed with lxml's XML parser with entity resolution, network access and huge
trees all off, so an XXE or a billion-laughs document yields nothing dangerous.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from newsingest.outcomes import IngestFailure

DEFAULT_MAX_DEPTH = 3  # index → index → urlset is already unusual
DEFAULT_MAX_SITEMAPS = 200  # documents fetched for one --sitemap
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024  # sitemaps may be 50 MB uncompressed (sitemaps.org)


class FeedError(ValueError):
    """A document is not a sitemap or feed we can read (the message says why)."""


@dataclass(frozen=True)
class Fetched:
    """A fetched document: its bytes, the URL it finally came from (the base of relative links) and its
    Content-Type header (whose charset, if any, decides the encoding)."""

    body: bytes
    url: str = ""
    content_type: str | None = None


# Fetch one document: URL → body (bytes, or a Fetched with its final URL and Content-Type).
# Raises IngestFailure (Permanent/Transient) when it cannot.
FetchBytes = Callable[[str], "bytes | Fetched"]


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

FEED_KINDS = frozenset({"rss", "rdf", "atom"})
SITEMAP_KINDS = frozenset({"urlset", "news-sitemap", "sitemapindex"})
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# An "&" that starts no entity or character reference: bare, to be escaped.
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9._-]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
# Sections the entity repair leaves alone: their "&" are data, not markup.
_VERBATIM = re.compile(r"(<!\[CDATA\[.*?\]\]>|<!--.*?-->)", re.S)
_XML_DECLARATION = re.compile(rb"^<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_DOUBLE_ESCAPED_AMP = re.compile(r"&(?:amp|#0*38|#[xX]0*26);", re.I)
_WRAPPED = re.compile(r"[ \t]*[\r\n][ \t\r\n]*")  # a link wrapped onto the next line by a pretty-printer
# Detectors mistake short windows-1252 text for its Central European and Baltic cousins: on the web it is
# windows-1252 far more often, so these verdicts become windows-1252 (Cyrillic, Greek, CJK verdicts stand).
_LATIN_COUSINS = frozenset({"cp1250", "cp1257", "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-10",
                            "iso8859-13", "iso8859-15", "iso8859-16", "mac-latin2", "latin-1", "iso8859-1"})
_LEADING_JUNK_SCAN = 1024  # bytes before "<?xml" dropped at most (PHP notices, stray blank lines)


@dataclass(frozen=True)
class FeedHints:
    """How often the feed says it changes (RSS ``<ttl>``, the syndication module's ``sy:update*``)."""

    ttl_minutes: int | None = None
    update_period: str | None = None  # hourly, daily, weekly, monthly, yearly
    update_frequency: int | None = None  # times per period


@dataclass(frozen=True)
class Document:
    """A parsed sitemap or feed: its kind, its article/page entries, its child sitemaps, its cadence hints."""

    kind: str  # rss, rdf, atom, urlset, news-sitemap, sitemapindex
    entries: list[Entry]
    children: list[Entry]
    hints: FeedHints = FeedHints()
    recovered: bool = False  # malformed XML was repaired to read it

    @property
    def is_feed(self) -> bool:
        return self.kind in FEED_KINDS


def _parser(*, recover: bool = False, encoding: str | None = None) -> etree.XMLParser:
    # A new parser per document: lxml parsers are not thread-safe.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True, recover=recover,
                           encoding=encoding)


def parse_xml(body: bytes, *, content_type: str | None = None, base_url: str = "") -> etree._Element:
    """Parse a sitemap/feed safely (gunzipping a gzip body first), recovering malformed XML. Raises ``FeedError``."""
    return _parse_xml(body, content_type=content_type, base_url=base_url)[0]


def _parse_xml(body: bytes, *, content_type: str | None, base_url: str) -> tuple[etree._Element, bool]:
    """The root element and whether it had to be recovered. Steps: fast path, then decode and repair."""
    data = gunzip_if_needed(body)
    if not data or data.isspace():
        raise FeedError("document is empty")
    declared_http = _http_charset(content_type) if content_type and "charset" in content_type.lower() else None
    start = data.lstrip(b" \t\r\n") if data[:1].isspace() else data
    first_error: etree.XMLSyntaxError | None = None  # the one reported when nothing can be recovered
    if declared_http is None:
        try:  # 1. well-formed, encoding known to lxml (BOM, declaration or UTF-8): one call
            return _root(etree.fromstring(start, parser=_parser(), base_url=base_url or None)), False
        except etree.XMLSyntaxError as error:
            first_error = error
    text = decode_xml(data, declared_http)
    try:  # 2. the decoded text, when the bytes were only mis-declared (or the HTTP charset decides)
        return _root(_from_text(text, recover=False, base_url=base_url)), False
    except etree.XMLSyntaxError as error:
        first_error = first_error or error
    try:  # 3. repaired and recovered
        return _root(_from_text(repair_markup(text), recover=True, base_url=base_url)), True
    except (etree.XMLSyntaxError, FeedError):
        raise FeedError(f"not well-formed XML: {first_error}") from None


def _root(root: etree._Element | None) -> etree._Element:
    if root is None:
        raise FeedError("document has no root element")
    return root


def _from_text(text: str, *, recover: bool, base_url: str) -> etree._Element | None:
    # Encoded back to UTF-8 and parsed with that encoding forced: the declaration's own label no longer applies.
    return etree.fromstring(text.encode("utf-8"), parser=_parser(recover=recover, encoding="utf-8"),
                            base_url=base_url or None)


def _http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    from newsingest.extract.charset import charset_from_content_type  # noqa: PLC0415 - only when a header came

    return charset_from_content_type(content_type)


def decode_xml(data: bytes, http_charset: str | None = None) -> str:
    """XML bytes → text: BOM > HTTP charset > XML declaration > UTF-8 > detection > windows-1252. Never raises.

    Each declared encoding is taken only when the bytes decode in it strictly; leading whitespace, a BOM and junk
    before ``<?xml`` are dropped from the text.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _trim_prolog(data[len(bom):].decode(codec, "replace"))
    for candidate in (http_charset, _declared_encoding(data), "utf-8"):
        if candidate and (text := _strict(data, candidate)) is not None:
            return _trim_prolog(text)
    from newsingest.extract.charset import detect_charset  # noqa: PLC0415 - lazy: most feeds are UTF-8

    detected = detect_charset(data)
    if not detected or not _known(detected) or codecs.lookup(detected).name in _LATIN_COUSINS:
        detected = "cp1252"
    return _trim_prolog(data.decode(detected, "replace"))


def _declared_encoding(data: bytes) -> str | None:
    match = _XML_DECLARATION.match(_drop_leading_junk(data))
    if match is None:
        return None
    from newsingest.extract.charset import normalize_label  # noqa: PLC0415 - lazy: only for a declared encoding

    label = match.group(1).decode("ascii")
    return None if label.lower().startswith("utf-16") else normalize_label(label)


def _drop_leading_junk(data: bytes) -> bytes:
    stripped = data.lstrip(b" \t\r\n")
    if stripped.startswith(b"<"):
        return stripped
    found = stripped.find(b"<?xml", 0, _LEADING_JUNK_SCAN)
    return stripped[found:] if found > 0 else stripped


def _trim_prolog(text: str) -> str:
    text = text.lstrip("\ufeff \t\r\n")
    if not text.startswith("<"):
        found = text.find("<?xml", 0, _LEADING_JUNK_SCAN)
        if found > 0:
            text = text[found:]
    return text


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _known(codec: str) -> bool:
    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True


def repair_markup(text: str) -> str:
    """HTML entities → character references, bare ``&`` → ``&amp;``; CDATA sections and comments untouched."""
    parts = _VERBATIM.split(text)
    for index in range(0, len(parts), 2):  # even parts are markup, odd ones the verbatim sections
        parts[index] = _NAMED_ENTITY.sub(_entity_reference, _BARE_AMPERSAND.sub("&amp;", parts[index]))
    return "".join(parts)


def _entity_reference(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    value = _HTML5_ENTITIES.get(name + ";")
    if value is None:
        return "&amp;" + name + ";"  # unknown: kept as text
    return "".join(f"&#{ord(char)};" for char in value)


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
    return tag.rpartition("}")[2]


def _namespace(element: Any) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


Index = dict[str, list[etree._Element]]


def _index(element: etree._Element) -> Index:
    """The element's children by local name, in document order (one pass instead of one per name looked up)."""
    index: Index = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            index.setdefault(tag.rpartition("}")[2], []).append(child)
    return index


def _indexed_text(index: Index, *names: str) -> str | None:
    for name in names:
        for child in index.get(name, ()):
            text = _text(child)
            if text:
                return text
    return None


def _text(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def _child_text(element: etree._Element, *names: str) -> str | None:
    for name in names:
        for child in _children(element, name):
            text = _text(child)
            if text:
                return text
    return None


def resolve_link(raw: str, element: etree._Element, source: str = "") -> str:
    """A link as written → the absolute URL it means: ``xml:base`` chain of ``element``, then ``source``."""
    link = raw.strip()
    if "\n" in link or "\r" in link or "\t" in link or " " in link:
        link = _WRAPPED.sub("", link).replace("\t", "").replace(" ", "%20")
    while "&" in link and _DOUBLE_ESCAPED_AMP.search(link):
        link = _DOUBLE_ESCAPED_AMP.sub("&", link)
    if link[:8].lower().startswith(("http://", "https://")):
        return link  # absolute: no base can change it (the fast path of most feeds)
    base = element.base or source
    if base and not base.lower().startswith(("http://", "https://")) and source:
        base = urljoin(source, base)  # a relative xml:base in a document parsed without its URL
    return urljoin(base, link) if base else link


def detect_kind(root: etree._Element) -> str:
    """rss, rdf, atom, urlset, news-sitemap, sitemapindex, or the root's own name for anything else."""
    name = _local(root)
    if name == "rss":
        return "rss"
    if name == "RDF":
        return "rdf"
    if name == "feed":
        return "atom"
    if name == "urlset":
        news = any(_namespace(child) == _NEWS_NS for url in root[:50] for child in url)
        return "news-sitemap" if news else "urlset"
    if name == "sitemapindex":
        return "sitemapindex"
    return name or "unknown"


def parse_document(body: bytes, *, source: str = "", content_type: str | None = None) -> Document:
    """Read any sitemap or feed. Raises ``FeedError`` for a document that is neither (or unreadable).

    1. decode and parse (``_parse_xml``: fast path, then repair and recovery);
    2. detect the kind from the root element;
    3. read the entries (links resolved against ``xml:base`` and ``source``) and, for feeds, the cadence hints.
    """
    root, recovered = _parse_xml(body, content_type=content_type, base_url=source)
    kind = detect_kind(root)
    if kind in ("urlset", "news-sitemap"):
        document = Document(kind, _sitemap_entries(root, "url", source), [], recovered=recovered)
    elif kind == "sitemapindex":
        document = Document(kind, [], _sitemap_entries(root, "sitemap", source), recovered=recovered)
    elif kind in FEED_KINDS:
        document = Document(kind, _feed_entries(root, kind, source, anywhere=recovered), [], _hints(root), recovered)
    else:
        raise FeedError(f"root element <{kind}> is not an RSS or Atom feed or a sitemap")
    if recovered and not (document.entries or document.children):
        raise FeedError("not well-formed XML: nothing could be recovered")
    return document


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap document: page entries (a ``urlset``) or child sitemaps (a ``sitemapindex``)."""

    pages: list[Entry]
    children: list[Entry]


def parse_sitemap(body: bytes, *, source: str = "", content_type: str | None = None) -> Sitemap:
    """Read a ``<urlset>`` or a ``<sitemapindex>``. Raises ``FeedError`` for anything else."""
    try:
        document = parse_document(body, source=source, content_type=content_type)
    except FeedError as error:
        if "is not an RSS" in str(error):
            kind = str(error).split(">")[0].split("<")[-1]
            raise FeedError(f"root element <{kind}> is neither <urlset> nor <sitemapindex>") from None
        raise
    if document.kind not in SITEMAP_KINDS:
        raise FeedError(f"root element <{document.kind}> is neither <urlset> nor <sitemapindex>")
    return Sitemap(pages=document.entries, children=document.children)


def _sitemap_entries(root: etree._Element, item: str, source: str) -> list[Entry]:
    entries = []
    for node in _children(root, item):
        loc_node = next((child for child in _children(node, "loc") if _text(child)), None)
        if loc_node is None:
            continue
        dates = [parse_feed_datetime(_child_text(node, "lastmod"))]
        dates += [parse_feed_datetime(_child_text(news, "publication_date")) for news in _children(node, "news")]
        known = [date for date in dates if date is not None]
        entries.append(Entry(resolve_link(_text(loc_node), loc_node, source), max(known) if known else None, source))
    return entries


def parse_feed(body: bytes, *, source: str = "", content_type: str | None = None) -> list[Entry]:
    """Read an RSS 2.0, RSS 1.0 (RDF) or Atom feed into entries (article link and date)."""
    try:
        document = parse_document(body, source=source, content_type=content_type)
    except FeedError as error:
        if "is not an RSS" in str(error):
            raise FeedError(str(error).replace(" or a sitemap", "")) from None
        raise
    if not document.is_feed:
        raise FeedError(f"root element <{document.kind}> is not an RSS or Atom feed")
    return document.entries


def _feed_entries(root: etree._Element, kind: str, source: str, *, anywhere: bool = False) -> list[Entry]:
    """The entries in document order. In a recovered document items may have landed inside unclosed elements:
    they are looked for at any depth (``anywhere``)."""
    if anywhere:
        name = "entry" if kind == "atom" else "item"
        found = [node for node in root.iter() if _local(node) == name]
        read = _atom_entry if kind == "atom" else _rss_entry
        return [entry for entry in (read(node, source) for node in found) if entry]
    if kind == "atom":
        return [entry for entry in (_atom_entry(item, source) for item in _children(root, "entry")) if entry]
    items = _children(root, "item")  # RSS 1.0 items are the root's children (broken 0.9x feeds do it too)
    for channel in _children(root, "channel"):
        items += _children(channel, "item")
    return [entry for entry in (_rss_entry(item, source) for item in items) if entry]


def _rss_entry(item: etree._Element, source: str) -> Entry | None:
    index = _index(item)
    link = _rss_link(item, index, source)
    if not link:
        return None
    published = parse_feed_datetime(_indexed_text(index, "pubDate", "date", "published", "updated", "issued"))
    return Entry(link, published, source)


def _rss_link(item: etree._Element, index: Index, source: str) -> str | None:
    """``<link>`` text, then a permalink ``<guid>``, then an ``atom:link`` alternate, then ``rdf:about``."""
    for child in index.get("link") or [node for node in item.iter() if _local(node) == "link"]:
        text = _text(child)
        if text:
            return resolve_link(text, child, source)
    for guid in index.get("guid", ()):
        text = _text(guid)
        if text.lower().startswith(("http://", "https://")) and guid.get("isPermaLink", "true").lower() != "false":
            return resolve_link(text, guid, source)
    atom = _alternate(index.get("link", []))
    if atom is not None:
        return resolve_link(atom.get("href", ""), atom, source)
    about = item.get(_RDF_ABOUT)
    return resolve_link(about, item, source) if about and about.strip() else None


def _alternate(links: list[etree._Element]) -> etree._Element | None:
    with_href = [link for link in links if (link.get("href") or "").strip()]
    alternates = [link for link in with_href if link.get("rel", "alternate").strip().lower() == "alternate"]
    html = [link for link in alternates if "html" in (link.get("type") or "text/html")]
    return (html or alternates or [None])[0]


def _atom_entry(entry: etree._Element, source: str) -> Entry | None:
    index = _index(entry)
    links = index.get("link", [])
    chosen = _alternate(links)
    if chosen is not None:
        url = resolve_link(chosen.get("href", ""), chosen, source)
    else:  # Atom 0.3 writers that put the URL in the element's text
        text_link = next((link for link in links if _text(link) and link.get("rel", "alternate") == "alternate"), None)
        if text_link is None:
            return None
        url = resolve_link(_text(text_link), text_link, source)
    published = parse_feed_datetime(_indexed_text(index, "published", "updated", "issued", "modified", "created"))
    return Entry(url, published, source)


def _hints(root: etree._Element) -> FeedHints:
    top = _index(root)
    channel = _index(top["channel"][0]) if top.get("channel") else top
    ttl = _int(_indexed_text(channel, "ttl"))
    period = _indexed_text(channel, "updatePeriod") or _indexed_text(top, "updatePeriod")
    frequency = _int(_indexed_text(channel, "updateFrequency") or _indexed_text(top, "updateFrequency"))
    return FeedHints(ttl_minutes=ttl if ttl and ttl > 0 else None,
                     update_period=period.strip().lower() if period else None,
                     update_frequency=frequency if frequency and frequency > 0 else None)


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------ dates

def parse_feed_datetime(text: str | None) -> datetime | None:
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
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_since(text: str) -> datetime:
    """A ``--since`` value: a date or a datetime (naive = UTC). Raises ``ValueError`` with a readable message."""
    parsed = parse_feed_datetime(text)
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
            sitemap = _sitemap_of(fetch(current), current)
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
        fetched = as_fetched(fetch(url), url)
        entries = parse_feed(fetched.body, source=fetched.url, content_type=fetched.content_type)
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


def as_fetched(value: bytes | Fetched, url: str) -> Fetched:
    """What a ``FetchBytes`` returned, as a ``Fetched`` (plain bytes came from ``url`` with no Content-Type)."""
    if isinstance(value, Fetched):
        return value if value.url else Fetched(value.body, url, value.content_type)
    return Fetched(bytes(value), url)


def _sitemap_of(value: bytes | Fetched, url: str) -> Sitemap:
    fetched = as_fetched(value, url)
    return parse_sitemap(fetched.body, source=fetched.url, content_type=fetched.content_type)


def fetcher_bytes(fetcher: Any) -> FetchBytes:
    """Adapt a :class:`~newsingest.fetch.Fetcher` to ``FetchBytes``: XML media types accepted, robots honored;
    the final URL (after redirects) and the Content-Type come along."""
    from newsingest.fetch import XML_TYPES  # noqa: PLC0415 - keep parsing importable without the fetch stack

    def fetch(url: str) -> Fetched:
        result = fetcher.fetch(url, accept_types=XML_TYPES)
        return Fetched(bytes(result.body), result.final_url or url, result.content_type)

    return fetch

