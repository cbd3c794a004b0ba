"""Pre-parse cleaning: cut the markup BeautifulSoup has to build before it builds it.

bs4 builds every node in Python (about 40 µs a tag), so each tag removed here is time saved. Everything here is a
linear scan over the string (``str.find`` and one-pass regexes, no backtracking traps), so a hostile page cannot
make it quadratic:

1. drop raw-text blocks (scripts except JSON-LD, styles, SVG, iframes, comments, ...) with their content;
2. keep only what the metadata stage reads from ``<head>`` (title, meta, link, base, JSON-LD), cutting the head at
   its real end (never at a "<body>" quoted inside a JSON-LD block); later, only the ``<link>``s it reads stay;
3. drop boilerplate regions (nav, footer, aside, forms, hidden elements, and elements whose class/id/role says
   comments, share tools, related links, ads, ...). A tag-matched region that holds most of the page's paragraphs
   is a wrapper (ASP.NET's page-wide ``<form>``); a name-matched region is kept when it holds the main text by
   ``layout.MarkupEvidence`` (a third of the densest run of paragraphs, or the headline with prose after it), so a
   sticky-sidebar plugin's ``div.theiaStickySidebar`` around the story is no longer dropped with it; breadcrumb
   trails and paywall markers inside a dropped region are kept out of it (hidden) for the metadata stage;
4. JSON-LD blocks are lifted to the head first when the page is long enough to be capped (``lift_jsonld``); then
   cap the markup's length and its number of tags so that parsing (the expensive part) is bounded, and drop
   characters that are never text (C0 controls, lone surrogates, which lxml refuses);
5. drop whitespace-only text between two tags where one of them is a block boundary (``drop_blank_runs``): never
   rendered, yet a third of a page's text nodes, each one a bs4 object (kept inside ``<pre>``/``<textarea>``).
"""

from __future__ import annotations

import bisect
import functools
import html as html_lib
import re
from dataclasses import dataclass

from newsingest.extract import patterns as pat
from newsingest.extract import selectors as sel
from newsingest.extract.layout import MarkupEvidence, markup_evidence

_RAW_OPEN = re.compile(r"<!--|<!\[CDATA\[|<(" + "|".join(sel.DROP_CONTENT_TAGS) + r")\b([^<>]*)>", re.I)
_CLOSE_PATTERNS: dict[str, re.Pattern[str]] = {
    # An end tag ends at its name, as browsers read it: "</script" then whitespace, "/" or ">" (a stray
    # "</script\n<!-- ... -->" closes the script at the next ">", it does not run on to a later "</script>").
    name: re.compile(r"</" + name + r"(?:[\s/][^>]{0,2000})?>", re.I) for name in sel.DROP_CONTENT_TAGS
}
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# The end of <head>, or a <script> opening whose content must be skipped: a JSON-LD articleBody may quote "<body>".
_HEAD_END = re.compile(r"</head\s*>|<body\b|<(script)\b[^<>]*>", re.I)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.I)
_HEAD_START = re.compile(r"<head\b[^>]*>", re.I)
_HEAD_KEEP = re.compile(
    r"<title\b[^<>]*>[^<]{0,4000}</title\s*>|<meta\b[^<>]*>|<link\b[^<>]*>|<base\b[^<>]*>"
    r"|<script\b[^<>]*ld\+json[^<>]*>.*?</script\s*>",
    re.I | re.S,
)
# Paragraph evidence: <p> and <br> (br-written bodies). A literal "<" prefix and explicit case classes are twice
# as fast as re.I alternation here.
_P_OPEN = re.compile(r"<(?:[pP][\s>]|[bB][rR]\b)")

