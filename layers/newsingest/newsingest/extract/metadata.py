"""Article metadata from every source a page offers, with one documented precedence per field.

Sources, read in ONE pass over the parsed tree (no per-field ``find_all``): JSON-LD (the article node of
``NewsArticle``/``Article``/``BlogPosting``/…, found through ``@graph``s and arrays, ``@id`` references resolved),
``<meta>`` (OpenGraph, ``article:*``, ``twitter:*``, author/date/pubdate/publishdate, parsely-*, sailthru.*, dc.*,
dcterms.*), ``<link>``, microdata (``itemprop``), ``<time datetime>``, bylines, breadcrumbs, figures, and the visible
text right around the headline (date lines such as ``Posted : 2019-11-22 11:09`` / ``Updated : …``, ``By …`` lines).

Elements inside related/most-read/trending lists, sidebars, navigation, comments, footers and the page masthead
are never used for dates, bylines or images ("excluded containers" in ``patterns.py``).

Precedence, first non-empty wins unless said otherwise:

* ``title``: the ``<h1>`` when a metadata title confirms it; else JSON-LD ``headline`` > ``og:title`` >
  ``twitter:title`` > other meta titles > ``<title>`` > ``<h1>``. Site names are cut from either end
  ("Headline - The Korea Times", "Site | Headline", "Headline :: Site") by matching the site name/domain, or, for a
  short trailing segment after a strong separator (``|``, ``::``, ``·``, ``»``), by shape.
* ``authors`` (persons only): JSON-LD ``author``/``creator`` > meta author keys > microdata ``itemprop=author`` >
  ``rel=author``/byline elements > a ``By …`` line under the headline. JSON-LD authors typed ``Organization`` are
  not persons and are dropped; a wire agency named as author or in a byline becomes ``source`` instead.
* ``published_at`` / ``modified_at``: every date candidate on the page scored by source, label and position, in
  ``published.py`` (its docstring has the table); no published date -> the modified date, then the URL's date;
  ``date_source`` says where ``published_at`` came from. ``Updated`` lines are never taken as published; a
  modified date earlier than ``published_at`` is dropped.
* Dates keep the page's UTC offset; without one they are naive ISO strings, never a guessed zone (see dates.py).
* ``section``: JSON-LD ``articleSection`` > meta section keys > microdata ``articleSection`` > breadcrumbs (JSON-LD
  ``BreadcrumbList``, then HTML breadcrumb trails: the last crumb that is not the headline, never "Home") > a short
  label just above the headline whose class says section/category/kicker. Page types ("post", "Article"),
  handles and domains are not sections.
* ``tags``: article-specific tags merged in order (``article:tag``, parsely/sailthru tags, JSON-LD ``keywords``);
  only when there are none, ``news_keywords``/``keywords``. De-duplicated case-insensitively.
* ``description``: JSON-LD ``description`` > ``og:description`` > ``description`` > ``twitter:description`` > dc.
* ``language``: ``<html lang>``/``xml:lang`` > JSON-LD ``inLanguage`` > ``content-language``/``language``/dc meta >
  ``og:locale`` (``ko_KR`` -> ``ko-KR``); BCP 47 casing. :func:`complete_with_text` adds the script-based guess
  (Hangul -> ko, Kana -> ja, Han -> zh/zh-Hans/zh-Hant) when absent, and replaces a declared non-CJK language when
  the body is overwhelmingly CJK (a template's ``lang="en"`` on a Korean story).
* ``image_url`` (lead image): ``og:image`` > JSON-LD ``image`` > ``twitter:image`` > ``link rel=image_src`` >
  microdata ``image`` > the first ``<figure>`` image inside the article > the first large ``<img>`` inside it.
  Logos, favicons, sprites, icons, SVGs, avatars, pixels and images declared smaller than 200 px are never chosen.
  ``images``: the lead image first, then JSON-LD
  ``ImageObject``s and ``<figure>``s inside the article, with captions (``caption``/``<figcaption>``) and credits
  (``creditText``/credit elements/a trailing "AP-Yonhap", "(AP Photo/…)"); de-duplicated by URL.
* ``canonical_url``: ``link rel=canonical`` > ``og:url`` > JSON-LD ``url``/``mainEntityOfPage``; resolved against
  ``url``; None when the page names none (the caller knows the fetched URL).
* ``site_name``: ``og:site_name`` > JSON-LD ``publisher.name`` > application-name and publisher meta.
* ``source`` (wire agency of the story): a credit in the body text (:func:`complete_with_text`: datelines
  ``SEOUL, Nov. 22 (Yonhap) --``, ``WASHINGTON (AP) —``, a closing ``(Yonhap)``/``— Reuters``, "(Reporting by …)")
  > an agency named as the JSON-LD author or in the byline. Photo credits such as ``(AP Photo/…)`` never count.
* ``paywalled``: JSON-LD ``isAccessibleForFree`` (``false``/``"False"`` -> True, ``true`` -> False; a ``hasPart``
  with ``isAccessibleForFree: false`` -> True) > ``article:content_tier`` meta (locked/metered -> True, free -> False)
  > paywall markers (``data-paywall``, paywall/Piano ``tp-`` containers) -> True; otherwise None (unknown).

Nothing here writes to ``soup`` or raises: a failing field degrades to None.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import bs4
from bs4.element import NavigableString, Tag

from newsingest.extract import dates as d
from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract import published as pub
from newsingest.extract.article import Image
from newsingest.extract.authors import agency_in_credit, agency_of, parse_authors
from newsingest.extract.language import CJK_LANGUAGES, language_from_text, normalize_language, primary_language
from newsingest.extract.options import ExtractOptions
from newsingest.extract.published import holds_year

logger = logging.getLogger(__name__)

_MAX_ELEMENTS = 60_000  # elements scanned at most: a hostile page must not take the function's time budget
_MAX_CANDIDATES = 40  # per kind (times, bylines, figures, images) kept for the context checks
_HEADER_STRINGS = 80  # visible strings read after the headline when looking for date lines and bylines
_HEADER_CHARS = 2500
_MAX_TAGS = 30
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Metadata:
    """Everything about an article except its body text. Absent values are None or empty tuples."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None
    modified_at: str | None = None
    date_source: str | None = None  # where published_at came from: jsonld|meta|time|date_line|modified|url
    section: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None
    language: str | None = None
    image_url: str | None = None
    images: tuple[Image, ...] = ()
    canonical_url: str | None = None
    site_name: str | None = None
    source: str | None = None
    paywalled: bool | None = None


