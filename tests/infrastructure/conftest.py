"""Fixtures for the template checks: the SAM template, its offline transform, and the stack deployed in moto.

Everything comes from template.yaml through ``newsingest_tools.local.stack`` - the same code ``make demo`` and the
integration fixtures use - so these tests prove what the other tests run against.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from newsingest_tools.local import stack
from newsingest_tools.local.env import OFFLINE_REGION

REGION = OFFLINE_REGION
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _template_from_the_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's template.yaml, whatever the machine sets. (No real account either: tests/conftest.py's
    autouse ``_offline_aws`` sets the offline credentials and region and clears any profile or endpoint.)"""
    monkeypatch.delenv(stack.TEMPLATE_ENV_VAR, raising=False)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def template_path() -> Path:
    return REPO_ROOT / "template.yaml"


@pytest.fixture(scope="session")
def _sam_template(template_path: Path) -> dict[str, Any]:
    return stack.load_template(template_path)


@pytest.fixture
def sam_template(_sam_template: dict[str, Any]) -> dict[str, Any]:
    """The SAM template as written (a copy: tests may change it)."""
    return copy.deepcopy(_sam_template)


@pytest.fixture(scope="session")
def _transformed(template_path: Path) -> dict[str, Any]:
    return stack.transform_template(template_path, region=REGION)


@pytest.fixture
def transformed(_transformed: dict[str, Any]) -> dict[str, Any]:
    """The template after the offline SAM transform (plain CloudFormation; a copy)."""
    return copy.deepcopy(_transformed)


class MotoAccount:
    """Clients of one moto account (in-process ``mock_aws``) in the test's region, created on first use."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session

    def __getattr__(self, service: str) -> Any:
        client = self.session.client("lambda" if service == "lambda_" else service)
        setattr(self, service, client)
        return client


@pytest.fixture
def moto_account() -> Iterator[MotoAccount]:
    from moto import mock_aws

    with mock_aws():
        yield MotoAccount(boto3.Session(region_name=REGION))


@pytest.fixture
def deployed(moto_account: MotoAccount) -> tuple[MotoAccount, stack.StackOutputs]:
    """The local stack, created from template.yaml in moto's CloudFormation with default parameters."""
    from tests.conftest import deploy_stack

    return moto_account, deploy_stack(moto_account.cloudformation).outputs