# Attributes are read up to the next "<" or ">": every failed attempt stops at the next "<", so the scan stays
# linear on hostile input (a stray quote, 200,000 unclosed tags). A ">" inside a quoted value (rare) only shortens
# what we read of that tag's attributes; the parser still sees the original markup.
# The opening tags drop_regions has to look at, found in C: region and void tags (any attributes), and other
# tags that have attributes and are not inline. Attribute-less <div>, <p>, <li> and inline tags never reach Python.
# Group 1/2: a region or void tag and its attributes; group 3/4: another tag and its attributes.
_REGION_OR_VOID = "|".join(sorted(sel.DROP_REGION_TAGS | sel.DROP_VOID_TAGS | {"link"}))
_INLINE = "|".join(sorted(sel.PRECLEAN_INLINE_TAGS))
_OPEN_TAG = re.compile(
    r"<(?:(?i:(" + _REGION_OR_VOID + r"))(?![a-zA-Z0-9:-])([^<>]*)"
    r"|(?!(?i:" + _INLINE + r")(?![a-zA-Z0-9:-]))([a-zA-Z][a-zA-Z0-9:-]{0,40})(\s[^<>]*))>"
)
# The attributes the drop decision reads; "data-id" or "aria-hidden" must not count as id/hidden.
_DECISIVE_ATTR = re.compile(
    r"""(?<![\w-])(class|id|role|style|hidden|aria-modal|itemprop)(?![\w-])"""
    r"""(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""",
    re.I,
)
_LT = re.compile(r"<")
# An element typed as the article itself in microdata (often a display:none block of itemprops for search engines).
_ARTICLE_MICRODATA = re.compile(
    r"""itemtype\s*=\s*["']?https?://schema\.org/(?:News|Reportage|Analysis|Opinion)?(?:Article|BlogPosting)\b""", re.I
)
# Inside a region that is dropped, the elements the metadata stage still needs: breadcrumb trails (the section) and
# paywall containers (``paywalled``). A cheap pre-test on the region, then a look at each tag of the rare region
# that passes it (the words also occur in text: "premium-grade", "locked").
# Case-sensitive, with a leading character class: ten times faster than the re.I alternation (the pre-test scans
# every dropped region). Class names are lower case in practice; "Breadcrumb"/"Paywall" labels are covered.
_CARRIER_HINT = re.compile(
    r"[cCpPtrsml](?:rumb|aywall|ay-wall|iano|p-(?:modal|container|paywall)|remium-|egwall|ubscriber-only|etered"
    r"|ocked)"
)
# Dates inside a dropped region (a byline box in an <aside>, a "submitted" line in an article's <footer>): <time>
# elements, itemprop=datePublished elements and elements whose class/id says date/published/submitted.
# (Led by a character class, as _CARRIER_HINT: each position costs one class test, the scan stays fast.)
_DATE_CARRIER_HINT = re.compile(r"[<dDspcb_-](?:time[\s>]|at(?:e|um)|ubmitted|osted|ublished|reated|meta\b|yline)")
_DATE_CARRIER = re.compile(
    r"<(time)\b[^<>]*>|<([a-zA-Z][a-zA-Z0-9]{0,10})\s[^<>]*(?:\bitemprop\s*=\s*[\"']?datePublished"
    r"|\b(?:class|id)\s*=\s*[\"']?[^\"'<>=]*(?:[dD]at(?:e|um)|submitted|posted|published|created|[-_]meta\b|byline))[^<>]*>"
)
_DATE_CARRIER_MAX = 400  # characters of one kept date element
# Labelled date lines in a dropped region ("Erschienen am: 01.11.2023" in a footer): a cheap case-sensitive hint on
# the label words, then the label regex over the region's text (regions up to _DATE_LINE_REGION characters).
_DATE_LABEL_HINT = re.compile(
    r"[PpVvEewz입公发](?:osted|ublished|eröffentlicht|rschienen|ublié|ublicado|dited|urde am|uletzt am|력|開|布)"
)
_DATE_LINE_REGION = 20_000
_DATE_REGION_MAX = 60_000  # a dropped region longer than this (a whole navigation or footer) carries no dates
_TAG = re.compile(r"<[^<>]*>")
_BLANK_BETWEEN_TAGS = re.compile(r">[ \t\r\n\f]+<")
_TAG_NAME_AT = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,10})")
_LINK_TAG = re.compile(r"</?a\b[^<>]*>", re.I)
_DIGIT = re.compile(r"\d")
_TAG_WITH_ATTRS = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]{0,40})(\s[^<>]*)>")
_CRUMB_ATTR = re.compile(
    r"""(?<![\w-])(?:class|id|aria-label|itemtype)\s*=\s*(?:"[^"]*|'[^']*|[^\s"'<>]*)"""
    r"(?:bread[-_]?crumb|(?<![a-z])crumbs?(?![a-z]))",
    re.I,
)
_CLASS_OR_ID = re.compile(r"""(?<![\w-])(?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_ATTR_NAMES = re.compile(r"(?:^|\s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)")
# The <link>s the metadata stage reads (canonical URL, lead image, author); every other <link> (stylesheets,
# preloads, icons, alternates) is parser work for nothing.
_METADATA_LINK = re.compile(
    r"""\bitemprop\b|\brel\s*=\s*(?:"[^"<>]*?|'[^'<>]*?|)(?<![\w-])(?:canonical|image_src|author)(?![\w-])""", re.I
)
# C0 controls (but tab, newline, carriage return) and lone surrogates: never text, and lxml rejects surrogates.
_UNUSABLE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


_TEMPLATE_TYPE = re.compile(r"""type\s*=\s*["']?text/(?:x-)?template""", re.I)


