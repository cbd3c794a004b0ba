"""The one options object passed down through extraction (trafilatura style)."""

from __future__ import annotations

from dataclasses import dataclass

# Bumped whenever extraction output can change, so stored articles say which extractor produced them.
EXTRACTOR_VERSION = "newsingest-extract/2.2"


@dataclass(frozen=True)
class ExtractOptions:
    """Tunables of one extraction. Defaults are the production values."""

    # Bytes of the page read at most: a hostile 50 MB page must not take the function's whole timeout. Generous,
    # because pages may open with megabytes of inline scripts (framework state) that the pre-clean strips cheaply.
    max_input_bytes: int = 10_000_000
    # Characters of markup handed to the parser at most, after the pre-clean (parsing is the expensive part).
    max_parse_chars: int = 2_000_000
    # Tags handed to the parser at most (after pre-cleaning): bounds parse time for 100,000 nested divs. Real
    # article pages have under 2,000 once cleaned (the benchmark's largest: 1,908); the region scan before the
    # parse is capped at four times this.
    max_tags: int = 10_000
    # A paragraph shorter than this does not vote for its container (readability's MIN_LEN).
    min_paragraph_chars: int = 25
    # A body shorter than this is no article (an error page, a stub).
    min_body_chars: int = 80
    # Near-top candidates (score >= 75% of the best) looked at for a shared ancestor (Mozilla Readability: 5).
    top_candidates: int = 5
    # Siblings of the best container join it when they score at least this share of its score.
    sibling_score_ratio: float = 0.2
    # Inside the article, a furniture-classed element is dropped only if it holds at most this share of the text
    # (wrappers with an unlucky class such as "main has-comments" are kept).
    boilerplate_max_share: float = 0.25
    # Inside the article, boxes and lists whose text is mostly links (related stories, tag clouds) are dropped.
    link_block_density: float = 0.5
    # A div/span/table with an image and less text than this is a figure (its text is a caption, not body).
    image_block_max_chars: int = 250
    # A paragraph whose text is at least this share link text is navigation written inline (tag lists).
    link_paragraph_density: float = 0.85
    # Paragraphs at most looked at for promotions after the story ("Subscribe...", "Follow us on...").
    max_trailing_promos: int = 4
    # Index pages: this many linked headlines in the "body" (and no more long paragraphs than headlines) means
    # the page is a list of teasers, not an article.
    listing_min_teasers: int = 4