def extract_metadata(soup: bs4.BeautifulSoup, url: str | None, options: ExtractOptions) -> Metadata:
    """Metadata of the page in ``soup`` (read-only on ``soup``; never raises)."""
    try:
        page = _collect(soup)
        return _Resolver(page, url).metadata()
    except Exception:  # never raise: metadata is best effort, the body text is still worth returning
        logger.debug("metadata extraction failed", exc_info=True)
        return Metadata()


def complete_with_text(meta: Metadata, text: str, closing: Sequence[str] = ()) -> Metadata:
    """Fill what only the body text can tell: the wire agency credited in the story and a script-based language.

    ``closing``: lines the body stage dropped after the story's last paragraph (a "© 2024 The Associated Press"
    line is furniture for the body but the story's credit); read when the text itself credits no agency.
    """
    try:
        source = credit_in_text(text) or closing_credit(closing) or meta.source
        language = meta.language
        guessed = language_from_text(text) if text else None
        # A guess is only ever a CJK language or another script's: "dominant CJK" is the guess being CJK.
        if guessed and (not language or (primary_language(language) not in CJK_LANGUAGES
                                         and primary_language(guessed) in CJK_LANGUAGES)):
            language = guessed
        if source == meta.source and language == meta.language:
            return meta
        return replace(meta, source=source, language=language)
    except Exception:
        logger.debug("complete_with_text failed", exc_info=True)
        return meta


def credit_in_text(text: str) -> str | None:
    """The wire agency a story credits at its start (dateline) or end ("(Yonhap)", "— Reuters"), or None."""
    if not text:
        return None
    head = text.lstrip()[: p.CREDIT_SCAN_CHARS]
    # The dateline opens the story, possibly after a short byline or kicker line the body kept.
    for line in head.split("\n")[:4]:
        found = _dateline_agency(line.strip())
        if found:
            return found
    return _trailer_credit(text)


def closing_credit(lines: Sequence[str]) -> str | None:
    """The agency credited by one of the lines that closed the story (nearest first), or None."""
    for line in lines[:8]:
        if p.MEDIA_CREDIT_LINE.search(line):
            continue  # "Photo: AP-Yonhap" credits a picture, not the story
        found = _trailer_credit(line)
        if found:
            return found
    return None


def _trailer_credit(text: str) -> str | None:
    """A credit at the very end of ``text``: "(Yonhap)", "— Reuters", a last line "AP", "(Reporting by …)", "©…"."""
    tail = text.rstrip()[-p.CREDIT_SCAN_CHARS :]
    for pattern in (p.CREDIT_TRAILER_PAREN, p.CREDIT_TRAILER_DASH, p.CREDIT_TRAILER_LINE):
        match = pattern.search(tail)
        found = agency_in_credit(match[1]) if match else None
        if found:
            return found
    if p.CREDIT_REPORTING_BY.search(tail):
        return "Reuters"
    match = p.CREDIT_COPYRIGHT.search(tail)
    return agency_of(match[1]) if match else None


def _dateline_agency(line: str) -> str | None:
    match = p.CREDIT_DATELINE.match(line)
    if match:
        return agency_in_credit(match[1])
    match = p.CREDIT_CHINESE_DATELINE.match(line)
    if match:
        return agency_of(match[1])
    match = p.CREDIT_CJK_DATELINE.match(line)
    if match:
        # "(서울=연합뉴스)", "【ソウル共同】": the agency closes the bracket, after the place.
        inner = match[1].replace("＝", "=").split("=")[-1].strip()
        found = agency_of(inner)
        if found:
            return found
        for spelling in p.AGENCY_CJK_SPELLINGS:
            if inner.endswith(spelling):
                return p.AGENCY_BY_EXACT[spelling]
    return None


# ======================================================================================= one pass over the tree
@dataclass
class _Page:
    """What the single walk over the tree collected, for the resolver."""

    metas: dict[str, list[str]] = field(default_factory=dict)
    jsonld_texts: list[str] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)
    html_lang: str | None = None
    title_tag: str | None = None
    h1s: list[Tag] = field(default_factory=list)
    times: list[Tag] = field(default_factory=list)
    itemprops: dict[str, list[Tag]] = field(default_factory=dict)
    bylines: list[Tag] = field(default_factory=list)
    breadcrumbs: list[Tag] = field(default_factory=list)
    labelled_breadcrumbs: list[Tag] = field(default_factory=list)
    figures: list[Tag] = field(default_factory=list)
    images: list[Tag] = field(default_factory=list)
    paywall_marker: bool = False
    # For dates (published.py): text nodes holding a year, with their position (elements seen before them), the
    # positions of <time>/<h1>/<h2>/itemprop elements by id(), and the first <h2>s (headline fallback).
    date_strings: list[tuple[int, NavigableString]] = field(default_factory=list)
    order: dict[int, int] = field(default_factory=dict)
    h2s: list[Tag] = field(default_factory=list)


_MAX_DATE_STRINGS = 300
_ITEMPROPS = frozenset(("datepublished", "datemodified", "datecreated", "author", "headline", "articlesection",
                        "image", "inlanguage", "keywords", "description", "name"))


