"""The BeautifulSoup tree of a pre-cleaned page, built by lxml through a leaner bs4 tree builder.

bs4's lxml builder is written for XML as well as HTML: for every start tag it copies the attributes twice and
resolves XML namespaces on the tag and each attribute name. lxml's HTML parser reports no namespaces, so for HTML
that work never changes the tree; skipping it makes the parse (the largest part of an extraction) about a seventh
faster. A tag that does come with a namespace map goes through bs4's own code. The tree is the one bs4's stock
``"lxml"`` builder gives (``tests/unit/test_extract_soup.py`` compares them node for node).
"""

from __future__ import annotations

import warnings
from typing import Any

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder


class HtmlTreeBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML builder without the per-tag XML namespace bookkeeping."""

    def start(self, tag: Any, attrib: Any, nsmap: Any = None) -> None:
        if nsmap:
            super().start(tag, attrib, nsmap)
            return
        soup: Any = self.soup
        soup.handle_starttag(
            tag, None, None, self.attribute_dict_class(attrib), namespaces=self.active_namespace_prefixes[-1]
        )

    def end(self, tag: Any) -> None:
        if len(self.nsmaps) > 1:  # inside an element that brought a namespace map: bs4 keeps that stack
            super().end(tag)
            return
        soup: Any = self.soup
        soup.endData()
        soup.handle_endtag(tag, None)


def parse_html(markup: str) -> BeautifulSoup:
    """The tree of ``markup``; ``class`` stays one string (we split it ourselves: no per-tag list building)."""
    with warnings.catch_warnings():
        # bs4 warns about markup that looks like a URL or a filename; pages are what they are.
        warnings.simplefilter("ignore")
        return BeautifulSoup(markup, builder=HtmlTreeBuilder(multi_valued_attributes=None))
