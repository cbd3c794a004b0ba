"""newsingest extract (no AWS), worker options, and demo."""

from __future__ import annotations

import json
import logging

import pytest

from newsingest_tools.local.origin import sample_pages
from tests.integration.cli_fixtures import ARTICLE_PAGES, LISTING_PAGE, CliStack, Site, run

KOREA = "koreatimes_esper.html"


@pytest.fixture()
def page_file(tmp_path):
    path = tmp_path / KOREA
    path.write_bytes(sample_pages()[KOREA])
    return path


def test_extract_a_file_prints_metadata_and_text(page_file) -> None:
    # Given a saved page, and no AWS at all
    # When extracted
    result = run("extract", str(page_file))

    # Then the metadata and the cleaned text are printed
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("title") and "Esper" in lines[0]
    assert any(line.startswith("published") and "2019-11-22" in line for line in lines)
    assert len(result.stdout.split()) > 300


def test_extract_json_from_stdin_with_url(page_file) -> None:
    result = run("extract", "-", "--json", "--url", "https://www.koreatimes.co.kr/www/nation/2019/11/113_278833.html",
                 input=page_file.read_bytes())
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert "Esper" in article["title"] and article["word_count"] > 300 and article["text"]


def test_extract_a_url_through_the_safe_fetcher(site: Site, monkeypatch, caplog) -> None:
    # Given a local site allowed with --allow-host, and not allowed
    monkeypatch.delenv("FETCH_ALLOW_HOSTS", raising=False)
    url = site.url("coastline_lighthouse.html")

    # When extracted
    allowed = run("extract", url, "--allow-host", site.host, "--json")
    with caplog.at_level("DEBUG", logger="newsingest"):
        refused = run("extract", url)
    # (the refusal is said once, by the command: the fetcher's WARNING line is held back, and only meanwhile)
    assert not [record for record in caplog.records if record.levelname == "WARNING"]
    assert logging.getLogger("newsingest.fetch").level == logging.NOTSET

    # Then the allowed one is fetched and extracted; the other is refused before connecting, with a hint
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["word_count"] > 50
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: could not fetch {url}: blocked_")
    assert "(hint: local test servers must be allowed with --allow-host HOST:PORT" in refused.stderr
    assert site.requests.count("/coastline_lighthouse.html") == 1


def test_extract_a_page_without_an_article_exits_1(tmp_path) -> None:
    path = tmp_path / LISTING_PAGE
    path.write_bytes(sample_pages()[LISTING_PAGE])
    result = run("extract", str(path))
    assert result.exit_code == 1
    assert "error: no article body found in this page" in result.stderr


def test_extract_a_missing_file_is_a_usage_error(tmp_path) -> None:
    result = run("extract", str(tmp_path / "nope.html"))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read")


def test_worker_max_batches_stops_after_that_many(cli_stack: CliStack, site: Site) -> None:
    # Given 12 messages (two batches of at most 10... here batches of 5)
    urls = [site.url(f"missing-{n}.html") for n in range(12)]
    assert run("enqueue", *urls, *cli_stack.args).exit_code == 0

    # When the worker runs two batches of five
    result = run("worker", "--max-batches", "2", "--batch-size", "5", "--wait-seconds", "0", *cli_stack.args)

    # Then ten are processed and two are left on the queue
    assert result.exit_code == 0, result.output
    assert "worker: 2 batch(es), 10 message(s) received, 10 done (10 failed), 0 left for retry" in result.stdout
    assert cli_stack.queue_depth() == 2


def test_worker_with_explicit_resources_and_env_queue(cli_stack: CliStack, site: Site, monkeypatch) -> None:
    # Given the queue in the environment and the table/bucket as flags (no stack)
    monkeypatch.setenv("NEWSINGEST_QUEUE_URL", cli_stack.outputs.queue_url)
    assert run("enqueue", site.url(ARTICLE_PAGES[0]), "--endpoint-url", cli_stack.endpoint).exit_code == 0

    # When the worker runs
    result = run("worker", "--until-empty", "--table", cli_stack.outputs.table_name, "--bucket",
                 cli_stack.outputs.bucket_name, "--endpoint-url", cli_stack.endpoint)

    # Then the article is stored
    assert result.exit_code == 0, result.output
    assert [item.status for item in cli_stack.repository().scan()] == ["ok"]


@pytest.mark.slow
def test_demo_runs_offline_and_prints_articles_and_failures() -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Stored articles (" in result.stdout and "http_404" in result.stdout and "no_article" in result.stdout
    # the function's EMF lines are counted by outcome, not printed (Powertools' cold-start line included)
    assert "7 done (3 ok, 4 failed)" in result.stdout
    assert '{"_aws"' not in result.output
