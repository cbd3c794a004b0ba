"""Evidence over names: the one rule that keeps the page's main text from being dropped for its class name.

A class or id that says "sidebar", "widget", "promo", "related"… is a hint, not a verdict: sticky-sidebar plugins
wrap the main column in ``div.theiaStickySidebar``, page builders call every block a "widget", themes put
``right-sidebar`` on ``<body>``. A region is therefore never dropped, nor taken as furniture, **only because of
its name** when the page's structure says it holds the main text:

* it contains the **densest run of paragraphs** (the run of ``<p>``s with the most prose, measured on the markup
  before parsing; the highest-scoring paragraph container once the tree is built), or a good part of that run;
* it contains the **headline** (the first ``<h1>``) and prose after it.

The rule is applied in three places, with the same meaning:

* ``clean.drop_regions`` (before parsing) asks ``MarkupEvidence.holds_main_text`` about each class-matched region;
* the body stage never skips, by class name, an element in ``TreeEvidence.protected`` (the best paragraph
  container, its ancestors, and the headline's chain up to their common ancestor);
* the metadata stage's layout context (``metadata._context``) does not take a class-matched ancestor as an
  exclusion when ``main_text_ids(soup)`` holds it (``<body class="right-sidebar">``, ``#sidebar-wrapper`` around
  the article), so bylines and dates of the article are the article's.

Tag names (``<nav>``, ``<aside>``, ``<footer>``) and hidden elements are not names in this sense: they keep their
own rules.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

# --- before parsing: paragraphs located in the markup ----------------------------------------------------

_P_START = re.compile(r"<[pP][\s>]")
_H1_START = re.compile(r"<[hH]1[\s>]")
_P_END = re.compile(r"</[pP]\s*>|<(?:[pP]|div|DIV|ul|UL|ol|OL|table|TABLE|h[1-6]|H[1-6])[\s>]")
_TAG = re.compile(r"<[^<>]*>")
# Paragraph weight: characters of markup from <p> to its end, capped (a <br>-written story may be one <p>).
_P_WEIGHT_CAP = 4_000
# Two paragraphs are in one run when fewer characters of markup separate them (figures, ads and page-builder
# wrappers sit between a story's paragraphs; a rail or a footer is further away).
_RUN_GAP = 3_000
# A paragraph shorter than this (markup) is a teaser blurb or a label, not prose: it does not count for runs.
_P_MIN_WEIGHT = 60


@dataclass(frozen=True)
class MarkupEvidence:
    """Where the main text is in the markup: the densest run of paragraphs and the headline's position."""

    starts: tuple[int, ...] = ()  # prose paragraph starts, in order
    weights: tuple[int, ...] = ()  # their weights (prefix sums: cumulative[i] = weight of paragraphs < i)
    cumulative: tuple[int, ...] = (0,)
    run_start: int = -1  # offsets of the densest run (first paragraph start, last paragraph start)
    run_end: int = -1
    run_weight: int = 0
    headline: int = -1  # offset of the first <h1>, or -1

    def weight_between(self, start: int, end: int) -> int:
        """Prose paragraph weight of the markup span [start, end)."""
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        return self.cumulative[high] - self.cumulative[low]

    def holds_main_text(self, start: int, end: int) -> bool:
        """The region [start, end) holds the page's main text, whatever its class says.

        True when it holds at least a third of the densest run's prose, or the headline with prose after it.
        """
        if self.run_weight <= 0:
            return False
        if self.run_start < end and start <= self.run_end:
            inside = self.weight_between(max(start, self.run_start), min(end, self.run_end + 1))
            if inside * 3 >= self.run_weight and inside >= 2 * _P_MIN_WEIGHT:
                return True
        if start <= self.headline < end:
            after = self.weight_between(self.headline, end)
            return after >= 3 * _P_MIN_WEIGHT and after * 4 >= self.run_weight
        return False


