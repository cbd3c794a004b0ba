"""The article's title and the site's name, and the element that prints the headline.

:func:`extract_title` — candidates, in precedence order:

1. JSON-LD ``headline`` of the article node (its ``name`` when it has no headline);
2. meta titles: ``og:title`` > ``twitter:title`` > parsely/sailthru/dc titles > ``title``/``headline`` metas;
3. the ``<title>`` element;
4. JSON-LD ``headline``/``name`` of the page node;
5. the visible headline (:func:`visible_headline`).

Site names are cut from either end of every candidate ("Headline - The Korea Times", "Site | Headline",
"Headline :: Site", "Headline - 서울일보"): a segment is the site's when it matches the site name (``og:site_name``,
JSON-LD ``publisher``, application-name metas, the domain), or when another candidate equals the rest of the title
(the segment repeated across titles), or, for a short trailing segment after a strong separator (``|``, ``::``,
``·``, ``»``), by shape. A candidate that is only the site's name is dropped.

The visible headline wins when a metadata title confirms it (same text, or a JSON-LD headline cut short with
"…"); otherwise the first remaining candidate wins, except that a JSON-LD headline sharing no word with the
``<title>``, the meta titles or the visible headline is dropped (a headline of another item, a template's
placeholder).

:func:`extract_site_name`: ``og:site_name`` > JSON-LD ``publisher.name`` (article node, then page node) >
application-name/publisher metas. Values that are URLs or handles are not names.
"""

from __future__ import annotations

import re
from itertools import pairwise
from urllib.parse import urlsplit

from bs4.element import Tag

from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.page_scan import PageSources, class_and_id, clean_text, fold, short_text

_MAX_HEADLINE_CHARS = 600
_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_STRONG_SEPARATORS = ("|", "||", "::", "·", "•", "»")


def extract_site_name(sources: PageSources) -> str | None:
    """The site's name (see the module docstring), or None."""
    for value in (
        sources.first_meta(("og:site_name",)),
        *_publisher_names(sources),
        sources.first_meta(p.META_SITE_NAME[1:]),
    ):
        if value and not value.startswith(("http://", "https://", "@")):
            return clean_text(value)
    return None


def site_names(sources: PageSources, site_name: str | None) -> list[str]:
    """Every name the site goes by on the page, the domain's main label last (``example`` for www.example.com)."""
    names = [site_name] if site_name else []
    names += [v for v in sources.meta_values(p.META_SITE_NAME) if v]
    names += [v for v in _publisher_names(sources) if v]
    names += sources.logo_names  # set by visible_headline: the site's name printed as its logo
    host = urlsplit(sources.url or sources.first_meta(("og:url",)) or "").hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "m", "com", "co", "net", "org", "news")]
    names = [n for n in names if n]
    names += labels[:1]  # the domain label is always last (extract_title and the author rules rely on it)
    return names


def _publisher_names(sources: PageSources) -> list[str]:
    out = []
    for node in (sources.article, sources.webpage):
        name = j.first_text(sources.ld.resolve(node.get("publisher")))
        if name:
            out.append(name)
    return out


