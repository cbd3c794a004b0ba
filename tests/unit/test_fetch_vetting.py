"""The Fetcher's vetting, without any network: an injected resolver and a pool manager that records, never connects."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
import urllib3

from newsingest.fetch import Fetcher, FetchOptions
from newsingest.outcomes import PermanentFailure, TransientFailure


class RecordingPoolManager(urllib3.PoolManager):
    """Records where the Fetcher would connect, then fails like a refused connection."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int, str, dict[str, Any] | None]] = []

    def connection_from_host(self, host, port=None, scheme="http", pool_kwargs=None):
        self.calls.append((host, port, scheme, pool_kwargs))
        raise urllib3.exceptions.NewConnectionError(None, "recorded, not connected")


def fetcher_with(answers: list[str] | Exception, **options: Any) -> tuple[Fetcher, RecordingPoolManager, list[str]]:
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        if isinstance(answers, Exception):
            raise answers
        return answers

    manager = RecordingPoolManager()
    settings: dict[str, Any] = {"respect_robots": False}
    settings.update(options)
    return Fetcher(FetchOptions(**settings), resolver=resolver, pool_manager=manager), manager, asked


@pytest.mark.parametrize(
    "answers",
    [
        ["93.184.216.34", "127.0.0.1"],
        ["93.184.216.34", "10.0.0.5"],
        ["2606:4700::1111", "fd00:ec2::254"],
        ["93.184.216.34", "::ffff:169.254.169.254"],
        ["169.254.169.254"],
        ["64:ff9b::a9fe:a9fe"],
        ["0.0.0.0"],
        ["not-an-address"],
    ],
)
def test_any_non_global_answer_blocks_the_url(answers: list[str]) -> None:
    # Given a name whose DNS answers include a non-global address
    fetcher, manager, _ = fetcher_with(answers)
    # When it is fetched
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch("https://news.example/article")
    # Then it is blocked and no pool (hence no connection) was ever asked for
    assert caught.value.reason == "blocked_address"
    assert manager.calls == []


def test_https_connects_to_the_vetted_ip_with_sni_and_hostname_check_on_the_name() -> None:
    fetcher, manager, asked = fetcher_with(["93.184.216.34"])
    with pytest.raises(TransientFailure):
        fetcher.fetch("https://News.Example/article")
    assert asked == ["news.example"]
    assert manager.calls == [
        ("93.184.216.34", 443, "https", {"server_hostname": "news.example", "assert_hostname": "news.example"})
    ]


def test_every_vetted_address_is_tried_ipv4_first() -> None:
    fetcher, manager, _ = fetcher_with(["2606:4700::1111", "93.184.216.34"])
    with pytest.raises(TransientFailure) as caught:
        fetcher.fetch("http://news.example/")
    assert caught.value.reason == "connection_error"
    assert [c[0] for c in manager.calls] == ["93.184.216.34", "[2606:4700::1111]"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://2130706433/", "http://[::1]/", "http://169.254.169.254/latest/", "http://[fd00:ec2::254]/"],
)
def test_ip_literals_are_vetted_without_resolving(url: str) -> None:
    fetcher, manager, asked = fetcher_with(["93.184.216.34"])
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "blocked_address"
    assert asked == []
    assert manager.calls == []


def test_allow_hosts_exempts_exactly_that_host_and_port() -> None:
    fetcher, manager, _ = fetcher_with(["127.0.0.1"], allow_hosts=frozenset({"news.test:8080"}))
    with pytest.raises(TransientFailure):
        fetcher.fetch("http://news.test:8080/")
    assert manager.calls[0][:2] == ("127.0.0.1", 8080)
    for url, reason in [("http://news.test:8081/", "blocked_port"), ("http://news.test/", "blocked_address")]:
        with pytest.raises(PermanentFailure) as caught:
            fetcher.fetch(url)
        assert caught.value.reason == reason
    assert len(manager.calls) == 1


