"""The article body: find the container that holds the story, then write its text paragraph by paragraph.

The stage reads the parsed tree and never mutates it (furniture is skipped during the walk, not removed), so it
can run after the metadata stage on the same soup. Every walk is iterative: 100,000 nested divs are fine.

1. one bottom-up pass computes, for every element, its text length, link-text length, commas and images, so
   that no later step calls ``get_text()`` or ``find_all`` per candidate;
2. paragraphs (``<p>``, ``<pre>``, ``<td>``, text-only divs, and ``<br><br>`` text runs) score their parent and
   grandparent, readability style; candidates are weighted by tag, class/id and link density;
3. the best candidate moves up when the story is cut into chunks (Mozilla's shared-ancestor rule, a nearest
   common ancestor made mostly of the chunks, a higher-scoring parent); siblings that continue the story and
   same-class chunks elsewhere on the page join it; on a page that is not marked as an article (a recipe, a
   product, an "about" page) the whole main area around it is taken (``_main_area``);
4. the chosen containers are walked once, skipping furniture inside them (related boxes and the lists under
   "More stories" lines, share tools, captions and image blocks, bylines and date lines, link runs, ads);
   figures become images; promotions after the story are trimmed;
5. a page whose "body" is a set of teasers (an index page) yields no article.

Evidence over names (``layout.py``): the densest paragraph container, its ancestors and the headline's chain are
never skipped for their class; a real paragraph of prose inside the story is kept whatever its class says. Leads
between the headline and the container, a ``<header>``'s standfirst, and data-table rows (one line each) are
written; the headline (an ``<h1>`` or the element printing ``og:title``), its repetition at the top of the story
and a reporter's closing sign-off are not. When the chosen container writes nothing, wider containers are tried
(``body_from_wider_container``) before the orchestrator's own fallbacks.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from newsingest.extract import selectors as sel
from newsingest.extract.article import Image
from newsingest.extract.clean import class_parts
from newsingest.extract.layout import TreeEvidence, remember, tree_evidence
from newsingest.extract.options import ExtractOptions
from newsingest.extract.patterns import MIN_IMAGE_SIDE, NON_CONTENT_IMAGE_LABEL

logger = logging.getLogger(__name__)

_BR = "\x00"  # stands for <br> in the text buffer until paragraphs are split
_WORD_CHAR = re.compile(r"\w")
# Readability's length thresholds assume Latin text (~6 characters a word). A Han or Kana character carries about
# a word and a Hangul syllable about half of one, so they count 3 and 2 characters: a 15-character Japanese
# sentence is a paragraph, not a scrap.
_WIDE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def text_weight(text: str) -> int:
    """Length of ``text`` in Latin-equivalent characters (whitespace at the ends ignored)."""
    text = text.strip()
    if text.isascii():
        return len(text)
    return len(text) + 2 * len(_WIDE_SCRIPT.findall(text)) + len(_HANGUL.findall(text))


@dataclass(frozen=True)
class BodyResult:
    """What the body stage found: the text (paragraphs separated by one blank line) and in-body figures."""

    text: str = ""
    images: tuple[Image, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    # Lines dropped after the story's last paragraph (furniture lines such as "© 2024 The Associated Press", and
    # trimmed promotions), in page order: the wire agency's closing credit may be among them.
    closing: tuple[str, ...] = ()


@dataclass(slots=True)
class _Stats:
    """Per-element numbers computed once, bottom-up."""

    text: int = 0  # characters of text (stripped strings)
    links: int = 0  # characters of text inside <a>
    commas: int = 0
    inline: int = 0  # characters of text not inside a block child (the element's own paragraph text)
    inline_commas: int = 0
    brs: int = 0  # <br> children (their runs split the inline text into paragraphs)
    images: int = 0  # <img> elements in the subtree
    block_child: bool = False
    score: float = 0.0
    scored: bool = False


def extract_body(soup: BeautifulSoup, url: str | None, options: ExtractOptions) -> BodyResult:
    """The article body of ``soup`` (read-only on the tree). Never raises: failures give an empty body."""
    try:
        return _extract(soup, url, options)
    except Exception:  # robustness contract: any page gives an Article
        logger.warning("body extraction failed", exc_info=True)
        return BodyResult(warnings=("body_extraction_failed",))


@dataclass
class Analysis:
    """The page's paragraph statistics and scores, computed once and shared (metadata's layout context too)."""

    root: Tag
    tags: list[Tag]
    stats: dict[int, _Stats]
    ranked: list[tuple[float, int, Tag]]  # scored candidates, best first (link density applied)
    evidence: TreeEvidence
    options: ExtractOptions
    title: str = ""  # the headline's text, whitespace collapsed ("" when the page has none)


_ANALYSIS_ATTR = "_newsingest_analysis"


def analyse(soup: BeautifulSoup, options: ExtractOptions) -> Analysis:
    """Statistics, paragraph scores and the main-text evidence of ``soup`` (cached on the tree, read-only)."""
    cached = soup.__dict__.get(_ANALYSIS_ATTR)  # __dict__: a missing attribute on a bs4 tree is a find()
    if isinstance(cached, Analysis) and cached.options == options:
        return cached
    root = soup.body if isinstance(soup.body, Tag) else soup
    tags = _element_list(root)
    stats = _compute_stats(tags)
    _score_paragraphs(tags, stats, options)
    ranked = _rank(tags, stats)
    core = ranked[0][2] if ranked and ranked[0][0] > 0 else None
    headline, title = _headline(soup, tags, stats)
    analysis = Analysis(root, tags, stats, ranked, tree_evidence(core, headline), options, title)
    soup.__dict__[_ANALYSIS_ATTR] = analysis
    remember(soup, analysis.evidence)
    return analysis


_HEADLINE_TAGS = frozenset({"div", "p", "span", "strong", "b", "td", "h2", "h3", "header", "section"})


def _headline(soup: BeautifulSoup, tags: list[Tag], stats: dict[int, _Stats]) -> tuple[Tag | None, str]:
    """The page's headline: the first ``<h1>`` with text, else the element that prints the page's title.

    Sites render headlines in a ``<div>`` too: the first short element whose text is the ``og:title`` (or the
    ``<title>`` up to a site-name separator) is the headline then.
    """
    for tag in tags:
        if tag.name == "h1" and stats[id(tag)].text:
            return tag, " ".join(tag.get_text(" ").split())
    title = _meta_title(soup)
    if len(title) < 10:
        return None, ""
    target = text_weight(title)
    folded = title.casefold()
    looked = 0
    for tag in tags:
        if tag.name not in _HEADLINE_TAGS:
            continue
        item = stats[id(tag)]
        if item.links or abs(item.text - target) > max(4, target // 10):
            continue
        text = " ".join(tag.get_text(" ").split())
        if text.casefold() == folded:
            return tag, text
        looked += 1
        if looked >= _HEADLINE_MAX_LOOKS:  # bounded: nested wrappers of one line all have its length
            break
    return None, ""


_HEADLINE_MAX_LOOKS = 40


_TITLE_SEPARATOR = re.compile(r"\s+[|:·»–—-]{1,2}\s+")


def _meta_title(soup: BeautifulSoup) -> str:
    head = soup.head
    if not isinstance(head, Tag):
        return ""
    og = head.find("meta", attrs={"property": "og:title"})
    content = og.get("content") if isinstance(og, Tag) else None
    if isinstance(content, str) and content.strip():
        return " ".join(content.split())
    title = head.find("title")
    text = " ".join(title.get_text(" ").split()) if isinstance(title, Tag) else ""
    return _TITLE_SEPARATOR.split(text)[0] if text else ""


def _extract(soup: BeautifulSoup, url: str | None, options: ExtractOptions) -> BodyResult:
    analysis = analyse(soup, options)
    tags, stats = analysis.tags, analysis.stats
    best = _best_candidate(analysis.ranked, stats, options)
    if best is None:
        return BodyResult()
    parts = _with_siblings(best, stats, options)
    parts = _with_same_class_chunks(parts, best, tags, stats, options)
    parts = _with_lead(parts, best, analysis)
    area = _main_area(best, analysis)
    if area is not None and not is_article_page(soup, tags):  # a recipe, a product, an "about" page
        parts, best = _in_area(parts, area, tags), area
        result = _write(parts, best, analysis, url, from_headline=True)
    else:
        result = _write(parts, best, analysis, url)
    if "listing_page" in result.warnings:
        # teasers around a short article: the densest block of prose outside the teaser grid is the article
        dense = _densest_block(analysis, outside=best)
        if dense is not None:
            story = _write([dense], dense, analysis, url)
            if story.text and "listing_page" not in story.warnings:
                return BodyResult(story.text, story.images, ("body_from_densest_block",), story.closing)
        return result
    if result.text:
        return result
    # Nothing usable in the chosen container: a wider one (its parent, then the densest paragraph container's
    # region) before giving up; the warning says which path produced the text.
    for wider in _wider_containers(best, analysis):
        fallback = _write([wider], wider, analysis, url)
        if fallback.text:
            return BodyResult(fallback.text, fallback.images, ("body_from_wider_container",), fallback.closing)
    return result


# Schema.org types that say "this page is an article" (JSON-LD ``@type``, microdata ``itemtype``).
_ARTICLE_TYPE_NAMES = "|".join(
    sorted(
        (
            "NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
            "BackgroundNewsArticle", "ReviewNewsArticle", "BlogPosting", "LiveBlogPosting", "TechArticle",
            "ScholarlyArticle", "SatiricalArticle", "Report",
        ),
        key=len,
        reverse=True,
    )
)
_LD_ARTICLE = re.compile(
    r'"@type"\s*:\s*\[?[^\]{}]{0,200}?"(?:https?://schema\.org/)?(?:' + _ARTICLE_TYPE_NAMES + r')"'
)
_MD_ARTICLE = re.compile(r"schema\.org/(?:" + _ARTICLE_TYPE_NAMES + r")/?$", re.I)
# The main area of a page that is not an article: its links at most this share of its text, and at least this
# many times the chosen container's prose (else the container is the whole content already).
_AREA_MAX_LINK_SHARE = 0.5
_AREA_MIN_GROWTH = 1.5


def is_article_page(soup: BeautifulSoup, tags: list[Tag]) -> bool:
    """The page says it is an article: ``og:type`` article, a JSON-LD article type, or an article microdata item.

    News sites mark their stories so (search engines read it); recipes, products, "about" pages, event pages and
    institutional pages do not.
    """
    head = soup.head
    if isinstance(head, Tag):
        for node in head.find_all(("meta", "script"), limit=400):
            if _says_article(node):
                return True
    return any(_says_article(tag) for tag in tags if tag.name == "script" or "itemtype" in tag.attrs)


def _says_article(tag: Tag) -> bool:
    attrs = tag.attrs
    if tag.name == "meta":
        if (attrs.get("property") or attrs.get("name")) != "og:type":
            return False
        content = attrs.get("content")
        return isinstance(content, str) and content.strip().lower().startswith("article")
    if tag.name == "script":
        kind = attrs.get("type")
        return isinstance(kind, str) and "ld+json" in kind.lower() and bool(_LD_ARTICLE.search(tag.string or ""))
    itemtype = attrs.get("itemtype")
    return isinstance(itemtype, str) and bool(_MD_ARTICLE.search(itemtype.strip()))


def _main_area(best: Tag, analysis: Analysis) -> Tag | None:
    """On a page that is not an article, the whole main area around the chosen container.

    Recipes, product pages, "about" and event pages spread their content over many sibling blocks (ingredients,
    steps, a description, a details table) that paragraph scoring cuts into pieces. The main area is the highest
    ancestor of the chosen container, up to ``<body>`` (the pre-clean has already removed navigation, asides and
    footers), whose links are at most half its text and whose prose is at least 1.5 times the container's; the
    writer skips the furniture inside it as inside any container. None when no ancestor qualifies.
    """
    stats = analysis.stats
    item = stats[id(best)]
    prose = max(item.text - item.links, 1)
    chosen: Tag | None = None
    for node in _ancestors(best):  # up to <body> (not <html>)
        wide = stats.get(id(node))
        if wide is None or not wide.text or wide.links > wide.text * _AREA_MAX_LINK_SHARE:
            continue
        if wide.text - wide.links >= prose * _AREA_MIN_GROWTH:
            chosen = node
    return chosen


def _in_area(parts: list[Tag], area: Tag, tags: list[Tag]) -> list[Tag]:
    """``area`` with the chosen parts that lie outside it, in document order."""
    outside = [part for part in parts if part is not area and all(node is not area for node in _ancestors(part))]
    if not outside:
        return [area]
    order = {id(tag): index for index, tag in enumerate(tags)}
    return sorted([area, *outside], key=lambda tag: order.get(id(tag), 0))


def _write(
    parts: list[Tag], best: Tag, analysis: Analysis, url: str | None, from_headline: bool = False
) -> BodyResult:
    """The text of ``parts``; with ``from_headline`` (a page's main area), what the area prints above the
    headline (a notice bar, breadcrumbs) is left out."""
    stats, options = analysis.stats, analysis.options
    writer = _Writer(stats, url, options, stats[id(best)].text, analysis.evidence.protected)
    writer.headline = analysis.evidence.headline
    for part in parts:
        writer.write_root(part)
    written = writer.finish()
    if from_headline and writer.headline_at:
        cut = writer.headline_at
        written = written[cut:]
        writer.dropped = [(index - cut, line) for index, line in writer.dropped if index >= cut]
    written = _drop_title_lines(written, analysis.title)
    paragraphs = _trim_signoff(_trim_trailing_promos(written, options))
    writer.harvest_nearby_figures(best)
    if _is_listing(writer, paragraphs, options):
        return BodyResult(images=tuple(writer.images), warnings=("listing_page",))
    text = "\n\n".join(paragraphs)
    if text_weight(text) < options.min_body_chars:
        return BodyResult(images=tuple(writer.images))
    return BodyResult(text=text, images=tuple(writer.images), closing=_closing_lines(writer, written, len(paragraphs)))


def _densest_block(analysis: Analysis, outside: Tag | None = None) -> Tag | None:
    """The scored container with the most prose (500+ characters, under a tenth in links), other than ``outside``
    and its ancestors (the teaser grid and its wrappers).

    Scores are not looked at: class names may have pushed the story's container below a teaser grid.
    """
    stats = analysis.stats
    chosen: Tag | None = None
    most = 0
    excluded = {id(outside), *(id(node) for node in _ancestors(outside))} if outside is not None else set()
    for _, _, tag in analysis.ranked:
        item = stats[id(tag)]
        prose = item.text - item.links
        if prose < _DENSE_MIN_CHARS or item.links * 10 > item.text or prose <= most:
            continue
        if id(tag) in excluded:
            continue  # the teaser grid itself, or a wrapper holding it
        chosen, most = tag, prose
    return chosen


_DENSE_MIN_CHARS = 500


def _wider_containers(best: Tag, analysis: Analysis) -> list[Tag]:
    """Containers to try when the chosen one yields no text: its parent, the densest container's parent."""
    out: list[Tag] = []
    core = analysis.evidence.core
    for node in (best.parent, core, core.parent if core is not None else None):
        if isinstance(node, Tag) and node.name not in ("html", "[document]") and all(node is not o for o in out):
            if node is not best and analysis.stats.get(id(node)) is not None:
                out.append(node)
    return out[:3]


def _closing_lines(writer: _Writer, written: list[str], kept: int) -> tuple[str, ...]:
    """What was dropped after the last kept paragraph, in page order (at most 8 lines)."""
    # A dropped line recorded with index i came after paragraph i-1 and before paragraph i (page order kept).
    lines = [(index, 0, order, text) for order, (index, text) in enumerate(writer.dropped) if index >= kept]
    lines += [(index, 1, 0, written[index]) for index in range(kept, len(written))]
    return tuple(line[3] for line in sorted(lines)[:8])


# --- 1. statistics ----------------------------------------------------------------------------------------


def _element_list(root: Tag) -> list[Tag]:
    """All elements under ``root`` in document order (root first), hidden subtrees left out (no reader sees them:
    the pre-clean's hidden carriers of dates and breadcrumbs are for the metadata stage)."""
    out: list[Tag] = [root]
    stack = [child for child in reversed(root.contents) if isinstance(child, Tag)]
    while stack:
        node = stack.pop()
        if "hidden" in node.attrs:
            continue
        out.append(node)
        stack.extend(child for child in reversed(node.contents) if isinstance(child, Tag))
    return out


def _compute_stats(tags: list[Tag]) -> dict[int, _Stats]:
    """Text, link and comma counts for every element; children come before parents in reversed pre-order."""
    stats: dict[int, _Stats] = {}
    block_tags = sel.BLOCK_TAGS
    div_block_children = sel.DIV_BLOCK_CHILDREN
    for tag in reversed(tags):
        item = _Stats()
        for child in tag.contents:
            if type(child) is NavigableString:
                length = text_weight(child)
                if length:
                    commas = child.count(",") + child.count("，") + child.count("、")
                    item.text += length
                    item.inline += length
                    item.commas += commas
                    item.inline_commas += commas
                continue
            if not isinstance(child, Tag):
                continue
            child_stats = stats.get(id(child))
            if child_stats is None:
                continue
            name = child.name
            item.text += child_stats.text
            item.links += child_stats.links
            item.commas += child_stats.commas
            item.images += child_stats.images
            if name == "br":
                item.brs += 1
            elif name in block_tags:
                if name in div_block_children:
                    item.block_child = True
            else:
                item.inline += child_stats.text
                item.inline_commas += child_stats.commas
        if tag.name == "a":
            item.links = item.text
        elif tag.name == "img":
            item.images = 1
        stats[id(tag)] = item
    return stats


# --- 2. scoring -------------------------------------------------------------------------------------------


def _class_weight(tag: Tag) -> float:
    """+25 for article-like class/id parts, -25 for furniture-like ones (readability's weights)."""
    label = _label(tag)
    weight = 0.0
    if tag.get("itemprop") == "articleBody":
        weight += 25
    if not label:
        return weight
    parts = class_parts(label)
    if any(part in sel.NEGATIVE_PARTS for part in parts):
        weight -= 25
    if any(part in sel.POSITIVE_PARTS for part in parts):
        weight += 25
    return weight


def _label(tag: Tag) -> str:
    classes = tag.get("class")
    if isinstance(classes, list):
        classes = " ".join(classes)
    ident = tag.get("id")
    return f"{classes or ''} {ident if isinstance(ident, str) else ''}".strip()


def _credit(tag: Tag | None, amount: float, stats: dict[int, _Stats]) -> None:
    if tag is None or not isinstance(tag, Tag) or tag.name in ("html", "[document]"):
        return
    item = stats.get(id(tag))
    if item is None:
        return
    if not item.scored:
        item.scored = True
        item.score = sel.TAG_BASE_SCORE.get(tag.name, 0) + _class_weight(tag)
    item.score += amount


def _paragraph_score(length: int, commas: int, paragraphs: int) -> float:
    return paragraphs + commas + min(length / 100.0, 3.0 * paragraphs)


def _score_paragraphs(tags: list[Tag], stats: dict[int, _Stats], options: ExtractOptions) -> None:
    """Readability scoring: each paragraph credits its parent fully and its grandparent by half."""
    minimum = options.min_paragraph_chars
    for tag in tags:
        item = stats[id(tag)]
        name = tag.name
        if name in sel.PARAGRAPH_TAGS:
            if item.text < minimum:
                continue
            amount = _paragraph_score(item.text, item.commas, 1)
            parent = tag.parent
            _credit(parent, amount, stats)
            _credit(parent.parent if parent is not None else None, amount / 2, stats)
            continue
        if item.inline < minimum or name not in sel.CONTAINER_TAGS:
            continue
        runs = 1 + item.brs // 2
        amount = _paragraph_score(item.inline, item.inline_commas, runs)
        if not item.block_child and name != "body":  # a div used as a paragraph (<body> has no parent to credit)
            parent = tag.parent
            _credit(parent, amount, stats)
            _credit(parent.parent if parent is not None else None, amount / 2, stats)
        else:  # text written straight into a container, between its blocks (<br><br> bodies)
            _credit(tag, amount, stats)
            _credit(tag.parent, amount / 2, stats)


def _rank(tags: list[Tag], stats: dict[int, _Stats]) -> list[tuple[float, int, Tag]]:
    """Scored candidates with link density applied, best first."""
    scored: list[tuple[float, int, Tag]] = []
    for index, tag in enumerate(tags):
        item = stats[id(tag)]
        if not item.scored:
            continue
        density = item.links / item.text if item.text else 0.0
        item.score *= 1.0 - density
        scored.append((item.score, -index, tag))
    scored.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
    return scored


def _best_candidate(
    scored: list[tuple[float, int, Tag]], stats: dict[int, _Stats], options: ExtractOptions
) -> Tag | None:
    """The highest-scoring container, moved up when the story is split over several similar blocks."""
    if not scored:
        return None
    top_score, _, best = scored[0]
    if top_score <= 0:
        return None
    best = _weightier_rival(best, scored, stats)
    close = [
        tag
        for score, _, tag in scored[1 : options.top_candidates]
        if score >= top_score * 0.75 and _is_story_chunk(tag, stats[id(tag)])
    ]
    promoted = _shared_ancestor(best, close)
    if promoted is best and close:
        promoted = _joining_ancestor(best, close, stats)
    return _climb(promoted, stats)


def _weightier_rival(best: Tag, scored: list[tuple[float, int, Tag]], stats: dict[int, _Stats]) -> Tag:
    """A near-top candidate with several times the best's prose wins over a short, well-named box.

    Class weights (+25/-25) can lift a 200-character intro box over the 3,000-character story next to it; when a
    candidate (top ten) scoring at least a quarter of the best holds twice its text (links not counted), under half
    of it in links, is not nested in it (nor holds it) and is not a list, it is the story.
    """
    top = scored[0][0]
    item = stats[id(best)]
    own = item.text - item.links
    for score, _, tag in scored[1:10]:
        if score < top * 0.25:
            break
        rival = stats[id(tag)]
        if tag.name in sel.LIST_LIKE_TAGS or rival.text - rival.links < 2 * own or rival.links * 2 > rival.text:
            continue
        if any(node is best for node in _ancestors(tag)) or any(node is tag for node in _ancestors(best)):
            continue
        return tag
    return best


def _is_story_chunk(tag: Tag, item: _Stats) -> bool:
    """A block that may continue the story: not a list (teaser lists score well too), few links."""
    if tag.name in sel.LIST_LIKE_TAGS:
        return False
    return not item.text or item.links / item.text < 0.2


def _ancestors(tag: Tag) -> list[Tag]:
    out: list[Tag] = []
    node = tag.parent
    while isinstance(node, Tag) and node.name not in ("[document]", "html"):
        out.append(node)
        node = node.parent
    return out


def _shared_ancestor(best: Tag, close: list[Tag]) -> Tag:
    """Mozilla Readability: when 3+ near-top candidates share an ancestor with the best, that ancestor wins."""
    if len(close) < 3:
        return best
    lists = [set(map(id, _ancestors(tag))) | {id(tag)} for tag in close]
    for ancestor in _ancestors(best):
        if ancestor.name == "body":
            break
        if sum(1 for ids in lists if id(ancestor) in ids) >= 3:
            return ancestor
    return best


def _joining_ancestor(best: Tag, close: list[Tag], stats: dict[int, _Stats]) -> Tag:
    """A story cut into two or three chunks: their nearest common ancestor, if it is made mostly of them."""
    best_ancestors = _ancestors(best)
    best_ids = {id(node): depth for depth, node in enumerate(best_ancestors)}
    members = [best]
    deepest = -1
    for tag in close:
        if id(tag) in best_ids or any(node is best for node in _ancestors(tag)):
            continue  # nested in one another: not separate chunks
        for node in _ancestors(tag):
            depth = best_ids.get(id(node))
            if depth is not None:
                deepest = max(deepest, depth)
                members.append(tag)
                break
    if deepest < 0 or deepest > 3:
        return best
    ancestor = best_ancestors[deepest]
    if ancestor.name == "body":
        return best
    chunk_text = sum(stats[id(tag)].text for tag in members)
    if stats[id(ancestor)].text <= chunk_text * 1.3:
        return ancestor
    return best


def _climb(best: Tag, stats: dict[int, _Stats]) -> Tag:
    """Move up while a parent scores higher than the best (its text continues in sibling blocks)."""
    last = stats[id(best)].score
    threshold = last / 3
    node = best.parent
    while isinstance(node, Tag) and node.name not in ("body", "html", "[document]"):
        item = stats.get(id(node))
        if item is None or not item.scored:
            node = node.parent
            continue
        if item.score < threshold:
            break
        if item.score > last:
            best = node
            break
        last = item.score
        node = node.parent
    return best


# --- 3. siblings ------------------------------------------------------------------------------------------


def _with_siblings(best: Tag, stats: dict[int, _Stats], options: ExtractOptions) -> list[Tag]:
    """The best node plus siblings that continue the story (readability's sibling rule)."""
    parent = best.parent
    if parent is None or not isinstance(parent, Tag) or parent.name in ("[document]", "html"):
        return [best]
    best_item = stats[id(best)]
    threshold = max(10.0, best_item.score * options.sibling_score_ratio)
    best_classes = best.get("class")
    parts: list[Tag] = []
    for sibling in parent.contents:
        if not isinstance(sibling, Tag):
            continue
        if sibling is best:
            parts.append(sibling)
            continue
        item = stats.get(id(sibling))
        if item is None or not item.text:
            continue
        bonus = best_item.score * 0.2 if best_classes and sibling.get("class") == best_classes else 0.0
        if item.scored and item.score + bonus >= threshold:
            parts.append(sibling)
            continue
        if sibling.name == "p" or (sibling.name in sel.CONTAINER_TAGS and not item.block_child):
            density = item.links / item.text
            if item.text > 80 and density < 0.25:
                parts.append(sibling)
            elif item.text <= 80 and density == 0 and _ends_sentence(sibling):
                parts.append(sibling)
    return parts


def _with_lead(parts: list[Tag], best: Tag, analysis: Analysis) -> list[Tag]:
    """Lead paragraphs written between the headline and the story's container (a standfirst, an intro box).

    Only prose blocks (a sentence or more, almost no links) between the page's headline and the best container,
    outside the chosen parts, are taken, and a subheadline (an ``<h2>`` of a sentence's length, the first heading
    after the headline); captions, bylines and date lines never are.
    """
    headline = analysis.evidence.headline
    if headline is None:
        return parts
    tags, stats = analysis.tags, analysis.stats
    part_ids = {id(part) for part in parts}
    start = end = first = -1
    for index, tag in enumerate(tags):
        if tag is headline:
            start = index
        elif first < 0 and id(tag) in part_ids:
            first = index
        if tag is best:
            end = index
            break
    if start < 0 or end < 0:
        return parts
    if end - start > _LEAD_MAX_DISTANCE:
        end = first  # the story's chunks start well before its best block: look above the first chunk only
    if end - start > _LEAD_MAX_DISTANCE or end <= start:
        return parts
    above = {id(node) for node in _ancestors(best)}
    leads: list[tuple[int, Tag]] = []
    skip_until = -1
    first_heading = True
    for index in range(start + 1, end):
        tag = tags[index]
        if index < skip_until or id(tag) in above:
            continue
        item = stats[id(tag)]
        name = tag.name
        if id(tag) in part_ids or name in sel.LEAD_SKIP_TAGS or _is_lead_furniture(tag):
            skip_until = index + 1 + sum(1 for node in tag.descendants if isinstance(node, Tag))
            continue
        if name in sel.HEADING_TAGS:
            # a subheadline right after the headline (a sentence as an <h2>) is the story's dek
            if first_heading and name == "h2" and not item.links and item.text >= _SUBHEADLINE_MIN_CHARS:
                leads.append((index, tag))
            first_heading = False
            continue
        if not _is_lead_block(tag, item):
            continue
        leads.append((index, tag))
        skip_until = index + 1 + sum(1 for node in tag.descendants if isinstance(node, Tag))
        if len(leads) >= 3:
            break
    if not leads:
        return parts
    order = {id(tag): index for index, tag in leads}
    for index, tag in enumerate(tags):  # one pass for all parts (a story may be cut into 20 chunks)
        if id(tag) in part_ids:
            order[id(tag)] = index
    return sorted([*(tag for _, tag in leads), *parts], key=lambda tag: order.get(id(tag), len(tags)))


def _holds_paragraph(block: Tag, stats: dict[int, _Stats]) -> bool:
    """The block's text is a ``<p>`` of a sentence or more, outside any caption (a figure's caption is no <p>)."""
    for p in block.find_all("p", limit=3):
        item = stats.get(id(p))
        if item is None or item.text < _LEAD_MIN_CHARS or item.links * 4 > item.text:
            continue
        if p.find_parent(["figcaption", "figure"]) is None and not _is_lead_furniture(p):
            return True
    return False


def _is_lead_block(tag: Tag, item: _Stats) -> bool:
    """A paragraph of prose: a sentence or more, almost no links, no image, not a furniture line."""
    name = tag.name
    if name != "p" and not (name in sel.CONTAINER_TAGS and not item.block_child and name != "li"):
        return False
    if item.text < _LEAD_MIN_CHARS or item.links * 10 > item.text or item.images or _is_lead_furniture(tag):
        return False
    text = tag.get_text(" ", strip=True)
    if item.text < _LEAD_ANY_END_CHARS and not text.endswith(_SENTENCE_ENDS):
        return False  # a short line without a sentence end is a label, a kicker or a date line
    return not _is_furniture_line(text)


def _is_prose(name: str, item: _Stats, parts: list[str]) -> bool:
    """Evidence over names inside the story: a real paragraph, or a long block of prose, whatever its class says.

    A ``<p>`` (or a ``<div>`` used as one) of 150+ characters with under a tenth of it in links, or any block of
    500+ characters with under a twentieth in links, is story text ("font--secondary", "toc-title-2" sections);
    captions, bylines and comments keep their own rules.
    """
    if any(part in sel.NEVER_PROSE_PARTS for part in parts):
        return False
    if name == "p" or (name in sel.CONTAINER_TAGS and not item.block_child and not item.images):
        return item.text >= 150 and item.links * 10 < item.text  # a paragraph (or a div written as one)
    return item.text >= 500 and item.links * 20 < item.text


_LEAD_TAGS = ["p", "div"]
_CELL_TAGS = frozenset({"td", "th"})
_FIGURE_CONTENT_TAGS = ["table", "pre", "blockquote", "ul", "ol", "dl"]
_FIGURE_CONTENT_CHARS = 200
_LEAD_MAX_DISTANCE = 150  # elements between the headline and the story's container
_LEAD_MIN_CHARS = 80
_SUBHEADLINE_MIN_CHARS = 60
_LEAD_ANY_END_CHARS = 150  # a lead this long needs no sentence end (a standfirst cut by "…" or a line break)
_SENTENCE_ENDS = (".", "!", "?", "。", "”", '"', "“", "»", "«", ":", ")", "…", "다", "요")


def _is_hidden(tag: Tag) -> bool:
    """``hidden``, or a style that hides it (``display: none``, ``visibility: hidden``): no reader sees it."""
    if "hidden" in tag.attrs:
        return True
    style = tag.attrs.get("style")
    return isinstance(style, str) and bool(sel.HIDDEN_STYLE.search(style))


def _is_lead_furniture(tag: Tag) -> bool:
    """Captions, bylines, date lines, hidden blocks: never a lead."""
    if _is_hidden(tag):
        return True
    label = _label(tag)
    return bool(label) and any(part in sel.LEAD_FURNITURE_PARTS for part in class_parts(label))


def _with_same_class_chunks(
    parts: list[Tag], best: Tag, tags: list[Tag], stats: dict[int, _Stats], options: ExtractOptions
) -> list[Tag]:
    """Templates repeat the body's class on every chunk of a story cut up by ads or media: take them all."""
    classes = best.get("class")
    if not isinstance(classes, str) or not classes.strip():
        return parts
    order = {id(tag): index for index, tag in enumerate(tags)}
    # Ids inside or above the chosen parts, computed once (no per-candidate ancestor walks: hostile nesting).
    taken: set[int] = set()
    for part in parts:
        taken.add(id(part))
        taken.update(id(node) for node in part.descendants if isinstance(node, Tag))
        taken.update(id(node) for node in _ancestors(part))
    extra: list[Tag] = []
    for tag in tags:
        if tag.name != best.name or tag.get("class") != classes or id(tag) in taken:
            continue
        item = stats[id(tag)]
        if item.text < options.min_paragraph_chars * 4 or item.links / item.text >= 0.3:
            continue
        extra.append(tag)
        taken.update(id(node) for node in tag.descendants if isinstance(node, Tag))
        if len(extra) >= 20:  # bounded: hostile pages repeat one class thousands of times
            break
    if not extra:
        return parts
    return sorted([*parts, *extra], key=lambda tag: order.get(id(tag), 0))


def _ends_sentence(tag: Tag) -> bool:
    text = tag.get_text(" ", strip=True)
    return text.endswith((".", "!", "?", "。", "”", '"'))


# --- 4. writing -------------------------------------------------------------------------------------------


class _Writer:
    """Walks chosen containers once, skipping furniture, and collects paragraphs and figures."""

    def __init__(
        self,
        stats: dict[int, _Stats],
        url: str | None,
        options: ExtractOptions,
        root_text: int,
        protected: frozenset[int] = frozenset(),
    ) -> None:
        self.stats = stats
        self.protected = protected  # elements holding the main text: never skipped for their class (layout.py)
        self.headline: Tag | None = None  # the headline element (an <h1> or a <div> printing the title)
        self.headline_at = 0  # paragraphs written before the headline
        self.data_rows: list[bool] = []  # open <tr>s: whether each is a data row (its cells joined by " | ")
        self.url = url
        self.options = options
        self.root_text = max(root_text, 1)
        self.paragraphs: list[str] = []
        self.dropped: list[tuple[int, str]] = []  # (paragraphs kept before it, line) of dropped furniture lines
        self.images: list[Image] = []
        self.buffer: list[str] = []
        self.buffer_link_chars = 0  # characters of the buffered paragraph that sit inside <a>
        self.link_depth = 0
        self.teaser_headings = 0
        self.headings = 0
        self.after_related_intro = False  # the last line was "More stories" & co: a list of links may follow
        self._seen_images: set[str] = set()

    # The walk is iterative (an explicit stack): 100,000 nested divs must not hit the recursion limit.
    def write_root(self, root: Tag) -> None:
        if self._skip(root, is_root=True):
            return
        self._open(root)
        stack: list[tuple[Tag, int]] = [(root, 0)]
        while stack:
            tag, index = stack[-1]
            contents = tag.contents
            if index >= len(contents):
                stack.pop()
                self._close(tag)
                continue
            stack[-1] = (tag, index + 1)
            child = contents[index]
            if type(child) is NavigableString:
                self.buffer.append(child)
                if self.link_depth:
                    self.buffer_link_chars += text_weight(child)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                self.buffer.append(_BR)
                continue
            if self._skip(child):
                continue
            if name == "pre":
                self._flush()
                text = child.get_text().strip("\n")
                if text.strip():
                    self.paragraphs.append(text.rstrip())
                continue
            self._open(child)
            stack.append((child, 0))
        self._flush()

    def _open(self, tag: Tag) -> None:
        name = tag.name
        if name == "a":
            self.link_depth += 1
        elif name in _CELL_TAGS and self.data_rows and self.data_rows[-1]:
            if self.buffer:
                self.buffer.append(" | ")  # the cells of a data table's row make one line
        elif name in sel.BLOCK_TAGS:
            self._flush()
            if name == "tr":
                self.data_rows.append(self._is_data_row(tag))

    def _close(self, tag: Tag) -> None:
        name = tag.name
        if name == "a":
            self.link_depth = max(0, self.link_depth - 1)
        elif name in _CELL_TAGS and self.data_rows and self.data_rows[-1]:
            return
        elif name in sel.BLOCK_TAGS:
            self._flush(heading=name in sel.HEADING_TAGS)
            if name == "tr" and self.data_rows:
                self.data_rows.pop()

    def _is_data_row(self, row: Tag) -> bool:
        """A row of short cells holding no blocks (a data table), not a layout table's row."""
        item = self.stats.get(id(row))
        if item is None or item.text > 400:
            return False
        cells = [child for child in row.contents if isinstance(child, Tag)]
        for cell in cells:
            cell_item = self.stats.get(id(cell))
            if cell.name not in _CELL_TAGS or cell_item is None or cell_item.block_child:
                return False
        return len(cells) >= 2

    def _flush(self, heading: bool = False) -> None:
        if not self.buffer:
            return
        raw = "".join(self.buffer)
        link_chars = self.buffer_link_chars
        self.buffer = []
        self.buffer_link_chars = 0
        # the paragraph's weight, counted like the link text (whitespace runs as one space)
        total_chars = text_weight(" ".join(raw.replace(_BR, " ").split())) if link_chars else 0
        if not heading and link_chars and link_chars >= total_chars * self.options.link_paragraph_density:
            return  # a run of links (tag lists, "more on this" lines) written as a paragraph
        lines: list[str] = []
        for segment in raw.split(_BR):
            line = " ".join(segment.split())
            if line:
                lines.append(line)
            elif lines:  # <br><br>: a paragraph ends here
                self._add_paragraph("\n".join(lines))
                lines = []
        if lines:
            self._add_paragraph("\n".join(lines))

    def _add_paragraph(self, text: str) -> None:
        if not _WORD_CHAR.search(text):
            return  # only symbols ("* * *", "<<<<"): no text to read
        if len(text) <= 160 and _is_furniture_line(text):
            self.after_related_intro = bool(sel.RELATED_INTRO.match(text))
            if len(self.dropped) < 200:
                self.dropped.append((len(self.paragraphs), text))
            return
        self.after_related_intro = False
        self.paragraphs.append(text)

    def _skip(self, tag: Tag, is_root: bool = False) -> bool:
        """True when ``tag`` and its subtree are not article text (figures are harvested first)."""
        name = tag.name
        if name in sel.BODY_SKIP_TAGS:
            if name == "figure" and not is_root and self._holds_content(tag):
                return False  # a <figure> wrapping a table, code or a quote: its caption is skipped, not the rest
            if name == "figure" or name == "picture" or name == "img":
                self._harvest_figure(tag)
            elif name == "header" and not is_root:
                self._write_leads(tag)  # the story's own header: its standfirst is story, the rest is metadata
            return not is_root or name in ("head", "script", "style")
        if _is_hidden(tag):
            return True
        attrs = tag.attrs
        if id(tag) in self.protected and name != "h1":
            return False  # evidence over names: the main text's own containers stay, whatever their class says
        role = attrs.get("role")
        if isinstance(role, str) and role.lower() in sel.BOILERPLATE_ROLES and not is_root:
            return True
        item = self.stats.get(id(tag))
        if item is None:
            return False
        if name == "h1" or tag is self.headline:
            if tag is self.headline and not self.headline_at:
                self._flush()
                self.headline_at = len(self.paragraphs)
            return True  # the title belongs to the metadata
        if name in sel.HEADING_TAGS:
            self.headings += 1
            if item.text and item.links / item.text > 0.5 and self._in_teaser_unit(tag):
                self.teaser_headings += 1
                return True
            return not is_root and _class_weight(tag) < 0
        if name == "article" and not is_root and item.text < 600 and item.links >= item.text * 0.25:
            # a small <article> whose link is its headline: a teaser card (a live-blog entry links only a time)
            self.teaser_headings += 1
        if is_root:
            return False
        label = _label(tag) if name not in sel.INLINE_TEXT_TAGS else ""  # a class on a link in a sentence is no box
        if label and attrs.get("itemprop") != "articleBody":
            classes = set(label.lower().split())
            if classes & sel.HIDDEN_CLASSES:
                return True
            parts = class_parts(label)
            if any(part in sel.BODY_BOILERPLATE_PARTS for part in parts) and not _is_prose(name, item, parts):
                if item.text <= self.root_text * self.options.boilerplate_max_share:
                    if any(part in sel.CAPTION_PARTS for part in parts):
                        self._harvest_figure(tag)
                    return True
        if self.after_related_intro and name in sel.RELATED_LIST_TAGS and item.links:
            if name in sel.LIST_TAGS or item.links >= item.text * 0.3:
                self.after_related_intro = False
                return True  # the list under a "More stories" line
        if (
            item.images
            and name in sel.IMAGE_BLOCK_TAGS
            and item.text < self.options.image_block_max_chars
            and item.text * 2 < self.root_text  # a block with most of the story's text is no figure
            and not _holds_paragraph(tag, self.stats)  # a step of text beside its picture is text
        ):
            self._harvest_figure(tag)  # an image with a caption written without <figure>
            return True
        return self._is_link_block(name, item)

    def _holds_content(self, figure: Tag) -> bool:
        """A figure whose text is mostly not its caption, held in a table, a listing or a quote."""
        item = self.stats.get(id(figure))
        if item is None or item.text < _FIGURE_CONTENT_CHARS:
            return False
        if figure.find(_FIGURE_CONTENT_TAGS) is None:
            return False
        caption = figure.find("figcaption")
        caption_item = self.stats.get(id(caption)) if caption is not None else None
        return caption_item is None or caption_item.text * 2 < item.text

    def _write_leads(self, header: Tag) -> None:
        """The lead paragraphs of a ``<header>`` inside the story (bylines, dates and headlines stay out)."""
        self._flush()
        for node in header.find_all(_LEAD_TAGS, limit=40):
            item = self.stats.get(id(node))
            if item is not None and _is_lead_block(node, item):
                self._add_paragraph(" ".join(node.get_text(" ").split()))

    def _in_teaser_unit(self, heading: Tag) -> bool:
        """A linked headline in its own small box (headline + blurb), as index pages repeat them.

        A linked heading in the flow of a story (a product name in a deals roundup) is not a teaser unit.
        """
        parent = heading.parent
        if not isinstance(parent, Tag):
            return False
        item = self.stats.get(id(parent))
        return item is not None and item.text < 400 and item.text < self.root_text * 0.5

    def _is_link_block(self, name: str, item: _Stats) -> bool:
        """Lists and boxes of links (related stories, tag clouds, "read more") inside the article."""
        if not item.text:
            return False
        density = item.links / item.text
        if name in sel.PROSE_ITEM_TAGS and item.text - item.links >= 80:
            return False  # an item that opens with a linked lead-in but goes on in prose is content
        if name in sel.LINK_BLOCK_TAGS:
            if item.text >= self.root_text * 0.5:
                return False
            return density > self.options.link_block_density
        if name == "p":
            return density > 0.8 and item.text < 300
        return False

    def _harvest_figure(self, tag: Tag) -> None:
        """Images with their captions and credits from a figure (they go to Article.images)."""
        images = [tag] if tag.name == "img" else tag.find_all("img", limit=4)
        if not images:
            return
        caption_tag = tag.find("figcaption") if tag.name != "img" else None
        caption = caption_tag.get_text(" ", strip=True) if caption_tag is not None else None
        if not caption and tag.name != "img":
            caption = tag.get_text(" ", strip=True) or None
        credit: str | None = None
        if caption_tag is not None:
            for node in caption_tag.find_all(True, limit=20):
                node_label = _label(node).lower()
                if any(word in node_label for word in sel.CREDIT_WORDS):
                    credit = node.get_text(" ", strip=True) or None
                    break
        for img in images:
            src = _image_src(img)
            if not src or not _content_sized(img):
                continue
            resolved = urljoin(self.url, src) if self.url else src
            if resolved in self._seen_images or resolved.startswith("data:"):
                continue
            self._seen_images.add(resolved)
            self.images.append(Image(url=resolved, caption=caption or None, credit=credit))

    def harvest_nearby_figures(self, best: Tag) -> None:
        """Lead images usually sit just outside the text container (a sibling above it): take its parent's."""
        parent = best.parent
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
            return
        for figure in parent.find_all("figure", limit=10):
            self._harvest_figure(figure)

    def finish(self) -> list[str]:
        self._flush()
        return self.paragraphs


def _content_sized(img: Tag) -> bool:
    """False for images declared icon-sized or as a thin strip, or marked as logos/avatars/icons by alt or class."""
    sides = []
    for attribute in ("width", "height"):
        value = img.get(attribute)
        if isinstance(value, str):
            value = value.strip().removesuffix("px")
            if value.isdigit():
                sides.append(int(value))
    # An icon-sized box (no side reaching 200 px), or a strip/pixel (a side under 50 px). A 268x180 photo stays.
    if sides and (max(sides) < MIN_IMAGE_SIDE or min(sides) < MIN_IMAGE_SIDE // 4):
        return False
    # The alt text counts only when it is a label ("Site logo"), not a description ("The WeWork logo is displayed…").
    alt = img.get("alt") or ""
    marker = f"{img.get('class') or ''} {alt if len(str(alt).split()) <= 3 else ''}"
    return not (marker.strip() and NON_CONTENT_IMAGE_LABEL.search(marker))


def _image_src(img: Tag) -> str | None:
    for attribute in ("data-src", "data-original", "data-lazy-src", "src"):
        value = img.get(attribute)
        if isinstance(value, str) and value.strip() and not value.startswith("data:"):
            return value.strip()
    srcset = img.get("srcset") or img.get("data-srcset")
    if isinstance(srcset, str) and srcset.strip():
        return srcset.strip().split(",")[0].split()[0]
    return None


def _is_furniture_line(text: str) -> bool:
    """Short lines that are page furniture wherever they sit ("Advertisement", "By Jane Doe", date lines)."""
    if len(text.split()) <= 12 and (sel.BOILERPLATE_LINE.match(text) or sel.FURNITURE_LINE_I18N.match(text)):
        return True  # furniture is terse; sentences are not
    if sel.SHORTCODE_LINE.match(text):
        return True
    if len(text) <= 50 and sel.DATE_ONLY_LINE.match(text):
        return True
    if len(text) <= 80 and (sel.BYLINE_LINE.match(text) or sel.DATE_TIME_LINE.match(text)):
        return not text.endswith((".", "!", "?", '"', "”", ":"))
    return False


def _drop_title_lines(paragraphs: list[str], title: str) -> list[str]:
    """The headline repeated at the top of the story (a first ``<h2>``, a bold line) belongs to the metadata."""
    if not title or not paragraphs:
        return paragraphs
    folded = title.casefold()
    head = [index for index, text in enumerate(paragraphs[:3]) if text.casefold() == folded]
    return [text for index, text in enumerate(paragraphs) if index not in head] if head else paragraphs


def _trim_signoff(paragraphs: list[str]) -> list[str]:
    """A reporter's sign-off closing the story ("김민수 기자", "… 기자 kim@example.com") is a byline, not text.

    A last line that is only the sign-off goes; a sign-off written after the last sentence is cut from it.
    """
    if not paragraphs:
        return paragraphs
    last = paragraphs[-1]
    if sel.SIGNOFF_LINE.match(last):
        return paragraphs[:-1]
    match = sel.TRAILING_SIGNOFF.search(last)
    if match and match.start() > 0:
        return [*paragraphs[:-1], last[: match.start()].rstrip()]
    return paragraphs


def _trim_trailing_promos(paragraphs: list[str], options: ExtractOptions) -> list[str]:
    """Drop promotions after the story (subscribe, follow us, comment policy) and a heading left dangling."""
    end = len(paragraphs)
    dropped = 0
    while end > 1 and dropped < options.max_trailing_promos:
        last = paragraphs[end - 1]
        # Quoted speech is story, never a promo, even when it mentions subscriptions.
        if len(last) <= 400 and sel.TRAILING_PROMO.search(last) and not any(q in last for q in '"“”«»'):
            end -= 1
            dropped += 1
            continue
        if dropped and len(last) <= 60 and not last.endswith((".", "!", "?", '"', "”")):
            end -= 1  # the promo box's own heading ("Something to Consider")
            dropped += 1
            continue
        break
    return paragraphs[:end]


# --- fallback: the story only in JSON-LD ----------------------------------------------------------------------

_MARKUP_BREAK = re.compile(r"<br\s*/?>|</p\s*>|</h[1-6]\s*>|</li\s*>|</blockquote\s*>", re.I)
_MARKUP_TAG = re.compile(r"<[^<>]{0,2000}>")


def jsonld_body(soup: BeautifulSoup, url: str | None, options: ExtractOptions) -> str:
    """The article's JSON-LD ``articleBody``, as paragraphs, for pages whose HTML carries no story text.

    Only a fallback: script-rendered pages (the story in JSON, an empty shell in HTML) would otherwise yield
    nothing; pages whose HTML holds the story never get here. Never raises.
    """
    try:
        from newsingest.extract.jsonld import parse_blocks  # noqa: PLC0415 (lazy: only script-rendered pages need it)

        texts = [
            script.string or ""
            for script in soup.find_all("script", limit=20)
            if "ld+json" in str(script.get("type") or "").lower()
        ]
        article = parse_blocks(texts, url).article if texts else None
        raw = article.get("articleBody") if isinstance(article, dict) else None
        if not isinstance(raw, str):
            return ""
        return _plain_paragraphs(raw, options)
    except Exception:  # best effort: a broken JSON-LD block must not take the extraction down
        logger.debug("JSON-LD body fallback failed", exc_info=True)
        return ""


def _plain_paragraphs(raw: str, options: ExtractOptions) -> str:
    """articleBody text (sometimes HTML) as paragraphs separated by one blank line."""
    if "<" in raw and ">" in raw:
        raw = _MARKUP_TAG.sub("", _MARKUP_BREAK.sub("\n\n", raw))
        raw = html.unescape(raw)
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n|\r\n\s*\r\n|\n", raw)]
    text = "\n\n".join(paragraph for paragraph in paragraphs if paragraph)
    return text if text_weight(text) >= options.min_body_chars else ""


# --- 5. listing pages -------------------------------------------------------------------------------------


def _is_listing(writer: _Writer, paragraphs: list[str], options: ExtractOptions) -> bool:
    """An index page: the "body" is mostly teaser headlines with short blurbs, not a story."""
    if writer.teaser_headings < options.listing_min_teasers:
        return False
    long_paragraphs = sum(1 for paragraph in paragraphs if text_weight(paragraph) >= 250)
    return writer.teaser_headings >= max(long_paragraphs, 1) * 1.0
