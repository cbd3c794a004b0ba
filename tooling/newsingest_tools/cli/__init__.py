"""The ``newsingest`` command line: argument handling and output only; the work is done by the library.

``main`` is the click group (``newsingest = "newsingest_tools.cli:main"``). AWS errors raised anywhere in a command are
turned into one-line ``error: ... (hint: ...)`` messages with the documented exit codes (see ``cli.errors``).
"""

from __future__ import annotations

from typing import Any

import click

from newsingest_tools.cli.commands_local import local
from newsingest_tools.cli.commands_queue import demo, dlq, enqueue, redrive, worker
from newsingest_tools.cli.commands_records import extract, get, query, reprocess, stats
from newsingest_tools.cli.commands_sources import sources
from newsingest_tools.cli.errors import EXIT_CODES_HELP, EXIT_INTERRUPTED, translate_aws_error
from newsingest_tools.cli.resources import current_resources

__all__ = ["main"]


class NewsingestGroup(click.Group):
    """A group that reports AWS client errors as one-line errors instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError

        try:
            return super().invoke(ctx)
        except (BotoCoreError, ClientError, ResponseParserError) as error:
            raise translate_aws_error(error, current_resources()) from error
        except KeyboardInterrupt:  # click would print "Aborted!" and exit 1: a shell expects 130 after Ctrl-C
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order users need them, not alphabetical


@click.group(cls=NewsingestGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
             epilog="\b\nExamples:\n  newsingest demo\n  newsingest enqueue -f urls.txt --stack newsingest\n"
                    "  newsingest worker --stack newsingest --until-empty\n"
                    "  newsingest query --domain example.com --stack newsingest\n\n"
                    "Resources: --stack NAME (CloudFormation outputs), or --queue-url/--dlq-url/--table/--bucket, "
                    "or NEWSINGEST_QUEUE_URL, NEWSINGEST_DLQ_URL, ARTICLES_TABLE, ARTICLES_BUCKET. --endpoint-url "
                    "or AWS_ENDPOINT_URL points at moto's server.\n\n" + EXIT_CODES_HELP)
@click.version_option(package_name="newsingest")
def main() -> None:
    """newsingest: put news URLs on the queue, run and inspect the ingest, query what was stored."""


for _command in (enqueue, worker, query, get, extract, stats, redrive, dlq, reprocess, sources, demo, local):
    main.add_command(_command)
