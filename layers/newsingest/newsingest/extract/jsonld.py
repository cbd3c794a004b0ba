"""Tolerant JSON-LD reading: script texts -> the article node, its graph, and plain values out of schema.org shapes.

Real pages ship JSON-LD with HTML comments, CDATA wrappers, control characters, trailing commas and several
concatenated objects; all of that is repaired here. Anything that still does not parse is skipped. Nothing raises.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newsingest.extract import patterns as p

logger = logging.getLogger(__name__)

_MAX_NODES = 500  # nodes walked per page: a hostile page must not make this quadratic
_MAX_DEPTH = 6


@dataclass
class JsonLd:
    """What the page's JSON-LD says: the article node (if any), a page node, breadcrumbs, and an @id index."""

    article: dict[str, Any] | None = None
    page: dict[str, Any] | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    found: bool = False  # True when at least one block parsed
    nodes: list[dict[str, Any]] = field(default_factory=list)  # the top-level nodes (dates of other typed works)

    def resolve(self, value: Any) -> Any:
        """A ``{"@id": …}`` reference replaced by the node it names (Yoast-style graphs link authors that way)."""
        if isinstance(value, dict) and len(value) <= 2 and "@id" in value and "name" not in value:
            return self.by_id.get(str(value["@id"]), value)
        return value


def parse_blocks(texts: Iterable[str], page_url: str | None = None) -> JsonLd:
    """Parse every ``<script type="application/ld+json">`` text and pick the article node."""
    result = JsonLd()
    nodes: list[dict[str, Any]] = []
    for text in texts:
        for document in _load(text):
            result.found = True
            nodes.extend(_top_level_nodes(document))
    for node in _walk(nodes):
        node_id = node.get("@id")
        if isinstance(node_id, str) and node_id not in result.by_id and len(node) > 1:
            result.by_id[node_id] = node
    result.nodes = nodes
    articles = [node for node in nodes if types_of(node) & p.ARTICLE_TYPES]
    result.article = _choose_article(articles, page_url)
    result.page = next((node for node in nodes if types_of(node) & p.PAGE_TYPES), None)
    crumbs = next((node for node in _walk(nodes) if "breadcrumblist" in types_of(node)), None)
    if crumbs:
        result.breadcrumbs = _breadcrumb_names(crumbs, result)
    return result


def types_of(node: dict[str, Any]) -> set[str]:
    """Lower-cased schema.org type names of ``node`` (``"http://schema.org/NewsArticle"`` -> ``newsarticle``)."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(value).rsplit("/", 1)[-1].lower() for value in values if isinstance(value, str)}


def text_values(value: Any, key: str = "name") -> list[str]:
    """Plain strings out of a string, a list, or objects with ``key`` (``name``, ``url``…), in order."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, int | float) and not isinstance(item, bool):
            out.append(str(item))
        elif isinstance(item, dict):
            inner = item.get(key)
            if inner is None and key == "name":
                inner = item.get("@value")
            out.extend(text_values(inner, key) if isinstance(inner, list)
                       else [inner] if isinstance(inner, str) else [])
    return [s.strip() for s in out if s and s.strip()]


def first_text(value: Any, key: str = "name") -> str | None:
    values = text_values(value, key)
    return values[0] if values else None


def bool_value(value: Any) -> bool | None:
    """schema.org booleans as pages write them: ``false``, ``"False"``, ``"http://schema.org/False"``, ``"no"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().rsplit("/", 1)[-1].lower()
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
    return None


# ----------------------------------------------------------------------------------------------- internals
def _load(text: str) -> Iterator[Any]:
    """JSON documents in one script text, repairing what real pages get wrong."""
    if not text or len(text) > p.JSONLD_MAX_CHARS:
        return
    text = text.strip()
    try:
        yield json.loads(text, strict=False)
        return
    except (ValueError, RecursionError):
        pass
    repaired = p.JSONLD_WRAPPERS.sub("", text)
    repaired = p.JSONLD_CONTROL_CHARS.sub(" ", repaired)
    repaired = p.JSONLD_TRAILING_COMMA.sub(r"\1", repaired).strip().rstrip(";")
    decoder = json.JSONDecoder(strict=False)
    position = 0
    # Several objects back to back ("{…}{…}" or "{…},{…}") are decoded one after another.
    while position < len(repaired):
        while position < len(repaired) and repaired[position] in " \t\r\n,;":
            position += 1
        if position >= len(repaired):
            break
        try:
            document, position = decoder.raw_decode(repaired, position)
        except (ValueError, RecursionError):
            logger.debug("unparseable JSON-LD block skipped")
            return
        yield document


def _top_level_nodes(document: Any) -> list[dict[str, Any]]:
    """The nodes a document declares at its top: itself, array members, @graph members (not nested items)."""
    out: list[dict[str, Any]] = []
    stack = [document]
    while stack and len(out) < _MAX_NODES:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            graph = item.get("@graph")
            if isinstance(graph, list | dict):
                stack[:0] = graph if isinstance(graph, list) else [graph]
            if "@type" in item or "@id" in item:
                out.append(item)
    return out


def _walk(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every object nested in ``nodes`` (bounded in count and depth)."""
    stack: list[tuple[Any, int]] = [(node, 0) for node in nodes]
    seen = 0
    while stack and seen < _MAX_NODES * 4:
        item, depth = stack.pop()
        if isinstance(item, dict):
            seen += 1
            yield item
            if depth < _MAX_DEPTH:
                stack.extend((value, depth + 1) for value in item.values() if isinstance(value, dict | list))
        elif isinstance(item, list) and depth < _MAX_DEPTH:
            stack.extend((value, depth + 1) for value in item[:_MAX_NODES])


def _choose_article(articles: list[dict[str, Any]], page_url: str | None) -> dict[str, Any] | None:
    """The node describing this page: the one whose URL is the page's, else the richest one.

    Pages sometimes list related stories as separate top-level NewsArticle nodes; URL matching and richness (a
    body, dates, an author) keep their dates out of ours.
    """
    if not articles:
        return None
    if len(articles) == 1:
        return articles[0]
    if page_url:
        wanted = _normal_url(page_url)
        for node in articles:
            urls = text_values(node.get("url"), "@id") + text_values(node.get("mainEntityOfPage"), "@id")
            if any(_normal_url(u) == wanted for u in urls):
                return node
    return max(articles, key=_richness)


def _richness(node: dict[str, Any]) -> int:
    keys = ("articleBody", "datePublished", "author", "headline", "mainEntityOfPage", "image", "dateModified")
    return sum(1 for key in keys if node.get(key)) + (3 if node.get("articleBody") else 0)


def _normal_url(url: str) -> str:
    url = url.split("#", 1)[0].split("?", 1)[0].rstrip("/").lower()
    return url.split("://", 1)[-1].removeprefix("www.")


def _breadcrumb_names(crumbs: dict[str, Any], graph: JsonLd) -> list[str]:
    elements = crumbs.get("itemListElement")
    if not isinstance(elements, list):
        return []
    ordered: list[tuple[float, str]] = []
    for index, element in enumerate(elements[:20]):
        if not isinstance(element, dict):
            continue
        name = element.get("name")
        if not isinstance(name, str):
            item = graph.resolve(element.get("item"))
            name = item.get("name") if isinstance(item, dict) else None
        position = element.get("position")
        try:
            rank = float(position) if position is not None else float(index)
        except (TypeError, ValueError):
            rank = float(index)
        if isinstance(name, str) and name.strip():
            ordered.append((rank, " ".join(name.split())))
    return [name for _, name in sorted(ordered, key=lambda pair: pair[0])]
