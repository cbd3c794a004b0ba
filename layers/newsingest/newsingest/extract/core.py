"""The extraction orchestrator: page bytes (or text) in, one ``Article`` out. Pure, no network, never raises.

Steps:

1. decode: bytes → text by HTTP charset > BOM > ``<meta>`` > detection (``charset.decode_html``), after capping
   the input at ``options.max_input_bytes``; binary bodies (images, PDFs, archives) stop here as no article;
2. pre-clean + parse: strip scripts, styles, comments, navigation and other furniture from the markup with
   linear scans (``clean.preclean``, which also caps the tag count), then build the BeautifulSoup tree (lxml);
3. layout evidence: ``body.analyse`` scores the paragraphs once; where the main text is (``layout.py``: the
   densest paragraph container, its ancestors, the headline's chain) is shared by the metadata and body stages,
   so that no region holding the story is taken as furniture for its class name alone;
4. metadata: ``metadata.extract_metadata`` reads the tree, BEFORE the body stage, and never mutates it;
5. body: ``body.extract_body`` picks the article container and writes its paragraphs and in-body figures; when it
   finds nothing, the fallbacks below run in order before the body is left empty;
6. ``metadata.complete_with_text`` fills what only the body can tell (wire agency, script-based language);
then the ``Article`` is assembled with ``extractor_version``, ``word_count`` (CJK-aware) and ``charset``.

``Article.warnings`` says why a body is empty or which path produced it:

* ``binary_input``: not text (image, PDF, archive);
* ``listing_page``: an index of teasers, no article (no fallback runs);
* ``body_from_densest_block``: the chosen block was a teaser grid, but a block of prose (500+ characters, under a
  tenth in links) outside it holds the page's short article;
* ``body_from_wider_container``: the chosen container wrote nothing; its parent (or the densest paragraph
  container's region) did;
* ``body_from_unfiltered_markup``: the page pre-cleaned again without the class/id-based region drops, and with
  the markup of ``<script type="text/template">`` blocks kept (client-side rendered stories), gave the text;
* ``body_from_jsonld``: the HTML holds no story; the text is the JSON-LD ``articleBody`` (script-rendered page);
* ``extraction_failed`` / ``body_extraction_failed``: an internal error was contained and logged at WARNING with
  its traceback;
* ``input_cut_at_max_bytes``, ``page_cut_at_max_parse_chars``, ``page_cut_at_max_tags``: a cap cut the page
  (``options.max_input_bytes``, ``max_parse_chars``, ``max_tags``), so the text may miss the article's end. The
  pipeline stores the warnings in the record (``extraction_warnings``).
"""

from __future__ import annotations

import logging

from bs4 import BeautifulSoup

from newsingest.extract.article import Article, Image
from newsingest.extract.body import BodyResult, analyse, extract_body, jsonld_body
from newsingest.extract.charset import charset_from_bom, charset_from_content_type, decode_html, looks_binary
from newsingest.extract.clean import preclean, preclean_page
from newsingest.extract.metadata import (
    Metadata,
    complete_with_text,
    extract_metadata,
    image_key,
    is_content_image,
    tidy_caption,
)
from newsingest.extract.options import EXTRACTOR_VERSION, ExtractOptions
from newsingest.extract.soup import parse_html
from newsingest.extract.text_stats import count_words

logger = logging.getLogger(__name__)

_DEFAULT_OPTIONS = ExtractOptions()


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    options: ExtractOptions | None = None,
) -> Article:
    """Extract the article of one page. Any input gives an ``Article`` (empty ``text`` when there is none)."""
    options = options or _DEFAULT_OPTIONS
    try:
        return _extract(html, url, content_type, options)
    except Exception:  # the contract: never raise, the pipeline records no_article
        logger.warning("extraction failed", exc_info=True)
        return Article(extractor_version=EXTRACTOR_VERSION, warnings=("extraction_failed",))


def _extract(html: bytes | str, url: str | None, content_type: str | None, options: ExtractOptions) -> Article:
    # 1. decode (binary bodies - images, PDFs, archives - are no article)
    if isinstance(html, (bytes, bytearray, memoryview)) and _is_binary(bytes(html[:8_192]), content_type):
        return Article(extractor_version=EXTRACTOR_VERSION, warnings=("binary_input",))
    text, charset = _decode(html, content_type, options)
    if not text.strip():
        return Article(extractor_version=EXTRACTOR_VERSION, charset=charset)
    # 2. pre-clean + parse (a page cut by a cap says so: its article may be incomplete)
    cleaned = preclean_page(text, options.max_tags, options.max_parse_chars)
    cuts = tuple(cut for cut in (_input_cut(html, options), cleaned.cut) if cut)
    soup = parse_html(cleaned.markup)
    # 3. metadata (read-only, before the body stage; its layout context reads the body stage's evidence of where
    # the main text is, computed once here and shared)
    _analyse(soup, options)
    meta = _metadata(soup, url, options, text)
    # 4. body, then the fallbacks before an empty body (never on an index page)
    body = extract_body(soup, url, options)
    if not body.text and "listing_page" not in body.warnings:
        body = _fallback_body(text, soup, url, options, body)
    # 5. what only the text can tell
    meta = _complete(meta, body.text, body.closing)
    if cuts:
        body = BodyResult(body.text, body.images, (*body.warnings, *cuts), body.closing)
    return _assemble(meta, body, charset)


