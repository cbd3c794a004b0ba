"""Enqueue throughput: ``newsingest enqueue -f FILE`` of 100,000 URLs against an SQS endpoint that answers at once.

``python -m benchmarks.enqueue --result FILE [--urls N]`` (run by ``python -m benchmarks``; ``serve`` is the
endpoint's own entry point).

The endpoint is a stand-in for SQS in a process of its own: it speaks SQS's JSON protocol for
``SendMessageBatch`` (every entry successful, with the body's MD5 that botocore checks) and ``GetQueueUrl``, and
does nothing else, so the figure is the client's: reading and validating the file, de-duplicating, serialising,
signing and sending. moto would measure moto. The CLI runs as a user runs it, a fresh process, timed from start to
exit; its peak RSS is read from the kernel's accounting of the child.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"


class _Sqs(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as SQS: the client's connection pool is part of what is measured
    disable_nagle_algorithm = True  # headers and body leave at once (else 40 ms of delayed ACK per request)
    wbufsize = 1 << 16

    def do_POST(self) -> None:  # http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target", "")
        request = json.loads(body or b"{}")
        if target.endswith(".SendMessageBatch"):
            answer: dict[str, Any] = {"Successful": [
                {"Id": entry["Id"], "MessageId": str(uuid.uuid4()),
                 "MD5OfMessageBody": hashlib.md5(entry["MessageBody"].encode("utf-8")).hexdigest()}
                for entry in request.get("Entries", [])], "Failed": []}
        elif target.endswith(".GetQueueAttributes"):
            answer = {"Attributes": {"QueueArn": "arn:aws:sqs:us-east-1:123456789012:bench-queue"}}
        else:
            answer = {}
        data = json.dumps(answer).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def serve() -> int:
    """The endpoint: prints its URL, serves until stdin closes."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sqs)
    server.daemon_threads = True
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()
    return 0


def measure(urls: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="newsingest-enqueue-") as folder:
        url_file = Path(folder) / "urls.txt"
        with url_file.open("w", encoding="utf-8") as handle:
            for number in range(urls):
                handle.write(f"https://news{number % 50}.example.com/2024/05/story-{number}.html?utm_source=feed"
                             f"&id={number}\n")
        endpoint = subprocess.Popen([sys.executable, "-m", "benchmarks.enqueue", "serve"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
        try:
            assert endpoint.stdout is not None
            endpoint_url = endpoint.stdout.readline().strip()
            from newsingest_tools.local.env import OFFLINE_CREDENTIALS

            env = dict(os.environ, **OFFLINE_CREDENTIALS)
            command = [str(Path(sys.executable).parent / "newsingest"), "enqueue", "-f", str(url_file), "--queue-url",
                       QUEUE_URL, "--endpoint-url", endpoint_url]
            started = time.perf_counter()
            with tempfile.TemporaryFile("w+") as out:
                cli = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
                _, status, usage = os.wait4(cli.pid, 0)
                seconds = time.perf_counter() - started
                out.seek(0)
                output = out.read()
            cli.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if endpoint.stdin:
                endpoint.stdin.close()
            endpoint.wait(timeout=30)
    if cli.returncode != 0 or f"queued {urls} URL(s)" not in output:
        raise RuntimeError(f"enqueue failed ({cli.returncode}): {output[-2000:]}")
    return {"urls": urls, "seconds": seconds, "urls_per_second": urls / seconds,
            "cli_cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["serve"]:
        return serve()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--urls", type=int, default=100_000)
    args = parser.parse_args(argv)
    args.result.write_text(json.dumps(measure(args.urls)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
