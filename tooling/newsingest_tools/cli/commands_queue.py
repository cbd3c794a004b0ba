"""Commands that work the queue: enqueue, worker, redrive, demo."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from newsingest_tools.cli.errors import EXIT_CODES_HELP, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, CliError, usage_error
from newsingest_tools.cli.output import render_table, terminal_width, write_json_lines
from newsingest_tools.cli.resources import Resources, aws_options, cli_fetcher, fetch_failures_reported_here
from newsingest_tools.local.env import environment

PROGRESS_THRESHOLD = 50  # lists longer than this get a progress bar (on a terminal)
MAX_INVALID_SHOWN = 20  # invalid input lines listed one by one; the rest are counted


def progress_wanted(length: int) -> bool:
    # click prints a bar's label once even when stderr is no terminal: a stray line in logs and pipes.
    return length > PROGRESS_THRESHOLD and sys.stderr.isatty()


def _epilog(*examples: str) -> str:
    lines = ["\b", "Examples:"] + [f"  {example}" for example in examples]
    return "\n".join(lines) + "\n\n" + EXIT_CODES_HELP


# ------------------------------------------------------------------------------------------------- enqueue

@click.command(epilog=_epilog(
    "newsingest enqueue https://example.com/news/a.html https://example.com/news/b.html --stack newsingest",
    "newsingest enqueue -f urls.txt --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/articles",
    "cat urls.txt | newsingest enqueue - --stack newsingest",
    "newsingest enqueue --sitemap https://example.com/sitemap.xml --since 2024-05-01 --dry-run",
    "newsingest enqueue --feed https://example.com/rss.xml --force --stack newsingest",
))
@click.argument("urls", nargs=-1, metavar="[URL|-]...")
@click.option("-f", "--file", "files", multiple=True, type=click.File("r", encoding="utf-8", errors="replace"),
              help="Read URLs from FILE, one a line (blank lines and # comments skipped; - is stdin).")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
              help="Enqueue the pages of a sitemap (indexes followed, .xml.gz read). Repeatable.")
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="Enqueue the items of an RSS or Atom feed. "
                                                                     "Repeatable.")
@click.option("--since", metavar="DATE", help="Sitemaps/feeds: only entries dated (lastmod, pubDate, updated) at or "
                                              "after DATE, e.g. 2024-05-01 or 2024-05-01T12:00:00Z.")
@click.option("--force", is_flag=True, help="Re-ingest even when the page is unchanged.")
@click.option("--dry-run", is_flag=True, help="Validate and list the URLs; send nothing.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST:PORT",
              help="Let sitemaps/feeds be fetched from this non-public host:port (tests; like FETCH_ALLOW_HOSTS).")
@aws_options(queue=True)
def enqueue(urls: tuple[str, ...], files: tuple[Any, ...], sitemaps: tuple[str, ...], feeds: tuple[str, ...],
            since: str | None, force: bool, dry_run: bool, allow_hosts: tuple[str, ...],
            resources: Resources) -> None:
    """Put article URLs on the ingest queue.

    URLs come from arguments, files (-f), stdin (- as an argument or -f -), sitemaps and feeds. They are
    validated and normalized, duplicates are dropped, and they are sent with SendMessageBatch by 10 (entries
    SQS refuses for a passing reason are retried). A summary says how many were queued, how many duplicates
    were dropped, and every invalid line with its source, line number and reason.
    """
    from newsingest_tools.cli.inputs import plan_inputs

    arguments = [url for url in urls if url != "-"]
    sources: list[tuple[str, Any]] = []
    if "-" in urls:
        # As -f - reads it: UTF-8 with undecodable bytes replaced (sys.stdin is strict, so binary input would end
        # in a UnicodeDecodeError traceback instead of the one-line refusal in cli.inputs).
        sources.append(("stdin", io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8",
                                                  errors="replace")))
    sources += [(_file_name(handle), handle) for handle in files]
    if not (arguments or sources or sitemaps or feeds):
        raise usage_error("no URLs given", "pass URLs, -f FILE, - (stdin), --sitemap URL or --feed URL")
    since_date = None
    if since:
        if not (sitemaps or feeds):
            raise usage_error("--since applies to --sitemap and --feed only")
        since_date = _parse_since(since)
    fetch = None
    if sitemaps or feeds:
        from newsingest.feeds import fetcher_bytes

        fetch = fetcher_bytes(cli_fetcher(allow_hosts))
    with fetch_failures_reported_here():  # an unreadable sitemap/feed is listed in the summary ("could not read")
        plan = plan_inputs(arguments, sources, sitemaps=sitemaps, feeds=feeds, since=since_date, fetch=fetch)

    sent, failures = 0, []
    if dry_run:
        for url in plan.urls:
            click.echo(url)
    elif plan.urls:
        sent, failures = _send(resources, plan.urls, force=force)
    _print_enqueue_summary(plan, sent, failures, dry_run=dry_run, queue=None if dry_run else resources.last_queue_url)
    if plan.invalid or failures or plan.errors:
        sys.exit(EXIT_PARTIAL)


def _file_name(handle: Any) -> str:
    name = getattr(handle, "name", "file")
    return "stdin" if name in ("<stdin>", "-") else str(name)


def _parse_since(text: str) -> Any:
    from newsingest.feeds import parse_since

    try:
        return parse_since(text)
    except ValueError as error:
        raise usage_error(f"--since: {error}") from None


def _send(resources: Resources, urls: list[str], *, force: bool) -> tuple[int, list[tuple[str, str]]]:
    from newsingest_tools.enqueue import ClientSpec, enqueue_urls

    queue_url = resources.queue_url
    sqs = resources.clients.sqs

    def client_spec() -> ClientSpec:  # only for a list long enough to be sent from several processes
        return ClientSpec.of_session(resources.session, resources.endpoint_url)

    with _maybe_progress(len(urls), "enqueueing", show_pos=True) as progress:
        return enqueue_urls(sqs, queue_url, urls, force=force, progress=progress, client_spec=client_spec)


def _print_enqueue_summary(plan: Any, sent: int, failures: list[tuple[str, str]], *, dry_run: bool,
                           queue: str | None) -> None:
    echo = _summary_echo(dry_run)
    if plan.discovered or plan.skipped_old:
        echo(f"found {plan.discovered} URL(s) in sitemaps/feeds"
             + (f" ({plan.skipped_old} older than --since skipped)" if plan.skipped_old else ""))
    if dry_run:
        echo(f"would queue {len(plan.urls)} URL(s) (dry run: nothing sent)")
    else:
        echo(f"queued {sent} URL(s)" + (f" to {queue}" if queue else ""))
    echo(f"duplicates dropped: {plan.duplicates}")
    echo(f"invalid: {len(plan.invalid)}")
    for invalid in plan.invalid[:MAX_INVALID_SHOWN]:
        echo(f"  {invalid.describe()}")
    if len(plan.invalid) > MAX_INVALID_SHOWN:
        echo(f"  … and {len(plan.invalid) - MAX_INVALID_SHOWN} more invalid line(s)")
    for url, why in plan.errors:
        echo(f"could not read {url}: {why}")
    for warning in plan.warnings:
        echo(f"warning: {warning}")
    if failures:
        echo(f"not sent after retries: {len(failures)}")
        for body, error in failures[:20]:
            echo(f"  {body}: {error}")


def _summary_echo(dry_run: bool) -> Any:
    # In a dry run stdout carries the URL list (for pipes), so the summary goes to stderr.
    return (lambda line: click.echo(line, err=True)) if dry_run else click.echo


# ------------------------------------------------------------------------------------------------- worker

@click.command(epilog=_epilog(
    "newsingest worker --stack newsingest --until-empty --quiet",
    "newsingest worker --endpoint-url http://127.0.0.1:5000 --queue-url URL --table T --bucket B --max-batches 5",
    "newsingest worker --stack newsingest --until-empty --retry-visibility 0   # retries at once (tests)",
))
@click.option("--max-batches", type=click.IntRange(min=1), help="Stop after this many non-empty batches.")
@click.option("--until-empty", is_flag=True, help="Stop when a receive comes back empty.")
@click.option("--retry-visibility", type=click.IntRange(0, 43200), metavar="SECONDS",
              help="Make failed messages visible again after SECONDS instead of the queue's visibility timeout.")
@click.option("--wait-seconds", type=click.IntRange(0, 20), metavar="SECONDS",
              help="Long-poll wait per receive (default 20, or 0 with --until-empty).")
@click.option("--batch-size", type=click.IntRange(1, 10), default=10, show_default=True,
              help="Messages per invocation (the template's BatchSize is 10).")
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="template.yaml whose IngestFunction handler is run (default: found from here, or "
                   "NEWSINGEST_TEMPLATE).")
@click.option("-q", "--quiet", is_flag=True, help="Hide the handler's INFO logs and EMF metric lines (warnings "
                                                   "and errors still show).")
@aws_options(queue=True, table=True, bucket=True)
def worker(max_batches: int | None, until_empty: bool, retry_visibility: int | None, wait_seconds: int | None,
           batch_size: int, template_path: Path | None, quiet: bool, resources: Resources) -> None:
    """Run the local event-source mapping: poll a queue and call the real lambda_handler.

    Receives up to 10 messages, builds exactly the SQS event Lambda sends, calls IngestFunction's handler
    (loaded from template.yaml as `sam local invoke` would), deletes what succeeded and leaves the
    batchItemFailures to come back after their visibility timeout, so retries and the dead-letter queue behave
    as on AWS. Works against moto's server or a real queue. Stop it with Ctrl-C.
    """
    from newsingest.batch import reset_runtime
    from newsingest_tools.local.emf import outcome_summary, tap_stdout
    from newsingest_tools.local.esm import LocalEventSource, load_handler
    from newsingest_tools.local.stack import find_template

    queue_url = resources.queue_url
    function_env = {"ARTICLES_TABLE": resources.table_name, "ARTICLES_BUCKET": resources.bucket_name}
    if resources.endpoint_url:
        function_env["AWS_ENDPOINT_URL"] = resources.endpoint_url
    if resources.region:
        function_env["AWS_REGION"] = function_env["AWS_DEFAULT_REGION"] = resources.region
    if resources.profile:
        function_env["AWS_PROFILE"] = resources.profile
    try:
        template = template_path or find_template()
    except FileNotFoundError as error:
        raise usage_error(str(error), "pass --template PATH") from None
    wait = wait_seconds if wait_seconds is not None else (0 if until_empty else 20)
    totals = {"batches": 0, "received": 0, "succeeded": 0, "failed": 0, "handler_errors": 0}
    tap = tap_stdout(show_metrics=not quiet)  # the handler's EMF lines: counted by outcome, shown unless --quiet
    interrupted = False
    with environment(function_env), _handler_log_level("WARNING" if quiet else None):
        reset_runtime()  # the handler caches its runtime per process: make it read this environment
        try:
            handler = tap.wrap(load_handler(template))
            source = LocalEventSource(resources.clients.sqs, queue_url, handler, batch_size=batch_size,
                                      wait_seconds=wait, retry_visibility_seconds=retry_visibility,
                                      region=resources.clients.sqs.meta.region_name)
            _poll(source, totals, max_batches=max_batches, until_empty=until_empty)
        except KeyboardInterrupt:
            interrupted = True
            click.echo("interrupted", err=True)
        finally:
            reset_runtime()
    click.echo(f"worker: {totals['batches']} batch(es), {totals['received']} message(s) received, "
               f"{totals['succeeded']} done ({outcome_summary(tap.outcomes)}), {totals['failed']} left for retry"
               + (f", {totals['handler_errors']} handler error(s)" if totals["handler_errors"] else ""))
    if interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if totals["failed"] or totals["handler_errors"]:
        sys.exit(EXIT_PARTIAL)


def _poll(source: Any, totals: dict[str, int], *, max_batches: int | None, until_empty: bool) -> None:
    while max_batches is None or totals["batches"] < max_batches:
        report = source.poll_once()
        if report.received == 0:
            if until_empty:
                return
            continue
        totals["batches"] += 1
        totals["received"] += report.received
        totals["succeeded"] += report.succeeded
        totals["failed"] += report.failed
        totals["handler_errors"] += report.handler_error is not None
        line = (f"batch {totals['batches']}: {report.received} received, {report.succeeded} done, "
                f"{report.failed} left for retry")
        if report.handler_error:
            line += f" (handler error: {report.handler_error})"
        click.echo(line)


@contextmanager
def _handler_log_level(level: str | None) -> Iterator[None]:
    """Temporarily change the function's Powertools logger level (it is created once, at import)."""
    if level is None:
        yield
        return
    from newsingest.observability import logger

    previous = logger.log_level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(previous)


