"""newsingest reprocess: re-extraction from the stored raw HTML after an extractor change (no web fetch)."""

from __future__ import annotations

import dataclasses

import pytest

import newsingest.extract
from newsingest.extract import Article
from tests.integration.cli_fixtures import ARTICLE_PAGES, LISTING_PAGE, CliStack, Site, ingest_pages, run

NEW_VERSION = "newsingest-extract/99.0-test"


@pytest.fixture()
def better_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 'improved' extractor: the lighthouse story gains a sentence, the listing page now yields an article,
    the other pages come out exactly as before (only the version differs)."""
    original = newsingest.extract.extract_article

    def improved(html, url=None, **kwargs) -> Article:
        article = original(html, url, **kwargs)
        if url and url.endswith("coastline_lighthouse.html"):
            text = article.text + "\n\nA paragraph the old extractor missed."
            article = dataclasses.replace(article, text=text, word_count=article.word_count + 6)
        elif url and url.endswith(LISTING_PAGE):
            article = Article(text="The listing page, now read as an article with a long enough body.",
                              title="Coastline index", word_count=12)
        return dataclasses.replace(article, extractor_version=NEW_VERSION)

    monkeypatch.setattr(newsingest.extract, "extract_article", improved)


def test_reprocess_updates_changed_records_and_revives_no_article(cli_stack: CliStack, site: Site,
                                                                   request: pytest.FixtureRequest) -> None:
    # Given three articles and a listing page (no_article) ingested with the current extractor
    ingest_pages(cli_stack, site)
    before = {item.url: item for item in cli_stack.repository().scan()}
    assert before[site.url(LISTING_PAGE)].reason == "no_article"
    # and the site now gone: reprocessing must not fetch
    site.routes.clear()
    requests_before = len(site.requests)

    # When the extractor improves and reprocess runs
    request.getfixturevalue("better_extractor")
    result = run("reprocess", *cli_stack.args)

    # Then the changed article and the revived listing page are rewritten, the other two untouched
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == ("reprocess: 2 changed (1 no_article now ok), 2 unchanged, 0 failed, "
                                     "0 skipped (no stored page)")
    after = {item.url: item for item in cli_stack.repository().scan()}
    lighthouse = after[site.url("coastline_lighthouse.html")]
    assert lighthouse.version > before[lighthouse.url].version
    assert lighthouse.extractor_version == NEW_VERSION
    assert lighthouse.text_key != before[lighthouse.url].text_key
    assert lighthouse.fetched_at == before[lighthouse.url].fetched_at  # not re-fetched
    text = run("get", lighthouse.url, "--text", *cli_stack.args)
    assert text.stdout.rstrip().endswith("A paragraph the old extractor missed.")
    listing = after[site.url(LISTING_PAGE)]
    assert (listing.status, listing.reason, listing.title) == ("ok", None, "Coastline index")
    assert listing.published_at, "a revived page is listable by domain"
    unchanged = after[site.url(ARTICLE_PAGES[0])]
    assert unchanged.version == before[unchanged.url].version
    assert len(site.requests) == requests_before


def test_reprocess_is_idempotent(cli_stack: CliStack, site: Site, request: pytest.FixtureRequest) -> None:
    # Given the domain's pages reprocessed once with the improved extractor (the no_article page included)
    ingest_pages(cli_stack, site)
    request.getfixturevalue("better_extractor")
    first = run("reprocess", "--domain", "127.0.0.1", *cli_stack.args)
    assert first.exit_code == 0, first.output
    assert "2 changed (1 no_article now ok), 2 unchanged" in first.stdout
    versions = {item.article_id: item.version for item in cli_stack.repository().scan()}

    # When reprocess runs again
    again = run("reprocess", *cli_stack.args)

    # Then nothing changes
    assert again.exit_code == 0, again.output
    assert "0 changed, 4 unchanged, 0 failed" in again.stdout
    assert {item.article_id: item.version for item in cli_stack.repository().scan()} == versions


def test_reprocess_by_domain_dry_run_and_skips(cli_stack: CliStack, site: Site,
                                               request: pytest.FixtureRequest) -> None:
    # Given articles and a 404 (no stored page)
    ingest_pages(cli_stack, site, ARTICLE_PAGES + ("gone.html",))
    request.getfixturevalue("better_extractor")
    versions = {item.article_id: item.version for item in cli_stack.repository().scan()}

    # When a dry run reprocesses the table, one of the domain (whose index lists only dated records), another domain
    dry = run("reprocess", "--dry-run", *cli_stack.args)
    dry_domain = run("reprocess", "--domain", "127.0.0.1", "--dry-run", *cli_stack.args)
    other = run("reprocess", "--domain", "example.com", *cli_stack.args)
    future = run("reprocess", "--since", "2999-01-01", *cli_stack.args)

    # Then the dry run counts without writing; the 404 has no page to reprocess
    assert dry.exit_code == 0, dry.output
    assert "1 would change, 2 unchanged, 0 failed, 1 skipped" in dry.stdout
    assert "1 would change, 2 unchanged, 0 failed, 0 skipped" in dry_domain.stdout
    assert {item.article_id: item.version for item in cli_stack.repository().scan()} == versions
    assert "0 changed, 0 unchanged, 0 failed, 0 skipped" in other.stdout
    assert "0 changed, 0 unchanged, 0 failed, 0 skipped" in future.stdout


def test_an_extractor_that_loses_the_article_keeps_the_stored_one(cli_stack: CliStack, site: Site,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a stored article
    ingest_pages(cli_stack, site, ARTICLE_PAGES[:1])
    before = next(iter(cli_stack.repository().scan()))

    # When a broken extractor finds nothing in its page
    monkeypatch.setattr(newsingest.extract, "extract_article", lambda html, url=None, **kwargs: Article())
    result = run("reprocess", *cli_stack.args)

    # Then it is counted failed (exit 1) and the stored record is kept
    assert result.exit_code == 1
    assert "0 changed, 0 unchanged, 1 failed" in result.stdout
    assert "the current extractor finds no article" in result.stderr
    assert next(iter(cli_stack.repository().scan())) == before
