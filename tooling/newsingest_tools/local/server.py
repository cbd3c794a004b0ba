"""A local AWS endpoint that outlives one command: moto's server with the stack from ``template.yaml``, and the
sample pages served from a local origin, for ``newsingest local up`` / ``down``.

``python -m newsingest_tools.local.server --port P --stack NAME --ready-fd FD`` runs in the foreground until SIGTERM or
SIGINT: it starts moto's server and the sample origin, creates the stack (``FetchAllowHosts`` set to the origin),
writes one JSON line describing the endpoint to file descriptor FD, closes it, and serves. ``start`` launches it
detached and reads that line (the child's own signal that it is ready: no polling), ``stop`` ends it.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NoReturn

from newsingest_tools.local.env import OFFLINE_CREDENTIALS, environment

DEFAULT_LOCAL_STACK = "newsingest-local"
READY_TIMEOUT_SECONDS = 120.0  # the offline SAM transform and moto's CloudFormation take a few seconds


@dataclass(frozen=True)
class LocalEndpoint:
    """What ``local up`` started: where it is and what the CLI needs to use it."""

    pid: int
    endpoint: str
    stack: str
    queue_url: str
    dead_letter_queue_url: str
    table_name: str
    bucket_name: str
    origin: str
    log_file: str = ""

    @property
    def origin_host(self) -> str:
        return self.origin.split("://", 1)[1]

    def environment(self) -> dict[str, str]:
        """The variables that point the CLI (and the worker's handler) at this endpoint."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            **{key: OFFLINE_CREDENTIALS[key] for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                                          "AWS_DEFAULT_REGION")},
            "NEWSINGEST_STACK": self.stack,
            "FETCH_ALLOW_HOSTS": self.origin_host,
        }

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> LocalEndpoint:
        return cls(**json.loads(text))


class LocalServerError(RuntimeError):
    """``start`` or ``stop`` could not do what was asked; the message says why."""


def default_state_file() -> Path:
    """Where ``up`` records the running endpoint: ``$NEWSINGEST_LOCAL_STATE``, else the user's state folder."""
    explicit = os.environ.get("NEWSINGEST_LOCAL_STATE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "newsingest" / "local.json"


def read_state(state_file: Path) -> LocalEndpoint | None:
    """The recorded endpoint when its process still runs; a stale record (process gone) is removed."""
    try:
        endpoint = LocalEndpoint.from_json(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    if not _alive(endpoint.pid):
        state_file.unlink(missing_ok=True)
        return None
    return endpoint


def start(state_file: Path, *, port: int = 0, stack: str = DEFAULT_LOCAL_STACK,
          timeout: float = READY_TIMEOUT_SECONDS) -> tuple[LocalEndpoint, bool]:
    """Start the endpoint detached, or return the running one. Returns (endpoint, started_now)."""
    running = read_state(state_file)
    if running is not None:
        return running, False
    state_file.parent.mkdir(parents=True, exist_ok=True)
    log_file = state_file.with_suffix(".log")
    read_end, write_end = os.pipe()
    command = [sys.executable, "-m", "newsingest_tools.local.server", "--port", str(port), "--stack", stack,
               "--ready-fd", str(write_end), "--log-file", str(log_file)]
    with open(log_file, "ab") as log, open(os.devnull, "rb") as devnull:
        child = subprocess.Popen(command, stdin=devnull, stdout=log, stderr=log, pass_fds=(write_end,),
                                 start_new_session=True)  # its own session: Ctrl-C in this shell leaves it running
    os.close(write_end)
    try:
        line = _read_line(read_end, timeout)
    finally:
        os.close(read_end)
    if not line:
        child.kill()
        child.wait()
        raise LocalServerError(f"the local endpoint did not start (see {log_file})")
    endpoint = LocalEndpoint.from_json(line)
    state_file.write_text(endpoint.to_json(), encoding="utf-8")
    return endpoint, True


def stop(state_file: Path, *, timeout: float = 30.0) -> LocalEndpoint | None:
    """Stop the recorded endpoint (SIGTERM, then SIGKILL after ``timeout``); None when none was running."""
    endpoint = read_state(state_file)
    if endpoint is None:
        return None
    os.kill(endpoint.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(endpoint.pid) and time.monotonic() < deadline:
        time.sleep(0.05)  # a process that is not our child cannot be waited for: poll its pid
    if _alive(endpoint.pid):
        os.kill(endpoint.pid, signal.SIGKILL)
    state_file.unlink(missing_ok=True)
    return endpoint


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # our own exited child stays a zombie until reaped: that is not alive
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        return reaped == 0
    except ChildProcessError:
        return True


def _read_line(fd: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return ""
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return ""
        chunk = os.read(fd, 65536)
        if not chunk:  # the child exited before it was ready
            return ""
        data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8")


def serve(port: int, stack: str, ready_fd: int | None, log_file: str = "") -> NoReturn:
    """Run moto's server and the sample origin with the stack until SIGTERM/SIGINT (the child's main)."""
    import boto3

    from newsingest_tools.local.origin import serve_pages
    from newsingest_tools.local.stack import deploy_local_stack, moto_server

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.set())
    with environment(OFFLINE_CREDENTIALS), moto_server(port=port) as endpoint, serve_pages() as origin:
        cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1")
        outputs = deploy_local_stack(cloudformation, stack, parameters={"FetchAllowHosts": origin.split("://")[1]})
        described = LocalEndpoint(pid=os.getpid(), endpoint=endpoint, stack=stack, queue_url=outputs.queue_url,
                                  dead_letter_queue_url=outputs.dead_letter_queue_url,
                                  table_name=outputs.table_name, bucket_name=outputs.bucket_name, origin=origin,
                                  log_file=log_file)
        print(f"serving {described.to_json()}", flush=True)
        if ready_fd is not None:
            os.write(ready_fd, (described.to_json() + "\n").encode("utf-8"))
            os.close(ready_fd)
        stopping.wait()
        # Everything lives in this process's memory and goes with it: no orderly shutdown of moto's threads
        # (seconds of werkzeug polling) is worth waiting for.
        sys.stdout.flush()
        os._exit(0)


def main(argv: list[str] | None = None) -> NoReturn:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stack", default=DEFAULT_LOCAL_STACK)
    parser.add_argument("--ready-fd", type=int)
    parser.add_argument("--log-file", default="")
    args = parser.parse_args(argv)
    serve(args.port, args.stack, args.ready_fd, args.log_file)


if __name__ == "__main__":
    sys.exit(main())
