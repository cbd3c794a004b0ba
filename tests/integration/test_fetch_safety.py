"""SSRF safety against real sockets: refused URLs never connect, redirects are re-vetted, the vetted IP is used."""

from __future__ import annotations

import threading

import pytest

from newsingest.outcomes import PermanentFailure, TransientFailure
from tests.integration.fetch_servers import (
    HTML,
    Canary,
    Exchange,
    ScriptServer,
    make_fetcher,
)


def redirect_to(location: str, status: int = 302):
    def handler(exchange: Exchange) -> bool:
        exchange.respond(status, b"", {"Location": location})
        return True

    return handler


def html_page(exchange: Exchange) -> bool:
    exchange.respond(200, HTML, {"Content-Type": "text/html"})
    return True


class TestRefusedURLsNeverConnect:
    @pytest.mark.parametrize(
        "spelling",
        ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.0.0.1", "[::ffff:127.0.0.1]",
         "localhost"],
    )
    def test_loopback_in_any_spelling_is_blocked(self, canary: Canary, spelling: str) -> None:
        # Given a canary listening on loopback, and a fetcher that allows nothing local
        fetcher = make_fetcher(allowed_ports=frozenset({80, 443, canary.port}))
        # When we ask for it, spelled exotically
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://{spelling}:{canary.port}/")
        # Then the URL is refused and no connection was ever opened
        assert caught.value.reason == "blocked_address"
        assert canary.connections_before_probe() == 0

    def test_disallowed_port_is_blocked_before_resolution(self, canary: Canary) -> None:
        calls: list[str] = []
        fetcher = make_fetcher(resolver=lambda host, port: calls.append(host) or ["93.184.216.34"])
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://example.com:{canary.port}/")
        assert caught.value.reason == "blocked_port"
        assert calls == []
        assert canary.connections_before_probe() == 0

    def test_allow_list_is_exact_host_and_port(self, canary: Canary, server: ScriptServer) -> None:
        # Given only the server's host:port is allowed
        server.routes["/"] = html_page
        fetcher = make_fetcher(server, allowed_ports=frozenset({80, 443, canary.port}))
        # When a different port on the same loopback host is requested
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://127.0.0.1:{canary.port}/")
        # Then it is refused, and the allowed one still works
        assert caught.value.reason == "blocked_address"
        assert fetcher.fetch(server.url("/")).status == 200
        assert canary.connections_before_probe() == 0

    def test_dns_answer_mixing_public_and_private_is_blocked(self, canary: Canary) -> None:
        # Given a name that resolves to a public address and to loopback
        fetcher = make_fetcher(
            resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"],
            allowed_ports=frozenset({canary.port}),
        )
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://mixed.test:{canary.port}/")
        assert caught.value.reason == "blocked_address"
        assert canary.connections_before_probe() == 0

    def test_credentials_are_refused(self, canary: Canary) -> None:
        fetcher = make_fetcher(extra_hosts=(f"127.0.0.1:{canary.port}",))
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://user:secret@127.0.0.1:{canary.port}/")
        assert caught.value.reason == "credentials_in_url"
        assert canary.connections_before_probe() == 0