def test_nxdomain_is_permanent() -> None:
    fetcher, manager, _ = fetcher_with(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch("http://nope.example/")
    assert caught.value.reason == "unknown_host"
    assert manager.calls == []


def test_servfail_is_transient() -> None:
    fetcher, _, _ = fetcher_with(socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution"))
    with pytest.raises(TransientFailure) as caught:
        fetcher.fetch("http://flaky.example/")
    assert caught.value.reason == "dns_error"


def test_empty_answer_is_unknown_host() -> None:
    fetcher, _, _ = fetcher_with([])
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch("http://empty.example/")
    assert caught.value.reason == "unknown_host"


def test_a_hung_resolver_counts_against_the_deadline() -> None:
    # Given a resolver that hangs until released
    release = threading.Event()

    def hung(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["93.184.216.34"]

    manager = RecordingPoolManager()
    fetcher = Fetcher(FetchOptions(respect_robots=False, total_timeout=0.1), resolver=hung, pool_manager=manager)
    try:
        # When fetched / Then the fetch times out instead of hanging
        with pytest.raises(TransientFailure) as caught:
            fetcher.fetch("http://slow-dns.example/")
    finally:
        release.set()
    assert caught.value.reason == "timeout"
    assert manager.calls == []


def test_robots_check_happens_after_vetting() -> None:
    # Given robots on and a blocked name: the robots.txt fetch must not happen either
    fetcher, manager, _ = fetcher_with(["10.0.0.1"], respect_robots=True)
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch("http://internal.example/")
    assert caught.value.reason == "blocked_address"
    assert manager.calls == []


class TestOptions:
    def test_defaults_are_production_values(self) -> None:
        options = FetchOptions()
        assert options.user_agent.startswith("newsingest/")
        assert "+https://" in options.user_agent
        assert (options.connect_timeout, options.read_timeout, options.total_timeout) == (3.0, 10.0, 20.0)
        assert options.max_body_bytes == 10 * 1024 * 1024
        assert options.max_decompressed_bytes == 10 * 1024 * 1024
        assert options.max_redirects == 5
        assert options.allowed_ports == frozenset({80, 443})
        assert options.allow_hosts == frozenset()
        assert options.respect_robots is True
        assert options.per_host_concurrency == 6

    def test_parse_allow_hosts(self) -> None:
        assert FetchOptions.parse_allow_hosts("News.Test:8080, 127.0.0.1:9000 [0::1]:81") == frozenset(
            {"news.test:8080", "127.0.0.1:9000", "[::1]:81"}
        )
        assert FetchOptions.parse_allow_hosts("") == frozenset()

    @pytest.mark.parametrize("value", ["news.test", "*.test:80", "news.test:http", "::1:80", "a:70000", ":80"])
    def test_parse_allow_hosts_rejects_non_exact_pairs(self, value: str) -> None:
        with pytest.raises(ValueError):
            FetchOptions.parse_allow_hosts(value)

    def test_parse_ports(self) -> None:
        assert FetchOptions.parse_ports("80, 443 8080") == frozenset({80, 443, 8080})
        with pytest.raises(ValueError):
            FetchOptions.parse_ports("80,http")

    @pytest.mark.parametrize(
        "overrides",
        [{"total_timeout": 0}, {"per_host_concurrency": 0}, {"max_body_bytes": 0}, {"user_agent": "a\r\nb"}],
    )
    def test_invalid_options_fail_at_construction(self, overrides: dict[str, Any]) -> None:
        with pytest.raises(ValueError):
            FetchOptions(**overrides)


def test_a_proxy_manager_is_refused() -> None:
    # A proxy resolves names itself, which would bypass the vetted-address guarantee.
    with pytest.raises(TypeError):
        Fetcher(FetchOptions(), pool_manager=urllib3.ProxyManager("http://proxy.example:3128"))


def test_blocked_urls_are_logged_as_warnings(caplog: pytest.LogCaptureFixture) -> None:
    fetcher, _, _ = fetcher_with(["10.0.0.1"])
    with caplog.at_level("WARNING", logger="newsingest.fetch.fetcher"), pytest.raises(PermanentFailure):
        fetcher.fetch("http://internal.example/")
    assert "blocked_address" in caplog.text


def test_system_resolver_returns_unique_addresses() -> None:
    from newsingest.fetch import system_resolver

    answers = system_resolver("localhost", 80)
    assert answers
    assert len(answers) == len(set(answers))


class ScriptedPoolManager(urllib3.PoolManager):
    """Answers every request from a script of (status, headers, body), recording which vetted IP was asked."""

    def __init__(self, script: list[tuple[int, dict[str, str], bytes]]) -> None:
        super().__init__()
        self.script = list(script)
        self.calls: list[tuple[str, str, str]] = []  # (ip, Host header, path)

    def connection_from_host(self, host, port=None, scheme="http", pool_kwargs=None):
        manager = self

        class Pool:
            def urlopen(self, method, url, headers=None, **kwargs):
                import io

                manager.calls.append((host, headers["Host"], url))
                status, response_headers, body = manager.script.pop(0)
                return urllib3.HTTPResponse(
                    body=io.BytesIO(body), headers=response_headers, status=status, preload_content=False
                )

        return Pool()


def scripted(script, answers: dict[str, list[str]], **options: Any):
    resolved: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return answers[host]

    manager = ScriptedPoolManager(script)
    settings: dict[str, Any] = {"respect_robots": False}
    settings.update(options)
    return Fetcher(FetchOptions(**settings), resolver=resolver, pool_manager=manager), manager, resolved


PAGE = (200, {"Content-Type": "text/html", "Content-Length": "13"}, b"<html></html>")


@pytest.mark.parametrize(
    "location",
    [
        "http://internal.example/admin",  # a name resolving to a private address
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://0xa9fea9fe/",
        "http://news.example:8080/",  # a port that is not allowed
    ],
)
def test_every_redirect_hop_is_revetted(location: str) -> None:
    # Given a public page redirecting somewhere we must not go
    fetcher, manager, _ = scripted(
        [(302, {"Location": location, "Content-Length": "0"}, b"")],
        {"news.example": ["93.184.216.34"], "internal.example": ["10.1.2.3"]},
    )
    # When fetched
    with pytest.raises(PermanentFailure) as caught:
        fetcher.fetch("http://news.example/story")
    # Then the hop is refused and only the first (public) address was ever asked for
    assert caught.value.reason in {"blocked_address", "blocked_port"}
    assert manager.calls == [("93.184.216.34", "news.example", "/story")]


def test_redirect_to_another_public_host_connects_to_its_vetted_ip() -> None:
    fetcher, manager, resolved = scripted(
        [(301, {"Location": "https://www.example.org/story", "Content-Length": "0"}, b""), PAGE],
        {"example.org": ["93.184.216.34"], "www.example.org": ["93.184.216.35"]},
    )
    result = fetcher.fetch("http://example.org/story")
    assert result.final_url == "https://www.example.org/story"
    assert result.redirects == ("http://example.org/story",)
    assert manager.calls == [
        ("93.184.216.34", "example.org", "/story"),
        ("93.184.216.35", "www.example.org", "/story"),
    ]
    assert resolved == ["example.org", "www.example.org"]


def test_redirect_back_to_the_same_host_does_not_resolve_again() -> None:
    fetcher, manager, resolved = scripted(
        [(302, {"Location": "/b", "Content-Length": "0"}, b""), PAGE], {"news.example": ["93.184.216.34"]}
    )
    fetcher.fetch("http://news.example/a")
    assert resolved == ["news.example"]
    assert [c[0] for c in manager.calls] == ["93.184.216.34", "93.184.216.34"]


def test_utf8_location_is_not_mangled() -> None:
    # Given a redirect whose Location carries raw UTF-8 bytes (http.client hands them over as Latin-1)
    location = "/café".encode().decode("latin-1")
    fetcher, manager, _ = scripted(
        [(302, {"Location": location, "Content-Length": "0"}, b""), PAGE], {"news.example": ["93.184.216.34"]}
    )
    result = fetcher.fetch("http://news.example/")
    assert result.final_url == "http://news.example/caf%C3%A9"


def test_a_crashing_resolver_is_a_transient_dns_error() -> None:
    fetcher, manager, _ = fetcher_with(RuntimeError("resolver bug"))
    with pytest.raises(TransientFailure) as caught:
        fetcher.fetch("http://news.example/")
    assert caught.value.reason == "dns_error"
    assert manager.calls == []
