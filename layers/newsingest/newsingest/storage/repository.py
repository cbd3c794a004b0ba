"""DynamoDB: the article records, written with conditions so that retries and races are harmless.

Write rules (the idempotency contract):

* ``put_version``: replaces the item only when it is absent or holds an *older* ``version``; a redelivered message or
  a concurrent twin that lost the race gets ``VersionConflict`` and nothing changes.
* ``put_if_version``: compare-and-swap for read-then-rewrite (reprocess): only while the stored ``version`` is still
  the one read.
* ``touch_unchanged``: moves ``last_checked_at``, ``version`` (and HTTP validators) only while the stored content hash
  is the one we compared against and the stored version is older than the confirming observation.
* ``record_failure``: sets status/reason/detail on an existing record without erasing the article it already holds
  (a page that now answers 404 keeps its last good text), again only for a newer version.
* ``clear_pending_event``: removes ``pending_event`` once the version's event is published, only while the record
  still holds that version (a newer version carries its own).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from newsingest.storage.items import ArticleItem

logger = logging.getLogger(__name__)

BY_DOMAIN_INDEX = "by-domain"
BY_STATUS_INDEX = "by-status"
_NEWER_ONLY = "attribute_not_exists(article_id) OR version < :version"
# Failure records change only these attributes, so the last good article stays readable.
_FAILURE_FIELDS = ("status", "reason", "detail", "fetched_at", "version", "http_status", "url", "domain",
                   "final_url", "raw_key", "raw_body", "message_id", "extractor_version", "last_checked_at")


class VersionConflict(Exception):
    """The table already holds this or a newer version of the item."""


class ArticleRepository:
    """The article table. ``dynamodb_client`` is a boto3 DynamoDB client created once and passed in."""

    def __init__(self, dynamodb_client: Any, table: str) -> None:
        self._db = dynamodb_client
        self.table = table

    # ---- reads -----------------------------------------------------------------------------------------------
    def get(self, article_id: str) -> ArticleItem | None:
        response = self._db.get_item(TableName=self.table, Key=_key(article_id), ConsistentRead=True)
        attributes = response.get("Item")
        return ArticleItem.from_attributes(attributes) if attributes else None

    def by_domain(self, domain: str, *, since: str | None = None, until: str | None = None,
                  newest_first: bool = True, limit: int | None = None) -> Iterator[ArticleItem]:
        """Articles of one site by ``published_at`` (ISO strings compare chronologically within one offset)."""
        condition = "#domain = :domain"
        values: dict[str, Any] = {":domain": {"S": domain}}
        if since and until:
            condition += " AND published_at BETWEEN :since AND :until"
            values.update({":since": {"S": since}, ":until": {"S": _inclusive_upper(until)}})
        elif since:
            condition += " AND published_at >= :since"
            values[":since"] = {"S": since}
        elif until:
            condition += " AND published_at <= :until"
            values[":until"] = {"S": _inclusive_upper(until)}
        return self._query(
            IndexName=BY_DOMAIN_INDEX, KeyConditionExpression=condition, ExpressionAttributeValues=values,
            ExpressionAttributeNames={"#domain": "domain"}, ScanIndexForward=not newest_first, limit=limit,
        )

    def by_status(self, status: str, *, reason: str | None = None, since: str | None = None,
                  limit: int | None = None) -> Iterator[ArticleItem]:
        """Records of one status, newest attempt first, optionally of one failure reason.

        ``by-status`` is a sparse failures index keyed on ``reason`` (only failures carry one): one reason is one
        query; all failures are a scan of that index (it holds failures only, so it costs what they weigh), sorted
        here. ``ok`` records are in no index: that is a filtered scan of the table (prefer ``by_domain``).
        """
        if status == "failed" and reason:
            condition = "#reason = :reason"
            values: dict[str, Any] = {":reason": {"S": reason}}
            if since:
                condition += " AND fetched_at >= :since"
                values[":since"] = {"S": since}
            return self._query(IndexName=BY_STATUS_INDEX, KeyConditionExpression=condition,
                               ExpressionAttributeValues=values, ExpressionAttributeNames={"#reason": "reason"},
                               ScanIndexForward=False, limit=limit)
        request: dict[str, Any] = {"TableName": self.table, "FilterExpression": "#status = :status",
                                   "ExpressionAttributeNames": {"#status": "status"},
                                   "ExpressionAttributeValues": {":status": {"S": status}}}
        if status == "failed":
            request["IndexName"] = BY_STATUS_INDEX
        if reason:
            request["FilterExpression"] += " AND #reason = :reason"
            request["ExpressionAttributeNames"]["#reason"] = "reason"
            request["ExpressionAttributeValues"][":reason"] = {"S": reason}
        if since:
            request["FilterExpression"] += " AND fetched_at >= :since"
            request["ExpressionAttributeValues"][":since"] = {"S": since}
        found = sorted(self._paginate(self._db.scan, request, None), key=lambda item: item.fetched_at, reverse=True)
        return iter(found[:limit] if limit is not None else found)

    def scan(self, *, limit: int | None = None) -> Iterator[ArticleItem]:
        """Every record (for stats and reprocessing), page by page."""
        return self._paginate(self._db.scan, {"TableName": self.table}, limit)

    def _query(self, *, limit: int | None, **request: Any) -> Iterator[ArticleItem]:
        return self._paginate(self._db.query, {**request, "TableName": self.table}, limit)

    @staticmethod
    def _paginate(operation: Any, request: dict[str, Any], limit: int | None) -> Iterator[ArticleItem]:
        # Follows LastEvaluatedKey: a result page stops at 1 MB whatever the limit.
        yielded = 0
        while True:
            response = operation(**request)
            for attributes in response.get("Items", []):
                yield ArticleItem.from_attributes(attributes)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
            if "LastEvaluatedKey" not in response:
                return
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    # ---- writes ----------------------------------------------------------------------------------------------
    def put_version(self, item: ArticleItem) -> None:
        """Store a complete record; raise ``VersionConflict`` if this or a newer version is already there."""
        try:
            self._db.put_item(
                TableName=self.table, Item=item.to_attributes(), ConditionExpression=_NEWER_ONLY,
                ExpressionAttributeValues={":version": {"N": str(item.version)}},
            )
        except ClientError as error:
            _raise_conflict_or_reraise(error)

    def put_if_version(self, item: ArticleItem, read_version: int) -> None:
        """Compare-and-swap: replace the record only while it still holds ``read_version`` (what the caller read and
        derived ``item`` from); raise ``VersionConflict`` if anything wrote it since, or it is gone."""
        try:
            self._db.put_item(
                TableName=self.table, Item=item.to_attributes(), ConditionExpression="version = :read_version",
                ExpressionAttributeValues={":read_version": {"N": str(read_version)}},
            )
        except ClientError as error:
            _raise_conflict_or_reraise(error)

    def touch_unchanged(self, article_id: str, *, checked_at: str, content_sha256: str,
                        etag: str | None, last_modified: str | None, version: int) -> None:
        """Record that the stored content was confirmed unchanged as of ``version`` (the confirming observation),
        moving ``version`` to it; raise ``VersionConflict`` if the content changed since or a newer observation is
        stored (an older confirmation must not move the record back, nor replace the validators of a newer one)."""
        sets = ["last_checked_at = :checked", "version = :version"]
        values: dict[str, Any] = {":checked": {"S": checked_at}, ":sha": {"S": content_sha256},
                                  ":version": {"N": str(version)}}
        for name, value in (("etag", etag), ("last_modified", last_modified)):
            if value:
                sets.append(f"{name} = :{name}")
                values[f":{name}"] = {"S": value}
        try:
            self._db.update_item(
                TableName=self.table, Key=_key(article_id), UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="content_sha256 = :sha AND version < :version", ExpressionAttributeValues=values,
            )
        except ClientError as error:
            _raise_conflict_or_reraise(error)

    def record_failure(self, item: ArticleItem) -> None:
        """Mark a record failed (creating it if needed) without erasing a previously stored article."""
        attributes = item.to_attributes()
        present = [name for name in _FAILURE_FIELDS if name in attributes]
        absent = [name for name in ("reason", "detail", "http_status", "final_url")
                  if name not in attributes]
        names = {f"#{name}": name for name in present + absent}
        values = {f":{name}": attributes[name] for name in present}
        expression = "SET " + ", ".join(f"#{name} = :{name}" for name in present)
        if absent:
            expression += " REMOVE " + ", ".join(f"#{name}" for name in absent)
        try:
            self._db.update_item(
                TableName=self.table, Key=_key(item.article_id), UpdateExpression=expression,
                ConditionExpression=_NEWER_ONLY, ExpressionAttributeNames=names, ExpressionAttributeValues=values,
            )
        except ClientError as error:
            _raise_conflict_or_reraise(error)

    def clear_pending_event(self, article_id: str, version: int) -> bool:
        """Mark the event of ``version`` published; False when a newer version replaced it meanwhile (its own
        ``pending_event``, if any, is that version's to clear: nothing to do here)."""
        try:
            self._db.update_item(
                TableName=self.table, Key=_key(article_id), UpdateExpression="REMOVE pending_event",
                ConditionExpression="version = :version", ExpressionAttributeValues={":version": {"N": str(version)}},
            )
        except ClientError as error:
            if not _is_conflict(error):
                raise
            return False
        return True


def _key(article_id: str) -> dict[str, dict[str, str]]:
    return {"article_id": {"S": article_id}}


def _inclusive_upper(until: str) -> str:
    # "2024-05-01" must include everything published on that day ("2024-05-01T23:59…" sorts after "2024-05-01").
    return until + "\uffff" if len(until) <= 10 else until


def _is_conflict(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def _raise_conflict_or_reraise(error: ClientError) -> None:
    if _is_conflict(error):
        raise VersionConflict(str(error)) from None
    raise error
