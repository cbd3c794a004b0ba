"""The sources table (issue 16): one item per polled feed or sitemap, one item per article URL already enqueued.

Key design (one table, two item types, key ``pk``)::

    pk = "src#<sha256(normalized source URL)[:32]>"   a source: URL, kind, interval, next poll, validators, status,
                                                       counters; poll_shard = "due" puts it in the by-due index
    pk = "seen#<article_id>"                           an article URL a poll has enqueued (state, source, TTL)

* One table, not a SeenTable of its own: the poll function needs both, so one resource to grant, to back up and
  to pay for; the item types cannot collide (prefixes), and seen items expire by ``expires_at`` (TTL).
* ``by-due`` is a sparse GSI (only source items carry ``poll_shard``): partition ``poll_shard``, sort
  ``next_poll_at`` (epoch seconds), so "the sources due now, most overdue first" is one Query. One partition
  serves thousands of sources (a GSI partition takes 3,000 reads/s); shard the key if that is ever exceeded.
* A URL is enqueued at most once across overlapping polls: ``claim_urls`` puts ``seen#`` with
  ``attribute_not_exists(pk)`` (or a pending claim older than the stale window, left by a poll that died before
  sending), the winner sends it, then marks it ``sent``. A send that fails releases the claim so the next poll
  retries it. The claims of many sources go together (one ``BatchGetItem`` per 100 URLs drops those already
  sent; one ``BatchWriteItem`` per 25 marks them sent), and the deciding writes, one conditional put per URL, go
  up to 100 in one ``TransactWriteItems``: the call decides each condition (its cancellation reasons say which
  failed), at twice the write units of single puts, so a first poll of many new URLs makes a hundredth of the
  calls (on Lambda, each call is client CPU the function's memory size pays for).
* One poll runs at a time: ``take_poll_lock`` puts ``lock#poll`` (an owner token and an expiry) with
  ``attribute_not_exists(pk) OR expires_at < now``, ``release_poll_lock`` deletes it if the token is still ours.
  So overlapping invocations never fetch one source twice, for one write per poll rather than one per source; a
  poll that dies leaves its lock to expire, and its unfinished sources were never moved: the next poll takes them.
  The lock only spares work: should it ever lapse under a running poll, the per-URL claims still decide.

Only this module talks to DynamoDB for sources; the client is passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

SOURCE_PREFIX = "src#"
SEEN_PREFIX = "seen#"
POLL_LOCK_KEY = "lock#poll"
DUE_INDEX = "by-due"
DUE_SHARD = "due"
SEEN_TTL_SECONDS = 90 * 24 * 3600  # feeds and news sitemaps list days, not months: 90 days of memory suffice
STALE_CLAIM_SECONDS = 15 * 60  # a pending seen claim older than this was left by a poll that died
_CLAIM_THREADS = 8
_BATCH_GET = 100  # BatchGetItem's limit
_BATCH_WRITE = 25  # BatchWriteItem's limit
_BATCH_ATTEMPTS = 4
_TRANSACTION_ITEMS = 100  # TransactWriteItems' limit
_TRANSACTION_ATTEMPTS = 4
# Cancellation reasons that say nothing against a claim: another claim's condition failed (None), or a concurrent
# write or throttling got in the way; the claim goes again.
_RETRIED_CANCELLATIONS = frozenset({"None", "TransactionConflict", "ThrottlingError",
                                    "ProvisionedThroughputExceeded", "RequestLimitExceeded"})


class ClaimsUndecided(RuntimeError):
    """Claims that kept conflicting with other writes: not sent this poll (the next poll offers them again)."""


def source_id(url: str) -> str:
    """The stable id of a source (its normalized URL's hash, shortened)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Source:
    """One feed or sitemap being polled."""

    url: str  # normalized
    every_s: int  # the interval the operator asked for (the adaptive interval never exceeds it unless told to)
    interval_s: int  # the current adaptive interval
    next_poll_at: int  # epoch seconds
    added_at: int
    kind: str = ""  # rss, rdf, atom, urlset, news-sitemap, sitemapindex (detected on the first poll)
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: int | None = None
    last_status: str = "new"  # new, ok, not_modified, failed
    last_error: str | None = None  # reason: detail
    failures: int = 0  # consecutive
    found: int = 0  # entries seen in all polls
    enqueued: int = 0  # new URLs sent to the queue

    @property
    def id(self) -> str:
        return source_id(self.url)


@dataclass
class ClaimResult:
    """What ``claim_urls`` decided: URLs this caller may send, and those already enqueued (or being enqueued)."""

    claimed: list[str] = field(default_factory=list)
    already_seen: int = 0


class SourceStore:
    """The sources table. ``dynamodb_client`` is a boto3 DynamoDB client created once and passed in."""

    def __init__(self, dynamodb_client: Any, table: str) -> None:
        self._db = dynamodb_client
        self.table = table

    # ------------------------------------------------------------------ sources

    def add(self, source: Source) -> bool:
        """Create ``source``; False when one with that URL exists already (it is left unchanged)."""
        try:
            self._db.put_item(TableName=self.table, Item=_source_item(source),
                              ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if _conditional(error):
                return False
            raise
        return True

    def get(self, url: str) -> Source | None:
        item = self._db.get_item(TableName=self.table, Key=_key(SOURCE_PREFIX + source_id(url)),
                                 ConsistentRead=True).get("Item")
        return _source_of(item) if item else None

    def remove(self, url: str) -> bool:
        """Delete the source; False when there was none. Its seen URLs stay (they expire by TTL)."""
        answer = self._db.delete_item(TableName=self.table, Key=_key(SOURCE_PREFIX + source_id(url)),
                                      ReturnValues="ALL_OLD")
        return bool(answer.get("Attributes"))

    def all(self) -> list[Source]:
        """Every source, by URL (a query of the sparse index: seen items are not read)."""
        sources = [_source_of(item) for item in self._query_due(None)]
        return sorted(sources, key=lambda source: source.url)

    def due(self, now: int, limit: int) -> list[Source]:
        """Sources whose next poll is at or before ``now``, most overdue first, at most ``limit``."""
        due: list[Source] = []
        for item in self._query_due(now):
            due.append(_source_of(item))
            if len(due) >= limit:
                break
        return due

    def _query_due(self, now: int | None) -> Iterator[dict[str, Any]]:
        condition = "poll_shard = :shard" + ("" if now is None else " AND next_poll_at <= :now")
        values: dict[str, Any] = {":shard": {"S": DUE_SHARD}}
        if now is not None:
            values[":now"] = {"N": str(now)}
        paginator = self._db.get_paginator("query")
        for page in paginator.paginate(TableName=self.table, IndexName=DUE_INDEX, KeyConditionExpression=condition,
                                       ExpressionAttributeValues=values):
            yield from page.get("Items", [])

    def take_poll_lock(self, owner: str, now: int, until: int) -> bool:
        """Become the one running poll until ``until``: False while another poll's lock has not expired."""
        try:
            self._db.put_item(TableName=self.table,
                              Item={"pk": {"S": POLL_LOCK_KEY}, "owner": {"S": owner}, "taken_at": {"N": str(now)},
                                    "expires_at": {"N": str(until)}},
                              ConditionExpression="attribute_not_exists(pk) OR expires_at < :now",
                              ExpressionAttributeValues={":now": {"N": str(now)}})
        except ClientError as error:
            if _conditional(error):
                return False
            raise
        return True

    def release_poll_lock(self, owner: str) -> None:
        """Give the lock back, only if it is still ours (an expired one may have been taken by the next poll)."""
        try:
            self._db.delete_item(TableName=self.table, Key=_key(POLL_LOCK_KEY), ConditionExpression="#owner = :owner",
                                 ExpressionAttributeNames={"#owner": "owner"},
                                 ExpressionAttributeValues={":owner": {"S": owner}})
        except ClientError as error:
            if not _conditional(error):
                raise

    def save_poll(self, source: Source, read: Source | None = None) -> None:
        """Write the outcome of a poll (status, validators, interval, next poll, counters) onto an existing source.

        Given the source as the poll read it, only what the poll changed is written (``next_poll_at`` always): what
        others changed meanwhile is kept, and the update is shorter (moto parses every clause, ~1 ms each).
        """
        item = _source_item(source)
        before = _source_item(read) if read is not None else {}
        changed = {key: value for key, value in item.items()
                   if key != "pk" and (key == "next_poll_at" or before.get(key) != value)}
        gone = [key for key in _OPTIONAL_ATTRIBUTES if key not in item and (read is None or key in before)]
        names = {f"#{key}": key for key in [*changed, *gone]}
        values = {f":{key}": value for key, value in changed.items()}
        expression = "SET " + ", ".join(f"#{key} = :{key}" for key in changed)
        if gone:
            expression += " REMOVE " + ", ".join(f"#{key}" for key in gone)
        try:
            self._db.update_item(TableName=self.table, Key=_key(SOURCE_PREFIX + source.id),
                                 UpdateExpression=expression, ConditionExpression="attribute_exists(pk)",
                                 ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except ClientError as error:
            if not _conditional(error):  # removed while it was polled: nothing to record
                raise

    def save_polls(self, outcomes: list[tuple[Source, Source]]) -> list[Exception | None]:
        """``save_poll`` for many (updated, as read) sources, 8 at once (each a conditional update: no batch call
        can keep the condition); one answer per source, in order: None, or the error that kept it unwritten."""
        def one(outcome: tuple[Source, Source]) -> Exception | None:
            try:
                self.save_poll(*outcome)
            except Exception as error:  # noqa: BLE001 - the caller reports it for that source alone
                return error
            return None

        if len(outcomes) <= 1:
            return [one(outcome) for outcome in outcomes]
        with ThreadPoolExecutor(min(_CLAIM_THREADS, len(outcomes)), thread_name_prefix="save") as pool:
            return list(pool.map(one, outcomes))

    def set_due(self, url: str, at: int) -> bool:
        """Make a source due at ``at`` (``sources poll --now``); False when there is none."""
        try:
            self._db.update_item(TableName=self.table, Key=_key(SOURCE_PREFIX + source_id(url)),
                                 UpdateExpression="SET next_poll_at = :at", ConditionExpression="attribute_exists(pk)",
                                 ExpressionAttributeValues={":at": {"N": str(at)}})
        except ClientError as error:
            if _conditional(error):
                return False
            raise
        return True

    # ------------------------------------------------------------------ seen URLs

    def claim_urls(self, claims: Iterable[tuple[str, str, str]], now: int) -> ClaimResult:
        """Claim (normalized URL, article id, source id) triples, of one poll's sources together, for enqueueing;
        only the claimed ones may be sent. An article id listed twice is claimed once, for the first source.

        1. one BatchGetItem per 100 URLs drops those already sent (most of a feed, most of the time: a read);
        2. the rest are claimed by conditional puts, up to 100 in one TransactWriteItems (``_claim_together``), so
           each URL is still decided by its own condition between overlapping polls.
        """
        unique: dict[str, tuple[str, str, str]] = {}
        for url, article, source in claims:
            unique.setdefault(article, (url, article, source))
        wanted = list(unique.values())
        sent = self._already_sent([article for _, article, _ in wanted])
        pending = [claim for claim in wanted if claim[1] not in sent]
        result = ClaimResult(already_seen=len(wanted) - len(pending))
        if not pending:
            return result
        chunks = [pending[start:start + _TRANSACTION_ITEMS] for start in range(0, len(pending), _TRANSACTION_ITEMS)]
        if len(chunks) == 1:  # most polls: no pool for one call
            won = self._claim_together(chunks[0], now)
        else:
            with ThreadPoolExecutor(min(_CLAIM_THREADS, len(chunks)), thread_name_prefix="seen") as pool:
                futures = [pool.submit(self._claim_together, chunk, now) for chunk in chunks]
            errors = [error for error in (future.exception() for future in futures) if error is not None]
            if errors:
                # The caller sends none of these claims: release the ones other transactions won, or they would
                # stay pending, and the next poll (its feed unchanged, a 304) would never offer their URLs again.
                self.release(claim[1] for chunk, future in zip(chunks, futures, strict=True)
                             if future.exception() is None
                             for claim, ok in zip(chunk, future.result(), strict=True) if ok)
                raise errors[0]
            won = [ok for future in futures for ok in future.result()]
        for (url, _, _), ok in zip(pending, won, strict=True):
            if ok:
                result.claimed.append(url)
            else:
                result.already_seen += 1
        return result

    def _claim_together(self, claims: list[tuple[str, str, str]], now: int) -> list[bool]:
        """Whether each claim was won, deciding up to 100 in one transaction of conditional puts.

        A transaction is all or nothing: when DynamoDB cancels it, its reasons say, claim by claim, which condition
        failed (that URL is already claimed: lost) and which claims were only held back by the others or by a
        conflicting write; those go again, without the lost ones, up to ``_TRANSACTION_ATTEMPTS`` times. botocore
        gives each call an idempotency token, so its own retry of a transaction that did commit answers success
        rather than failing the conditions it just made true.
        """
        won: dict[str, bool] = {}
        undecided = claims
        for _ in range(_TRANSACTION_ATTEMPTS):
            try:
                self._db.transact_write_items(TransactItems=[{"Put": self._claim_put(*claim, now)}
                                                             for claim in undecided])
            except ClientError as error:
                if _error_code(error) != "TransactionCanceledException":
                    raise
                reasons = error.response.get("CancellationReasons") or []
                if len(reasons) != len(undecided):
                    raise
                again = []
                for claim, reason in zip(undecided, reasons, strict=True):
                    code = reason.get("Code") or "None"
                    if code == "ConditionalCheckFailed":
                        won[claim[1]] = False
                    elif code in _RETRIED_CANCELLATIONS:
                        again.append(claim)
                    else:  # a claim DynamoDB refuses outright (validation, size): a fault, not a lost race
                        raise
                undecided = again
            else:
                won.update((article, True) for _, article, _ in undecided)
                undecided = []
            if not undecided:
                return [won[article] for _, article, _ in claims]
        raise ClaimsUndecided(f"{len(undecided)} claim(s) still conflicting after {_TRANSACTION_ATTEMPTS} "
                              "transactions")

    def _claim_put(self, url: str, article: str, source: str, now: int) -> dict[str, Any]:
        """The conditional put of one claim: a URL never claimed, or a pending claim left by a poll that died."""
        return {"TableName": self.table,
                "Item": {"pk": {"S": SEEN_PREFIX + article}, "url": {"S": url}, "source_id": {"S": source},
                         "state": {"S": "pending"}, "claimed_at": {"N": str(now)},
                         "expires_at": {"N": str(now + SEEN_TTL_SECONDS)}},
                "ConditionExpression": "attribute_not_exists(pk) OR (#state = :pending AND claimed_at < :stale)",
                "ExpressionAttributeNames": {"#state": "state"},
                "ExpressionAttributeValues": {":pending": {"S": "pending"},
                                              ":stale": {"N": str(now - STALE_CLAIM_SECONDS)}}}

    def _already_sent(self, articles: list[str]) -> set[str]:
        found: set[str] = set()
        unique = list(dict.fromkeys(articles))
        for start in range(0, len(unique), _BATCH_GET):
            keys = [_key(SEEN_PREFIX + article) for article in unique[start:start + _BATCH_GET]]
            request: dict[str, Any] = {self.table: {"Keys": keys, "ProjectionExpression": "pk, #state",
                                                    "ExpressionAttributeNames": {"#state": "state"}}}
            for _ in range(_BATCH_ATTEMPTS):
                answer = self._db.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self.table, []):
                    if item.get("state", {}).get("S") == "sent":
                        found.add(item["pk"]["S"][len(SEEN_PREFIX):])
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
            # keys still unprocessed are simply not known as sent: the conditional put decides for them
        return found

    def mark_sent(self, claims: Iterable[tuple[str, str, str]], now: int) -> None:
        """Turn pending claims (URL, article id, source id), of any sources, into sent ones: BatchWriteItem by 25
        (unconditional: the claims are ours, and an item written twice as sent is the same item)."""
        items = [{"PutRequest": {"Item": {"pk": {"S": SEEN_PREFIX + article}, "url": {"S": url},
                                          "source_id": {"S": source}, "state": {"S": "sent"},
                                          "claimed_at": {"N": str(now)},
                                          "expires_at": {"N": str(now + SEEN_TTL_SECONDS)}}}}
                 for url, article, source in claims]
        for start in range(0, len(items), _BATCH_WRITE):
            request: dict[str, Any] = {self.table: items[start:start + _BATCH_WRITE]}
            for _ in range(_BATCH_ATTEMPTS):
                request = self._db.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
                if not request:
                    break
            # a claim left pending is taken over after STALE_CLAIM_SECONDS: at worst one more send, never a loss

    def release(self, articles: Iterable[str]) -> None:
        """Forget pending claims whose send failed, so the next poll tries them again."""
        self._each(articles,
                   lambda article: self._db.delete_item(TableName=self.table, Key=_key(SEEN_PREFIX + article)))

    def _each(self, articles: Iterable[str], call: Any) -> None:
        ids = list(articles)
        if not ids:
            return
        with ThreadPoolExecutor(min(_CLAIM_THREADS, len(ids)), thread_name_prefix="seen") as pool:
            list(pool.map(call, ids))


# ------------------------------------------------------------------ item mapping

_OPTIONAL_ATTRIBUTES = ("etag", "last_modified", "last_polled_at", "last_error")


def _key(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def _error_code(error: ClientError) -> str | None:
    code: str | None = error.response.get("Error", {}).get("Code")
    return code


def _conditional(error: ClientError) -> bool:
    return _error_code(error) == "ConditionalCheckFailedException"


def _source_item(source: Source) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": SOURCE_PREFIX + source.id},
        "poll_shard": {"S": DUE_SHARD},
        "url": {"S": source.url},
        "kind": {"S": source.kind or "-"},
        "every_s": {"N": str(source.every_s)},
        "interval_s": {"N": str(source.interval_s)},
        "next_poll_at": {"N": str(source.next_poll_at)},
        "added_at": {"N": str(source.added_at)},
        "last_status": {"S": source.last_status},
        "failures": {"N": str(source.failures)},
        "found": {"N": str(source.found)},
        "enqueued": {"N": str(source.enqueued)},
    }
    for name in ("etag", "last_modified", "last_error"):
        value = getattr(source, name)
        if value:
            item[name] = {"S": value}
    if source.last_polled_at is not None:
        item["last_polled_at"] = {"N": str(source.last_polled_at)}
    return item


def _source_of(item: dict[str, Any]) -> Source:
    def text(name: str) -> str | None:
        value = item.get(name, {}).get("S")
        return None if value in (None, "-") else value

    def number(name: str, default: int = 0) -> int:
        value = item.get(name, {}).get("N")
        return default if value is None else int(value)

    return Source(url=item["url"]["S"], every_s=number("every_s"), interval_s=number("interval_s"),
                  next_poll_at=number("next_poll_at"), added_at=number("added_at"), kind=text("kind") or "",
                  etag=text("etag"), last_modified=text("last_modified"),
                  last_polled_at=number("last_polled_at") if "last_polled_at" in item else None,
                  last_status=text("last_status") or "new", last_error=text("last_error"),
                  failures=number("failures"), found=number("found"), enqueued=number("enqueued"))


__all__ = ["ClaimResult", "ClaimsUndecided", "Source", "SourceStore", "source_id"]
