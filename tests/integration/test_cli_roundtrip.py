"""enqueue → worker → query / get / stats, through the CLI against moto's server over HTTP."""

from __future__ import annotations

import csv
import gzip
import io
import json

from tests.integration.cli_fixtures import ARTICLE_PAGES, LISTING_PAGE, CliStack, Site, ingest_pages, run


def test_enqueue_worker_then_query_by_domain_lists_every_stored_article(cli_stack: CliStack, site: Site) -> None:
    # Given three article pages, a listing page and a 404 on the queue
    urls = [site.url(page) for page in ARTICLE_PAGES + (LISTING_PAGE, "gone.html")]
    enqueued = run("enqueue", *urls, *cli_stack.args)
    assert enqueued.exit_code == 0, enqueued.output
    assert "queued 5 URL(s)" in enqueued.output

    # When the worker drains the queue with the real handler
    worked = run("worker", "--until-empty", *cli_stack.args)

    # Then every message was processed, the total split by outcome, and the articles are listed by domain, newest
    # first
    assert worked.exit_code == 0, worked.output
    assert "5 message(s) received, 5 done (3 ok, 2 failed), 0 left for retry" in worked.output
    listed = run("query", "--domain", "127.0.0.1", "--json", "--limit", "0", *cli_stack.args)
    assert listed.exit_code == 0, listed.output
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {record["url"] for record in records if record["status"] == "ok"} == set(urls[:3])
    published = [record["published_at"] for record in records if record["status"] == "ok"]
    assert published == sorted(published, reverse=True)


def test_query_by_status_and_reason_shows_the_failures(cli_stack: CliStack, site: Site) -> None:
    # Given ingested pages including a listing page and a 404
    ingest_pages(cli_stack, site, ARTICLE_PAGES[:1] + (LISTING_PAGE, "gone.html"))

    # When failures are queried, all of them and one reason
    failed = run("query", "--status", "failed", *cli_stack.args)
    not_found = run("query", "--status", "failed", "--reason", "http_404", "--json", *cli_stack.args)

    # Then the table lists both reasons and the reason filter keeps only the 404
    assert failed.exit_code == 0, failed.output
    assert "no_article" in failed.stdout and "http_404" in failed.stdout
    assert failed.stdout.splitlines()[0].split()[:2] == ["FETCHED", "REASON"]
    rows = [json.loads(line) for line in not_found.stdout.splitlines()]
    assert [row["reason"] for row in rows] == ["http_404"]
    assert rows[0]["url"] == site.url("gone.html")


def test_query_by_url_csv_and_section_filter(cli_stack: CliStack, site: Site) -> None:
    # Given ingested articles
    ingest_pages(cli_stack, site, ARTICLE_PAGES)
    korea = site.url("koreatimes_esper.html")
    stored = cli_stack.repository()
    section = next(item.section for item in stored.scan() if item.url == korea)

    # When one URL is queried (spelled differently) as CSV, and the domain filtered by that article's section
    by_url = run("query", "--url", korea.replace("http://", "HTTP://") + "#top", "--csv", *cli_stack.args)
    by_section = run("query", "--domain", "127.0.0.1", "--section", (section or "").upper(), "--json",
                     *cli_stack.args)

    # Then the CSV has a header and that one record, and the section filter keeps only matching records
    assert by_url.exit_code == 0, by_url.output
    rows = list(csv.DictReader(io.StringIO(by_url.stdout)))
    assert [row["url"] for row in rows] == [korea]
    assert rows[0]["status"] == "ok" and int(rows[0]["word_count"]) > 100
    assert section, "the sample page has a section"
    sections = {json.loads(line)["section"] for line in by_section.stdout.splitlines()}
    assert sections == {section}


def test_query_limit_counts_rows(cli_stack: CliStack, site: Site) -> None:
    # Given three stored articles
    ingest_pages(cli_stack, site, ARTICLE_PAGES)

    # When asked for two
    limited = run("query", "--domain", "127.0.0.1", "--limit", "2", "--json", *cli_stack.args)

    # Then exactly two come back
    assert len(limited.stdout.splitlines()) == 2