def visible_headline(sources: PageSources, site_name: str | None = None) -> Tag | None:
    """The element printing the headline, first of:

    1. an ``<h1>`` inside the article (``<article>``, ``<main>``, article-like classes);
    2. an element a metadata title confirms (same text, or contained in it): an ``<h1>`` elsewhere, then an
       element marked as the headline (``itemprop=headline``, a class such as ``headline``/``entry-title``;
       inside the article first), then an ``<h2>``;
    3. an ``<h1>`` elsewhere;
    4. a headline-marked element (inside the article first).

    Never inside related lists, sidebars, navigation, comments or the masthead; never empty, never the site's
    name, never the site's logo (an ``<h1 class="logo">``, an ``<h1>`` that is one link to the home page: its
    text is recorded in ``sources.logo_names`` as a name of the site), never a wrapper holding its own
    ``<h1>``/``<h2>``.
    """
    page = sources.page
    sites = {fold(name).removeprefix("the") for name in site_names(sources, site_name)}

    def usable(el: Tag, limit: int = _MAX_HEADLINE_CHARS) -> tuple[str, str] | None:
        text = short_text(el, limit)
        if not text or not fold(text) or fold(text).removeprefix("the") in sites:
            return None
        if _is_logo(el):
            sources.logo_names.append(text)
            return None
        context = sources.context(el)
        return (text, context) if context != "excluded" else None

    h1s = [(el, found) for el in page.h1s if (found := usable(el))]
    for el, (_, context) in h1s:
        if context == "article":
            return el
    titles = _title_keys(sources)

    def confirmed(found: tuple[str, str]) -> bool:
        wanted = fold(found[0])
        return any(wanted == t or (len(wanted) >= 8 and wanted in t) for t in titles)

    marked = [(el, found) for el in page.marked_headlines
              if el.find(("h1", "h2")) is None and (found := usable(el, 300))]
    marked.sort(key=lambda item: item[1][1] != "article")  # inside the article first (a stable sort)
    h2s = [(el, found) for el in page.h2s if (found := usable(el, 300))]
    for el, found in (*h1s, *marked, *h2s):
        if confirmed(found):
            return el
    if h1s:
        return h1s[0][0]
    return marked[0][0] if marked else None


def _title_keys(sources: PageSources) -> list[str]:
    """Comparison keys of the metadata titles and of their runs of segments from either end ("Headline",
    "Headline - Section"): what confirms a visible headline."""
    keys = []
    for value in _metadata_titles(sources):
        parts = p.TITLE_SEPARATORS.split(value)
        seps = p.TITLE_SEPARATORS.findall(value)
        keys += [fold(_join(parts, seps, 0, end)) for end in range(1, len(parts) + 1)]
        keys += [fold(_join(parts, seps, start, len(parts))) for start in range(1, len(parts))]
    return [key for key in keys if key]


def _is_logo(el: Tag) -> bool:
    """The site's logo or name as a heading: marked so by its class (or its parent's), or a lone link home."""
    for node in (el, el.parent):
        if isinstance(node, Tag) and node.attrs and p.LOGO_CLASS.search(class_and_id(node.attrs)):
            return True
    links = el.find_all("a", limit=2)
    if len(links) != 1 or not links[0].get("href"):
        return False
    href = urlsplit(str(links[0].get("href")).strip())
    return href.path in ("", "/", "./") and not href.query and not href.fragment and bool(href.path or href.netloc)


def _metadata_titles(sources: PageSources) -> list[str]:
    """Raw title candidates 1-4 of the module docstring, cleaned, in precedence order."""
    article, webpage = sources.article, sources.webpage
    raw = [sources.ld_text("headline"), sources.ld_text("name") if not article.get("headline") else None]
    raw += list(sources.meta_values(p.META_TITLE))
    raw += [sources.page.title_tag, sources.ld_text("headline", webpage) or sources.ld_text("name", webpage)]
    return [value for value in (clean_text(v) for v in raw if v) if value]


