"""Re-extract stored pages with the current extractor, without re-fetching the web (``newsingest reprocess``).

For every record that has a stored raw page (``raw_key``): read the gzipped HTML from S3, run the current
``extract_article`` on it, and when the text or any extracted field differs from the record, write the new text
(content-addressed key, before the record) and a new version of the record. A ``no_article`` failure whose page now
yields an article becomes ``ok``. Running it twice changes nothing the second time (idempotent): unchanged output is
not written, and text keys are content-addressed.

Races: each record is re-read with a consistent read of the base item (the ``by-domain`` index
and scans may lag) and rewritten with a compare-and-swap, ``version = :read_version``: if an ingest stored newer
content, or recorded a newer failure, in between, nothing is written and the record is reported as failed with
"changed while reprocessing, run again". The rewrite takes version read + 1, never the local clock, so a machine
whose clock is ahead cannot make later ingests lose. The record goes through the same article → record mapping,
size bounds included, as ingest (``pipeline.article_fields``).

Counts: ``changed`` (record rewritten), ``unchanged`` (same output), ``failed`` (the raw page could not be read,
or the new extractor finds no article in a page that had one: the stored article is kept), ``skipped`` (records
with no stored page, e.g. 404s and malformed messages, or outside ``--since``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from newsingest.outcomes import Status
from newsingest.pipeline import article_fields
from newsingest.storage import ArticleItem, ArticleObjects, ArticleRepository, VersionConflict
from newsingest.storage.keys import text_key

logger = logging.getLogger(__name__)

# Extracted fields stored on the record; a difference in any of them (or in the text) is a change.
ARTICLE_FIELDS = ("title", "authors", "published_at", "modified_at", "section", "tags", "source", "language",
                  "description", "image_url", "canonical_url", "site_name", "paywalled")


@dataclass
class ReprocessReport:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    revived: int = 0  # no_article failures that now have an article (also counted in changed)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url or article id, why)

    @property
    def examined(self) -> int:
        return self.changed + self.unchanged + self.failed


def candidates(repository: ArticleRepository, *, domain: str | None = None,
               since: str | None = None) -> Iterator[ArticleItem]:
    """The records to look at: one domain or the whole table, fetched at or after ``since``.

    For a domain: its stored articles (``by-domain`` index) and its ``no_article`` failures (``by-status`` index:
    failures carry no ``published_at``, so the ``by-domain`` index does not list them; that index projects only a
    few attributes, so each failure is read in full). ``since`` compares with ``fetched_at`` (ISO 8601 UTC), i.e.
    "pages fetched since".
    """
    items: Iterable[ArticleItem]
    if domain:
        listed = repository.by_status(Status.FAILED.value, reason="no_article", since=since)
        failures = (full for full in (repository.get(item.article_id) for item in listed if item.domain == domain)
                    if full is not None)
        items = chain(repository.by_domain(domain), failures)
    else:
        items = repository.scan()
    seen: set[str] = set()
    for item in items:
        if item.article_id in seen or (since and (item.fetched_at or "") < since):
            continue
        seen.add(item.article_id)
        yield item


def is_reprocessable(item: ArticleItem) -> bool:
    """Stored articles, and ``no_article`` failures whose page was kept."""
    if not item.raw_key:
        return False
    return item.status == Status.OK.value or (item.status == Status.FAILED.value and item.reason == "no_article")


def reprocess(items: Iterable[ArticleItem], objects: ArticleObjects, repository: ArticleRepository, *,
              extract: Callable[..., Any] | None = None, dry_run: bool = False,
              progress: Callable[[ArticleItem], None] | None = None) -> ReprocessReport:
    """Re-extract ``items`` (see the module doc). ``dry_run`` counts what would change without writing."""
    if extract is None:
        import newsingest.extract as extract_module  # noqa: PLC0415 - looked up per run: tests swap the extractor

        extract = extract_module.extract_article
    report = ReprocessReport()
    for item in items:
        try:
            if not is_reprocessable(item):
                report.skipped += 1
                continue
            _reprocess_one(item, objects, repository, extract, report, dry_run=dry_run)
        except Exception as error:  # one bad record must not stop the run; AWS-wide errors surface in failures
            if _is_aws_wide(error):
                raise
            report.failed += 1
            report.failures.append((item.url or item.article_id, f"{type(error).__name__}: {error}"))
            logger.warning("reprocess of %s failed", item.article_id, exc_info=True)
        finally:
            if progress:
                progress(item)
    return report


def _reprocess_one(listed: ArticleItem, objects: ArticleObjects, repository: ArticleRepository,
                   extract: Callable[..., Any], report: ReprocessReport, *,
                   dry_run: bool) -> None:
    # The listing (an eventually consistent index, or a scan) may lag: derive the new record from a consistent read
    # of the base item, and write it only while the item still holds that read's version (compare-and-swap).
    item = repository.get(listed.article_id)
    if item is None or not is_reprocessable(item):
        report.skipped += 1
        return
    html, content_type = objects.get_raw(item.raw_key or "")
    article = extract(html, item.final_url or item.url, content_type=content_type)
    if not article.text.strip():
        if item.status == Status.OK.value:
            report.failed += 1
            report.failures.append((item.url or item.article_id,
                                    "the current extractor finds no article; the stored one is kept"))
        else:
            report.unchanged += 1  # still no article
        return
    content_sha256 = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    updated = updated_item(item, article, content_sha256, version=_next_version(item))
    if item.status == Status.OK.value and _same(item, updated):
        report.unchanged += 1
        return
    if not dry_run:
        objects.put_text(updated.text_key or "", article.text)
        try:
            repository.put_if_version(updated, read_version=item.version)
        except VersionConflict:
            report.failed += 1
            report.failures.append((item.url or item.article_id, "changed while reprocessing, run again"))
            return
    report.changed += 1
    if item.status != Status.OK.value:
        report.revived += 1


def updated_item(item: ArticleItem, article: Any, content_sha256: str, *, version: int) -> ArticleItem:
    """The record as the current extractor sees the stored page (fetch facts kept, extraction facts replaced)."""
    first_seen = item.first_seen_at or item.fetched_at
    page_date = article.published_at
    # The one article → record mapping (and its size bounds) that ingest uses: a 500 KB description fits here too.
    fields = article_fields(article)
    extracted = {name: fields[name] for name in ARTICLE_FIELDS}
    # A page without a date is listed by-domain under the first time it was seen (see pipeline._article_item).
    extracted["published_at"] = page_date or (item.published_at if item.date_source == "first_seen" else None) \
        or first_seen
    return item.with_changes(
        status=Status.OK.value, reason=None, detail=None, version=version,
        date_source=(getattr(article, "date_source", None) or "page") if page_date else "first_seen",
        word_count=article.word_count, content_sha256=content_sha256,
        text_key=text_key(item.domain or "", item.article_id, content_sha256),
        extractor_version=fields["extractor_version"], first_seen_at=first_seen,
        **extracted,
    )


def _same(old: ArticleItem, new: ArticleItem) -> bool:
    names = ARTICLE_FIELDS + ("content_sha256", "word_count", "date_source")
    return all(getattr(old, name) == getattr(new, name) for name in names)


def _next_version(item: ArticleItem) -> int:
    # A reprocess observes nothing new (same page, same fetch): one step past what it read, never "now". A clock
    # ahead would otherwise make every later ingest of the page lose as "older"; the write is a
    # compare-and-swap on the read version, so the step cannot pass over a write it did not see.
    return item.version + 1


def _is_aws_wide(error: Exception) -> bool:
    """Errors that will fail every record alike (credentials, throttling, missing bucket): stop and report."""
    from botocore.exceptions import ClientError, NoCredentialsError  # noqa: PLC0415 - botocore only on an error

    if isinstance(error, NoCredentialsError):
        return True
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        return code in {"NoSuchBucket", "ResourceNotFoundException", "AccessDenied", "AccessDeniedException",
                        "ExpiredToken", "InvalidAccessKeyId", "ThrottlingException", "SlowDown",
                        "ProvisionedThroughputExceededException", "RequestLimitExceeded"}
    return False
