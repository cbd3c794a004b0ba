"""``newsingest local up`` / ``down`` / ``status``: a local AWS endpoint (moto's server with the stack from
``template.yaml``, and the sample pages on a local origin) that the other commands can use, no AWS account needed.
The work is done by ``newsingest_tools.local.server``.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click

from newsingest_tools.cli.errors import CliError, usage_error

_STATE_HELP = ("Where the running endpoint is recorded "
               "(default $NEWSINGEST_LOCAL_STATE, else ~/.local/state/newsingest).")


def _epilog(*examples: str) -> str:
    from newsingest_tools.cli.commands_queue import _epilog as epilog

    return epilog(*examples)


@click.group(epilog=_epilog("newsingest local up", 'eval "$(newsingest local up --exports)"',
                            "newsingest local status", "newsingest local down"))
def local() -> None:
    """A local AWS endpoint for trying the CLI: moto's server with the stack from template.yaml."""


def _state_option(function: Any) -> Any:
    return click.option("--state-file", type=click.Path(dir_okay=False, path_type=Path), help=_STATE_HELP)(function)


@local.command(epilog=_epilog("newsingest local up", "newsingest local up --port 5000",
                              'eval "$(newsingest local up --exports)"'))
@click.option("--port", type=click.IntRange(0, 65535), default=5000, show_default=True,
              envvar="NEWSINGEST_LOCAL_PORT", help="moto's port on 127.0.0.1 (0: any free port; env "
                                                  "NEWSINGEST_LOCAL_PORT).")
@click.option("--stack", default=None, help="Stack name (default newsingest-local).")
@click.option("--exports", "exports_only", is_flag=True, help="Print only the export lines (for eval).")
@_state_option
def up(port: int, stack: str | None, exports_only: bool, state_file: Path | None) -> None:
    """Start moto's server on 127.0.0.1 with the stack from template.yaml, and the sample pages' origin.

    Runs in the background until `newsingest local down`; a second `up` prints the running one. Prints the
    endpoint, the queue, table and bucket, and the `export` lines that point the other commands at it.
    """
    from newsingest_tools.local.server import DEFAULT_LOCAL_STACK, LocalServerError, default_state_file, start

    try:
        endpoint, started = start(state_file or default_state_file(), port=port, stack=stack or DEFAULT_LOCAL_STACK)
    except LocalServerError as error:
        raise CliError(str(error), "is the port free? try --port 0") from None
    except OSError as error:
        raise usage_error(f"cannot start the local endpoint: {error}") from None
    exports = [f"export {name}={shlex.quote(value)}" for name, value in endpoint.environment().items()]
    if exports_only:
        click.echo("\n".join(exports))
        return
    click.echo(("started" if started else "already running") + f": moto's server at {endpoint.endpoint} "
               f"(pid {endpoint.pid}; `newsingest local down` stops it)")
    click.echo(f"  stack   {endpoint.stack}\n  queue   {endpoint.queue_url}\n  DLQ     {endpoint.dead_letter_queue_url}"
               f"\n  table   {endpoint.table_name}\n  bucket  {endpoint.bucket_name}\n  pages   {endpoint.origin}/"
               "koreatimes_esper.html (and coastline_lighthouse.html, badasinmun_whale.nocharset.html, "
               "coastline_index.html)")
    click.echo("\nUse it from this shell:")
    click.echo("\n".join(exports))


@local.command(epilog=_epilog("newsingest local down"))
@_state_option
def down(state_file: Path | None) -> None:
    """Stop the endpoint `newsingest local up` started (its data is gone with it)."""
    from newsingest_tools.local.server import default_state_file, stop

    stopped = stop(state_file or default_state_file())
    click.echo(f"stopped moto's server at {stopped.endpoint} (pid {stopped.pid})" if stopped
               else "no local endpoint is running")


@local.command(epilog=_epilog("newsingest local status"))
@_state_option
def status(state_file: Path | None) -> None:
    """Say whether a local endpoint is running, and where. Exit 1 when none is."""
    from newsingest_tools.local.server import default_state_file, read_state

    running = read_state(state_file or default_state_file())
    if running is None:
        raise CliError("no local endpoint is running", "start one with `newsingest local up`")
    click.echo(f"running: moto's server at {running.endpoint} (pid {running.pid}), stack {running.stack}")