_COLLECTED_NAMES = frozenset(("meta", "script", "link", "html", "title", "h1", "time", "figure", "img"))
_DATE_ANCHORS = frozenset(("time", "h1", "h2", "abbr"))


def _collect(soup: bs4.BeautifulSoup) -> _Page:
    """The one walk over the tree: every element is looked at once, cheaply (most fail the first test)."""
    page = _Page()
    count = 0
    date_strings = page.date_strings
    for el in soup.descendants:
        if type(el) is not Tag:
            # strings, comments: one type check; a short text node holding a year is a date candidate
            if type(el) is NavigableString and len(el) < 400 and len(date_strings) < _MAX_DATE_STRINGS and \
                    holds_year(el):
                date_strings.append((count, el))
            continue
        count += 1
        if count > _MAX_ELEMENTS:
            break
        attrs = el.attrs
        name = el.name
        if name in _DATE_ANCHORS:
            page.order[id(el)] = count
            if name == "h2" and len(page.h2s) < 5:
                page.h2s.append(el)
            elif name == "abbr" and "title" in attrs and len(page.times) < _MAX_CANDIDATES:
                page.times.append(el)  # hAtom: <abbr class="published" title="2009-08-06T…">6. August 2009</abbr>
        if name in _COLLECTED_NAMES and _collect_named(page, el, name, attrs):
            continue
        if not attrs:
            continue
        if name == "span" and "title" in attrs and "class" in attrs and len(page.times) < _MAX_CANDIDATES and \
                p.TITLED_DATE_CLASS.search(str(attrs["class"])):
            page.order[id(el)] = count
            page.times.append(el)  # hAtom: <span class="updated" title="2013-04-04T18:52:11+00:00"></span>
        itemprop = attrs.get("itemprop")
        if itemprop:
            page.order[id(el)] = count
            for prop in _attr_list(itemprop):
                prop = prop.lower()
                if prop in _ITEMPROPS:
                    page.itemprops.setdefault(prop, []).append(el)
        if "rel" in attrs and "author" in _attr_list(attrs.get("rel")) and len(page.bylines) < _MAX_CANDIDATES:
            page.bylines.append(el)
        if not page.paywall_marker and not p.PAYWALL_DATA_ATTRS.isdisjoint(attrs):
            page.paywall_marker = True
        classes = attrs.get("class")
        ident = attrs.get("id")
        flags = _marker_flags(_class_and_id(attrs)) if classes is not None or ident is not None else 0
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


def _collect_named(page: _Page, el: Tag, name: str, attrs: dict[str, Any]) -> bool:
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
            for rel in _attr_list(attrs.get("rel")):
                page.links.setdefault(rel.lower(), []).append(str(href))
        return True
    if name == "html":
        if page.html_lang is None:
            page.html_lang = attrs.get("lang") or attrs.get("xml:lang")
    elif name == "title":
        if page.title_tag is None and el.find_parent("svg") is None:
            page.title_tag = el.get_text(" ", strip=True)
    elif name == "h1":
        if len(page.h1s) < 5:
            page.h1s.append(el)
    elif name == "time":
        if len(page.times) < _MAX_CANDIDATES:
            page.times.append(el)
    elif name == "figure":
        if len(page.figures) < _MAX_CANDIDATES:
            page.figures.append(el)
    elif len(page.images) < _MAX_CANDIDATES:  # img
        page.images.append(el)
    return False


def _collect_meta(page: _Page, attrs: dict[str, Any]) -> None:
    key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv")
    content = attrs.get("content")
    if key is None or content is None:
        return
    key = str(key).strip().lower()
    content = " ".join(str(content).split())
    if key and content:
        page.metas.setdefault(key, []).append(content)


_PAYWALL, _BREADCRUMB, _BYLINE = 1, 2, 4


@lru_cache(maxsize=8192)
def _marker_flags(marker: str) -> int:
    """What one class+id string marks (cached: a page repeats its class names; most mark nothing)."""
    if not marker or not p.CLASS_PREFILTER.search(marker):
        return 0
    flags = _PAYWALL if p.PAYWALL_CLASS.search(marker) else 0
    if p.BREADCRUMB_CONTAINER.search(marker):
        flags |= _BREADCRUMB
    elif p.BYLINE_CONTAINER.search(marker):
        flags |= _BYLINE
    return flags


def _collect_marked(page: _Page, el: Tag, flags: int) -> None:
    if flags & _PAYWALL:
        page.paywall_marker = True
    if flags & _BREADCRUMB and len(page.breadcrumbs) < 5:
        page.breadcrumbs.append(el)
    elif flags & _BYLINE and len(page.bylines) < _MAX_CANDIDATES:
        page.bylines.append(el)


def _attr_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split()


def _class_and_id(attrs: dict[str, Any]) -> str:
    classes = attrs.get("class")
    text = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    ident = attrs.get("id")
    return f"{text} {ident}" if ident else text


# ======================================================================================= layout context
def _context(el: Tag) -> str:
    """Where ``el`` sits: ``excluded``, ``article`` or ``neutral``.

    ``excluded``: any ancestor is a related/most-read/trending list, a rail, navigation, comments, a footer, or a
    ``<header>`` that is not inside the article (the page masthead, which prints today's date). Related cards are
    often ``<article>`` elements themselves, so an excluded ancestor wins over any article marker; class names of
    page-wide wrappers ("has-sidebar", "layout-…") are not taken as exclusions.
    ``article``: an ancestor is ``<article>``/``<main>``/``itemprop=articleBody`` or has an article-like class.
    """
    in_article = False
    header_seen = False
    article_above_header = False
    node: Tag | None = el
    depth = 0
    while node is not None and depth < 40 and not isinstance(node, bs4.BeautifulSoup):
        name = node.name
        if name in p.EXCLUDED_TAGS:
            return "excluded"
        attrs = node.attrs
        kind = _marker_kind(_class_and_id(attrs)) if attrs and ("class" in attrs or "id" in attrs) else ""
        if kind == "excluded":
            return "excluded"
        if node is not el and (kind == "article" or name in ("article", "main") or _has_itemprop(node, "articlebody")):
            in_article = True
            article_above_header = article_above_header or header_seen
        if name == "header":
            header_seen = True
        node = node.parent
        depth += 1
    if header_seen and not article_above_header:
        return "excluded"
    return "article" if in_article else "neutral"


