"""Article metadata from every source a page offers: one public function per field, each with its precedence.

The page is read in ONE pass over the parsed tree (``page_scan.collect``; no per-field ``find_all``): JSON-LD (the
article node of ``NewsArticle``/``Article``/``BlogPosting``/…, found through ``@graph``s and arrays, ``@id``
references resolved), ``<meta>`` (OpenGraph, ``article:*``, ``twitter:*``, author/date/pubdate/publishdate,
parsely-*, sailthru.*, dc.*, dcterms.*), ``<link>``, microdata (``itemprop``), ``<time datetime>``, headline
candidates, bylines, breadcrumbs, figures, and the visible text right around the headline (date lines such as
``Posted : 2019-11-22 11:09`` / ``Updated : …``, ``By …`` lines). ``page_scan.PageSources`` holds what it found.

Elements inside related/most-read/trending lists, sidebars, navigation, comments, footers and the page masthead
are never used for dates, bylines or images ("excluded containers" in ``patterns.py``; :func:`_context`).

Fields and their functions (the full candidate lists are in each function's module docstring):

* ``title``: :func:`titles.extract_title` — the visible headline (:func:`titles.visible_headline`: an ``<h1>``, a
  headline-marked element, an ``<h2>``) when a metadata title confirms it; else JSON-LD ``headline`` >
  ``og:title`` > ``twitter:title`` > other meta titles > ``<title>`` > the visible headline, site names cut from
  either end; a JSON-LD headline sharing no word with the other titles loses.
* ``authors`` (persons only): :func:`authors.extract_authors` — JSON-LD ``author``/``creator`` > meta author keys >
  microdata ``itemprop=author`` > ``rel=author``/byline elements > a ``By …`` line under the headline. Typed
  ``Person``: kept even when named like the site; editors are not authors. JSON-LD authors typed ``Organization`` are
  not persons and are dropped; a wire agency named as author or in a byline becomes ``source`` instead.
* ``published_at`` / ``modified_at``: every date candidate on the page scored by source, label and position, in
  ``published.py`` (its docstring has the table); no published date -> the modified date, then the URL's date;
  ``date_source`` says where ``published_at`` came from. ``Updated`` lines are never taken as published; a
  modified date earlier than ``published_at`` is dropped.
* Dates keep the page's UTC offset; without one they are naive ISO strings, never a guessed zone (see dates.py).
* ``section``: JSON-LD ``articleSection`` > meta section keys > microdata ``articleSection`` > breadcrumbs (JSON-LD
  ``BreadcrumbList``, then HTML trails) > a short label just above the headline (:func:`sections.extract_section`).
* ``tags``, ``description``, ``language``, ``canonical_url``, ``paywalled``: :mod:`fields` (``extract_tags``,
  ``extract_description``, ``extract_language``, ``extract_canonical_url``, ``extract_paywalled``);
  :func:`complete_with_text` adds the script-based language guess (Hangul -> ko, Kana -> ja, Han -> zh…) when
  absent, and replaces a declared non-CJK language when the body is overwhelmingly CJK.
* ``image_url``, ``images``: :func:`images.extract_images` — ``og:image`` > JSON-LD ``image`` > ``twitter:image`` >
  ``link rel=image_src`` > microdata ``image`` > the first ``<figure>`` image inside the article > the first large
  ``<img>`` inside it; never logos, icons, avatars, pixels; captions and credits split.
* ``site_name``: :func:`titles.extract_site_name` — ``og:site_name`` > JSON-LD ``publisher.name`` >
  application-name and publisher meta.
* ``source`` (wire agency of the story): a credit in the body text (:func:`complete_with_text`, datelines
  ``SEOUL, Nov. 22 (Yonhap) --``, ``WASHINGTON (AP) —``, a closing ``(Yonhap)``/``— Reuters``, "(Reporting by …)")
  > an agency named as the JSON-LD author or in the byline. Photo credits such as ``(AP Photo/…)`` never count.
* ``paywalled``: :func:`fields.extract_paywalled` (JSON-LD ``isAccessibleForFree`` > ``article:content_tier`` >
  paywall markers); None when unknown.

Nothing here writes to ``soup`` or raises: a failing field degrades to None.
"""


from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import bs4
from bs4.element import Tag

