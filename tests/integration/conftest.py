"""Fixtures shared by the integration tests (the helpers they build on live in cli_fixtures.py and fetch_servers.py).

CLI tests: one moto server per module (``moto_endpoint``), a fresh stack per test on it (``cli_stack``), a local site
with the sample pages (``site``). Fetch tests: a scriptable raw-socket server (``server``) and a ``canary`` that
proves a refused URL never reached the network.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.integration.cli_fixtures import TEST_CREDENTIALS, CliStack, Site, serve_site
from tests.integration.fetch_servers import Canary, ScriptServer

# ------------------------------------------------------------------------------------------------ CLI tests


@pytest.fixture()
def site() -> Iterator[Site]:
    """The sample pages (text/html) at /NAME.html; tests add sitemaps, feeds and failing routes."""
    with serve_site() as holder:
        yield holder


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