# ------------------------------------------------------------------------------------------------- redrive

@click.command(epilog=_epilog(
    "newsingest redrive --stack newsingest",
    "newsingest redrive --dlq-url URL --queue-url URL --method receive --max-messages 100",
))
@click.option("--method", type=click.Choice(["auto", "move-task", "receive"]), default="auto", show_default=True,
              help="move-task: SQS StartMessageMoveTask; receive: receive/send/delete; auto: the move task where "
                   "the endpoint supports it.")
@click.option("--max-messages", type=click.IntRange(min=1), help="Move at most this many (receive/send/delete).")
@click.option("--wait", is_flag=True, help="move-task: wait until the task has finished.")
@click.option("--wait-seconds", type=click.IntRange(0, 20), default=1, show_default=True,
              help="receive: long-poll wait per receive (an empty receive ends the run).")
@aws_options(queue=True, dlq=True)
def redrive(method: str, max_messages: int | None, wait: bool, wait_seconds: int, resources: Resources) -> None:
    """Move the dead-letter queue's messages back to the ingest queue.

    Uses SQS's message-move task where the endpoint supports it (asynchronous; counts are SQS's estimates), else
    receives, sends and deletes in batches of 10, deleting from the DLQ only what was sent.
    """
    from newsingest.storage.queue import queue_depth
    from newsingest_tools.redrive import MoveTaskUnsupported
    from newsingest_tools.redrive import redrive as run_redrive

    sqs = resources.clients.sqs
    dead_letter_queue_url = resources.dead_letter_queue_url
    queue_url = resources.queue_url
    resources.last_queue_url = dead_letter_queue_url
    waiting = queue_depth(sqs, dead_letter_queue_url).visible
    resources.last_queue_url = queue_url
    with _maybe_progress(waiting if method != "move-task" else 0, "redriving") as progress:
        try:
            report = run_redrive(sqs, dead_letter_queue_url, queue_url, method=method, max_messages=max_messages,
                                 wait=wait, wait_seconds=wait_seconds, progress=progress,
                                 task_sqs=resources.client("sqs", max_attempts=1))
        except MoveTaskUnsupported as error:
            raise usage_error(str(error), "use --method receive (or auto, which falls back by itself)") from error
    if report.method == "move-task":
        click.echo(f"redrive (message-move task {report.task_handle or ''}, {report.task_status or 'started'}): "
                   f"{report.moved} message(s) moved" + ("" if report.task_status == "COMPLETED" else " so far"))
    else:
        click.echo(f"redrive (receive/send/delete): {report.moved} message(s) moved, {report.failed} failed; "
                   f"{waiting} were waiting in {dead_letter_queue_url}")
    for error in report.errors[:20]:
        click.echo(f"  {error}", err=True)
    if not report.ok:
        sys.exit(EXIT_PARTIAL)