INPUT_CUT_AT_MAX_BYTES = "input_cut_at_max_bytes"


def _input_cut(html: bytes | str, options: ExtractOptions) -> str | None:
    return INPUT_CUT_AT_MAX_BYTES if len(html) > options.max_input_bytes else None


def _fallback_body(
    text: str, soup: BeautifulSoup, url: str | None, options: ExtractOptions, body: BodyResult
) -> BodyResult:
    """No story in the cleaned page: the markup with its name-marked regions kept, then JSON-LD ``articleBody``."""
    unfiltered = parse_html(preclean(text, options.max_tags, options.max_parse_chars, by_name=False))
    wide = extract_body(unfiltered, url, options)
    if wide.text:
        return BodyResult(wide.text, wide.images, (*wide.warnings, "body_from_unfiltered_markup"), wide.closing)
    if "listing_page" in wide.warnings:
        return wide
    fallback = jsonld_body(soup, url, options)
    if fallback:
        return BodyResult(text=fallback, images=body.images, warnings=(*body.warnings, "body_from_jsonld"))
    return body


def _decode(html: bytes | str, content_type: str | None, options: ExtractOptions) -> tuple[str, str | None]:
    if isinstance(html, str):
        return html[: options.max_input_bytes], None
    if not isinstance(html, (bytes, bytearray, memoryview)):
        return "", None
    data = bytes(html[: options.max_input_bytes])
    return decode_html(data, content_type)


def _is_binary(head: bytes, content_type: str | None) -> bool:
    codec = charset_from_bom(head) or charset_from_content_type(content_type)
    return looks_binary(head, codec)


def _analyse(soup: BeautifulSoup, options: ExtractOptions) -> None:
    try:
        analyse(soup, options)
    except Exception:  # the body stage contains its own failure; the metadata falls back to names alone
        logger.warning("layout analysis failed", exc_info=True)


def _metadata(soup: BeautifulSoup, url: str | None, options: ExtractOptions, markup: str) -> Metadata:
    try:
        return extract_metadata(soup, url, options, markup)
    except Exception:  # metadata is best effort; the body still counts
        logger.warning("metadata extraction failed", exc_info=True)
        return Metadata()


def _complete(meta: Metadata, text: str, closing: tuple[str, ...]) -> Metadata:
    try:
        return complete_with_text(meta, text, closing)
    except Exception:
        logger.warning("complete_with_text failed", exc_info=True)
        return meta


def _article_images(
    lead: str | None, meta_images: tuple[Image, ...], body_images: tuple[Image, ...]
) -> tuple[Image, ...]:
    """Metadata's lead image first, then the in-body figures with their captions, one entry per picture.

    Pictures are compared by ``image_key`` (``…-1200.jpg?w=800`` and ``…-1200.jpg`` are one); body images that
    are logos, icons, avatars, pixels or declared icon-sized by their URL are dropped; a photo credit written at
    the end of a caption moves to ``credit``.
    """
    merged: dict[str, Image] = {}
    if lead:
        merged[image_key(lead)] = Image(url=lead)
    body = (image for image in body_images if is_content_image(image.url))
    for image in (*meta_images, *body):
        image = tidy_caption(image)
        key = image_key(image.url)
        known = merged.get(key)
        if known is None:
            merged[key] = image
        elif (image.caption and not known.caption) or (image.credit and not known.credit):
            merged[key] = Image(
                url=known.url, caption=known.caption or image.caption, credit=known.credit or image.credit
            )
    return tuple(merged.values())


def _assemble(meta: Metadata, body: BodyResult, charset: str | None) -> Article:
    return Article(
        text=body.text,
        title=meta.title,
        authors=tuple(meta.authors),
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        date_source=meta.date_source,
        section=meta.section,
        tags=tuple(meta.tags),
        description=meta.description,
        language=meta.language,
        image_url=meta.image_url,
        images=_article_images(meta.image_url, tuple(meta.images), body.images),
        canonical_url=meta.canonical_url,
        site_name=meta.site_name,
        source=meta.source,
        word_count=count_words(body.text),
        paywalled=meta.paywalled,
        extractor_version=EXTRACTOR_VERSION,
        charset=charset,
        warnings=body.warnings,
    )
