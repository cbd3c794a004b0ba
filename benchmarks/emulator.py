"""An AWS endpoint for benchmarks whose own costs stay out of the measurement: moto's backends, a lean front.

moto's server (werkzeug + Flask, ``ThreadedMotoServer``) is the endpoint ``make demo`` and the tests use, and it is
right for them. Measured side by side on one poll benchmark it is not a neutral stand-in for AWS:

- werkzeug closes every connection ("Always close the connection" in ``werkzeug.serving``): each call is a new TCP
  connection and a new thread, and every request resolves its service under one global lock, listing moto's package
  directory as it goes (``DomainDispatcherApplication.get_application``): a sequential conditional ``PutItem``
  costs 11.3 ms there against 4.5 ms through :func:`serving`.

:func:`serving` answers with the very backends ``mock_aws`` uses in-process (moto's ``BotocoreStubber``: the same
URL patterns, the same responses, with ``newsingest_tools.local.moto_fixes`` applied as on moto's server) over
HTTP/1.1 keep-alive; ``tests/integration/test_bench_emulator.py`` deploys the stack through it and calls it. The
poll benchmark records which endpoint it ran on (``--emulator``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.awsrequest import AWSPreparedRequest
from botocore.compat import HTTPHeaders

# SigV4's credential scope names the signing region and service: Credential=AKID/20261201/us-east-1/dynamodb/...
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_HOP_BY_HOP = frozenset({"connection", "content-length", "keep-alive", "transfer-encoding"})


def aws_url(authorization: str, path: str) -> str:
    """The AWS URL a request signed with ``authorization`` for ``path`` (with its query) would have gone to.

    S3 is addressed path-style (``s3.amazonaws.com/bucket/key``), as botocore addresses a custom endpoint.
    """
    scope = _CREDENTIAL_SCOPE.search(authorization)
    if scope is None:
        raise ValueError("unsigned request: no SigV4 credential scope names its service")
    region, service = scope.groups()
    host = "s3.amazonaws.com" if service == "s3" else f"{service}.{region}.amazonaws.com"
    return f"https://{host}{path}"


class _Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: botocore's pool reuses its connections
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:  # silenced (http.server logs each request to stderr)
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = HTTPHeaders()
        for name, value in self.headers.items():
            headers[name] = value
        try:
            url = aws_url(self.headers.get("Authorization", ""), self.path)
        except ValueError as error:
            self._send(400, {}, str(error).encode())
            return
        request = AWSPreparedRequest(method=self.command, url=url, headers=headers, body=body, stream_output=False)
        answer = self.server.stubber.process_request(request)  # type: ignore[attr-defined]
        if answer is None:
            self._send(404, {}, f"no moto backend answers {url}".encode())
            return
        status, answer_headers, answer_body = answer
        self._send(status, answer_headers, answer_body.encode() if isinstance(answer_body, str) else answer_body)

    def _send(self, status: int, headers: Mapping[str, Any], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _answer


@contextmanager
def serving(host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """moto's backends (``mock_aws``, for as long as this lasts) behind a keep-alive front; yields its endpoint."""
    from moto import mock_aws
    from moto.core.botocore_stubber import BotocoreStubber

    from newsingest_tools.local.moto_fixes import fixed_moto

    with fixed_moto(), mock_aws():
        server = ThreadingHTTPServer((host, port), _Front)
        server.daemon_threads = True
        server.stubber = BotocoreStubber()  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, name="aws-endpoint", daemon=True)
        thread.start()
        try:
            bound_host, bound_port = server.server_address[:2]
            yield f"http://{bound_host}:{bound_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
