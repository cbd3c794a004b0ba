"""The lean tree builder gives bs4's own tree; the pre-clean's blank-run drop keeps every rendered space."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from newsingest.extract import extract_article
from newsingest.extract.clean import drop_blank_runs, preclean
from newsingest.extract.soup import parse_html

PAGES = sorted(
    [*(Path(__file__).resolve().parent.parent / "fixtures" / "pages").glob("*.html"),
     *(Path(__file__).resolve().parents[2] / "tooling" / "newsingest_tools" / "local" / "pages").glob("*.html")]
)
NAMESPACED = (
    '<html xmlns:og="http://ogp.me/ns#"><body><svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>'
    '<p xml:lang="fr" data-x="1">Texte <b class="a b">gras</b></p></body></html>'
)


def _shape(soup: BeautifulSoup) -> list[tuple[str, tuple[tuple[str, str], ...], str | None]]:
    """Every node in document order: tag name and attributes, or the text of a string."""
    nodes: list[tuple[str, tuple[tuple[str, str], ...], str | None]] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            nodes.append((node.name, tuple(sorted((str(k), str(v)) for k, v in node.attrs.items())), None))
        else:
            nodes.append((type(node).__name__, (), str(node)))
    return nodes


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.name)
def test_the_lean_builder_builds_the_stock_lxml_tree(page: Path) -> None:
    # Given a fixture page, pre-cleaned as the extractor does
    markup = preclean(page.read_bytes().decode("utf-8", "replace"), max_tags=20_000)
    # When parsed by the lean builder and by bs4's stock "lxml" builder
    lean = parse_html(markup)
    stock = BeautifulSoup(markup, "lxml", multi_valued_attributes=None)
    # Then the two trees are the same, node for node
    assert _shape(lean) == _shape(stock)


def test_the_lean_builder_matches_bs4_with_namespaced_markup() -> None:
    assert _shape(parse_html(NAMESPACED)) == _shape(BeautifulSoup(NAMESPACED, "lxml", multi_valued_attributes=None))


def test_blank_runs_next_to_blocks_go_and_spaces_between_words_stay() -> None:
    # Given blank runs around blocks, between inline elements, after a ">" in text, and inside <pre>
    markup = (
        "<div>\n  <p>one <b>two</b> <i>three</i></p>\n  <p>four</p>\n</div> 5 > <b>six</b>"
        "<pre> <span>a</span>\n<span>b</span>\n<div>c</div></pre>"
    )
    # When the blank runs are dropped
    squeezed = drop_blank_runs(markup)
    # Then only those touching a block boundary outside <pre> are gone
    assert squeezed == (
        "<div><p>one <b>two</b> <i>three</i></p><p>four</p></div> 5 > <b>six</b>"
        "<pre> <span>a</span>\n<span>b</span>\n<div>c</div></pre>"
    )


def test_a_page_without_blank_runs_comes_back_as_it_was() -> None:
    markup = "<p>one <b>two</b></p>"
    assert drop_blank_runs(markup) is markup


def test_words_in_inline_runs_and_pre_tables_stay_apart_in_the_body() -> None:
    # Given a story whose last paragraph is a <pre> holding a table laid out with whitespace between the cells
    story = "".join(
        f"<p>Paragraph {n} of the story, long enough to count as the article's prose for the body stage.</p>\n"
        for n in range(6)
    )
    page = (
        f"<html><body><article><h1>Results</h1>\n{story}<p><a href='/a'>Alpha</a> <a href='/b'>Beta</a> and more"
        " words after the links so that the paragraph is prose.</p>\n"
        "<pre> <span><table><tr>  <td>Anna</td>  <td>53,09</td>  </tr></table></span></pre></article></body></html>"
    )
    # When extracted
    text = extract_article(page.encode("utf-8")).text
    # Then the linked words and the table cells are still separated by their whitespace
    assert "Alpha Beta and more" in text
    assert text.endswith("Anna  53,09")