def strip_raw_blocks(html: str, keep_templates: bool = False) -> str:
    """Remove comments and DROP_CONTENT_TAGS elements with their content; JSON-LD scripts stay for metadata.

    ``keep_templates``: the markup inside ``<script type="text/template">`` (pages that render their story from a
    client-side template) is kept as markup, for the fallback parse.
    """
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # names with no closing tag left: later opens are dropped alone (stays linear)
    length = len(html)
    while pos < length:
        match = _RAW_OPEN.search(html, pos)
        if match is None:
            break
        out.append(html[pos : match.start()])
        opener = match.group(0)
        if opener == "<!--":
            end = html.find("-->", match.end())
            pos = length if end < 0 else end + 3
            continue
        if opener == "<![CDATA[":
            end = html.find("]]>", match.end())
            pos = length if end < 0 else end + 3
            continue
        name = match.group(1).lower()
        if name in unclosed:
            pos = match.end()
            continue
        end_match = _CLOSE_PATTERNS[name].search(html, match.end())
        if end_match is None:
            unclosed.add(name)
            pos = match.end()
            continue
        if name == "script" and "ld+json" in match.group(2).lower():
            out.append(html[match.start() : end_match.end()])  # JSON-LD is metadata: keep it
        elif keep_templates and name == "script" and _TEMPLATE_TYPE.search(match.group(2)):
            out.append(strip_raw_blocks(html[match.end() : end_match.start()]))
        pos = end_match.end()
    out.append(html[pos:])
    return "".join(out)


def drop_blank_runs(html: str) -> str:
    """Whitespace-only text between two tags, removed where one of them is a block boundary (never rendered).

    Between inline elements (``</a> <a>``) the space is a word separator and stays; so does everything in ``<pre>``
    that is not next to a block tag.
    """
    out: list[str] = []
    pos = 0
    boundary = sel.BLANK_RUN_BOUNDARY_TAGS
    verbatim = _verbatim_spans(html)
    for match in _BLANK_BETWEEN_TAGS.finditer(html):
        if verbatim and _inside(verbatim, match.start()):
            continue
        after = _TAG_NAME_AT.match(html, match.end() - 1)
        if after is None:
            continue
        if after.group(1).lower() not in boundary:
            before_at = html.rfind("<", 0, match.start())
            if before_at < 0 or html.find(">", before_at, match.start()) >= 0:
                continue  # the ">" ends text ("a > b"), not a tag
            before = _TAG_NAME_AT.match(html, before_at)
            if before is None or before.group(1).lower() not in boundary:
                continue
        out.append(html[pos : match.start() + 1])
        pos = match.end() - 1
    if not out:
        return html
    out.append(html[pos:])
    return "".join(out)


_VERBATIM_OPEN = re.compile(r"<(pre|textarea)\b[^<>]*>", re.I)
_VERBATIM_CLOSE = {name: re.compile(r"</" + name + r"\s*>", re.I) for name in ("pre", "textarea")}


