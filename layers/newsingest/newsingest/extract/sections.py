"""The article's section ("Politics", "Foreign Affairs", "Wirtschaft").

:func:`extract_section` — first plausible value of:

1. JSON-LD ``articleSection`` (its first item; a comma-separated string's first part);
2. meta section keys (``article:section``, ``parsely-section``, ``section``, ``category``, …);
3. microdata ``itemprop=articleSection``;
4. breadcrumbs: JSON-LD ``BreadcrumbList``, then HTML breadcrumb trails (class, ARIA label or microdata type):
   the last crumb that is not the headline, never "Home";
5. a short label just above the visible headline (a kicker): one whose class (or its parent's) says
   section/category/kicker/rubric/…, or, right above the headline, a lone link in its own block next to the
   headline ("Foreign Affairs" linked above a ``<div>`` headline). Dates, bylines, "… ago", the title, interface
   words and generic labels ("News", "Aktuelles") are not labels.

Page types ("post", "Article"), handles, domains and sentences are not sections.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4.element import Tag

from newsingest.extract import dates as d
from newsingest.extract import jsonld as j
from newsingest.extract import patterns as p
from newsingest.extract.page_scan import PageSources, class_and_id, clean_text, fold, short_text

_HOME = ("home", "homepage", "start", "main", "startseite", "accueil", "홈", "ホーム", "首页", "")


def extract_section(sources: PageSources, title: str | None) -> str | None:
    """The article's section (see the module docstring), or None. ``title``: the chosen title (not a crumb)."""
    value = sources.article.get("articleSection")
    candidates = [t.split(",")[0] if not isinstance(value, list) else t for t in j.text_values(value)]
    candidates += [*sources.meta_values(p.META_SECTION), *sources.itemprop_values("articlesection")]
    for text in candidates:
        section = clean_text(text)
        if section and plausible_section(section):
            return section
    crumbs = sources.ld.breadcrumbs or html_breadcrumbs(sources)
    return section_from_crumbs(crumbs, title) or kicker(sources)


def kicker(sources: PageSources) -> str | None:
    """A short section label printed just above the headline (see candidate 5 of the module docstring)."""
    lines = sources.header_lines()
    start = sources.headline_index(lines)
    if start <= 0:
        return None
    titles = {fold(value) for value in (sources.page.title_tag, *sources.meta_values(p.META_TITLE)) if value}
    nearest = True
    for printed, parent in reversed(lines[max(start - 3, 0) : start]):
        right_above, nearest = nearest, False
        text = printed.strip(" /|»›>·•-–—:")  # "/ Politics", "» Sport"
        if not text:
            continue
        if len(text) > p.SECTION_LABEL_MAX_CHARS or len(text.split()) > 4 or any(ch.isdigit() for ch in text):
            continue
        if not plausible_section(text) or fold(text) in _HOME or d.parse_date_to_iso(text) or "ago" in text.split() \
                or "last" in text.split() or fold(text) in titles or not text[:1].isalpha() \
                or text.casefold() in p.GENERIC_KICKERS:
            continue
        holders = [parent, parent.parent] if isinstance(parent.parent, Tag) else [parent]
        markers = [class_and_id(h.attrs) for h in holders if h.attrs]
        if any(p.BYLINE_CONTAINER.search(m) or p.DATE_CONTAINER.search(m) for m in markers):
            continue  # a byline or date line right above the headline is not a section label
        if not sources.usable(parent):
            continue
        if any(p.SECTION_LABEL.search(m) for m in markers):
            return text
        if right_above and sources.h1 is not None and _lone_link_beside(parent, printed, sources.h1) \
                and not text[:1].islower() and not text.endswith(("…", "...")):
            return text
    return None


def _lone_link_beside(parent: Tag, text: str, headline: Tag) -> bool:
    """``text`` is a whole link to a page of the site, alone in its block, and that block sits beside the
    headline (they share a parent or grandparent)."""
    link = parent if parent.name == "a" else parent.find_parent("a")
    if link is None or short_text(link, 80) != text:
        return False
    href = urlsplit(str(link.get("href") or "").strip())
    if not href.path.strip("/") or href.path.startswith("#") or href.scheme not in ("", "http", "https"):
        return False
    block: Tag = link
    while isinstance(block.parent, Tag) and short_text(block.parent, 80) == text:
        block = block.parent  # the wrappers holding nothing but the link
    if block.parent is None or block.parent.name == "p" and block.name == "a":
        return False  # a link inside a sentence
    around = {id(a) for a in (block.parent, block.parent.parent if block.parent is not None else None) if a}
    node: Tag | None = headline.parent
    for _ in range(4):
        if node is None:
            break
        if id(node) in around:
            return True
        node = node.parent
    return False


def html_breadcrumbs(sources: PageSources) -> list[str]:
    """Link texts of a breadcrumb trail: short (a class saying "breadcrumb" on a whole article is no trail)."""
    for el in [*sources.page.breadcrumbs, *sources.page.labelled_breadcrumbs]:
        if short_text(el, 300) is None or el.find_parent("footer") is not None:
            continue
        links = el.find_all("a", limit=12)
        items = [text for a in links if (text := short_text(a, 60))]
        if not items:
            items = [text for li in el.find_all("li", limit=12) if (text := short_text(li, 60))]
        items = [i for i in items if i not in (">", "›", "/", "»", "|")]
        if 0 < len(items) <= 8:
            return items
    return []


def plausible_section(value: str) -> bool:
    """Not a page type ("post", "Article"), a handle, a domain or a sentence."""
    if value.casefold() in p.NON_SECTIONS or value.startswith("@") or len(value) > 60:
        return False
    return not (" " not in value and "." in value.strip("."))


def section_from_crumbs(crumbs: list[str], title: str | None) -> str | None:
    names = [c for c in crumbs if fold(c) not in _HOME[:4] + ("",)]
    if title and names and (fold(names[-1]) == fold(title) or len(names[-1]) > 60):
        names = names[:-1]
    return names[-1] if names and plausible_section(names[-1]) else None