# ------------------------------------------------------------------------------------------------- dlq

@click.group(epilog=_epilog("newsingest dlq peek --stack newsingest", "newsingest dlq peek --max 50 --json"))
def dlq() -> None:
    """Look at the dead-letter queue (`redrive` moves its messages back)."""


@dlq.command(epilog=_epilog("newsingest dlq peek --stack newsingest",
                            "newsingest dlq peek --dlq-url URL --max 100 --json"))
@click.option("--max", "max_messages", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Show at most this many messages.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a message (body, attributes, receive count).")
@aws_options(dlq=True)
def peek(max_messages: int, as_json: bool, resources: Resources) -> None:
    """Show the dead-letter queue's messages, oldest first, without moving them.

    Each message read is hidden for a few seconds and made visible again at once, so a redrive right after still
    finds every one; its receive count goes up by one (a DLQ has no redrive policy, so nothing moves because of it).
    """
    import datetime as dt

    from newsingest_tools.queues import peek as peek_messages
    from newsingest_tools.queues import short_body

    sqs = resources.clients.sqs
    messages = peek_messages(sqs, resources.dead_letter_queue_url, max_messages=max_messages)
    if as_json:
        write_json_lines((message.to_json() for message in messages), sys.stdout)
        return
    now = dt.datetime.now(dt.UTC)
    click.echo(render_table(
        [[message.sent_at.isoformat(timespec="seconds") if message.sent_at else None,
          _age(message.age_seconds(now)), message.receive_count, short_body(message.body)] for message in messages],
        ["sent", "age", "receives", "body"], width=terminal_width(sys.stdout)))


def _age(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min {rest % 60} s"


@contextmanager
def _maybe_progress(length: int, label: str, *, show_pos: bool = False) -> Iterator[Any]:
    if not progress_wanted(length):
        yield None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr, show_pos=show_pos) as bar:
        yield bar.update


# ------------------------------------------------------------------------------------------------- demo

@click.command(epilog=_epilog("newsingest demo"))
def demo() -> None:
    """Run the whole flow on embedded moto, offline, with no AWS account (same as `make demo`).

    Starts moto's server, creates the stack from template.yaml, serves bundled sample pages on 127.0.0.1,
    enqueues them with a 404 and malformed messages, runs the local event-source loop with the real handler, and
    prints the stored articles, the failures with their reasons and an example query by domain.
    """
    from newsingest_tools.local.demo import run_demo

    result = run_demo(sys.stdout)
    if not (result.stored and result.failed):
        raise CliError("the demo stored no articles or recorded no failures; see the output above")
    sys.exit(EXIT_OK)