def _verbatim_spans(html: str) -> list[tuple[int, int]]:
    """Offsets of the ``<pre>``/``<textarea>`` elements (an unclosed one runs to the end), in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (match := _VERBATIM_OPEN.search(html, pos)) is not None:
        close = _VERBATIM_CLOSE[match.group(1).lower()].search(html, match.end())
        end = len(html) if close is None else close.end()
        spans.append((match.start(), end))
        pos = end
    return spans


_AFTER_ANY_END = float("inf")


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, _AFTER_ANY_END)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def slim_head(html: str) -> str:
    """Keep only the head elements the metadata stage reads; the rest is parser work for nothing."""
    start = _HEAD_START.search(html, 0, 200_000)
    if start is None:
        return html
    end = _head_end(html, start.end())
    if end is None:
        return html
    kept = "\n".join(m.group(0) for m in _HEAD_KEEP.finditer(html, start.end(), end.start()))
    return html[: start.end()] + kept + html[end.start() :]


def _head_end(html: str, pos: int) -> re.Match[str] | None:
    """The ``</head>`` or ``<body`` that ends the head, never one written inside a script (JSON-LD text)."""
    while True:
        match = _HEAD_END.search(html, pos)
        if match is None or not match.group(1):
            return match
        close = _SCRIPT_CLOSE.search(html, match.end())
        if close is None:
            return None  # an unclosed script: no reliable head end, keep the head as it is
        pos = close.end()


def parse_attrs(raw: str) -> dict[str, str]:
    """Attributes of a tag token (names lowercased); enough for class/id/role/style decisions."""
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        name = match.group(1).lower()
        if name not in attrs:
            value = match.group(2) if match.group(2) is not None else match.group(3)
            if value is None:
                value = match.group(4) or ""
            attrs[name] = value
    return attrs


def class_parts(value: str) -> list[str]:
    """Lowercased parts of a class/id value, skipping classes that only modify their element."""
    parts: list[str] = []
    for token in value.split():
        if sel.MODIFIER_CLASS.match(token):
            continue
        parts.extend(part.lower() for part in sel.TOKEN_SPLIT.split(token) if part)
    return parts


def decisive_attrs(raw: str) -> tuple[tuple[str, str], ...]:
    """The attributes that decide whether a tag is furniture, as a hashable key (cached decisions)."""
    found: list[tuple[str, str]] = []
    for match in _DECISIVE_ATTR.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        found.append((match.group(1).lower(), value if value is not None else (match.group(4) or "")))
    return tuple(found)


@functools.lru_cache(maxsize=8192)
def is_boilerplate_key(key: tuple[tuple[str, str], ...]) -> bool:
    """Cached ``is_boilerplate_attrs`` on decisive attributes: templates repeat the same classes all page long."""
    attrs: dict[str, str] = {}
    for name, value in key:
        attrs.setdefault(name, value)
    return is_boilerplate_attrs(attrs)


@functools.lru_cache(maxsize=4096)
def is_hidden_key(key: tuple[tuple[str, str], ...]) -> bool:
    """The decisive attributes hide the element (``hidden``, ``display:none``, a hiding class), names aside."""
    attrs: dict[str, str] = {}
    for name, value in key:
        attrs.setdefault(name, value)
    if "hidden" in attrs or attrs.get("aria-modal") == "true":
        return True
    style = attrs.get("style")
    if style and sel.HIDDEN_STYLE.search(style):
        return True
    return bool(set(attrs.get("class", "").lower().split()) & sel.HIDDEN_CLASSES)


def is_boilerplate_attrs(attrs: dict[str, str]) -> bool:
    """True when the attributes say "page furniture" strongly enough to drop the element before parsing."""
    if "hidden" in attrs or attrs.get("aria-modal") == "true":
        return True
    style = attrs.get("style")
    if style and sel.HIDDEN_STYLE.search(style):
        return True
    role = attrs.get("role", "").lower()
    if role in sel.BOILERPLATE_ROLES:
        return True
    if attrs.get("itemprop", "").lower() == "articlebody":
        return False
    label = attrs.get("class", "") + " " + attrs.get("id", "")
    if not label.strip():
        return False
    classes = set(attrs.get("class", "").lower().split())
    if classes & sel.HIDDEN_CLASSES:
        return True
    parts = class_parts(label)
    if not parts:
        return False
    if any(part in sel.POSITIVE_PARTS for part in parts):
        return False
    return any(part in sel.STRONG_BOILERPLATE_PARTS for part in parts)


def drop_regions(html: str, by_name: bool = True) -> str:
    """Remove boilerplate elements (by tag name or attributes) with their content, keeping wrappers.

    An element matched by its class/id/role alone is kept when it holds the page's main text
    (``layout.MarkupEvidence.holds_main_text``: a good part of the densest run of paragraphs, or the headline with
    prose after it). ``by_name=False`` drops by tag name and hidden markers only (the body stage's fallback).
    """
    evidence: MarkupEvidence | None = None
    paragraph_starts = [m.start() for m in _P_OPEN.finditer(html)]
    total_paragraphs = len(paragraph_starts)
    length = len(html)
    out: list[str] = []
    pos = 0
    unbalanced: set[str] = set()
    scan = 0
    protected = sel.PRECLEAN_KEEP_TAGS
    budget = [4 * length + 100_000]  # characters _region_end may scan in total: nested hostile regions stay linear
    while True:
        match = _OPEN_TAG.search(html, scan)
        if match is None:
            break
        scan = match.end()
        name = (match.group(1) or match.group(3)).lower()
        raw_attrs = (match.group(2) if match.group(1) else match.group(4)) or ""
        if name in sel.DROP_VOID_TAGS or (name == "link" and not _METADATA_LINK.search(raw_attrs)):
            out.append(html[pos : match.start()])
            pos = match.end()
            continue
        if name in protected or name in unbalanced or raw_attrs.endswith("/"):
            continue
        if name not in sel.DROP_REGION_TAGS:
            if not raw_attrs or name in sel.PRECLEAN_INLINE_TAGS:
                continue
            key = decisive_attrs(raw_attrs)
            if not key or not is_boilerplate_key(key):
                continue
            hidden = is_hidden_key(key)
            if not by_name and not hidden:
                continue
            named = not hidden
        else:
            named = False
        if raw_attrs and sel.METADATA_KEEP_ATTRS.search(raw_attrs):
            continue  # the metadata stage reads it (breadcrumbs, paywall markers)
        if raw_attrs and _ARTICLE_MICRODATA.search(raw_attrs):
            continue  # a hidden schema.org Article block: metadata reads its itemprops, the body skips it (hidden)
        if budget[0] <= 0:
            break
        end = _region_end(html, name, match.end(), budget)
        if end < 0:
            unbalanced.add(name)
            continue
        if _holds_the_article(match.start(), end, paragraph_starts, total_paragraphs, length):
            continue
        if named:
            if evidence is None:
                evidence = markup_evidence(html)
            if evidence.holds_main_text(match.start(), end):
                continue  # evidence over names: its class says furniture, its paragraphs say story
        out.append(html[pos : match.start()])
        if _CARRIER_HINT.search(html, match.end(), end):
            out.append(_metadata_carriers(html, match.end(), end, budget))
        if end - match.end() <= _DATE_REGION_MAX and not pat.DATE_FURNITURE.search(raw_attrs):
            if _DATE_CARRIER_HINT.search(html, match.end(), end):
                out.append(_date_carriers(html, match.end(), end, budget))
            if end - match.end() <= _DATE_LINE_REGION and _DATE_LABEL_HINT.search(html, match.end(), end):
                out.append(_date_lines(html[match.end() : end]))
        pos = scan = end
    out.append(html[pos:])
    return "".join(out)


def _metadata_carriers(html: str, start: int, end: int, budget: list[int]) -> str:
    """The breadcrumb trails (whole) and paywall markers (the bare element) inside a region being dropped.

    They are returned inside a ``hidden`` wrapper: the metadata stage reads them, the body stage never does.
    """
    kept: list[str] = []
    pos = start
    while len(kept) < 5:
        match = _TAG_WITH_ATTRS.search(html, pos, end)
        if match is None:
            break
        pos = match.end()
        raw = match.group(2)
        if not _CARRIER_HINT.search(raw):
            continue
        name = match.group(1).lower()
        if _CRUMB_ATTR.search(raw) and name not in sel.DROP_VOID_TAGS and not raw.endswith("/"):
            close = _region_end(html, name, match.end(), budget)
            if 0 <= close <= end:
                kept.append(html[match.start() : close])
                pos = close
                continue
        if _is_paywall_marker(raw):
            kept.append(f"<{name}{raw}></{name}>")
    return f"<div hidden>{''.join(kept)}</div>" if kept else ""


def _date_carriers(html: str, start: int, end: int, budget: list[int]) -> str:
    """The ``<time>``, ``itemprop=datePublished`` and date-classed elements (whole, small) inside a region being
    dropped, in an inline ``hidden`` wrapper marked ``data-dropped`` (a ``<div>`` would split the paragraph the region
    sat in): the date stage reads them at a cost (published.py), the body never."""
    kept: list[str] = []
    pos = start
    while len(kept) < 3:
        match = _DATE_CARRIER.search(html, pos, end)
        if match is None:
            break
        pos = match.end()
        name = (match.group(1) or match.group(2)).lower()
        if match.group(0).endswith("/>") or name in sel.DROP_VOID_TAGS:
            kept.append(match.group(0))
            continue
        # Looked for within the element's size limit only: an unclosed carrier must not scan to the end of the page
        # (it drained the region scan's budget, and the regions after it were no longer dropped).
        close = _region_end(html, name, match.end(), budget, stop=min(end, match.start() + _DATE_CARRIER_MAX))
        if close >= 0:
            carrier = html[match.start() : close]
            pos = close
            # A date has digits; a "meta" line of category links has none. Links never ride along: the body stage
            # counts link text, and a dozen kept related-card footers tipped its choice of container.
            if _DIGIT.search(_TAG.sub("", carrier)) or _DIGIT.search(match.group(0)):
                kept.append(_LINK_TAG.sub("", carrier))
    return f"<span hidden data-dropped>{''.join(kept)}</span>" if kept else ""


def _date_lines(region: str) -> str:
    """Labelled date lines of a region being dropped, as text in an inline hidden wrapper (see _date_carriers)."""
    text = " ".join(html_lib.unescape(_TAG.sub(" | ", region)).split())
    kept = [text[m.start("label") : m.end("value")] for m in pat.DATE_LINE.finditer(text)][:2]
    return "".join(f"<span hidden data-dropped>{html_lib.escape(line)}</span>" for line in kept)


def _is_paywall_marker(raw: str) -> bool:
    """The attributes mark a paywall the way the metadata stage reads it (class/id words, data attributes)."""
    for match in _CLASS_OR_ID.finditer(raw):
        value = match.group(1) or match.group(2) or match.group(3) or ""
        if pat.PAYWALL_CLASS.search(value):
            return True
    return any(name.lower() in pat.PAYWALL_DATA_ATTRS for name in _ATTR_NAMES.findall(raw))


def _region_end(html: str, name: str, start: int, budget: list[int], stop: int | None = None) -> int:
    """End offset of the element opened just before ``start`` (same-name nesting counted), or -1.

    ``budget`` (one mutable int) is charged with the characters scanned; -1 when it runs out. ``stop``: the end
    is looked for before this offset only (default: the whole markup).
    """
    stop = len(html) if stop is None else stop
    pattern = _region_pattern(name)
    depth = 1
    for match in pattern.finditer(html, start, stop):
        if match.group(1):
            depth -= 1
            if depth == 0:
                budget[0] -= match.end() - start
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    budget[0] -= stop - start
    return -1


_REGION_PATTERNS: dict[str, re.Pattern[str]] = {}


def _region_pattern(name: str) -> re.Pattern[str]:
    pattern = _REGION_PATTERNS.get(name)
    if pattern is None:
        pattern = re.compile(r"<(/?)" + re.escape(name) + r"\b[^<>]*>", re.I)
        if len(_REGION_PATTERNS) < 256:
            _REGION_PATTERNS[name] = pattern
    return pattern


def _holds_the_article(start: int, end: int, paragraph_starts: list[int], total: int, length: int) -> bool:
    """A region with most of the page's paragraphs (or most of the page) is a wrapper, not furniture."""
    inside = bisect.bisect_left(paragraph_starts, end) - bisect.bisect_left(paragraph_starts, start)
    if inside >= 3 and inside * 2 >= total:
        return True
    return (end - start) * 2 >= length and inside >= 1


def cap_tags(html: str, max_tags: int) -> str:
    """Cut the markup after ``max_tags`` tags: bounds parse time and memory for hostile pages."""
    if html.count("<") <= max_tags:
        return html
    for index, match in enumerate(_LT.finditer(html)):
        if index == max_tags:
            return html[: match.start()]
    return html


_JSONLD_BLOCK = re.compile(r"<script\b[^<>]*ld\+json[^<>]*>.*?</script\s*>", re.I | re.S)


def lift_jsonld(html: str, max_tags: int, max_chars: int | None = None) -> str:
    """JSON-LD blocks moved to the start of the markup when the page is long enough for a cap to cut them off.

    Pages often place their JSON-LD at the very end of ``<body>``; the tag and length caps below would drop it,
    and with it the article's dates and headline. Short pages are returned unchanged (one ``count``).
    """
    last = html.rfind("ld+json")
    # Only the tags before the last block can push it past a cap (JSON-LD in the head costs nothing here).
    if last < 0 or (html.count("<", 0, last) <= max_tags and (max_chars is None or last <= max_chars)):
        return html
    blocks = [m.group(0) for m in _JSONLD_BLOCK.finditer(html)]
    if not blocks:
        return html
    rest = _JSONLD_BLOCK.sub("", html)
    head = _HEAD_START.search(rest, 0, 200_000)
    at = head.end() if head else 0
    return rest[:at] + "".join(blocks) + rest[at:]


@dataclass(frozen=True)
class Cleaned:
    """The pre-cleaned markup, and why a cap cut it before the parse (None: it was not cut)."""

    markup: str
    cut: str | None = None  # CUT_AT_MAX_TAGS or CUT_AT_MAX_PARSE_CHARS: a warning of the Article


CUT_AT_MAX_TAGS = "page_cut_at_max_tags"
CUT_AT_MAX_PARSE_CHARS = "page_cut_at_max_parse_chars"


def preclean(html: str, max_tags: int, max_chars: int | None = None, by_name: bool = True) -> str:
    """All pre-parse steps in order (see the module docstring); the result has at most ``max_chars``."""
    return preclean_page(html, max_tags, max_chars, by_name).markup


def preclean_page(html: str, max_tags: int, max_chars: int | None = None, by_name: bool = True) -> Cleaned:
    """``preclean``, saying whether a cap cut the page (its article may then be incomplete).

    ``by_name=False`` keeps the regions that only their class/id/role marks as furniture, and the markup of
    client-side templates (the fallback parse when the body stage found no story in the cleaned page).
    """
    cut: str | None = None
    html = strip_raw_blocks(html, keep_templates=not by_name)
    html = lift_jsonld(html, max_tags, max_chars)
    html = slim_head(html)
    # Bound the Python-level region scan too (real pages: under 3,000 tags here; hostile ones: 100,000s).
    scanned = cap_tags(html, max_tags * 4)
    if len(scanned) < len(html):
        cut = CUT_AT_MAX_TAGS
    html = drop_regions(scanned, by_name)
    if max_chars is not None and len(html) > max_chars:
        html = html[:max_chars]
        cut = cut or CUT_AT_MAX_PARSE_CHARS
    # Last, on what is left (a character-class scan costs ~5 ns a character; the markup is 4x smaller now).
    html = drop_blank_runs(_UNUSABLE_CHARS.sub("", html))
    capped = cap_tags(html, max_tags)
    if len(capped) < len(html):
        cut = cut or CUT_AT_MAX_TAGS
    return Cleaned(capped, cut)