def test_get_record_text_and_raw(cli_stack: CliStack, site: Site) -> None:
    # Given an ingested article
    ingest_pages(cli_stack, site, ARTICLE_PAGES[:1])
    url = site.url(ARTICLE_PAGES[0])
    item = next(iter(cli_stack.repository().scan()))

    # When the record, the text and the raw page are asked for, by URL and by article id
    record = run("get", url, *cli_stack.args)
    as_json = run("get", item.article_id, "--json", *cli_stack.args)
    text = run("get", url, "--text", *cli_stack.args)
    raw = run("get", item.article_id, "--raw", *cli_stack.args)

    # Then each shows what is stored
    assert record.exit_code == 0, record.output
    assert "article_id" in record.stdout and item.title in record.stdout
    assert json.loads(as_json.stdout)["content_sha256"] == item.content_sha256
    assert text.stdout.strip() and text.stdout.split()[0] in text.stdout
    assert len(text.stdout.split()) >= (item.word_count or 0) * 0.5
    from newsingest_tools.local.origin import sample_pages

    assert raw.stdout_bytes == sample_pages()[ARTICLE_PAGES[0]]


def test_get_unknown_url_and_text_of_a_failure_exit_1(cli_stack: CliStack, site: Site) -> None:
    # Given a 404 that was recorded
    ingest_pages(cli_stack, site, ("gone.html",))

    # When an unknown URL is asked for, and the text of the failed one
    unknown = run("get", "https://example.com/never", *cli_stack.args)
    no_text = run("get", site.url("gone.html"), "--text", *cli_stack.args)

    # Then both say why, on one line, with exit code 1
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: no record for https://example.com/never")
    assert no_text.exit_code == 1
    assert "has no stored text (status failed, reason http_404)" in no_text.stderr


def test_stats_counts_by_status_reason_and_domain(cli_stack: CliStack, site: Site) -> None:
    # Given three articles, a listing page, a 404 and a malformed message
    ingest_pages(cli_stack, site, ARTICLE_PAGES + (LISTING_PAGE, "gone.html"))
    sqs = cli_stack.client("sqs")
    sqs.send_message(QueueUrl=cli_stack.outputs.queue_url, MessageBody="not a url at all")
    assert run("worker", "--until-empty", *cli_stack.args).exit_code == 0

    # When stats are asked for, as a table and as JSON
    table = run("stats", *cli_stack.args)
    as_json = run("stats", "--json", *cli_stack.args)

    # Then the counts add up
    assert table.exit_code == 0, table.output
    assert "records: 6" in table.stdout
    counts = json.loads(as_json.stdout)
    assert counts["total"] == 6
    assert counts["by_status"] == {"failed": 3, "ok": 3}
    assert counts["by_reason"] == {"no_article": 1, "http_404": 1, "invalid_url": 1} or \
        sum(counts["by_reason"].values()) == 3
    assert counts["by_domain"]["127.0.0.1"]["ok"] == 3
    assert counts["by_domain"]["127.0.0.1"]["failed"] == 2


def test_the_stored_raw_page_is_gzip_of_the_page(cli_stack: CliStack, site: Site) -> None:
    # Given an ingested article
    ingest_pages(cli_stack, site, ARTICLE_PAGES[1:2])
    item = next(iter(cli_stack.repository().scan()))

    # When its raw object is read straight from S3
    body = cli_stack.client("s3").get_object(Bucket=cli_stack.outputs.bucket_name, Key=item.raw_key)["Body"].read()

    # Then `get --raw` returned the same page the object holds
    raw = run("get", item.article_id, "--raw", *cli_stack.args)
    assert gzip.decompress(body) == raw.stdout_bytes


