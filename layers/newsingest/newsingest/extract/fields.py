"""The small fields: tags, description, language, canonical URL and paywall; one function each, first wins.

* :func:`extract_tags`: article-specific tags merged in order (``article:tag``, parsely/sailthru tags, JSON-LD
  ``keywords``); only when there are none, ``news_keywords``/``keywords``. De-duplicated case-insensitively.
* :func:`extract_description`: JSON-LD ``description`` > ``og:description`` > ``description`` >
  ``twitter:description`` > dc.
* :func:`extract_language`: ``<html lang>``/``xml:lang`` > JSON-LD ``inLanguage`` (article, page) >
  ``content-language``/``language``/dc meta > ``og:locale`` (``ko_KR`` -> ``ko-KR``); BCP 47 casing.
* :func:`extract_canonical_url`: ``link rel=canonical`` > ``og:url`` > JSON-LD ``url``/``mainEntityOfPage``
  (fragment dropped); resolved against the page's URL.
* :func:`extract_paywalled`: JSON-LD ``isAccessibleForFree`` (a ``hasPart`` with ``false`` -> True) >
  ``article:content_tier`` meta (locked/metered -> True, free -> False) > the page node's ``isAccessibleForFree`` >
  paywall markers (``data-paywall``, paywall/Piano ``tp-`` containers) -> True; otherwise None (unknown).
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Iterable

from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.language import normalize_language
from newsingest.extract.page_scan import PageSources, clean_text

_MAX_TAGS = 30


def extract_tags(sources: PageSources) -> tuple[str, ...]:
    specific: list[str] = []
    for key in p.META_TAGS:
        if key in p.META_ARTICLE_TAGS:
            specific.extend(_split_tags(sources.page.metas.get(key, ())))
    specific.extend(_split_tags(j.text_values(sources.article.get("keywords"))))
    if not specific:
        specific.extend(_split_tags(sources.meta_values(("news_keywords", "keywords"))))
    return _dedup(specific)[:_MAX_TAGS]


def extract_description(sources: PageSources) -> str | None:
    for value in [sources.ld_text("description"), *sources.meta_values(p.META_DESCRIPTION)]:
        if value:
            return clean_text(value)
    return None


def extract_language(sources: PageSources) -> str | None:
    values = [sources.page.html_lang, j.first_text(sources.article.get("inLanguage")),
              j.first_text(sources.webpage.get("inLanguage")), *sources.meta_values(p.META_LANGUAGE),
              *sources.meta_values(("og:locale",))]
    for value in values:
        tag = normalize_language(value)
        if tag:
            return tag
    return None


def extract_canonical_url(sources: PageSources) -> str | None:
    article = sources.article
    values = [*sources.page.links.get("canonical", ()), *sources.meta_values(p.META_URL)]
    # JSON-LD @id values name nodes ("…/story#article"): the fragment is not part of the page's URL.
    ld_urls = j.text_values(article.get("url"), "@id") + j.text_values(article.get("mainEntityOfPage"), "@id")
    values += [value.split("#", 1)[0] for value in ld_urls]
    for value in values:
        resolved = sources.resolve_url(value)
        if resolved:
            return resolved
    return None


def extract_paywalled(sources: PageSources) -> bool | None:
    article = sources.article
    free = j.bool_value(article.get("isAccessibleForFree"))
    parts = article.get("hasPart")
    for part in parts if isinstance(parts, list) else [parts]:
        if isinstance(part, dict) and j.bool_value(part.get("isAccessibleForFree")) is False:
            return True
    if free is not None:
        return not free
    for value in sources.meta_values(p.META_PAYWALL_TIER):
        word = value.strip().lower()
        if word in p.PAYWALL_LOCKED_VALUES:
            return True
        if word in p.PAYWALL_FREE_VALUES:
            return False
    webpage_free = j.bool_value(sources.webpage.get("isAccessibleForFree"))
    if webpage_free is not None:
        return not webpage_free
    return True if sources.page.paywall_marker else None


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
