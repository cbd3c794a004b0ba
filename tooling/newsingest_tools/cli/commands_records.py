"""Commands that read (and re-derive) what was ingested: query, get, stats, reprocess, extract."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from itertools import islice
from typing import Any

import click

from newsingest_tools.cli.commands_queue import _epilog, progress_wanted
from newsingest_tools.cli.errors import EXIT_PARTIAL, CliError, usage_error
from newsingest_tools.cli.output import render_pairs, render_table, terminal_width, write_csv, write_json_lines
from newsingest_tools.cli.resources import (
    Resources,
    aws_options,
    cli_fetcher,
    fetch_error,
    fetch_failures_reported_here,
)

CSV_FIELDS = ("article_id", "status", "reason", "url", "domain", "title", "authors", "published_at", "section",
              "source", "language", "word_count", "fetched_at", "detail", "text_key", "raw_key")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
_ARTICLE_ID = re.compile(r"^([0-9a-f]{64}|msg-[0-9a-f]{64})$")


# ------------------------------------------------------------------------------------------------- query

@click.command(epilog=_epilog(
    "newsingest query --domain koreatimes.co.kr --since 2024-05-01 --until 2024-05-31 --stack newsingest",
    "newsingest query --status failed --reason http_404 --json --stack newsingest | jq .url",
    "newsingest query --url https://example.com/news/a.html --table articles",
    "newsingest query --domain example.com --section Business --limit 0 --csv > business.csv",
))
@click.option("--domain", metavar="DOMAIN", help="Articles of one site (by-domain index), newest first.")
@click.option("--status", type=click.Choice(["ok", "failed"]), help="Records of one status, newest attempt first "
                                                                   "(failed: the sparse by-status index; ok: a scan).")
@click.option("--url", metavar="URL", help="The record of one URL (normalized as the pipeline does).")
@click.option("--since", metavar="DATE", help="--domain: published at or after; --status: fetched at or after.")
@click.option("--until", metavar="DATE", help="--domain: published at or before (a date includes that whole day).")
@click.option("--reason", metavar="REASON", help="--status failed: only this reason (http_404, no_article, …).")
@click.option("--section", metavar="SECTION", help="Only records of this section (case-insensitive).")
@click.option("--oldest-first", is_flag=True, help="--domain: oldest first instead of newest first.")
@click.option("--limit", type=click.IntRange(min=0), default=100, show_default=True, help="At most this many "
                                                                                          "rows (0: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line (every stored attribute).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@aws_options(table=True)
def query(domain: str | None, status: str | None, url: str | None, since: str | None, until: str | None,
          reason: str | None, section: str | None, oldest_first: bool, limit: int, as_json: bool, as_csv: bool,
          resources: Resources) -> None:
    """Query the article records: by domain and date range, by status and reason, or by URL.

    Results are read page by page (DynamoDB stops a page at 1 MB), so --limit counts rows, not pages. Output is
    an aligned table for people, or --json lines / --csv for pipes.
    """
    chosen = [name for name, value in (("--domain", domain), ("--status", status), ("--url", url)) if value]
    if len(chosen) != 1:
        raise usage_error("give exactly one of --domain, --status or --url",
                          "e.g. newsingest query --domain example.com")
    if as_json and as_csv:
        raise usage_error("--json and --csv are exclusive")
    for flag, value in (("--since", since), ("--until", until)):
        if value and not _DATE.match(value):
            raise usage_error(f"{flag} {value!r} is not a date", "use 2024-05-01 or 2024-05-01T12:00:00Z")
    if until and not domain:
        raise usage_error("--until applies to --domain only")
    if since and url:
        raise usage_error("--since applies to --domain and --status only")
    if reason and status != "failed":
        raise usage_error("--reason applies to --status failed only")
    repository = resources.repository()
    if domain:
        items: Iterable[Any] = repository.by_domain(_domain(domain), since=since, until=until,
                                                    newest_first=not oldest_first)
    elif status:
        items = repository.by_status(status, reason=reason, since=since)
        if status == "ok" or as_json or as_csv or section:
            # by-status projects only status, url, domain, title, reason, detail, http_status: read full records.
            items = _full_records(repository, items)
    else:
        items = _by_url(repository, url or "")
    if section:
        wanted = section.casefold()
        items = (item for item in items if (item.section or "").casefold() == wanted)
    rows = list(islice(items, limit or None))
    failures = status == "failed" or bool(rows) and all(item.status == "failed" for item in rows)
    _write_items(rows, as_json=as_json, as_csv=as_csv, failures=failures)


def _full_records(repository: Any, items: Iterable[Any]) -> Iterator[Any]:
    for item in items:
        yield repository.get(item.article_id) or item


def _domain(text: str) -> str:
    """Domains are stored lower-case without ``www.`` (``urls.domain_of``); accept them as users type them."""
    from newsingest.urls import InvalidUrl, domain_of, normalize_url

    candidate = text.strip()
    try:
        return domain_of(normalize_url(candidate if "://" in candidate else f"http://{candidate}/"))
    except InvalidUrl as error:
        raise usage_error(f"--domain {text!r}: {error}") from None


def _by_url(repository: Any, url: str) -> Iterator[Any]:
    from newsingest.urls import InvalidUrl, article_id, normalize_url

    try:
        normalized = normalize_url(url)
    except InvalidUrl as error:
        raise usage_error(f"--url {url!r}: {error}") from None
    item = repository.get(article_id(normalized))
    if item is not None:
        yield item


def _write_items(items: list[Any], *, as_json: bool, as_csv: bool, failures: bool) -> None:
    out = sys.stdout
    if as_json:
        write_json_lines((item.to_json() for item in items), out)
    elif as_csv:
        write_csv((item.to_json() for item in items), CSV_FIELDS, out)
    elif failures:
        click.echo(render_table([[item.fetched_at, item.reason, item.url or item.raw_body, item.detail]
                                 for item in items], ["fetched", "reason", "url / body", "detail"],
                                width=terminal_width(out)))
    else:
        click.echo(render_table(  # published_at whole: its offset is the publisher's local time
            [[item.published_at, item.status, item.word_count, item.section, item.title, item.url]
             for item in items],
            ["published", "status", "words", "section", "title", "url"], width=terminal_width(out),
        ))


# ------------------------------------------------------------------------------------------------- get

@click.command(epilog=_epilog(
    "newsingest get https://example.com/news/a.html --stack newsingest",
    "newsingest get 3f8a…(64 hex) --text --stack newsingest",
    "newsingest get https://example.com/news/a.html --raw --stack newsingest > page.html",
))
@click.argument("target", metavar="URL|ARTICLE_ID")
@click.option("--text", "show", flag_value="text", help="Print the cleaned text from S3.")
@click.option("--raw", "show", flag_value="raw", help="Write the raw HTML from S3 (gunzipped) to stdout.")
@click.option("--json", "as_json", is_flag=True, help="The record as one JSON object.")
@aws_options(table=True, bucket=True)
def get(target: str, show: str | None, as_json: bool, resources: Resources) -> None:
    """Show one record, its cleaned text (--text) or its raw HTML (--raw)."""
    from newsingest.urls import InvalidUrl, article_id, normalize_url

    if _ARTICLE_ID.match(target):
        key = target
    else:
        try:
            key = article_id(normalize_url(target))
        except InvalidUrl as error:
            raise usage_error(f"{target!r} is neither a URL nor an article id: {error}") from None
    item = resources.repository().get(key)
    if item is None:
        raise CliError(f"no record for {target} (article_id {key})", hint="check the URL, or list records with "
                                                                         "newsingest query")
    if show == "text":
        if not item.text_key:
            raise CliError(f"{target} has no stored text (status {item.status}"
                           + (f", reason {item.reason}" if item.reason else "") + ")")
        click.echo(resources.objects().get_text(item.text_key))
    elif show == "raw":
        if not item.raw_key:
            raise CliError(f"{target} has no stored page (status {item.status}"
                           + (f", reason {item.reason}" if item.reason else "") + ")")
        html, _content_type = resources.objects().get_raw(item.raw_key)
        stream = sys.stdout.buffer
        stream.write(html)
        stream.flush()
    elif as_json:
        click.echo(json.dumps(item.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_pairs(list(item.to_json().items())))


# ------------------------------------------------------------------------------------------------- stats


def _queue_stats(resources: Resources) -> dict[str, dict[str, Any]]:
    """The queue's and the DLQ's counters (and the DLQ's oldest message), for the queues that were given."""
    from newsingest.storage.queue import queue_depth
    from newsingest_tools.queues import oldest_age_seconds, peek

    found: dict[str, dict[str, Any]] = {}
    for name, attribute in (("queue", "queue_url"), ("dead_letter_queue", "dead_letter_queue_url")):
        try:
            url = getattr(resources, attribute)
        except CliError:  # not given: the record counts still stand on their own
            continue
        counts = queue_depth(resources.clients.sqs, url)
        entry: dict[str, Any] = {"url": url, **asdict(counts)}
        if name == "dead_letter_queue" and counts.visible:
            entry["oldest_age_seconds"] = oldest_age_seconds(peek(resources.clients.sqs, url, max_messages=100))
        found[name] = entry
    return found


def _duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{int(seconds)} s"


@click.command(epilog=_epilog("newsingest stats --stack newsingest", "newsingest stats --json --table articles"))
@click.option("--domains", "domain_limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Show the top N domains (0: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@aws_options(queue=True, dlq=True, table=True)
def stats(domain_limit: int, as_json: bool, resources: Resources) -> None:
    """Count the records by status, failure reason and domain (a full table scan), and the queues' depths.

    The queue and dead-letter queue lines need them given (--stack, or --queue-url / --dlq-url); the age of the
    DLQ's oldest message is read by peeking at it (nothing is moved).
    """
    from newsingest_tools.stats import collect_stats

    result = collect_stats(resources.repository().scan())
    queues = _queue_stats(resources)
    if as_json:
        click.echo(json.dumps(result.to_json(domain_limit=domain_limit or None) | queues, ensure_ascii=False))
        return
    for name, counts in queues.items():
        label = "queue" if name == "queue" else "dead-letter queue"
        line = (f"{label}: {counts['visible']} waiting, {counts['in_flight']} in flight, {counts['delayed']} delayed")
        if counts.get("oldest_age_seconds") is not None:
            line += f"; oldest {_duration(counts['oldest_age_seconds'])} old"
        click.echo(line)
    if queues:
        click.echo()
    click.echo(f"records: {result.total}\n")
    click.echo(render_table(sorted(result.by_status.items()), ["status", "count"]))
    click.echo()
    click.echo(render_table(result.by_reason.most_common(), ["reason", "count"]))
    click.echo()
    click.echo(render_table(
        [[domain, counts.total, counts.ok, counts.failed, counts.words, counts.latest_fetch]
         for domain, counts in result.top_domains(domain_limit or None)],
        ["domain", "records", "ok", "failed", "words", "last fetched"], width=terminal_width(sys.stdout),
    ))


# ------------------------------------------------------------------------------------------------- reprocess

@click.command(epilog=_epilog(
    "newsingest reprocess --stack newsingest",
    "newsingest reprocess --domain koreatimes.co.kr --since 2024-05-01 --stack newsingest",
    "newsingest reprocess --dry-run --stack newsingest",
))
@click.option("--domain", metavar="DOMAIN", help="Only this site's records (by-domain index).")
@click.option("--since", metavar="DATE", help="Only pages fetched at or after DATE (fetched_at).")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@aws_options(table=True, bucket=True)
def reprocess(domain: str | None, since: str | None, dry_run: bool, resources: Resources) -> None:
    """Re-extract stored pages with the current extractor; update text and records where they changed.

    Reads each record's gzipped raw HTML from S3 (no web fetch), extracts it again, and writes a new text object
    and record version only where the output differs. A no_article failure whose page now yields an article
    becomes ok. Idempotent: a second run reports everything unchanged.
    """
    from newsingest_tools import reprocess as library

    if since and not _DATE.match(since):
        raise usage_error(f"--since {since!r} is not a date", "use 2024-05-01 or 2024-05-01T12:00:00Z")
    repository = resources.repository()
    objects = resources.objects()
    items = list(library.candidates(repository, domain=_domain(domain) if domain else None, since=since))
    if progress_wanted(len(items)):
        with click.progressbar(length=len(items), label="reprocessing", file=sys.stderr) as bar:
            report = library.reprocess(items, objects, repository, dry_run=dry_run, progress=lambda _: bar.update(1))
    else:
        report = library.reprocess(items, objects, repository, dry_run=dry_run)
    verb = "would change" if dry_run else "changed"
    click.echo(f"reprocess: {report.changed} {verb}"
               + (f" ({report.revived} no_article now ok)" if report.revived else "")
               + f", {report.unchanged} unchanged, {report.failed} failed, {report.skipped} skipped (no stored page)")
    for where, why in report.failures[:20]:
        click.echo(f"  {where}: {why}", err=True)
    if report.failed:
        sys.exit(EXIT_PARTIAL)


# ------------------------------------------------------------------------------------------------- extract

@click.command(epilog=_epilog(
    "newsingest extract page.html",
    "newsingest extract https://www.koreatimes.co.kr/www/nation/2019/11/113_278833.html --json",
    "curl -s https://example.com/a.html | newsingest extract - --url https://example.com/a.html",
))
@click.argument("source", metavar="FILE|URL|-")
@click.option("--url", "base_url", metavar="URL", help="For a file: the URL it came from (resolves links, "
                                                       "canonical URL).")
@click.option("--json", "as_json", is_flag=True, help="The article as one JSON object (text included).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST:PORT",
              help="Let this non-public host:port be fetched (local servers; like FETCH_ALLOW_HOSTS).")
def extract(source: str, base_url: str | None, as_json: bool, allow_hosts: tuple[str, ...]) -> None:
    """Run the extractor alone on a file or a URL: no AWS needed.

    A URL is fetched through the same safe fetcher as the pipeline (public addresses only, size and time caps,
    robots.txt). Prints the metadata and the cleaned text, or --json. Exits 1 when no article is found.
    """
    from newsingest.extract import extract_article

    content_type = None
    if source.startswith(("http://", "https://")):
        from newsingest.outcomes import IngestFailure

        fetcher = cli_fetcher(allow_hosts)
        try:
            with fetch_failures_reported_here():
                page = fetcher.fetch(source)
        except IngestFailure as error:
            raise fetch_error(error, source) from None
        finally:
            fetcher.close()
        html, content_type, base_url = page.body, page.content_type, base_url or page.final_url
    elif source == "-":
        html = sys.stdin.buffer.read()
    else:
        try:
            with open(source, "rb") as handle:
                html = handle.read()
        except OSError as error:
            raise usage_error(f"cannot read {source}: {error.strerror}") from None
    article = extract_article(html, base_url, content_type=content_type)
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_pairs([
            ("title", article.title), ("authors", article.authors), ("published", article.published_at),
            ("modified", article.modified_at), ("section", article.section), ("source", article.source),
            ("language", article.language), ("canonical", article.canonical_url), ("words", article.word_count),
        ]))
        click.echo()
        click.echo(article.text)
    if article.is_empty:
        click.echo("error: no article body found in this page", err=True)
        sys.exit(EXIT_PARTIAL)