class TestRedirectsAreRevetted:
    def test_redirect_to_unallowed_loopback_port_is_blocked(self, server: ScriptServer, canary: Canary) -> None:
        # Given an allowed server that redirects to a loopback port that is not allowed
        server.routes["/"] = redirect_to(f"http://127.0.0.1:{canary.port}/admin")
        fetcher = make_fetcher(server, allowed_ports=frozenset({80, 443, canary.port}))
        # When fetched
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(server.url("/"))
        # Then the hop is refused and the canary never saw a connection
        assert caught.value.reason == "blocked_address"
        assert canary.connections_before_probe() == 0

    @pytest.mark.parametrize(
        "location",
        ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://0251.0376.0251.0376/"],
    )
    def test_redirect_to_metadata_service_is_blocked(self, server: ScriptServer, location: str) -> None:
        server.routes["/"] = redirect_to(location, 301)
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "blocked_address"

    def test_redirect_to_other_scheme_is_invalid(self, server: ScriptServer) -> None:
        server.routes["/"] = redirect_to("file:///etc/passwd")
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "invalid_url"

    @pytest.mark.parametrize(
        "location", ["http://[::①②⑦。⓪。⓪。①]:80/", "http://127.0.0.1：80/", "http://[[::1]]/", "http://[::1/"]
    )
    def test_redirect_to_a_target_the_url_parser_rejects_is_invalid_url(
        self, server: ScriptServer, location: str
    ) -> None:
        # Given a server redirecting to a Location that urljoin itself cannot split
        server.routes["/"] = redirect_to(location.encode("utf-8").decode("latin-1"))  # raw UTF-8 on the wire
        # When fetched
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        # Then it is a classified permanent failure (recorded, not retried to the DLQ), and nothing else was asked
        assert caught.value.reason == "invalid_url"
        assert server.paths() == ["/"]

    def test_relative_redirect_chain_is_followed(self, server: ScriptServer) -> None:
        # Given a chain of exactly max_redirects relative redirects
        for i in range(5):
            server.routes[f"/{i}"] = redirect_to(f"/{i + 1}", 307 if i % 2 else 301)
        server.routes["/5"] = html_page
        result = make_fetcher(server).fetch(server.url("/0"))
        assert result.final_url == server.url("/5")
        assert result.redirects == tuple(server.url(f"/{i}") for i in range(5))

    def test_chain_longer_than_max_redirects(self, server: ScriptServer) -> None:
        for i in range(6):
            server.routes[f"/{i}"] = redirect_to(f"/{i + 1}")
        server.routes["/6"] = html_page
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/0"))
        assert caught.value.reason == "too_many_redirects"

    def test_redirect_loop(self, server: ScriptServer) -> None:
        server.routes["/a"] = redirect_to("/b")
        server.routes["/b"] = redirect_to("/a")
        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/a"))
        assert caught.value.reason == "redirect_loop"
        assert server.paths() == ["/a", "/b"]

    def test_redirect_without_location(self, server: ScriptServer) -> None:
        @server.route("/")
        def bare(exchange: Exchange) -> bool:
            exchange.respond(302, b"")
            return True

        with pytest.raises(PermanentFailure) as caught:
            make_fetcher(server).fetch(server.url("/"))
        assert caught.value.reason == "http_302"


class TestConnectsToTheVettedAddress:
    def test_host_header_names_the_host_while_the_socket_goes_to_the_vetted_ip(self, server: ScriptServer) -> None:
        # Given a fake name that our resolver maps to the local server, and only that name allowed
        server.routes["/"] = html_page
        fetcher = make_fetcher(
            extra_hosts=(f"news.test:{server.port}",), resolver=lambda host, port: ["127.0.0.1"]
        )
        # When fetched by name
        result = fetcher.fetch(f"http://News.Test:{server.port}/")
        # Then the server saw the name in Host
        assert result.final_url == f"http://news.test:{server.port}/"
        assert server.requests[0].headers["host"] == f"news.test:{server.port}"

    def test_a_rebinding_resolver_is_asked_only_once(self, server: ScriptServer) -> None:
        # Given a resolver that answers loopback first and a metadata address afterwards
        answers = iter([["127.0.0.1"], ["169.254.169.254"]])
        calls: list[str] = []

        def rebinding(host: str, port: int) -> list[str]:
            calls.append(host)
            return next(answers)

        @server.route("/robots.txt")
        def robots(exchange: Exchange) -> bool:
            exchange.respond(200, b"User-agent: *\nDisallow: /private\n", {"Content-Type": "text/plain"})
            return True

        server.routes["/start"] = redirect_to("/page")
        server.routes["/page"] = html_page
        fetcher = make_fetcher(extra_hosts=(f"news.test:{server.port}",), resolver=rebinding, respect_robots=True)
        # When one fetch needs robots.txt, a redirect and the page on that host
        result = fetcher.fetch(f"http://news.test:{server.port}/start")
        # Then the name was resolved once and every request went to the first (vetted) answer
        assert result.status == 200
        assert calls == ["news.test"]
        assert server.paths() == ["/robots.txt", "/start", "/page"]

    def test_name_not_in_allow_list_resolving_to_loopback_is_blocked(self, canary: Canary) -> None:
        # Given news.test:PORT is allowed and the port itself is open to all hosts
        fetcher = make_fetcher(
            extra_hosts=(f"news.test:{canary.port}",),
            resolver=lambda host, port: ["127.0.0.1"],
            allowed_ports=frozenset({80, 443, canary.port}),
        )
        # When another name resolving to loopback is fetched on that port
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(f"http://other.test:{canary.port}/")
        # Then the allow entry does not extend to it
        assert caught.value.reason == "blocked_address"
        assert canary.connections_before_probe() == 0


