"""Process environment helpers for the local tools (demo, worker, tests, benchmarks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

OFFLINE_REGION = "us-east-1"
_OFFLINE_KEY = "testing"

# Fake credentials and a fixed region: enough for boto3 to sign requests to moto, useless anywhere else. The one
# source of offline credentials: the demo, the local server, the tests and the benchmarks all take them from here.
OFFLINE_CREDENTIALS: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": _OFFLINE_KEY,
    "AWS_SECRET_ACCESS_KEY": _OFFLINE_KEY,
    "AWS_SESSION_TOKEN": _OFFLINE_KEY,
    "AWS_DEFAULT_REGION": OFFLINE_REGION,
    "AWS_REGION": OFFLINE_REGION,
}

# What the machine may set that would send an offline run elsewhere (a profile, an endpoint, config files).
AMBIENT_AWS_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE",
                         "AWS_SHARED_CREDENTIALS_FILE")


def offline_session_kwargs(region: str = OFFLINE_REGION) -> dict[str, str]:
    """The offline credentials as ``boto3.Session(**...)``/``boto3.client(..., **...)`` keyword arguments."""
    return {"aws_access_key_id": OFFLINE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": OFFLINE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "aws_session_token": OFFLINE_CREDENTIALS["AWS_SESSION_TOKEN"], "region_name": region}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the duration of the block, restoring (or removing) them afterwards."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