@lru_cache(maxsize=4096)
def _marker_kind(marker: str) -> str:
    """``excluded``/``article``/"" for one class+id string (cached: pages repeat their class names a lot)."""
    if not marker:
        return ""
    if p.EXCLUDED_CONTAINER.search(p.WRAPPER_CONTAINER.sub(" ", marker)):
        return "excluded"
    return "article" if p.ARTICLE_CONTAINER.search(marker) else ""


def _has_itemprop(el: Tag, prop: str) -> bool:
    value = el.attrs.get("itemprop") if el.attrs else None
    return bool(value) and prop in " ".join(_attr_list(value)).lower()


def _usable(el: Tag) -> bool:
    return _context(el) != "excluded"


# ======================================================================================= resolution
class _Resolver:
    """Turns the collected page into a Metadata, field by field, following the module's precedence."""

    def __init__(self, page: _Page, url: str | None) -> None:
        self.page = page
        self.url = url
        self.ld = j.parse_blocks(page.jsonld_texts, url or self._first_meta(("og:url",)))
        self.article: dict[str, Any] = self.ld.article or {}
        self.webpage: dict[str, Any] = self.ld.page or {}
        self.h1 = self._main_h1()
        self._header_lines: list[tuple[str, Tag]] | None = None
        self.date_source: str | None = None
        self.agency: str | None = None

    def metadata(self) -> Metadata:
        site_name = self._safe(self.site_name)
        title = self._safe(lambda: self.title(site_name))
        published, modified = self._safe(self.dates) or (None, None)
        authors = self._safe(lambda: self.authors(site_name)) or ()
        image_url, images = self._safe(self.images) or (None, ())
        return Metadata(
            title=title,
            authors=authors,
            published_at=published,
            modified_at=modified,
            date_source=self.date_source,
            section=self._safe(lambda: self.section(title)),
            tags=self._safe(self.tags) or (),
            description=self._safe(self.description),
            language=self._safe(self.language),
            image_url=image_url,
            images=images,
            canonical_url=self._safe(self.canonical_url),
            site_name=site_name,
            source=self.agency,
            paywalled=self._safe(self.paywalled),
        )

    @staticmethod
    def _safe(func: Any) -> Any:
        """One field failing must not cost the others."""
        try:
            return func()
        except Exception:
            logger.debug("metadata field failed", exc_info=True)
            return None

    # ------------------------------------------------------------------ helpers
    def _meta_values(self, keys: Iterable[str]) -> Iterator[str]:
        for key in keys:
            yield from self.page.metas.get(key, ())

    def _first_meta(self, keys: Iterable[str]) -> str | None:
        return next(self._meta_values(keys), None)

    def _ld_text(self, key: str, node: dict[str, Any] | None = None) -> str | None:
        value = (self.article if node is None else node).get(key)
        text = j.first_text(value)
        return _clean_text(text) if text else None

    def _itemprop_values(self, prop: str) -> Iterator[str]:
        for el in self.page.itemprops.get(prop, ()):
            if el.name == "meta":
                continue  # already read with the other <meta> (itemprop key)
            if not _usable(el):
                continue
            value = el.get("content") or el.get("datetime") or _short_text(el)
            if value:
                yield " ".join(str(value).split())

    def _main_h1(self) -> Tag | None:
        fallback = None
        for h1 in self.page.h1s:
            text = _short_text(h1, 600)
            if not text:
                continue  # a logo wrapped in <h1>
            context = _context(h1)
            if context == "article":
                return h1
            if context == "neutral" and fallback is None:
                fallback = h1
        return fallback

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
            lines.append((_short_text(self.h1, 600) or "", self.h1))
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

    def _h1_index(self, lines: list[tuple[str, Tag]]) -> int:
        return next((i for i, (_, el) in enumerate(lines) if el is self.h1), -1)

    # ------------------------------------------------------------------ fields
    def site_name(self) -> str | None:
        for value in (
            self._first_meta(("og:site_name",)),
            j.first_text(self.ld.resolve(self.article.get("publisher"))),
            j.first_text(self.ld.resolve(self.webpage.get("publisher"))),
            self._first_meta(p.META_SITE_NAME[1:]),
        ):
            if value and not value.startswith(("http://", "https://", "@")):
                return _clean_text(value)
        return None

    def title(self, site_name: str | None) -> str | None:
        h1_text = _clean_text(_short_text(self.h1, 600)) if self.h1 is not None else None
        raw = [self._ld_text("headline"), self._ld_text("name") if not self.article.get("headline") else None]
        raw += list(self._meta_values(p.META_TITLE))
        raw += [self.page.title_tag, self._ld_text("headline", self.webpage) or self._ld_text("name", self.webpage)]
        candidates = [_clean_text(value) for value in raw if value]
        names = self._site_names(site_name)
        # Only the chosen site name and the domain: other "name" metas sometimes hold the headline itself.
        site_keys = {_fold(n) for n in (site_name, names[-1] if names else None) if n}
        cleaned = [_strip_site(value, names, h1_text) for value in candidates if value]
        # A "title" that is just the site's name (home-page style og:title) says nothing about the article.
        cleaned = [value for value in cleaned if value and _fold(value) not in site_keys]
        if h1_text:
            wanted = _fold(h1_text)
            for value in cleaned:
                folded = _fold(value)
                # JSON-LD headlines are cut at ~110 characters ("…"): a prefix still confirms the <h1>.
                if folded == wanted or (len(folded) > 20 and wanted.startswith(folded.rstrip("…. "))):
                    return h1_text
        if cleaned:
            return cleaned[0]
        return h1_text if h1_text and _fold(h1_text) not in site_keys else None

    def _site_names(self, site_name: str | None) -> list[str]:
        names = [site_name] if site_name else []
        names += [v for v in self._meta_values(p.META_SITE_NAME) if v]
        host = urlsplit(self.url or self._first_meta(("og:url",)) or "").hostname or ""
        labels = [label for label in host.split(".") if label not in ("www", "m", "com", "co", "net", "org", "news")]
        names = [n for n in names if n]
        names += labels[:1]  # the domain label is always last (title() relies on it)
        return names

    def authors(self, site_name: str | None) -> tuple[str, ...]:
        # The site's name (or one segment of "Site | Tagline") as author is the outlet, not a person.
        sites = {_fold(part) for part in p.TITLE_SEPARATORS.split(site_name or "") if part}
        # A one-word "author" that is a word of the site's name or its domain is the outlet ("Beachbody" on "The
        # Beachbody Blog").
        site_words = {_fold(word) for word in (site_name or "").split()} | {
            _fold(label) for label in self._site_names(site_name)[-1:]}
        site_words.discard("")
        for values in self._author_sources():
            values = [v for v in values if v and _fold(v) not in sites]
            if not values:
                continue
            byline = parse_authors(values)
            if byline.agency and not self.agency:
                self.agency = byline.agency
            names = tuple(name for name in byline.names if " " in name or _fold(name) not in site_words)
            if names:
                return names
        return ()

    def _author_sources(self) -> Iterator[list[str]]:
        yield self._ld_authors()
        yield [v for v in self._meta_values(p.META_AUTHOR) if not v.startswith(("http://", "https://", "www."))]
        yield [self._microdata_author(el) for el in self.page.itemprops.get("author", ()) if _usable(el)]
        yield [text for el in self.page.bylines if _usable(el) and (text := _short_text(el))]
        yield self._header_bylines()

    def _ld_authors(self) -> list[str]:
        out: list[str] = []
        for key in ("author", "creator"):
            value = self.article.get(key)
            for item in value if isinstance(value, list) else [value]:
                item = self.ld.resolve(item)
                if isinstance(item, str):
                    out.extend(part for part in [item] if not part.startswith(("http://", "https://")))
                elif isinstance(item, dict):
                    names = j.text_values(item.get("name"))
                    if j.types_of(item) & p.ORGANIZATION_TYPES:
                        # Organizations are not persons; a wire agency among them is the story's source.
                        agency = next((agency_of(n) for n in names if agency_of(n)), None)
                        self.agency = self.agency or agency
                        continue
                    out.extend(names)
            if out:
                break
        return [html_lib.unescape(v) for v in out]

    @staticmethod
    def _microdata_author(el: Tag) -> str:
        inner = el.find(attrs={"itemprop": "name"})
        target = inner if isinstance(inner, Tag) else el
        return str(target.get("content") or _short_text(target) or "")

    def _header_bylines(self) -> list[str]:
        lines = self.header_lines()
        out = []
        for text, parent in lines[self._h1_index(lines) + 1 :]:
            if len(text) < 120 and p.BYLINE_LINE.match(text) and _usable(parent):
                out.append(text)
                break
        return out

    def dates(self) -> tuple[str | None, str | None]:
        """(published_at, modified_at); ``self.date_source`` says where published_at came from (published.py)."""
        sources = self._date_sources()
        published = pub.extract_published(sources)
        modified = pub.extract_modified(sources).iso
        self.date_source = published.source
        if published.iso and modified and published.source != "modified" and d.is_before(modified, published.iso):
            modified = None  # a "modified" before publication is some other date (a related item, a typo)
        return published.iso, modified

    def _date_sources(self) -> pub.DateSources:
        """The page scan's date material for published.py (one place, read-only)."""
        page = self.page
        anchor = self._date_anchor()
        return pub.DateSources(
            ld_article=self.article, ld_page=self.webpage, ld_nodes=self.ld.nodes, metas=page.metas, itemprops=page.itemprops,
            times=page.times, strings=page.date_strings, order=page.order, headline=page.order[id(anchor)] if anchor is not None else None,
            headline_excluded=anchor is not None and _context(anchor) == "excluded",
            language=self._safe(self.language), url=self.url or self._safe(self.canonical_url), context=_context,
            titles=tuple(t for t in (page.title_tag, _short_text(self.h1, 300) if self.h1 is not None else None) if t),
        )

    def _date_anchor(self) -> Tag | None:
        """The headline dates are read around: the main ``<h1>``, else an itemprop headline, else the page's only
        ``<h1>`` even when the layout context excludes it (a page-wide class), else the first usable ``<h2>``."""
        order = self.page.order
        if self.h1 is not None and id(self.h1) in order:
            return self.h1
        for el in self.page.itemprops.get("headline", ()):
            if el.name != "meta" and id(el) in order and _usable(el) and _short_text(el, 300):
                return el
        if len(self.page.h1s) == 1 and id(self.page.h1s[0]) in order and _short_text(self.page.h1s[0], 300):
            return self.page.h1s[0]
        for el in self.page.h2s:
            if id(el) in order and _usable(el) and _short_text(el, 300):
                return el
        return None

    def section(self, title: str | None) -> str | None:
        value = self.article.get("articleSection")
        candidates = [t.split(",")[0] if not isinstance(value, list) else t for t in j.text_values(value)]
        candidates += [*self._meta_values(p.META_SECTION), *self._itemprop_values("articlesection")]
        for text in candidates:
            section = _clean_text(text)
            if section and _plausible_section(section):
                return section
        crumbs = self.ld.breadcrumbs or self._html_breadcrumbs()
        return _section_from_crumbs(crumbs, title) or self._kicker()

    def _kicker(self) -> str | None:
        """A short section label printed just above the headline, marked as such by its class."""
        lines = self.header_lines()
        start = self._h1_index(lines)
        for text, parent in reversed(lines[max(start - 3, 0) : max(start, 0)]):
            if len(text) > p.SECTION_LABEL_MAX_CHARS or len(text.split()) > 4 or any(ch.isdigit() for ch in text):
                continue
            if not _plausible_section(text) or d.parse_date(text) or "ago" in text.split() or "last" in text.split():
                continue
            holders = [parent, parent.parent] if isinstance(parent.parent, Tag) else [parent]
            markers = [_class_and_id(h.attrs) for h in holders if h.attrs]
            if any(p.BYLINE_CONTAINER.search(m) or p.DATE_CONTAINER.search(m) for m in markers):
                continue  # a byline or date line right above the headline is not a section label
            if any(p.SECTION_LABEL.search(m) for m in markers) and _usable(parent):
                return text
        return None

    def _html_breadcrumbs(self) -> list[str]:
        """Link texts of a breadcrumb trail: short (a class saying "breadcrumb" on a whole article is no trail)."""
        for el in [*self.page.breadcrumbs, *self.page.labelled_breadcrumbs]:
            if _short_text(el, 300) is None or el.find_parent("footer") is not None:
                continue
            links = el.find_all("a", limit=12)
            items = [text for a in links if (text := _short_text(a, 60))]
            if not items:
                items = [text for li in el.find_all("li", limit=12) if (text := _short_text(li, 60))]
            items = [i for i in items if i not in (">", "›", "/", "»", "|")]
            if 0 < len(items) <= 8:
                return items
        return []

    def tags(self) -> tuple[str, ...]:
        specific: list[str] = []
        for key in p.META_TAGS:
            if key in p.META_ARTICLE_TAGS:
                specific.extend(_split_tags(self.page.metas.get(key, ())))
        specific.extend(_split_tags(j.text_values(self.article.get("keywords"))))
        if not specific:
            specific.extend(_split_tags(self._meta_values(("news_keywords", "keywords"))))
        return _dedup(specific)[:_MAX_TAGS]

    def description(self) -> str | None:
        for value in [self._ld_text("description"), *self._meta_values(p.META_DESCRIPTION)]:
            if value:
                return _clean_text(value)
        return None

    def language(self) -> str | None:
        values = [self.page.html_lang, j.first_text(self.article.get("inLanguage")),
                  j.first_text(self.webpage.get("inLanguage")), *self._meta_values(p.META_LANGUAGE),
                  *self._meta_values(("og:locale",))]
        for value in values:
            tag = normalize_language(value)
            if tag:
                return tag
        return None

    def canonical_url(self) -> str | None:
        values = [*self.page.links.get("canonical", ()), *self._meta_values(p.META_URL)]
        # JSON-LD @id values name nodes ("…/story#article"): the fragment is not part of the page's URL.
        ld_urls = j.text_values(self.article.get("url"), "@id") + j.text_values(self.article.get("mainEntityOfPage"), "@id")
        values += [value.split("#", 1)[0] for value in ld_urls]
        for value in values:
            resolved = self._resolve_url(value)
            if resolved:
                return resolved
        return None

    def _resolve_url(self, value: str | None) -> str | None:
        if not value or value.startswith(("data:", "javascript:", "#")):
            return None
        resolved = urljoin(self.url or "", value.strip())
        if resolved.startswith("//"):
            resolved = "https:" + resolved
        return resolved if resolved.startswith(("http://", "https://")) else None

    def paywalled(self) -> bool | None:
        free = j.bool_value(self.article.get("isAccessibleForFree"))
        parts = self.article.get("hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if isinstance(part, dict) and j.bool_value(part.get("isAccessibleForFree")) is False:
                return True
        if free is not None:
            return not free
        for value in self._meta_values(p.META_PAYWALL_TIER):
            word = value.strip().lower()
            if word in p.PAYWALL_LOCKED_VALUES:
                return True
            if word in p.PAYWALL_FREE_VALUES:
                return False
        webpage_free = j.bool_value(self.webpage.get("isAccessibleForFree"))
        if webpage_free is not None:
            return not webpage_free
        return True if self.page.paywall_marker else None

    # ------------------------------------------------------------------ images
    def images(self) -> tuple[str | None, tuple[Image, ...]]:
        found: list[Image] = []
        lead: str | None = None
        for value in self._meta_values(p.META_IMAGE[:3]):
            lead = lead or self._image_url(value)
        ld_images = self._ld_images()
        if lead is None and ld_images:
            lead = ld_images[0].url
        for value in [*self._meta_values(p.META_IMAGE[3:]), *self.page.links.get("image_src", ()),
                      *self._itemprop_values("image")]:
            lead = lead or self._image_url(value)
        figures = self._figure_images()
        if lead is None:
            lead = next((image.url for image in figures), None) or self._first_large_image()
        if lead:
            found.append(Image(lead))
        found.extend(ld_images)
        found.extend(figures)
        return lead, _merge_images(found)

    def _image_url(self, value: str | None) -> str | None:
        url = self._resolve_url(value)
        if not url or not is_content_image(url):
            return None
        return url

    def _ld_images(self) -> list[Image]:
        value = self.article.get("image") or self.article.get("thumbnailUrl")
        out = []
        for item in (value if isinstance(value, list) else [value])[:10]:
            item = self.ld.resolve(item)
            if isinstance(item, str):
                url, caption, credit = item, None, None
            elif isinstance(item, dict):
                url = j.first_text(item.get("url"), "@id") or j.first_text(item.get("contentUrl"), "@id")
                caption = _clean_text(j.first_text(item.get("caption")) or "") or None
                credit = (j.first_text(item.get("creditText")) or j.first_text(item.get("copyrightHolder"))
                          or j.first_text(item.get("author")))
            else:
                continue
            resolved = self._image_url(url)
            if resolved:
                out.append(Image(resolved, caption, _clean_text(credit) if credit else None))
        return out

    def _figure_images(self) -> list[Image]:
        out = []
        for figure in self.page.figures:
            if _context(figure) != "article":
                continue
            img = figure.find("img")
            if not isinstance(img, Tag) or not _large_enough(img) or _labelled_non_content(img):
                continue
            url = self._image_url(_img_src(img))
            if not url:
                continue
            caption, credit = _caption_and_credit(figure)
            out.append(Image(url, caption, credit))
        return out

    def _first_large_image(self) -> str | None:
        for img in self.page.images:
            if not _large_enough(img) or _labelled_non_content(img):
                continue
            url = self._image_url(_img_src(img))
            if url and _context(img) == "article":
                return url
        return None


# ======================================================================================= small helpers
def _short_text(el: Tag, limit: int = 300) -> str | None:
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


def _clean_text(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(html_lib.unescape(str(value)).replace("\xa0", " ").split())
    return text or None


_NON_ALNUM = re.compile(r"[\W_]+")


def _fold(value: str) -> str:
    """Comparison key: case-folded letters and digits only."""
    return _NON_ALNUM.sub("", value.casefold())


def _strip_site(title: str, site_names: list[str], h1_text: str | None) -> str:
    """``title`` without a site name at either end (see the module docstring)."""
    parts = p.TITLE_SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    seps = p.TITLE_SEPARATORS.findall(title)
    if h1_text:
        wanted = _fold(h1_text)
        for start in range(len(parts)):
            for end in range(len(parts), start, -1):
                joined = _join_title(parts, seps, start, end)
                if _fold(joined) == wanted:
                    return joined
    folded_names = [f for f in (_fold(n).removeprefix("the") for n in site_names) if len(f) >= 2]

    def is_site(segment: str) -> bool:
        folded = _fold(segment).removeprefix("the")
        return bool(folded) and any(folded == n or (len(n) >= 4 and (n in folded or folded in n))
                                    for n in folded_names)

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)):
        # No known site name: cut a short trailing segment after a strong separator ("Headline | Site Name").
        strong = seps[-1].strip() in ("|", "||", "::", "·", "•", "»")
        last_words = len(parts[-1].split())
        if strong and last_words <= p.TITLE_MAX_SITE_WORDS and len(" ".join(parts[:-1]).split()) > last_words:
            end -= 1
    return _join_title(parts, seps, start, end)