def extract_title(sources: PageSources, site_name: str | None) -> str | None:
    """The article's title (see the module docstring), or None."""
    headline = clean_text(short_text(sources.h1, _MAX_HEADLINE_CHARS)) if sources.h1 is not None else None
    ld_headline = sources.ld_text("headline") or (sources.ld_text("name") if not sources.article.get("headline")
                                                  else None)
    candidates = _metadata_titles(sources)
    names = site_names(sources, site_name)
    # Only the chosen site name, the publisher and the domain: other "name" metas sometimes hold the headline.
    site_keys = {fold(n) for n in (site_name, *_publisher_names(sources), names[-1] if names else None) if n}
    references = [headline] if headline else []
    references += [value for value in candidates if not p.TITLE_SEPARATORS.search(value)]
    cleaned = [strip_site(value, names, references, 1 if headline else 0) for value in candidates]
    # A "title" that is just the site's name (home-page style og:title) says nothing about the article.
    cleaned = [value for value in cleaned if value and fold(value) not in site_keys]
    if headline and fold(headline) not in site_keys:
        wanted = fold(headline)
        for value in cleaned:
            folded = fold(value)
            if folded == wanted:
                # An <h1> is taken as printed; the parts of a <div>/<h2> headline are joined by guesswork
                # ("Kicker : Headline"), the metadata's own spelling is better.
                return headline if sources.h1 is not None and sources.h1.name == "h1" else value
            # JSON-LD headlines are cut at ~110 characters ("…"): a prefix still confirms the headline.
            if len(folded) > 20 and wanted.startswith(folded):
                return headline
    if ld_headline and cleaned:
        others = [v for v in (*sources.meta_values(p.META_TITLE), sources.page.title_tag, headline) if v]
        if others and not any(shares_a_word(ld_headline, other) for other in others):
            ld_cleaned = strip_site(clean_text(ld_headline) or "", names, references, 1 if headline else 0)
            cleaned = [value for value in cleaned if value != ld_cleaned]
    if cleaned:
        return cleaned[0]
    return headline if headline and fold(headline) not in site_keys else None


def shares_a_word(first: str, second: str) -> bool:
    """Whether two titles have a word in common (for CJK text: two characters in a row)."""
    return bool(_words(first) & _words(second))


def _words(text: str) -> set[str]:
    words = {w for w in _WORD.findall(text.casefold()) if len(w) >= 2 and not w.isdigit()}
    if _CJK.search(text):
        chars = [ch for ch in text if _CJK.match(ch)]
        words |= {a + b for a, b in pairwise(chars)}
    return words


def strip_site(title: str, site_names: list[str], references: list[str], first_title: int = 0) -> str:
    """``title`` without a site name at either end (see the module docstring).

    ``references``: the visible headline, then (from index ``first_title`` on) the titles without separators; a
    run of segments equal to the headline (and not to a site name) is the headline, and so is a run equal to
    another title when it has more words than the segments left over (the site's name is the short part).
    """
    parts = p.TITLE_SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    seps = p.TITLE_SEPARATORS.findall(title)
    folded_names = [f for f in (fold(n).removeprefix("the") for n in site_names) if len(f) >= 2]

    def is_site(segment: str) -> bool:
        folded = fold(segment).removeprefix("the")
        return bool(folded) and any(folded == n or (len(n) >= 4 and (n in folded or folded in n))
                                    for n in folded_names)

    for index, reference in enumerate(references):
        wanted = fold(reference)
        if not wanted or wanted == fold(title):
            continue
        for start in range(len(parts)):
            for end in range(len(parts), start, -1):
                if fold(_join(parts, seps, start, end)) != wanted:
                    continue
                if wanted.removeprefix("the") in folded_names:
                    break  # the reference is the site's name (a logo in an <h1>, a home-page og:title)
                rest = sum(len(part.split()) for part in parts[:start] + parts[end:])
                if index >= first_title and len(reference.split()) <= rest:
                    break  # another title as short as the rest may as well be the site's name ("Site AG")
                return _join(parts, seps, start, end)

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    while end - start > 1 and is_site(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)):
        # No known site name: cut a short trailing segment after a strong separator ("Headline | Site Name").
        strong = seps[-1].strip() in _STRONG_SEPARATORS
        last_words = len(parts[-1].split())
        if strong and last_words <= p.TITLE_MAX_SITE_WORDS and len(" ".join(parts[:-1]).split()) > last_words:
            end -= 1
    return _join(parts, seps, start, end)


def _join(parts: list[str], seps: list[str], start: int, end: int) -> str:
    out = parts[start]
    for index in range(start + 1, end):
        out += seps[index - 1] + parts[index]
    return out.strip()