def markup_evidence(html: str) -> MarkupEvidence:
    """Locate prose paragraphs and their densest run in ``html`` (linear: one regex pass and a short loop)."""
    starts: list[int] = []
    weights: list[int] = []
    length = len(html)
    for match in _P_START.finditer(html):
        start = match.start()
        end_match = _P_END.search(html, match.end(), min(length, match.end() + 4 * _P_WEIGHT_CAP))
        end = end_match.start() if end_match else min(length, start + _P_WEIGHT_CAP)
        weight = min(end - start, _P_WEIGHT_CAP)
        if weight >= _P_MIN_WEIGHT and _TAG.sub("", html[match.end() : end]).strip():
            starts.append(start)
            weights.append(weight)
    if not starts:
        return MarkupEvidence(headline=_headline(html))
    cumulative = [0]
    for weight in weights:
        cumulative.append(cumulative[-1] + weight)
    best = (0, -1, -1)
    run_first = 0
    for index in range(1, len(starts) + 1):
        if index == len(starts) or starts[index] - starts[index - 1] > _RUN_GAP + _P_WEIGHT_CAP:
            weight = cumulative[index] - cumulative[run_first]
            if weight > best[0]:
                best = (weight, run_first, index - 1)
            run_first = index
    weight, first, last = best
    return MarkupEvidence(
        starts=tuple(starts),
        weights=tuple(weights),
        cumulative=tuple(cumulative),
        run_start=starts[first],
        run_end=starts[last],
        run_weight=weight,
        headline=_headline(html),
    )


def _headline(html: str) -> int:
    match = _H1_START.search(html)
    return match.start() if match else -1


# --- on the tree -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TreeEvidence:
    """Elements that hold the main text (by id): never dropped nor excluded for their class name."""

    protected: frozenset[int] = frozenset()
    core: Tag | None = None  # the densest paragraph container
    headline: Tag | None = None


def tree_evidence(core: Tag | None, headline: Tag | None) -> TreeEvidence:
    """Protect ``core`` (the densest paragraph container), its ancestors, and the headline's chain up to them.

    The headline counts only when it sits in the same region as the core (their common ancestor is not the page
    body) and comes before it: a logo's ``<h1>`` in a rail protects nothing.
    """
    if core is None:
        return TreeEvidence()
    core_chain = [core, *_ancestors(core)]
    protected = {id(node) for node in core_chain}
    if headline is not None:
        chain: list[Tag] = []
        node: Tag | None = headline.parent if isinstance(headline.parent, Tag) else None
        while node is not None and id(node) not in protected:
            chain.append(node)
            parent = node.parent
            node = parent if isinstance(parent, Tag) and not isinstance(parent, BeautifulSoup) else None
        if node is not None and node.name not in ("body", "html") and _precedes(headline, core):
            protected.update(id(item) for item in chain)
            protected.add(id(headline))
    return TreeEvidence(protected=frozenset(protected), core=core, headline=headline)


def first_headline(root: Tag) -> Tag | None:
    """The first ``<h1>`` with words in it (a logo's empty ``<h1>`` is not a headline)."""
    for h1 in root.find_all("h1", limit=5):
        if any(type(child) is NavigableString and child.strip() for child in h1.descendants):
            return h1
    return None


def _ancestors(tag: Tag) -> list[Tag]:
    out: list[Tag] = []
    node = tag.parent
    while isinstance(node, Tag) and not isinstance(node, BeautifulSoup):
        out.append(node)
        node = node.parent
    return out


def _precedes(first: Tag, second: Tag) -> bool:
    """``first`` starts before ``second`` in document order (lxml's source line/position when available)."""
    a, b = first.sourceline, second.sourceline
    if a is not None and b is not None and a != b:
        return a < b
    a, b = first.sourcepos, second.sourcepos
    if a is not None and b is not None:
        return a <= b
    return True


_CACHE_ATTR = "_newsingest_main_text"


def remember(soup: BeautifulSoup, evidence: TreeEvidence) -> None:
    """Keep the page's evidence with its tree, for the metadata stage's layout context."""
    soup.__dict__[_CACHE_ATTR] = evidence


def main_text_ids(soup: BeautifulSoup | None) -> frozenset[int]:
    """Ids of the elements that hold the main text of ``soup`` (empty when the evidence was not computed)."""
    if soup is None:
        return frozenset()
    # soup.__dict__, not getattr: a missing attribute on a bs4 tree is a find() over the whole page
    evidence = soup.__dict__.get(_CACHE_ATTR)
    if evidence is None:
        # the body stage's scoring is the evidence
        from newsingest.extract.body import analyse  # noqa: PLC0415 (lazy: body imports layout, no cycle)
        from newsingest.extract.options import ExtractOptions  # noqa: PLC0415 (with the line above)

        evidence = analyse(soup, ExtractOptions()).evidence
    return evidence.protected if isinstance(evidence, TreeEvidence) else frozenset()
