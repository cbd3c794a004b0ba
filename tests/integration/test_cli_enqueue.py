"""newsingest enqueue: arguments, files, stdin, sitemaps (indexes, .xml.gz, --since) and feeds, on moto's server."""

from __future__ import annotations

import json

import pytest

from tests.integration.cli_fixtures import CliStack, Site, gzipped, run, sitemap, sitemap_index


def test_urls_from_arguments_file_and_stdin_are_validated_deduplicated_and_queued(cli_stack: CliStack,
                                                                                  tmp_path) -> None:
    # Given URLs in arguments, a file with comments, blanks, duplicates and malformed lines, and stdin
    listing = tmp_path / "urls.txt"
    listing.write_text("# morning list\n"
                       "https://example.com/a?utm_source=x\n"
                       "\n"
                       "ftp://example.com/file\n"
                       "https://EXAMPLE.com/a#comments\n"
                       "https://example.com/b\n"
                       "not a url\n", encoding="utf-8")

    # When they are all enqueued
    result = run("enqueue", "https://example.com/c", "-", "-f", str(listing), *cli_stack.args,
                 input="https://example.com/b\nhttps://example.com/d\n")

    # Then the unique valid URLs are on the queue, normalized, and the summary names every bad line
    assert result.exit_code == 1, result.output  # partial: some lines were invalid
    assert sorted(cli_stack.bodies()) == ["https://example.com/a", "https://example.com/b", "https://example.com/c",
                                          "https://example.com/d"]
    assert "queued 4 URL(s)" in result.stdout
    assert "duplicates dropped: 2" in result.stdout
    assert "invalid: 2" in result.stdout
    assert f"{listing} line 4: 'ftp://example.com/file': scheme 'ftp' is not http or https" in result.stdout
    assert f"{listing} line 7: 'not a url'" in result.stdout


def test_all_valid_input_exits_0_and_force_sends_json_bodies(cli_stack: CliStack) -> None:
    # Given two valid URLs
    # When they are enqueued with --force
    result = run("enqueue", "https://example.com/x", "https://example.com/y", "--force", *cli_stack.args)

    # Then the bodies carry force (the message contract) and the exit code is 0
    assert result.exit_code == 0, result.output
    bodies = sorted(json.loads(body)["url"] for body in cli_stack.bodies())
    assert bodies == ["https://example.com/x", "https://example.com/y"]
    assert all(json.loads(body)["force"] is True for body in cli_stack.bodies())


def test_dry_run_lists_urls_and_sends_nothing(cli_stack: CliStack) -> None:
    # Given URLs with a duplicate
    # When enqueued with --dry-run
    result = run("enqueue", "https://example.com/a", "https://example.com/a/", "https://example.com/a",
                 "--dry-run", *cli_stack.args)

    # Then stdout lists the normalized URLs, stderr summarises, and the queue stays empty
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["https://example.com/a", "https://example.com/a/"]
    assert "would queue 2 URL(s)" in result.stderr
    assert cli_stack.queue_depth() == 0


def test_long_lists_are_sent_in_batches_with_a_progress_bar(cli_stack: CliStack) -> None:
    # Given 125 URLs on stdin (more than the progress threshold)
    urls = [f"https://example.com/story/{number}" for number in range(125)]

    # When enqueued
    result = run("enqueue", "-", *cli_stack.args, input="\n".join(urls))

    # Then all of them are queued (13 SendMessageBatch calls of at most 10), and no progress label is written
    # when stderr is no terminal (CliRunner's is not)
    assert result.exit_code == 0, result.output
    assert "queued 125 URL(s)" in result.stdout
    assert sorted(cli_stack.bodies()) == sorted(urls)
    assert "enqueueing" not in result.stderr


