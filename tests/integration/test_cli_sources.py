"""newsingest sources: add, list, remove, import and poll on moto's server and a local site."""

from __future__ import annotations

import json

import pytest

from tests.integration.cli_fixtures import CliStack, Site, run

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")


def _rss(site: Site, *pages: str) -> str:
    items = "".join(f"<item><title>{page}</title><link>{site.url(page)}</link></item>" for page in pages)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>{items}</channel></rss>'


def test_add_list_poll_and_a_second_round_enqueues_only_new_stories(cli_stack: CliStack, site: Site) -> None:
    # Given a feed of two stories on the local site, added as a source
    feed = site.add("rss.xml", _rss(site, "a.html", "b.html"), "application/rss+xml")
    added = run("sources", "add", feed, "--every", "30m", *cli_stack.args)
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == f"added {feed} (every 30m, due now)"

    # When polled, Then both stories are queued
    first = run("sources", "poll", *cli_stack.args)
    assert first.exit_code == 0, first.output
    assert "2 URL(s) enqueued" in first.stdout
    assert sorted(json.loads(body)["url"] for body in cli_stack.bodies()) == [site.url("a.html"), site.url("b.html")]

    # When a story is added and every source is polled now
    site.add("rss.xml", _rss(site, "c.html", "a.html", "b.html"), "application/rss+xml")
    second = run("sources", "poll", "--now", *cli_stack.args)

    # Then only the new story is queued on top
    assert second.exit_code == 0, second.output
    assert "3 found, 1 new" in second.stdout
    assert sorted(json.loads(body)["url"] for body in cli_stack.bodies()) == [
        site.url("a.html"), site.url("b.html"), site.url("c.html")]

    # And list shows its kind, status and counters, as a table and as JSON
    listed = run("sources", "list", *cli_stack.args)
    assert listed.exit_code == 0 and feed in listed.stdout and "rss" in listed.stdout and "ok" in listed.stdout
    (record,) = [json.loads(line) for line in run("sources", "list", "--json", *cli_stack.args).stdout.splitlines()]
    assert (record["url"], record["kind"], record["last_status"], record["found"], record["enqueued"]) == (
        feed, "rss", "ok", 5, 3)
    assert record["every_s"] == 1800 and record["next_poll"].endswith("Z")


def test_a_source_that_fails_is_listed_with_its_reason_and_poll_exits_1(cli_stack: CliStack, site: Site) -> None:
    # Given a source whose URL answers 404
    run("sources", "add", site.url("missing.xml"), *cli_stack.args)
    # When polled, Then the poll reports it and exits 1, and list shows the reason
    result = run("sources", "poll", *cli_stack.args)
    assert result.exit_code == 1 and "http_404" in result.stdout
    (record,) = [json.loads(line) for line in run("sources", "list", "--json", *cli_stack.args).stdout.splitlines()]
    assert record["last_status"] == "failed" and record["last_error"].startswith("http_404")


def test_import_remove_and_mistakes(cli_stack: CliStack, site: Site, tmp_path) -> None:
    # Given an OPML file with two feeds and a list with one bad line
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
                    '<outline xmlUrl="https://a.example/rss"/><outline xmlUrl="https://b.example/atom"/>'
                    "</outline></body></opml>", encoding="utf-8")
    plain = tmp_path / "feeds.txt"
    plain.write_text("# feeds\nhttps://a.example/rss\nftp://nope.example/feed\n", encoding="utf-8")

    # When imported
    first = run("sources", "import", str(opml), *cli_stack.args)
    second = run("sources", "import", str(plain), *cli_stack.args)

    # Then the feeds are added once, and the bad line is reported with exit 1
    assert first.exit_code == 0 and first.stdout.startswith("added 2 source(s), 0 already there, 0 invalid")
    assert second.exit_code == 1 and "added 0 source(s), 1 already there, 1 invalid" in second.stdout
    assert "invalid: ftp://nope.example/feed" in second.stdout

    # When one is removed, and an unknown one too
    removed = run("sources", "remove", "https://a.example/rss", *cli_stack.args)
    unknown = run("sources", "remove", "https://zzz.example/rss", *cli_stack.args)

    # Then the first is gone and the unknown one is one error line, exit 1
    assert removed.exit_code == 0 and removed.stdout.strip() == "removed https://a.example/rss"
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == ("error: no such source: https://zzz.example/rss "
                                      "(hint: see `newsingest sources list`)")
    listed = [json.loads(line)["url"] for line in run("sources", "list", "--json", *cli_stack.args).stdout.splitlines()]
    assert listed == ["https://b.example/atom"]


@pytest.mark.parametrize(("args", "message"), [
    (("add", "https://a.example/rss", "--every", "1m"), "error: --every: '1m' is outside 5m..1d"),
    (("add", "not a url"), "error: 'not a url' is not a feed URL"),
])
def test_usage_errors_are_one_line_exit_2(cli_stack: CliStack, args: tuple[str, ...], message: str) -> None:
    result = run("sources", *args, *cli_stack.args)
    assert result.exit_code == 2 and result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_sources_table_given(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEWSINGEST_STACK", "NEWSINGEST_SOURCES_TABLE"):
        monkeypatch.delenv(name, raising=False)
    result = run("sources", "list", "--endpoint-url", moto_endpoint)
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: no sources table given (hint: pass --sources-table or --stack NAME, "
                                     "or set NEWSINGEST_SOURCES_TABLE)")