from newsingest.extract import dates as d
from newsingest.extract import patterns as p
from newsingest.extract import published as pub
from newsingest.extract.article import Image
from newsingest.extract.authors import closing_credit, credit_in_text, extract_authors
from newsingest.extract.fields import (
    extract_canonical_url,
    extract_description,
    extract_language,
    extract_paywalled,
    extract_tags,
)
from newsingest.extract.images import (  # re-exported: core.py and the tests import them from here
    declared_small,
    extract_images,
    image_key,
    is_content_image,
    split_caption_credit,
    tidy_caption,
)
from newsingest.extract.language import CJK_LANGUAGES, language_from_text, primary_language
from newsingest.extract.layout import main_text_ids
from newsingest.extract.options import ExtractOptions
from newsingest.extract.page_scan import Page as _Page
from newsingest.extract.page_scan import PageSources
from newsingest.extract.page_scan import attr_list as _attr_list
from newsingest.extract.page_scan import class_and_id as _class_and_id
from newsingest.extract.page_scan import collect as _collect
from newsingest.extract.page_scan import short_text as _short_text
from newsingest.extract.sections import extract_section
from newsingest.extract.titles import extract_site_name, extract_title, visible_headline

__all__ = [
    "Metadata", "PageSources", "closing_credit", "complete_with_text", "credit_in_text", "declared_small",
    "extract_metadata", "image_key", "is_content_image", "read_page", "split_caption_credit", "tidy_caption",
]

logger = logging.getLogger(__name__)


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


def extract_metadata(soup: bs4.BeautifulSoup, url: str | None, options: ExtractOptions,
                     markup: str | None = None) -> Metadata:
    """Metadata of the page in ``soup`` (read-only on ``soup``; never raises). ``markup``: the page as fetched,
    scripts included (the pre-clean drops them), read only to date a page nothing else dates."""
    try:
        page = _collect(soup)
        resolver = _FieldResolver(page, url)
        resolver.markup = markup
        return resolver.metadata()
    except Exception:  # never raise: metadata is best effort, the body text is still worth returning
        logger.debug("metadata extraction failed", exc_info=True)
        return Metadata()


def read_page(soup: bs4.BeautifulSoup, url: str | None = None) -> PageSources:
    """The page's sources with its visible headline chosen: what every ``extract_*`` field function reads."""
    return _FieldResolver(_collect(soup), url)


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


# ======================================================================================= layout context
def _context(el: Tag) -> str:
    """Where ``el`` sits: ``excluded``, ``article`` or ``neutral``.

    ``excluded``: an ancestor is ``<aside>``/``<nav>``/``<footer>``, or a ``<header>`` that is not inside
    the article (the page masthead, which prints today's date), or a ``<form>``, or its class/id says related /
    most-read / trending list, rail, sidebar, widget, comments, footer… **unless that ancestor (a form or a class)
    holds the page's main text** (``layout.main_text_ids``: the densest paragraph container, its ancestors and the
    headline's chain), the one rule of evidence over names the pre-clean and the body stage follow too:
    ``<body class="right-sidebar">``, a ``#sidebar-wrapper`` around the article or ASP.NET's page-wide ``<form>``
    are wrappers, not furniture. Related cards are often ``<article>``
    elements themselves, so an excluded ancestor wins over any article marker.
    ``article``: an ancestor is ``<article>``/``<main>``/``itemprop=articleBody`` or has an article-like class.
    """
    in_article = False
    header_seen = False
    article_above_header = False
    named: list[int] = []  # ancestors excluded by their class/id alone: the layout evidence may clear them
    node: Tag | None = el
    depth = 0
    while node is not None and depth < 40 and not isinstance(node, bs4.BeautifulSoup):
        name = node.name
        if name in p.EXCLUDED_TAGS and name != "form":
            return "excluded"
        attrs = node.attrs
        kind = _marker_kind(_class_and_id(attrs)) if attrs and ("class" in attrs or "id" in attrs) else ""
        if kind == "excluded" or name == "form":  # ASP.NET wraps whole pages in one <form>: evidence decides
            named.append(id(node))
        if node is not el and (kind == "article" or name in ("article", "main") or _has_itemprop(node, "articlebody")):
            in_article = True
            article_above_header = article_above_header or header_seen
        if name == "header":
            header_seen = True
        node = node.parent
        depth += 1
    if named:
        main_text = main_text_ids(node) if isinstance(node, bs4.BeautifulSoup) else frozenset()
        if not all(ident in main_text for ident in named):
            return "excluded"
    if header_seen and not article_above_header:
        return "excluded"
    return "article" if in_article else "neutral"


@lru_cache(maxsize=4096)
def _marker_kind(marker: str) -> str:
    """``excluded``/``article``/"" for one class+id string (cached: pages repeat their class names a lot)."""
    if not marker:
        return ""
    if p.EXCLUDED_CONTAINER.search(marker):
        return "excluded"
    return "article" if p.ARTICLE_CONTAINER.search(marker) else ""


