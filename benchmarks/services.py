"""An AWS endpoint (moto) and a page origin in a process of their own, so a measured process holds only the function.

``python -m benchmarks.services --pages N --page-bytes B [--emulator lean]`` prints one JSON line
``{"endpoint": ..., "origin": ...}`` once both listen, then serves until its stdin closes.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import harness
from benchmarks.pages import big_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--page-bytes", type=int, default=1_000_000)
    parser.add_argument("--emulator", choices=EMULATORS, default="moto-server",
                        help="moto's own server, or moto's backends behind benchmarks.emulator's lean front")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    bodies = {f"/big/{i}.html": big_page(i, args.page_bytes) for i in range(args.pages)}
    with _endpoint(args.emulator) as endpoint, harness.origin("127.0.0.1", bodies.get) as base:
        print(json.dumps({"endpoint": endpoint, "origin": base, "paths": sorted(bodies)}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or exits)
    return 0


EMULATORS = ("moto-server", "lean")


@contextmanager
def _endpoint(emulator: str) -> Iterator[str]:
    if emulator == "lean":
        from benchmarks.emulator import serving

        with serving() as endpoint:
            yield endpoint
        return
    from newsingest_tools.local.deploy import moto_server

    with moto_server() as endpoint:
        yield endpoint


@contextmanager
def running(pages: int = 0, page_bytes: int = 1_000_000,
            emulator: str = "moto-server") -> Iterator[dict[str, Any]]:
    """Start this module as a child process; yields its JSON line (``endpoint``, ``origin``, ``paths``)."""
    child = subprocess.Popen([sys.executable, "-m", "benchmarks.services", "--pages", str(pages),
                              "--page-bytes", str(page_bytes), "--emulator", emulator],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[1])
    try:
        line = child.stdout.readline()
        if not line:
            raise RuntimeError("benchmarks.services did not start")
        yield json.loads(line)
    finally:
        child.stdin.close()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()


if __name__ == "__main__":
    sys.exit(main())
