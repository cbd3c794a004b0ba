"""Article metadata from the parsed page (minimal first version; precedence documented in docs/extraction.md)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import bs4

from newsingest.extract.article import Image
from newsingest.extract.options import ExtractOptions

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metadata:
    """Everything about an article except its body text. Absent values are None or empty tuples."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    published_at: str | None = None
    modified_at: str | None = None
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
        metas: dict[str, str] = {}
        for tag in soup.find_all("meta"):
            key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
            content = (tag.get("content") or "").strip()
            if key and content and key not in metas:
                metas[key] = content
        title = metas.get("og:title") or (soup.title.get_text(strip=True) if soup.title else None) or None
        html = soup.find("html")
        language = (html.get("lang") if html else None) or None
        return Metadata(
            title=title,
            description=metas.get("og:description") or metas.get("description"),
            published_at=metas.get("article:published_time"),
            modified_at=metas.get("article:modified_time"),
            section=metas.get("article:section"),
            language=language,
            image_url=metas.get("og:image"),
            canonical_url=metas.get("og:url"),
            site_name=metas.get("og:site_name"),
        )
    except Exception:  # never raise: metadata is best effort
        logger.debug("metadata extraction failed", exc_info=True)
        return Metadata()


def complete_with_text(meta: Metadata, text: str) -> Metadata:
    """Fill what only the body text can tell (wire agency, script-based language)."""
    return replace(meta)