def _join_title(parts: list[str], seps: list[str], start: int, end: int) -> str:
    out = parts[start]
    for index in range(start + 1, end):
        out += seps[index - 1] + parts[index]
    return out.strip()


def _plausible_section(value: str) -> bool:
    """Not a page type ("post", "Article"), a handle, a domain or a sentence."""
    if value.casefold() in p.NON_SECTIONS or value.startswith("@") or len(value) > 60:
        return False
    return not (" " not in value and "." in value.strip("."))


def _section_from_crumbs(crumbs: list[str], title: str | None) -> str | None:
    names = [c for c in crumbs if _fold(c) not in ("home", "homepage", "start", "main", "")]
    if title and names and (_fold(names[-1]) == _fold(title) or len(names[-1]) > 60):
        names = names[:-1]
    return names[-1] if names and _plausible_section(names[-1]) else None


def _split_tags(values: Iterable[str]) -> list[str]:
    out = []
    for value in values:
        for piece in str(value).replace(";", ",").split(","):
            piece = " ".join(piece.split()).strip(" #\"'")
            if piece and len(piece) <= 80 and any(ch.isalnum() for ch in piece) and not p.INTERNAL_TAG.search(piece):
                out.append(html_lib.unescape(piece))
    return out


def _dedup(values: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return tuple(out)


def _img_src(img: Tag) -> str | None:
    for attr in p.IMAGE_SOURCE_ATTRS:
        value = img.get(attr)
        if value and not str(value).startswith("data:"):
            return str(value)
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        return str(srcset).split(",")[0].split()[0]
    return None


def _labelled_non_content(img: Tag) -> bool:
    """The class, or a short alt label ("Site logo", not "The WeWork logo is displayed…"), says logo/avatar/icon."""
    alt = str(img.get("alt") or "")
    marker = " ".join(_attr_list(img.get("class"))) + " " + (alt if len(alt.split()) <= 3 else "")
    return bool(marker.strip()) and bool(p.NON_CONTENT_IMAGE_LABEL.search(marker))


def _large_enough(img: Tag) -> bool:
    """False for images declared smaller than an icon-sized box (tracking pixels, avatars, thumbnails)."""
    for attr in ("width", "height"):
        value = str(img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < p.MIN_IMAGE_SIDE:
            return False
    return True


def _caption_and_credit(figure: Tag) -> tuple[str | None, str | None]:
    caption_el = figure.find("figcaption")
    if not isinstance(caption_el, Tag):
        return None, None
    credit = None
    parts = []
    for node in caption_el.descendants:
        if isinstance(node, NavigableString) and type(node) is NavigableString:
            parent = node.parent
            marker = _class_and_id(parent.attrs) if isinstance(parent, Tag) and parent.attrs else ""
            if marker and p.CREDIT_CLASS.search(marker):
                credit = _clean_text((credit or "") + " " + str(node))
            else:
                parts.append(str(node))
    caption = _clean_text(" ".join(parts))
    if caption and not credit:
        caption, credit = _split_caption_credit(caption)
    return caption, _clean_text(credit) if credit else None


def _split_caption_credit(caption: str) -> tuple[str | None, str | None]:
    return split_caption_credit(caption)


def split_caption_credit(caption: str) -> tuple[str | None, str | None]:
    """A trailing photo credit split off a caption: "(AP Photo/…)", "(Image: Getty)", "Photo by X", "Credit… X",
    "© X", "… 2019. AP-Yonhap", "… on Monday. Mary Major", "… 2019. REUTERS/Jane Doe". Returns (caption, credit);
    the caption is None when the whole text was the credit."""
    for pattern in (p.CAPTION_PAREN_CREDIT, p.CAPTION_LABEL_CREDIT, p.CAPTION_COPYRIGHT):
        match = pattern.search(caption)
        if match:
            credit = p.CAPTION_CREDIT_LABEL.sub("", match[1].strip()).strip() or match[1].strip()
            return caption[: match.start()].strip() or None, credit
    match = p.CAPTION_TRAILING_PAREN.search(caption)
    if match and (_is_photo_credit(match[1].strip()) or _is_agency_and_name(match[1].strip())):
        return caption[: match.start()].strip() or None, match[1].strip()
    match = p.CAPTION_LAST_SEGMENT.search(caption)
    if match and _is_photo_credit(match[1]):
        return caption[: match.start()].strip() or None, match[1].strip()
    match = p.CAPTION_SENTENCE_END.search(caption)
    if match and not p.CAPTION_NON_SENTENCE_END.search(caption[: match.start(1)]):
        segment = match[1].strip()
        if p.CREDIT_PERSON_NAME.match(segment) or _is_agency_and_name(segment):
            return caption[: match.start(1)].strip() or None, segment
    return caption, None


def _is_photo_credit(segment: str) -> bool:
    """A short closing segment made of agencies/photo sources ("AP-Yonhap", "EPA", "Courtesy of X")."""
    if segment.startswith("Courtesy") or len(segment.split()) > 6:
        return segment.startswith("Courtesy")
    parts = [part for part in p.AGENCY_COMBINATION.split(segment) if part]
    return bool(parts) and all(agency_of(part) or part in p.PHOTO_SOURCES for part in parts)


def _is_agency_and_name(segment: str) -> bool:
    """"REUTERS/Brendan McDermid", "Joshua Roberts/Reuters": an agency or photo source and a name, either order."""
    head, sep, tail = (part.strip() for part in segment.rpartition("/"))
    if not sep or not head or not tail:
        return False

    def is_source(value: str) -> bool:
        return bool(agency_of(value) or value in p.PHOTO_SOURCES or _is_photo_credit(value))

    return (is_source(head) and bool(p.CREDIT_PERSON_NAME.match(tail))) or (
        is_source(tail) and bool(p.CREDIT_PERSON_NAME.match(head.rpartition("/")[2].strip())))


def tidy_caption(image: Image) -> Image:
    """The caption without its photo credit, which goes to ``credit`` (split off, or removed when already known)."""
    caption, credit = image.caption, _tidy_credit(image.credit)
    if credit != image.credit:
        image = Image(image.url, caption, credit)
    if not caption:
        return image
    if credit:
        folded_caption, folded_credit = _fold(caption), _fold(credit)
        if folded_caption == folded_credit or folded_caption == _fold(p.CAPTION_CREDIT_LABEL.sub("", caption)) == \
                folded_credit:
            return Image(image.url, None, credit)
        found, split_credit = split_caption_credit(caption)
        if split_credit and _fold(split_credit) in (folded_credit, _fold(p.CAPTION_CREDIT_LABEL.sub("", credit))):
            return Image(image.url, found, credit)
        if caption.endswith(credit) and len(caption) > len(credit):
            return Image(image.url, caption[: -len(credit)].rstrip(" |/-–—(") or None, credit)
        return image
    found, split_credit = split_caption_credit(caption)
    return image if split_credit is None else Image(image.url, found, split_credit)


def _tidy_credit(credit: str | None) -> str | None:
    """"(Image: Getty Images)" -> "Getty Images"."""
    if not credit:
        return credit
    text = credit.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return p.CAPTION_CREDIT_LABEL.sub("", text).strip() or credit


def image_key(url: str) -> str:
    """One key per picture: scheme ignored; an image file's query (sizes, cache busters) ignored; on other URLs
    (image services whose query names the picture) only size/format parameters are ignored."""
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    path, _, query = rest.partition("?")
    if not query or p.IMAGE_FILE_PATH.search(path):
        return path
    kept = sorted(part for part in query.split("&") if part.split("=", 1)[0].lower() not in p.IMAGE_SIZE_PARAMS)
    return f"{path}?{'&'.join(kept)}" if kept else path


def declared_small(url: str) -> bool:
    """The URL itself declares an icon-sized picture ("?w=39&h=39", "-150x150.jpg")."""
    query = url.partition("?")[2]
    if query:
        for match in p.IMAGE_QUERY_SIDE.finditer(query):
            if int(match[1]) < p.MIN_IMAGE_SIDE:
                return True
    match = p.IMAGE_PATH_SIZE.search(url.partition("?")[0])
    return bool(match) and int(match[1]) < p.MIN_IMAGE_SIDE and int(match[2]) < p.MIN_IMAGE_SIDE


def is_content_image(url: str) -> bool:
    """Not a logo, icon, avatar, pixel or placeholder by its URL, nor declared icon-sized."""
    return not p.NON_CONTENT_IMAGE.search(url) and not declared_small(url)


def _merge_images(images: list[Image]) -> tuple[Image, ...]:
    """One entry per picture (URLs compared without query strings), keeping the first caption/credit found."""
    merged: dict[str, Image] = {}
    for image in images:
        key = image_key(image.url)
        known = merged.get(key)
        if known is None:
            merged[key] = image
        else:
            merged[key] = Image(known.url, known.caption or image.caption, known.credit or image.credit)
        if len(merged) >= 20:
            break
    return tuple(merged.values())