@pytest.mark.parametrize("payload", [
    bytes(range(256)) * 4000,  # 1 MB with NUL bytes
    bytes(b % 255 + 1 for b in range(1_000_000)),  # no NUL, but control characters and invalid UTF-8 throughout
])
def test_binary_stdin_is_refused_with_one_line(payload: bytes, cli_stack: CliStack) -> None:
    # When binary data is piped in as the URL list
    result = run("enqueue", "-", "--dry-run", *cli_stack.args, input=payload)

    # Then one line refuses it, exit code 2, and nothing is listed or sent
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: stdin looks binary (line ")
    assert result.stderr.strip().endswith(", not a list of URLs (hint: give a text file with one URL a line)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == "" and cli_stack.queue_depth() == 0


def test_many_invalid_lines_are_summarised(cli_stack: CliStack) -> None:
    # Given 500 invalid lines and one valid URL
    lines = [f"not a url {number}" for number in range(500)] + ["https://example.com/ok"]

    # When enqueued
    result = run("enqueue", "-", *cli_stack.args, input="\n".join(lines))

    # Then the first 20 are listed, the rest counted; the valid one is queued; exit code 1 (partial)
    assert result.exit_code == 1
    assert "invalid: 500" in result.stdout
    assert result.stdout.count("stdin line ") == 20
    assert "  … and 480 more invalid line(s)" in result.stdout
    assert cli_stack.bodies() == ["https://example.com/ok"]


def test_sitemap_index_with_gzip_child_and_since(cli_stack: CliStack, site: Site) -> None:
    # Given a sitemap index whose children are a plain sitemap, a .xml.gz one and an old one
    fresh = sitemap([(site.url("koreatimes_esper.html"), "2024-05-03T10:00:00+09:00"),
                     (site.url("old-story.html"), "2023-12-31"),
                     (site.url("undated.html"), None)])
    compressed = gzipped(sitemap([(site.url("coastline_lighthouse.html"), "2024-05-02")]))
    old = sitemap([(site.url("archive-1.html"), "2020-01-01")])
    site.add("sitemap-news.xml", fresh)
    site.add("sitemap-more.xml.gz", compressed, "application/gzip")
    site.add("sitemap-2020.xml", old)
    index = site.add("sitemap.xml", sitemap_index([(site.url("sitemap-news.xml"), "2024-05-03"),
                                                   (site.url("sitemap-more.xml.gz"), None),
                                                   (site.url("sitemap-2020.xml"), "2020-01-02")]))

    # When the index is enqueued with --since
    result = run("enqueue", "--sitemap", index, "--since", "2024-05-01", *cli_stack.args)

    # Then the recent and undated pages are queued; the old page and the old child sitemap are skipped unread
    assert result.exit_code == 0, result.output
    assert sorted(cli_stack.bodies()) == sorted([site.url("koreatimes_esper.html"), site.url("undated.html"),
                                                 site.url("coastline_lighthouse.html")])
    assert "found 3 URL(s) in sitemaps/feeds (2 older than --since skipped)" in result.stdout
    assert "/sitemap-2020.xml" not in site.requests


def test_sitemap_loop_is_cut_by_the_depth_cap(cli_stack: CliStack, site: Site) -> None:
    # Given sitemap indexes that point at each other forever, one level deeper each time
    for level in range(6):
        site.add(f"level-{level}.xml", sitemap_index([(site.url(f"level-{level + 1}.xml"), None)]))

    # When enqueued
    result = run("enqueue", "--sitemap", site.url("level-0.xml"), "--dry-run", *cli_stack.args)

    # Then it stops at the depth cap with a warning, having queued nothing
    assert result.exit_code == 0, result.output
    assert "deeper than 3 sitemap levels" in result.stderr
    assert site.requests.count("/level-4.xml") == 0


def test_rss_and_atom_feeds(cli_stack: CliStack, site: Site) -> None:
    # Given an RSS 2.0 feed and an Atom feed, one item older than --since
    rss = site.add("rss.xml", f"""<?xml version="1.0"?>
        <rss version="2.0"><channel><title>News</title>
          <item><title>A</title><link>{site.url('a.html')}</link>\
<pubDate>Fri, 03 May 2024 10:00:00 +0900</pubDate></item>
          <item><title>Old</title><link>{site.url('old.html')}</link>\
<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
          <item><title>Guid only</title><guid>{site.url('g.html')}</guid></item>
        </channel></rss>""", "application/rss+xml")
    atom = site.add("atom.xml", f"""<?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
          <entry><title>B</title><link rel="alternate" href="{site.url('b.html')}"/>
                 <link rel="enclosure" href="{site.url('b.mp3')}"/><updated>2024-05-04T00:00:00Z</updated></entry>
        </feed>""", "application/atom+xml")

    # When both are enqueued since May
    result = run("enqueue", "--feed", rss, "--feed", atom, "--since", "2024-05-01", *cli_stack.args)

    # Then the article links are queued and the old item skipped
    assert result.exit_code == 0, result.output
    assert sorted(cli_stack.bodies()) == sorted([site.url("a.html"), site.url("g.html"), site.url("b.html")])


def test_unreadable_feed_is_reported_and_exits_1(cli_stack: CliStack, site: Site) -> None:
    # Given a feed URL that answers 404 and one that is not XML
    site.add("broken.xml", "<rss><channel><item>", "application/rss+xml")

    # When enqueued
    result = run("enqueue", "--feed", site.url("missing.xml"), "--feed", site.url("broken.xml"), *cli_stack.args)

    # Then both are reported and nothing is queued
    assert result.exit_code == 1
    assert f"could not read {site.url('missing.xml')}: http_404" in result.stdout
    assert f"could not read {site.url('broken.xml')}: not well-formed XML" in result.stdout
    assert cli_stack.queue_depth() == 0


def test_feeds_are_fetched_through_the_safe_fetcher(cli_stack: CliStack, site: Site, monkeypatch) -> None:
    # Given a feed on a local address that is not allowed
    monkeypatch.delenv("FETCH_ALLOW_HOSTS")
    feed = site.add("rss.xml", "<rss version='2.0'><channel></channel></rss>", "application/rss+xml")

    # When enqueued
    result = run("enqueue", "--feed", feed, *cli_stack.args)

    # Then the fetcher refuses it before connecting
    assert result.exit_code == 1
    assert "blocked_" in result.stdout
    assert site.requests == []


def test_since_needs_a_sitemap_or_feed_and_a_date(cli_stack: CliStack) -> None:
    # When --since is given with plain URLs, or is not a date
    plain = run("enqueue", "https://example.com/a", "--since", "2024-05-01", *cli_stack.args)
    bad = run("enqueue", "--feed", "https://example.com/rss", "--since", "yesterday", *cli_stack.args)
    nothing = run("enqueue", *cli_stack.args)

    # Then these are usage errors (exit 2) with one line each
    assert (plain.exit_code, bad.exit_code, nothing.exit_code) == (2, 2, 2)
    assert plain.stderr.strip() == "error: --since applies to --sitemap and --feed only"
    assert "is not a date" in bad.stderr
    assert nothing.stderr.startswith("error: no URLs given (hint: pass URLs")