class TestPerHostConcurrency:
    def test_waiting_for_a_slot_counts_against_the_deadline(self, server: ScriptServer) -> None:
        # Given a host that holds its first request until released, and a limit of one request per host
        release = threading.Event()
        arrived = threading.Event()

        @server.route("/slow")
        def slow(exchange: Exchange) -> bool:
            arrived.set()
            release.wait(5)
            exchange.respond(200, HTML, {"Content-Type": "text/html"})
            return True

        fetcher = make_fetcher(server, per_host_concurrency=1, total_timeout=5.0)
        first: dict[str, object] = {}
        worker = threading.Thread(target=lambda: first.setdefault("r", fetcher.fetch(server.url("/slow"))))
        worker.start()
        assert arrived.wait(5)
        try:
            # When a second fetch to the same host has a short deadline
            import time

            with pytest.raises(TransientFailure) as caught:
                fetcher.fetch(server.url("/slow"), deadline=time.monotonic() + 0.2)
        finally:
            release.set()
            worker.join(5)
        # Then it timed out waiting for the slot (it never reached the server)
        assert caught.value.reason == "timeout"
        assert "slot" in caught.value.detail
        assert server.paths() == ["/slow"]
        assert first["r"].status == 200

    def test_concurrent_fetches_stay_within_the_limit(self, server: ScriptServer) -> None:
        # Given a host that counts requests in flight and holds them until two are in flight together
        lock = threading.Condition()
        state = {"in_flight": 0, "max": 0}
        two_in_flight = threading.Event()

        @server.route("/page")
        def page(exchange: Exchange) -> bool:
            with lock:
                state["in_flight"] += 1
                state["max"] = max(state["max"], state["in_flight"])
                if state["in_flight"] == 2:
                    two_in_flight.set()
            two_in_flight.wait(5)
            with lock:
                state["in_flight"] -= 1
            exchange.respond(200, HTML, {"Content-Type": "text/html"})
            return True

        fetcher = make_fetcher(server, per_host_concurrency=2)
        results: list[int] = []
        threads = [
            threading.Thread(target=lambda: results.append(fetcher.fetch(server.url("/page")).status))
            for _ in range(6)
        ]
        # When six fetches run at once
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        # Then all succeed and at most two were ever in flight
        assert results == [200] * 6
        assert state["max"] == 2


def _ipv6_loopback_available() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback")
class TestIPv6:
    @pytest.fixture
    def server6(self):
        srv = ScriptServer(ipv6=True)
        srv.routes["/"] = html_page
        yield srv
        srv.close()

    def test_ipv6_literal_in_allow_list_is_fetched(self, server6: ScriptServer) -> None:
        result = make_fetcher(server6).fetch(server6.url("/"))
        assert result.status == 200
        assert server6.requests[0].headers["host"] == f"[::1]:{server6.port}"

    def test_ipv6_loopback_not_allowed_is_blocked(self, server6: ScriptServer) -> None:
        fetcher = make_fetcher(allowed_ports=frozenset({server6.port}))
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(server6.url("/"))
        assert caught.value.reason == "blocked_address"
        assert server6.connections == 0

    def test_next_vetted_address_is_tried_when_the_first_refuses(self) -> None:
        import socket

        # Given port P reserved on 127.0.0.1 without listening (connections are refused there) …
        with socket.socket(socket.AF_INET) as reserved:
            reserved.bind(("127.0.0.1", 0))
            port = reserved.getsockname()[1]
            # … a server on [::1]:P, and a name answering both addresses
            server6 = ScriptServer(ipv6=True, bind_port=port)
            server6.routes["/"] = html_page
            try:
                fetcher = make_fetcher(
                    extra_hosts=(f"dual.test:{port}",), resolver=lambda host, port: ["127.0.0.1", "::1"]
                )
                # When fetched / Then IPv4 is refused and the IPv6 address answers, with the name in Host
                result = fetcher.fetch(f"http://dual.test:{port}/")
            finally:
                server6.close()
        assert result.status == 200
        assert server6.requests[0].headers["host"] == f"dual.test:{port}"
