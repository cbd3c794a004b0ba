"""The one pass over the parsed tree that every metadata field reads from, and the lookups over what it collected.

:func:`collect` walks the tree once (no per-field ``find_all``) and records ``<meta>``, JSON-LD texts, ``<link>``s,
``<html lang>``, ``<title>``, the headline candidates (``<h1>``, ``<h2>``, elements marked as headline by
``itemprop=headline`` or a headline class), ``<time>``s, microdata (``itemprop``), bylines, breadcrumbs, figures,
images and paywall markers. :class:`PageSources` holds that with the parsed JSON-LD, the visible headline and the
strings printed around it, for the per-field functions (``titles``, ``authors``, ``sections``, ``images``,
``fields``, and the dates in ``metadata``).

Nothing here writes to the tree.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import bs4
from bs4.element import NavigableString, Tag

from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.published import holds_year

MAX_ELEMENTS = 60_000  # elements scanned at most: a hostile page must not take the function's time budget
MAX_CANDIDATES = 40  # per kind (times, bylines, figures, images) kept for the context checks
_MAX_HEADLINES = 5  # per kind (h1, h2, headline-marked elements)
_HEADER_STRINGS = 80  # visible strings read after the headline when looking for date lines and bylines
_HEADER_CHARS = 2500

Context = Callable[[Tag], str]  # where an element sits: "excluded", "article" or "neutral" (metadata._context)


@dataclass
class Page:
    """What the single walk over the tree collected."""

    metas: dict[str, list[str]] = field(default_factory=dict)
    jsonld_texts: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    title_tag: str | None = None
    h1s: list[Tag] = field(default_factory=list)
    h2s: list[Tag] = field(default_factory=list)
    marked_headlines: list[Tag] = field(default_factory=list)  # class or itemprop says "headline"
    times: list[Tag] = field(default_factory=list)
    itemprops: dict[str, list[Tag]] = field(default_factory=dict)
    bylines: list[Tag] = field(default_factory=list)
    breadcrumbs: list[Tag] = field(default_factory=list)
    labelled_breadcrumbs: list[Tag] = field(default_factory=list)
    figures: list[Tag] = field(default_factory=list)
    images: list[Tag] = field(default_factory=list)
    paywall_marker: bool = False
    # For dates (published.py): text nodes holding a year, with their position (elements seen before them), and the
    # positions of <time>/<h1>/<h2>/<abbr>/itemprop elements by id().
    date_strings: list[tuple[int, NavigableString]] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)


_MAX_DATE_STRINGS = 300
_DATELINE_CHARS = 60  # of a long text node: where a dateline states its date
_DATE_ANCHORS = frozenset(("time", "h1", "h2", "abbr"))
_ITEMPROPS = frozenset(("datepublished", "datemodified", "datecreated", "author", "headline", "articlesection",
                        "image", "inlanguage", "keywords", "description", "name"))


_COLLECTED_NAMES = frozenset(("meta", "script", "link", "html", "title", "h1", "h2", "time", "figure", "img"))


def collect(soup: bs4.BeautifulSoup) -> Page:
    """The one walk over the tree: every element is looked at once, cheaply (most fail the first test)."""
    page = Page()
    count = 0
    date_strings = page.date_strings
    for el in soup.descendants:
        if type(el) is not Tag:
            # strings, comments: one type check; a short text node holding a year is a date candidate, and so is
            # a paragraph opening with one (a dateline: "Karlsruhe, (12.11.2021). Traditionell …")
            if type(el) is NavigableString and len(date_strings) < _MAX_DATE_STRINGS and \
                    holds_year(el if len(el) < 400 else el[:_DATELINE_CHARS]):
                date_strings.append((count, el))
            continue
        count += 1
        if count > MAX_ELEMENTS:
            break
        attrs = el.attrs
        name = el.name
        if name in _DATE_ANCHORS:
            page.order[id(el)] = count
            if name == "abbr" and "title" in attrs and len(page.times) < MAX_CANDIDATES:
                page.times.append(el)  # hAtom: <abbr class="published" title="2009-08-06T…">6. August 2009</abbr>
        if name in _COLLECTED_NAMES and _collect_named(page, el, name, attrs):
            continue
        if not attrs:
            continue
        if name == "span" and "title" in attrs and "class" in attrs and len(page.times) < MAX_CANDIDATES and \
                p.TITLED_DATE_CLASS.search(str(attrs["class"])):
            page.order[id(el)] = count
            page.times.append(el)  # hAtom: <span class="updated" title="2013-04-04T18:52:11+00:00"></span>
        itemprop = attrs.get("itemprop")
        if itemprop:
            page.order[id(el)] = count
            for prop in attr_list(itemprop):
                prop = prop.lower()
                if prop in _ITEMPROPS:
                    page.itemprops.setdefault(prop, []).append(el)
                    if prop == "headline" and name != "meta" and len(page.marked_headlines) < _MAX_HEADLINES:
                        page.marked_headlines.append(el)
        if "rel" in attrs and "author" in attr_list(attrs.get("rel")) and len(page.bylines) < MAX_CANDIDATES:
            page.bylines.append(el)
        if not page.paywall_marker and not p.PAYWALL_DATA_ATTRS.isdisjoint(attrs):
            page.paywall_marker = True
        classes = attrs.get("class")
        ident = attrs.get("id")
        flags = _marker_flags(class_and_id(attrs)) if classes is not None or ident is not None else 0
        # Breadcrumb trails also say so by ARIA label or microdata type: <nav aria-label="Breadcrumb">,
        # <ol itemscope itemtype="https://schema.org/BreadcrumbList">. Read after the class-marked trails (a
        # labelled <nav> may wrap several of them).
        if ("aria-label" in attrs or "itemtype" in attrs) and not flags & _BREADCRUMB and len(
            page.labelled_breadcrumbs
        ) < 5 and (
            p.BREADCRUMB_LABEL.search(str(attrs.get("aria-label") or ""))
            or p.BREADCRUMB_TYPE.search(str(attrs.get("itemtype") or ""))
        ):
            page.labelled_breadcrumbs.append(el)
            flags &= ~_BYLINE
        if flags:
            _collect_marked(page, el, flags)
    return page


def _collect_named(page: Page, el: Tag, name: str, attrs: dict[str, Any]) -> bool:
    """Record an element by its name; True when nothing else about it matters (meta, script, link)."""
    if name == "meta":
        _collect_meta(page, attrs)
        return True
    if name == "script":
        if "ld+json" in str(attrs.get("type", "")).lower():
            page.jsonld_texts.append(el.string or el.get_text() or "")
        return True
    if name == "link":
        href = attrs.get("href")
        if href:
            for rel in attr_list(attrs.get("rel")):
                page.links.setdefault(rel.lower(), []).append(str(href))
        return True
    if name == "html":
        if page.html_lang is None:
            page.html_lang = attrs.get("lang") or attrs.get("xml:lang")
    elif name == "title":
        if page.title_tag is None and el.find_parent("svg") is None:
            page.title_tag = el.get_text(" ", strip=True)
    elif name == "h1":
        if len(page.h1s) < _MAX_HEADLINES:
            page.h1s.append(el)
    elif name == "h2":
        if len(page.h2s) < _MAX_HEADLINES:
            page.h2s.append(el)
    elif name == "time":
        if len(page.times) < MAX_CANDIDATES:
            page.times.append(el)
    elif name == "figure":
        if len(page.figures) < MAX_CANDIDATES:
            page.figures.append(el)
    elif len(page.images) < MAX_CANDIDATES:  # img
        page.images.append(el)
    return False


def _collect_meta(page: Page, attrs: dict[str, Any]) -> None:
    key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv")
    content = attrs.get("content")
    if key is None or content is None:
        return
    key = str(key).strip().lower()
    content = " ".join(str(content).split())
    if key and content:
        page.metas.setdefault(key, []).append(content)


_PAYWALL, _BREADCRUMB, _BYLINE, _HEADLINE = 1, 2, 4, 8


@lru_cache(maxsize=8192)
def _marker_flags(marker: str) -> int:
    """What one class+id string marks (cached: a page repeats its class names; most mark nothing)."""
    if not marker:
        return 0
    flags = _HEADLINE if p.HEADLINE_CLASS.search(marker) else 0
    if not p.CLASS_PREFILTER.search(marker):
        return flags
    if p.PAYWALL_CLASS.search(marker):
        flags |= _PAYWALL
    if p.BREADCRUMB_CONTAINER.search(marker):
        flags |= _BREADCRUMB
    elif p.BYLINE_CONTAINER.search(marker):
        flags |= _BYLINE
    return flags


def _collect_marked(page: Page, el: Tag, flags: int) -> None:
    if flags & _PAYWALL:
        page.paywall_marker = True
    if flags & _BREADCRUMB and len(page.breadcrumbs) < 5:
        page.breadcrumbs.append(el)
    elif flags & _BYLINE and len(page.bylines) < MAX_CANDIDATES:
        page.bylines.append(el)
    if flags & _HEADLINE and el.name not in ("h1", "meta") and len(page.marked_headlines) < _MAX_HEADLINES \
            and all(el is not known for known in page.marked_headlines):  # identity: Tag == compares contents
        page.marked_headlines.append(el)


# ======================================================================================= lookups
class PageSources:
    """The collected page, its JSON-LD (article node and page node) and the visible headline, with the lookups the
    per-field functions share. ``context`` says where an element sits (``excluded``/``article``/``neutral``).

    ``h1`` (the visible headline element, an ``<h1>``, ``<h2>`` or a headline-marked element despite the name) is
    set by the caller once the headline is chosen (:func:`newsingest.extract.titles.visible_headline`).
    """

    def __init__(self, page: Page, url: str | None, context: Context) -> None:
        self.page = page
        self.url = url
        self.context = context
        self.ld = j.parse_blocks(page.jsonld_texts, url or self.first_meta(("og:url",)))
        self.article: dict[str, Any] = self.ld.article or {}
        self.webpage: dict[str, Any] = self.ld.page or {}
        self.h1: Tag | None = None
        self.logo_names: list[str] = []  # texts of headings that are the site's logo (titles.visible_headline)
        self._header_lines: list[tuple[str, Tag]] | None = None

    def usable(self, el: Tag) -> bool:
        """Not inside related lists, sidebars, navigation, comments, footers or the page masthead."""
        return self.context(el) != "excluded"

    def meta_values(self, keys: Iterable[str]) -> Iterator[str]:
        for key in keys:
            yield from self.page.metas.get(key, ())

    def first_meta(self, keys: Iterable[str]) -> str | None:
        return next(self.meta_values(keys), None)

    def ld_text(self, key: str, node: dict[str, Any] | None = None) -> str | None:
        """The first text of ``key`` in the JSON-LD article node (or ``node``), cleaned."""
        value = (self.article if node is None else node).get(key)
        text = j.first_text(value)
        return clean_text(text) if text else None

    def itemprop_values(self, prop: str) -> Iterator[str]:
        """Microdata values of ``prop`` outside excluded containers (``<meta itemprop>`` is read as a meta)."""
        for el in self.page.itemprops.get(prop, ()):
            if el.name == "meta":
                continue  # already read with the other <meta> (itemprop key)
            if not self.usable(el):
                continue
            value = el.get("content") or el.get("datetime") or short_text(el)
            if value:
                yield " ".join(str(value).split())

    def header_lines(self) -> list[tuple[str, Tag]]:
        """Visible strings just around the headline (a few before it, more after it), with their parent."""
        if self._header_lines is not None:
            return self._header_lines
        lines: list[tuple[str, Tag]] = []
        if self.h1 is not None:
            before: list[tuple[str, Tag]] = []
            for seen, node in enumerate(self.h1.previous_elements):
                if len(before) >= 8 or seen > 200:  # bounded in nodes too: deep wrappers hold no strings
                    break
                if type(node) is NavigableString:
                    text = " ".join(node.split())
                    if text and node.parent is not None and node.parent.name not in ("script", "style", "title"):
                        before.append((text, node.parent))
            lines.extend(reversed(before))
            lines.append((short_text(self.h1, 600) or "", self.h1))
            # Start after the headline's last descendant, so its own strings are not read again.
            last: Any = self.h1
            while isinstance(last, Tag) and last.contents:
                last = last.contents[-1]
            chars = 0
            after = 0
            for seen, node in enumerate(last.next_elements):
                if after >= _HEADER_STRINGS or chars >= _HEADER_CHARS or seen > 4000:
                    break
                if type(node) is NavigableString:
                    if node.parent is None or node.parent.name in ("script", "style", "noscript"):
                        continue
                    text = " ".join(node.split())
                    if text:
                        lines.append((text, node.parent))
                        after += 1
                        chars += len(text)
        self._header_lines = lines
        return lines

    def headline_index(self, lines: list[tuple[str, Tag]]) -> int:
        """Where the headline is in :meth:`header_lines` (-1 without a headline)."""
        return next((i for i, (_, el) in enumerate(lines) if el is self.h1), -1)

    def resolve_url(self, value: str | None) -> str | None:
        """``value`` as an absolute http(s) URL against the page's URL, or None."""
        if not value or value.startswith(("data:", "javascript:", "#")):
            return None
        resolved = urljoin(self.url or "", value.strip())
        if resolved.startswith("//"):
            resolved = "https:" + resolved
        return resolved if resolved.startswith(("http://", "https://")) else None


