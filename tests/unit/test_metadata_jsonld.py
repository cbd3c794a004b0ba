"""JSON-LD reading: graphs, arrays, references, repair, and the choice of the article node."""

from __future__ import annotations

import bs4
import pytest

from newsingest.extract.jsonld import bool_value, parse_blocks, text_values, types_of
from newsingest.extract.metadata import extract_metadata
from newsingest.extract.options import ExtractOptions


def test_graph_members_and_references_are_indexed() -> None:
    # Given a Yoast-style graph linking the author by @id
    block = """{"@context":"https://schema.org","@graph":[
      {"@type":"Article","@id":"#a","headline":"H","author":{"@id":"#p"}},
      {"@type":"Person","@id":"#p","name":"Jane Doe"}]}"""
    # When
    graph = parse_blocks([block])
    # Then
    assert graph.article is not None and graph.article["headline"] == "H"
    assert graph.resolve(graph.article["author"]) == {"@type": "Person", "@id": "#p", "name": "Jane Doe"}


def test_types_are_lower_cased_and_url_prefixes_dropped() -> None:
    assert types_of({"@type": ["http://schema.org/NewsArticle", "Thing"]}) == {"newsarticle", "thing"}
    assert types_of({"@type": 5}) == set()


def test_breadcrumbs_follow_position_not_document_order() -> None:
    block = """{"@type":"BreadcrumbList","itemListElement":[
      {"@type":"ListItem","position":3,"item":{"@id":"/w/a","name":"Asia"}},
      {"@type":"ListItem","position":1,"name":"Home"},
      {"@type":"ListItem","position":2,"name":"World"}]}"""
    graph = parse_blocks([block])
    assert graph.breadcrumbs == ["Home", "World", "Asia"]


@pytest.mark.parametrize(("value", "expected"), [(False, False), ("False", False), ("http://schema.org/False", False),
                                                 ("true", True), ("yes", True), (None, None), ("maybe", None)])
def test_bool_values(value: object, expected: bool | None) -> None:
    assert bool_value(value) is expected


def test_text_values_from_strings_lists_and_objects() -> None:
    assert text_values(["a", {"name": "b"}, {"name": ["c", "d"]}, {"@value": "e"}, 7, None, " "]) == \
        ["a", "b", "c", "d", "e", "7"]


def test_richest_article_node_wins_without_urls() -> None:
    blocks = ['{"@type":"NewsArticle","headline":"Teaser"}',
              '{"@type":"NewsArticle","headline":"Main","articleBody":"Text","datePublished":"2019-11-22",'
              '"author":{"@type":"Person","name":"Jane Doe"}}']
    assert parse_blocks(blocks).article["headline"] == "Main"


def test_a_huge_block_is_skipped_not_parsed() -> None:
    block = '{"@type":"NewsArticle","headline":"H","pad":"' + "x" * 600_000 + '"}'
    assert parse_blocks([block]).article is None


def test_updated_time_element_is_modified_not_published() -> None:
    # Given an article header with "Updated" printed before a bare <time>
    html = """<html><body><article><h1>Headline</h1><p class="meta">Updated <time datetime="2019-11-23T09:00:00Z">
    Nov 23</time></p><p class="meta"><time datetime="2019-11-22T11:09:00Z">Nov 22</time></p></article></body></html>"""
    meta = extract_metadata(bs4.BeautifulSoup(html, "lxml"), None, ExtractOptions())
    assert (meta.published_at, meta.modified_at) == ("2019-11-22T11:09:00+00:00", "2019-11-23T09:00:00+00:00")
