"""robots.txt handling end to end, and HTTPS to the vetted IP with SNI/certificate checks on the hostname."""

from __future__ import annotations

import datetime
import ssl
import threading
from pathlib import Path

import pytest

from newsingest.fetch import Fetcher, FetchOptions
from newsingest.outcomes import PermanentFailure, TransientFailure
from tests.integration.fetch_servers import (
    HTML,
    Exchange,
    ScriptServer,
    make_fetcher,
)


def html_page(exchange: Exchange) -> bool:
    exchange.respond(200, HTML, {"Content-Type": "text/html"})
    return True


def robots_txt(text: str, status: int = 200):
    def handler(exchange: Exchange) -> bool:
        exchange.respond(status, text.encode(), {"Content-Type": "text/plain"})
        return True

    return handler


class TestRobots:
    def test_disallowed_path_is_permanent_and_robots_is_cached(self, server: ScriptServer) -> None:
        # Given a site whose robots.txt disallows /private for everyone
        server.routes["/robots.txt"] = robots_txt("User-agent: *\nDisallow: /private\n")
        server.routes["/public"] = html_page
        server.routes["/private/page"] = html_page
        fetcher = make_fetcher(server, respect_robots=True)
        # When an allowed and a disallowed page are fetched
        assert fetcher.fetch(server.url("/public")).status == 200
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(server.url("/private/page"))
        # Then the disallowed one is robots_disallowed, never requested, and robots.txt was fetched once
        assert caught.value.reason == "robots_disallowed"
        assert server.paths() == ["/robots.txt", "/public"]

    def test_robots_with_bom_and_gzip_encoding_is_understood(self, server: ScriptServer) -> None:
        import gzip

        @server.route("/robots.txt")
        def robots(exchange: Exchange) -> bool:
            body = gzip.compress(b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private\r\n", mtime=0)
            exchange.respond(200, body, {"Content-Type": "text/plain", "Content-Encoding": "gzip"})
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, respect_robots=True).fetch(server.url("/private"))
        assert caught.value.reason == "robots_disallowed"

    def test_group_for_our_product_token_wins_over_star(self, server: ScriptServer) -> None:
        server.routes["/robots.txt"] = robots_txt(
            "User-agent: *\nDisallow: /\n\nUser-agent: NewsIngest\nAllow: /news/\nDisallow: /\n"
        )
        server.routes["/news/a"] = html_page
        fetcher = make_fetcher(server, respect_robots=True)
        assert fetcher.fetch(server.url("/news/a")).status == 200
        with pytest.raises(PermanentFailure):
            fetcher.fetch(server.url("/other"))

    def test_robots_404_allows_everything(self, server: ScriptServer) -> None:
        server.routes["/page"] = html_page  # /robots.txt falls through to the 404 route
        assert make_fetcher(server, respect_robots=True).fetch(server.url("/page")).status == 200

    def test_robots_5xx_disallows_for_now(self, server: ScriptServer) -> None:
        # Given robots.txt answers 503
        server.routes["/robots.txt"] = robots_txt("down", status=503)
        server.routes["/page"] = html_page
        fetcher = make_fetcher(server, respect_robots=True)
        # When a page is fetched twice
        for _ in range(2):
            with pytest.raises(TransientFailure) as caught:
                fetcher.fetch(server.url("/page"))
            assert caught.value.reason == "robots_unavailable"
        # Then the page was never requested and the failure was cached (one robots.txt request)
        assert server.paths() == ["/robots.txt"]

    def test_robots_timeout_is_transient(self, server: ScriptServer) -> None:
        @server.route("/robots.txt")
        def silent(exchange: Exchange) -> None:
            exchange.stop.wait()

        with pytest.raises(TransientFailure) as caught:
            make_fetcher(server, respect_robots=True, total_timeout=0.3).fetch(server.url("/page"))
        assert caught.value.reason == "robots_unavailable"

    def test_oversized_robots_is_truncated_and_its_connection_not_reused(self, server: ScriptServer) -> None:
        # Given a 600 KiB robots.txt whose rules come first (RFC 9309: parse at least 500 KiB)
        server.routes["/robots.txt"] = robots_txt("User-agent: *\nDisallow: /private\n" + "# pad\n" * 100_000)
        server.routes["/page"] = html_page
        fetcher = make_fetcher(server, respect_robots=True)
        # When pages are fetched
        assert fetcher.fetch(server.url("/page")).body == HTML
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(server.url("/private"))
        # Then the rules applied, and the page came over a fresh connection (the robots one had unread bytes)
        assert caught.value.reason == "robots_disallowed"
        assert [r.connection_id for r in server.requests] == [1, 2]

    def test_robots_can_be_switched_off(self, server: ScriptServer) -> None:
        server.routes["/robots.txt"] = robots_txt("User-agent: *\nDisallow: /\n")
        server.routes["/page"] = html_page
        assert make_fetcher(server, respect_robots=False).fetch(server.url("/page")).status == 200
        assert server.paths() == ["/page"]

    def test_redirect_target_is_checked_against_robots(self, server: ScriptServer) -> None:
        server.routes["/robots.txt"] = robots_txt("User-agent: *\nDisallow: /private\n")

        @server.route("/go")
        def go(exchange: Exchange) -> bool:
            exchange.respond(302, b"", {"Location": "/private"})
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server, respect_robots=True).fetch(server.url("/go"))
        assert caught.value.reason == "robots_disallowed"
        assert "/private" not in server.paths()

    def test_robots_is_fetched_once_under_concurrency(self, server: ScriptServer) -> None:
        # Given four fetches to one fresh host that all start together
        started = threading.Barrier(4)

        @server.route("/robots.txt")
        def robots(exchange: Exchange) -> bool:
            exchange.respond(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
            return True

        server.routes["/page"] = html_page
        fetcher = make_fetcher(server, respect_robots=True, per_host_concurrency=4)
        results: list[int] = []

        def run() -> None:
            started.wait(5)
            results.append(fetcher.fetch(server.url("/page")).status)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert results == [200] * 4
        assert server.paths().count("/robots.txt") == 1


# ---------------------------------------------------------------------------------------------- HTTPS


def _self_signed(hostname: str, directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path):
    """A ScriptServer speaking TLS with a certificate for news.test only; records the SNI it was sent."""
    pytest.importorskip("cryptography")
    cert, key = _self_signed("news.test", tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sni: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)
    srv = ScriptServer()
    plain_serve = srv._serve

    def serve_tls(conn, connection_id):
        try:
            wrapped = context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            conn.close()
            return
        plain_serve(wrapped, connection_id)

    srv._serve = serve_tls
    srv.routes["/"] = html_page
    yield srv, cert, sni
    srv.close()


def _tls_fetcher(port: int, ca: Path, **overrides: float) -> Fetcher:
    import urllib3

    settings: dict = {"total_timeout": 5.0, **overrides}
    options = FetchOptions(
        allow_hosts=frozenset({f"news.test:{port}", f"wrong.test:{port}"}),
        respect_robots=False,
        **settings,
    )
    pool_manager = urllib3.PoolManager(ca_certs=str(ca), cert_reqs="CERT_REQUIRED", retries=False)
    return Fetcher(options, resolver=lambda host, port: ["127.0.0.1"], pool_manager=pool_manager)


class TestTLSToTheVettedAddress:
    def test_sni_and_certificate_use_the_hostname(self, tls_server) -> None:
        # Given a TLS server for news.test reached through a resolver answering 127.0.0.1
        srv, ca, sni = tls_server
        fetcher = _tls_fetcher(srv.port, ca)
        # When https://news.test is fetched
        result = fetcher.fetch(f"https://news.test:{srv.port}/")
        # Then TLS verified news.test (not 127.0.0.1), SNI named it, and so did Host
        assert result.status == 200
        assert sni == ["news.test"]
        assert srv.requests[0].headers["host"] == f"news.test:{srv.port}"

    def test_certificate_for_another_name_is_a_tls_error(self, tls_server) -> None:
        srv, ca, _ = tls_server
        with pytest.raises(PermanentFailure) as caught:
            _tls_fetcher(srv.port, ca).fetch(f"https://wrong.test:{srv.port}/")
        assert caught.value.reason == "tls_error"
        assert srv.requests == []

    def test_untrusted_certificate_is_a_tls_error(self, tls_server) -> None:
        # Given the default trust store (the self-signed CA is unknown to it)
        srv, _, _ = tls_server
        fetcher = make_fetcher(extra_hosts=(f"news.test:{srv.port}",), resolver=lambda host, port: ["127.0.0.1"])
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"https://news.test:{srv.port}/")
        assert caught.value.reason == "tls_error"

    def test_dripped_tls_handshake_is_cut_at_the_deadline(self, tls_server) -> None:
        # Given a relay in front of the TLS server that passes the server's handshake on one byte per 20 ms
        # (every read succeeds well within the 60 s connect/read timeouts)
        srv, ca, _ = tls_server
        relay = DripRelay(srv.port)
        fetcher = _tls_fetcher(relay.port, ca, connect_timeout=60.0, read_timeout=60.0, total_timeout=0.3)
        outcome: dict[str, BaseException] = {}

        def run() -> None:
            try:
                fetcher.fetch(f"https://news.test:{relay.port}/")
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                outcome["error"] = exc

        # When fetched over https
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        worker.join(10)  # liveness bound only: a kilobyte of handshake at this pace takes ~20 s
        relay.close()
        # Then the handshake was cut by the deadline, as a transient timeout
        assert not worker.is_alive()
        assert isinstance(outcome["error"], TransientFailure)
        assert outcome["error"].reason == "timeout"


class DripRelay:
    """TCP relay: client bytes go through at once, server bytes one at a time every 20 ms."""

    def __init__(self, backend_port: int) -> None:
        import socket

        self._backend_port = backend_port
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        backend = socket.create_connection(("127.0.0.1", self._backend_port))
        threading.Thread(target=self._pump, args=(client, backend, False), daemon=True).start()
        threading.Thread(target=self._pump, args=(backend, client, True), daemon=True).start()

    def _pump(self, source, sink, drip: bool) -> None:
        try:
            while not self._stop.is_set():
                data = source.recv(65536)
                if not data:
                    return
                if not drip:
                    sink.sendall(data)
                    continue
                for i in range(len(data)):
                    if self._stop.wait(0.02):
                        return
                    sink.sendall(data[i : i + 1])
        except OSError:
            return
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
