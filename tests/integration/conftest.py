"""Fixtures shared by the integration tests (the helpers they build on live in cli_fixtures.py and fetch_servers.py).

CLI tests: one moto server per module (``moto_endpoint``), a fresh stack per test on it (``cli_stack``), a local site
with the sample pages (``site``). Fetch tests: a scriptable raw-socket server (``server``) and a ``canary`` that
proves a refused URL never reached the network.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from tests.integration.cli_fixtures import TEST_CREDENTIALS, CliStack, Site, site_handler
from tests.integration.fetch_servers import Canary, ScriptServer

# ------------------------------------------------------------------------------------------------ CLI tests


@pytest.fixture()
def site() -> Iterator[Site]:
    """The sample pages (text/html) at /NAME.html; tests add sitemaps, feeds and failing routes."""
    from newsingest_tools.local.origin import sample_pages

    routes: dict[str, tuple[int, str, bytes]] = {}
    for name, body in sample_pages().items():
        charset = "" if ".nocharset." in name else "; charset=utf-8"
        routes[f"/{name}"] = (200, "text/html" + charset, body)
    holder = Site(base_url="", routes=routes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), site_handler(holder))
    server.daemon_threads = True
    holder.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto's server over HTTP, once per test module."""
    from newsingest_tools.local.stack import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture()
def cli_stack(moto_endpoint: str, site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliStack]:
    """A fresh stack from template.yaml; the site's host:port is allowed for fetching (FETCH_ALLOW_HOSTS)."""
    import boto3

    from newsingest.batch import reset_runtime
    from tests.conftest import deploy_stack

    session = boto3.Session(**TEST_CREDENTIALS)
    name = f"cli-{uuid.uuid4().hex[:10]}"
    outputs = deploy_stack(session.client("cloudformation", endpoint_url=moto_endpoint), name=name,
                           parameters={"FetchAllowHosts": site.host}).outputs
    monkeypatch.setenv("FETCH_ALLOW_HOSTS", site.host)
    reset_runtime()
    yield CliStack(name=name, endpoint=moto_endpoint, outputs=outputs, session=session)
    reset_runtime()


# ------------------------------------------------------------------------------------------------ fetch tests


@pytest.fixture
def server() -> Iterator[ScriptServer]:
    """A scriptable raw-socket server on 127.0.0.1 (closed at teardown)."""
    srv = ScriptServer()
    yield srv
    srv.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    """Records connections only: proves a refused URL never reached the network."""
    can = Canary()
    yield can
    can.close()
