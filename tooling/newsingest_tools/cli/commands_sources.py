"""``newsingest sources``: the feeds and sitemaps the scheduled poll keeps current.

add / list / remove / import edit the sources table; ``poll`` runs the poll function's own code
(``newsingest.poll.poll_sources``) from here, against the same table and queue.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import Any

import click

from newsingest_tools.cli.commands_queue import _epilog
from newsingest_tools.cli.errors import EXIT_PARTIAL, CliError, usage_error
from newsingest_tools.cli.output import render_table, terminal_width, write_json_lines
from newsingest_tools.cli.resources import Resources, aws_options, cli_fetcher, fetch_failures_reported_here

_EVERY_HELP = "Poll at least this often (15m, 2h, 1d; 5m..1d). The poll shortens it for busy feeds."


def _store(resources: Resources) -> Any:
    from newsingest.storage.sources import SourceStore

    return SourceStore(resources.clients.dynamodb, resources.sources_table_name)


def _every(text: str) -> int:
    from newsingest.sources import parse_duration

    try:
        return parse_duration(text)
    except ValueError as error:
        raise usage_error(f"--every: {error}") from None


def _normalized(url: str) -> str:
    from newsingest.urls import InvalidUrl, normalize_url

    try:
        return normalize_url(url)
    except InvalidUrl as error:
        raise usage_error(f"{url!r} is not a feed URL: {error}") from None


@click.group(epilog=_epilog(
    "newsingest sources add https://example.com/rss.xml --every 15m --stack newsingest",
    "newsingest sources import subscriptions.opml --stack newsingest",
    "newsingest sources list --stack newsingest",
    "newsingest sources poll --now --stack newsingest",
    "newsingest sources remove https://example.com/rss.xml --stack newsingest",
))
def sources() -> None:
    """The feeds and sitemaps polled on a schedule (RSS, Atom, RDF, sitemaps, sitemap indexes, Google News).

    The PollFunction runs every few minutes (PollScheduleRate), polls the sources that are due and enqueues the
    article URLs it has not enqueued before. Each source has its own interval: at most --every, shorter while it
    publishes often, never shorter than the feed's <ttl>/sy:updatePeriod asks. Sources that fail (404, not a feed,
    blocked address, robots.txt) are backed off: an hour, doubling up to a week.
    """


# ------------------------------------------------------------------------------------------------- add

@sources.command(epilog=_epilog("newsingest sources add https://example.com/rss.xml --stack newsingest",
                                "newsingest sources add https://a.example/feed https://b.example/sitemap.xml"
                                " --every 1h"))
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--every", default="15m", show_default=True, metavar="DURATION", help=_EVERY_HELP)
@aws_options(sources=True)
def add(urls: tuple[str, ...], every: str, resources: Resources) -> None:
    """Add feeds or sitemaps; each is polled at once by the next poll, then at its interval."""
    every_s = _every(every)
    normalized = [_normalized(url) for url in urls]
    added, existing = _add_all(resources, normalized, every_s)
    from newsingest.sources import format_duration

    for url in added:
        click.echo(f"added {url} (every {format_duration(every_s)}, due now)")
    for url in existing:
        click.echo(f"already a source: {url} (unchanged)")


def _add_all(resources: Resources, urls: list[str], every_s: int) -> tuple[list[str], list[str]]:
    from newsingest.poll import new_source

    store = _store(resources)
    now = int(time.time())
    added, existing = [], []
    for url in dict.fromkeys(urls):
        (added if store.add(new_source(url, every_s, now)) else existing).append(url)
    return added, existing


# ------------------------------------------------------------------------------------------------- import

@sources.command("import", epilog=_epilog("newsingest sources import subscriptions.opml --stack newsingest",
                                          "newsingest sources import feeds.txt --every 30m"))
@click.argument("file", type=click.File("rb"), metavar="FILE")
@click.option("--every", default="15m", show_default=True, metavar="DURATION", help=_EVERY_HELP)
@aws_options(sources=True)
def import_(file: Any, every: str, resources: Resources) -> None:
    """Add every feed of an OPML file (<outline xmlUrl>) or of a list (one URL a line, # comments)."""
    from newsingest.sources import read_source_list
    from newsingest.urls import InvalidUrl, normalize_url

    every_s = _every(every)
    try:
        listed = read_source_list(file.read())
    except ValueError as error:
        raise usage_error(f"{file.name}: {error}", "give an OPML file or a text file with one URL a line") from None
    valid, invalid = [], []
    for url in listed:
        try:
            valid.append(normalize_url(url))
        except InvalidUrl as error:
            invalid.append((url, str(error)))
    added, existing = _add_all(resources, valid, every_s) if valid else ([], [])
    click.echo(f"added {len(added)} source(s), {len(existing)} already there, {len(invalid)} invalid")
    for url, why in invalid[:20]:
        click.echo(f"  invalid: {url[:200]}: {why}")
    if invalid:
        sys.exit(EXIT_PARTIAL)


# ------------------------------------------------------------------------------------------------- list

@sources.command("list", epilog=_epilog("newsingest sources list --stack newsingest",
                                        "newsingest sources list --json | jq 'select(.last_status == \"failed\")'"))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line (every stored attribute).")
@aws_options(sources=True)
def list_(as_json: bool, resources: Resources) -> None:
    """List the sources with their kind, interval, last status and next poll."""
    from dataclasses import asdict

    found = _store(resources).all()
    if as_json:
        write_json_lines(({"id": source.id, **asdict(source), "next_poll": _iso(source.next_poll_at),
                           "last_polled": _iso(source.last_polled_at)} for source in found), sys.stdout)
        return
    if not found:
        click.echo("no sources (add one with `newsingest sources add URL`)")
        return
    from newsingest.sources import format_duration

    rows = [(source.url, source.kind or "-", format_duration(source.interval_s), source.last_status,
             source.last_error or "", _iso(source.next_poll_at), source.found, source.enqueued) for source in found]
    click.echo(render_table(rows, ("url", "kind", "interval", "last status", "last error", "next poll", "found",
                                   "enqueued"), width=terminal_width(sys.stdout)))


def _iso(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat().replace("+00:00", "Z")


# ------------------------------------------------------------------------------------------------- remove

@sources.command(epilog=_epilog("newsingest sources remove https://example.com/rss.xml --stack newsingest"))
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@aws_options(sources=True)
def remove(urls: tuple[str, ...], resources: Resources) -> None:
    """Stop polling these sources (the URLs they enqueued stay remembered until they expire)."""
    store = _store(resources)
    missing = []
    for url in (_normalized(url) for url in urls):
        if store.remove(url):
            click.echo(f"removed {url}")
        else:
            missing.append(url)
    if missing:
        raise CliError(f"no such source: {', '.join(missing)}", "see `newsingest sources list`")


# ------------------------------------------------------------------------------------------------- poll

@sources.command(epilog=_epilog("newsingest sources poll --stack newsingest",
                                "newsingest sources poll --now --allow-host 127.0.0.1:8000 --endpoint-url "
                                "http://127.0.0.1:5000"))
@click.option("--now", "everything_now", is_flag=True, help="Poll every source now, due or not.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST:PORT",
              help="Also allow fetching this non-public host:port (local test servers). Repeatable.")
@aws_options(queue=True, sources=True)
def poll(everything_now: bool, allow_hosts: tuple[str, ...], resources: Resources) -> None:
    """Run one poll here, with the poll function's code: fetch the due sources and enqueue their new URLs."""
    from newsingest.poll import PollContext, poll_sources

    store = _store(resources)
    now = int(time.time())
    if everything_now:
        for source in store.all():
            store.set_due(source.url, now)
    fetcher = cli_fetcher(allow_hosts)
    context = PollContext(store=store, fetcher=fetcher, sqs=resources.clients.sqs, queue_url=resources.queue_url)
    with fetch_failures_reported_here():
        report = poll_sources(context)
    fetcher.close()
    for result in report.results:
        detail = result.error if result.error else f"{result.found} found, {result.enqueued} new"
        click.echo(f"{result.status:<12} {result.url}  {detail}")
    totals = report.summary()
    click.echo(f"polled {totals['polled']} source(s): {totals['ok']} ok, {totals['not_modified']} unchanged, "
               f"{totals['failed']} failed; {totals['enqueued']} URL(s) enqueued"
               + (f"; {totals['left_due']} left due" if totals["left_due"] else "")
               + (f"; {totals['skipped']} skipped (another poll is running)" if totals["skipped"] else ""))
    if totals["failed"]:
        sys.exit(EXIT_PARTIAL)