# ======================================================================================= small helpers
def attr_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split()


def class_and_id(attrs: dict[str, Any]) -> str:
    classes = attrs.get("class")
    text = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    ident = attrs.get("id")
    return f"{text} {ident}" if ident else text


def short_text(el: Tag, limit: int = 300) -> str | None:
    """The visible text of ``el`` when it is short, else None: a "byline" class on a whole-article wrapper must
    not cost a full-text read per candidate (and such text is no byline anyway)."""
    parts: list[str] = []
    size = 0
    for seen, node in enumerate(el.descendants):
        if seen > 400:  # a deep wrapper, not a short label
            return None
        if type(node) is not NavigableString:
            continue
        if node.parent is not None and node.parent.name in ("script", "style"):
            continue
        parts.append(node)
        size += len(node)
        if size > limit * 4:  # whitespace collapses below; give it room before giving up
            return None
    text = " ".join(" ".join(parts).split())
    return text if text and len(text) <= limit else None


def clean_text(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(_INVISIBLE.sub("", html_lib.unescape(str(value))).replace("\xa0", " ").split())
    return text or None


_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")  # soft hyphens, zero-width spaces, word joiners


_NON_ALNUM = re.compile(r"[\W_]+")


def fold(value: str) -> str:
    """Comparison key: case-folded letters and digits only."""
    return _NON_ALNUM.sub("", value.casefold())