def test_query_follows_pages_past_one_megabyte(cli_stack: CliStack) -> None:
    # Given 40 records of one domain, ~40 KB each (DynamoDB, and moto, stop a query page at 1 MB)
    from newsingest.storage import ArticleItem

    repository = cli_stack.repository()
    for number in range(40):
        repository.put_version(ArticleItem(
            article_id=f"{number:064x}", status="ok", fetched_at="2024-05-01T00:00:00Z", version=1,
            url=f"https://big.example/{number}", domain="big.example", title=f"Story {number}",
            published_at=f"2024-05-01T00:{number:02d}:00Z", description="x" * 40_000, word_count=10,
        ))

    # When all of them are queried, and a limit larger than one page
    everything = run("query", "--domain", "www.Big.Example", "--limit", "0", "--json", *cli_stack.args)
    thirty = run("query", "--domain", "big.example", "--limit", "30", "--csv", *cli_stack.args)

    # Then every page was read, newest first, and the limit counts rows
    assert everything.exit_code == 0, everything.output
    titles = [json.loads(line)["title"] for line in everything.stdout.splitlines()]
    assert titles == [f"Story {number}" for number in reversed(range(40))]
    assert len(list(csv.DictReader(io.StringIO(thirty.stdout)))) == 30


def test_enqueue_reports_messages_sqs_would_not_take(cli_stack: CliStack, monkeypatch) -> None:
    # Given an SQS that keeps refusing one entry even after the retries
    import newsingest_tools.enqueue

    monkeypatch.setattr(newsingest_tools.enqueue, "enqueue_urls",
                        lambda sqs, queue, urls, **kwargs: (len(urls) - 1, [(urls[-1], "InternalError: boom")]))

    # When two URLs are enqueued
    result = run("enqueue", "https://example.com/1", "https://example.com/2", *cli_stack.args)

    # Then the summary names the one not sent, and the exit code is 1 (partial failure)
    assert result.exit_code == 1
    assert "queued 1 URL(s)" in result.stdout
    assert "not sent after retries: 1\n  https://example.com/2: InternalError: boom" in result.stdout


def test_query_by_status_returns_full_records(cli_stack: CliStack, site: Site) -> None:
    # Given stored articles (the by-status index projects only a few attributes)
    ingest_pages(cli_stack, site, ARTICLE_PAGES[:2])

    # When queried by status as JSON and as a table
    as_json = run("query", "--status", "ok", "--json", *cli_stack.args)
    table = run("query", "--status", "ok", *cli_stack.args)

    # Then every record is complete, and the table shows words and sections
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(rows) == 2 and all(row["word_count"] > 50 and row["text_key"] for row in rows)
    assert all(str(row["word_count"]) in table.stdout for row in rows)


def test_quiet_worker_prints_no_metric_lines_and_still_splits_its_total(cli_stack: CliStack, site: Site) -> None:
    # Given one article enqueued twice over (the second time it is unchanged)
    url = site.url(ARTICLE_PAGES[0])
    assert run("enqueue", url, *cli_stack.args).exit_code == 0
    first = run("worker", "--until-empty", *cli_stack.args)
    assert run("enqueue", url, *cli_stack.args).exit_code == 0

    # When the worker runs with --quiet
    quiet = run("worker", "--until-empty", "--quiet", *cli_stack.args)

    # Then no EMF line (not even Powertools' cold-start metric) reaches the output, and the outcome is counted; the
    # loud run shows the EMF lines
    assert quiet.exit_code == 0, quiet.output
    assert '{"_aws"' not in quiet.output
    assert "1 message(s) received, 1 done (1 unchanged), 0 left for retry" in quiet.stdout
    assert '"MessagesProcessed"' in first.stdout and "(1 ok)" in first.stdout


def test_ctrl_c_exits_130(cli_stack: CliStack, monkeypatch) -> None:
    # Given a worker whose poll is interrupted (Ctrl-C)
    from newsingest_tools.local.esm import LocalEventSource

    def interrupted(self: LocalEventSource) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(LocalEventSource, "poll_once", interrupted)

    # When it runs, and when another command is interrupted
    worked = run("worker", *cli_stack.args)
    monkeypatch.setattr("newsingest.storage.ArticleRepository.by_status", lambda *a, **k: interrupted(None))
    queried = run("query", "--status", "ok", *cli_stack.args)

    # Then both exit 130, as a shell expects after Ctrl-C
    assert (worked.exit_code, queried.exit_code) == (130, 130)
    assert "interrupted" in worked.stderr and "interrupted" in queried.stderr