def _own_link(headline: Tag | None) -> str | None:
    """The href of the link a headline is (or is wrapped in): a blog's headline links to its own permalink."""
    if headline is None:
        return None
    link = headline.find("a", href=True) or headline.find_parent("a", href=True)
    href = link.get("href") if isinstance(link, Tag) else None
    return href.strip() if isinstance(href, str) else None


def _has_itemprop(el: Tag, prop: str) -> bool:
    value = el.attrs.get("itemprop") if el.attrs else None
    return bool(value) and prop in " ".join(_attr_list(value)).lower()


def _usable(el: Tag) -> bool:
    return _context(el) != "excluded"


# ======================================================================================= resolution
class _FieldResolver(PageSources):
    """Assembles the Metadata: one call per field (the field functions of titles/authors/sections/images/fields,
    and published.py's extract_published/extract_modified for the dates)."""

    def __init__(self, page: _Page, url: str | None) -> None:
        super().__init__(page, url, _context)
        self.h1 = self._main_h1()
        self.date_source: str | None = None
        self.agency: str | None = None
        self.markup: str | None = None
        self._images_read: tuple[str | None, tuple[Image, ...]] | None = None

    def metadata(self) -> Metadata:
        site_name = self._safe(self.site_name)
        title = self._safe(lambda: self.title(site_name))
        published, modified = self._safe(self.dates) or (None, None)
        authors = self._safe(lambda: self.authors(site_name)) or ()
        image_url, images = self._images()
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

    # ------------------------------------------------------------------ names the date methods read
    _meta_values = PageSources.meta_values
    _first_meta = PageSources.first_meta
    _itemprop_values = PageSources.itemprop_values
    _h1_index = PageSources.headline_index

    def _main_h1(self) -> Tag | None:
        return visible_headline(self, extract_site_name(self))

    # ------------------------------------------------------------------ fields
    def site_name(self) -> str | None:
        return extract_site_name(self)

    def title(self, site_name: str | None) -> str | None:
        return extract_title(self, site_name)

    def authors(self, site_name: str | None) -> tuple[str, ...]:
        byline = extract_authors(self, site_name)
        self.agency = self.agency or byline.agency
        return byline.names

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
            ld_article=self.article, ld_page=self.webpage, ld_nodes=self.ld.nodes, metas=page.metas,
            itemprops=page.itemprops, times=page.times, strings=page.date_strings, order=page.order,
            headline=page.order[id(anchor)] if anchor is not None else None,
            headline_excluded=anchor is not None and _context(anchor) == "excluded",
            language=self._safe(self.language), url=self.url or self._safe(self.canonical_url), context=_context,
            titles=tuple(t for t in (page.title_tag, _short_text(self.h1, 300) if self.h1 is not None else None) if t),
            headline_link=_own_link(anchor), lead_image=self._lead_image_url, markup=self.markup,
        )

    def _lead_image_url(self) -> str | None:
        """The lead image's URL, else the ``og:image`` as written (a relative or padded value the image stage
        refuses still carries its upload day)."""
        lead = self._images()[0]
        return lead or next((value.strip() for value in self.page.metas.get("og:image", ()) if value.strip()), None)

    def _date_anchor(self) -> Tag | None:
        """The headline dates are read around: the visible headline (titles.visible_headline), else the page's only
        ``<h1>`` even when the layout context excludes it, else the first usable ``<h2>``."""
        order = self.page.order
        if self.h1 is not None and id(self.h1) in order:
            return self.h1
        if len(self.page.h1s) == 1 and id(self.page.h1s[0]) in order and _short_text(self.page.h1s[0], 300):
            return self.page.h1s[0]
        for el in self.page.h2s:
            if id(el) in order and _usable(el) and _short_text(el, 300):
                return el
        return None

    def section(self, title: str | None) -> str | None:
        return extract_section(self, title)

    def tags(self) -> tuple[str, ...]:
        return extract_tags(self)

    def description(self) -> str | None:
        return extract_description(self)

    def language(self) -> str | None:
        return extract_language(self)

    def canonical_url(self) -> str | None:
        return extract_canonical_url(self)

    def paywalled(self) -> bool | None:
        return extract_paywalled(self)

    def images(self) -> tuple[str | None, tuple[Image, ...]]:
        return extract_images(self)

    def _images(self) -> tuple[str | None, tuple[Image, ...]]:
        """The images, read once (the date fallback may want the lead image before the record does)."""
        if self._images_read is None:
            self._images_read = self._safe(self.images) or (None, ())
        return self._images_read
