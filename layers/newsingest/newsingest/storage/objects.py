"""S3: cleaned text and gzipped raw HTML, written before the DynamoDB item and never overwritten."""

from __future__ import annotations

import gzip
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

logger = logging.getLogger(__name__)

# mtime=0 makes the gzip bytes a pure function of the HTML, so a retry writes byte-identical objects.
_GZIP_LEVEL = 6
# 409 ConditionalRequestConflict: another conditional write to the same key was in flight. S3 says to retry; the
# retry then finds the object (412, the twin's identical bytes) or writes it. Retried in place, a few times, with
# full jitter, well inside the invocation (at most 0.05 + 0.1 + 0.2 s of waiting).
CONFLICT_RETRIES = 3
CONFLICT_BASE_DELAY_S = 0.05


class ArticleObjects:
    """The article bucket. ``s3_client`` is a boto3 S3 client created once per execution environment."""

    def __init__(self, s3_client: Any, bucket: str, *, sleep: Callable[[float], None] = time.sleep,
                 jitter: Callable[[], float] = random.random) -> None:
        self._s3 = s3_client
        self.bucket = bucket
        self._sleep = sleep
        self._jitter = jitter

    def put_text(self, key: str, text: str) -> bool:
        """Write cleaned text; return False when the (content-addressed) object already existed."""
        return self._put_once(key, text.encode("utf-8"), ContentType="text/plain; charset=utf-8")

    def put_raw(self, key: str, html: bytes, *, source_content_type: str | None = None) -> bool:
        """Write the raw page gzipped; return False when it already existed."""
        metadata = {"source-content-type": source_content_type[:512]} if source_content_type else {}
        body = gzip.compress(html, compresslevel=_GZIP_LEVEL, mtime=0)
        return self._put_once(key, body, ContentType="text/html", ContentEncoding="gzip", Metadata=metadata)

    def get_text(self, key: str) -> str:
        body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body.decode("utf-8")

    def get_raw(self, key: str) -> tuple[bytes, str | None]:
        """The raw page bytes (gunzipped) and the Content-Type it was served with, if recorded."""
        response = self._s3.get_object(Bucket=self.bucket, Key=key)
        data = response["Body"].read()
        # Some S3 clients transparently decode Content-Encoding: gzip; only gunzip what is still gzip.
        html = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
        return html, response.get("Metadata", {}).get("source-content-type")

    def _put_once(self, key: str, body: bytes, **extra: Any) -> bool:
        # If-None-Match: * makes the write conditional, so a redelivery or a concurrent twin never adds an object
        # version: the object is content-addressed, so an existing one already holds exactly these bytes.
        for attempt in range(CONFLICT_RETRIES + 1):
            try:
                self._s3.put_object(Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*", **extra)
            except ClientError as error:
                code = _error_code(error)
                if code in ("PreconditionFailed", "412"):
                    logger.debug("s3 object %s already present", key)
                    return False
                if code in ("ConditionalRequestConflict", "409") and attempt < CONFLICT_RETRIES:
                    delay = CONFLICT_BASE_DELAY_S * (2 ** attempt) * self._jitter()
                    logger.info("s3 409 ConditionalRequestConflict on %s; retrying in %.3f s", key, delay)
                    self._sleep(delay)
                    continue
                raise
            return True
        raise AssertionError("unreachable")  # pragma: no cover


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
