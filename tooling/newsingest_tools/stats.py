"""Counts of the article table by status, failure reason and domain (``newsingest stats``).

A full scan (paginated by the repository): stats are an occasional operator's question, not a hot path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newsingest.storage import ArticleItem

NO_DOMAIN = "(no url)"  # malformed messages are recorded without a URL or domain


@dataclass
class DomainCounts:
    total: int = 0
    ok: int = 0
    failed: int = 0
    words: int = 0
    latest_fetch: str | None = None


@dataclass
class Stats:
    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_reason: Counter[str] = field(default_factory=Counter)
    by_domain: dict[str, DomainCounts] = field(default_factory=dict)

    def add(self, item: ArticleItem) -> None:
        self.total += 1
        self.by_status[item.status] += 1
        if item.status == "failed":
            self.by_reason[item.reason or "unknown"] += 1
        counts = self.by_domain.setdefault(item.domain or NO_DOMAIN, DomainCounts())
        counts.total += 1
        if item.status == "ok":
            counts.ok += 1
            counts.words += item.word_count or 0
        elif item.status == "failed":
            counts.failed += 1
        if item.fetched_at and (counts.latest_fetch is None or item.fetched_at > counts.latest_fetch):
            counts.latest_fetch = item.fetched_at

    def top_domains(self, limit: int | None = None) -> list[tuple[str, DomainCounts]]:
        ranked = sorted(self.by_domain.items(), key=lambda pair: (-pair[1].total, pair[0]))
        return ranked if limit is None else ranked[:limit]

    def to_json(self, *, domain_limit: int | None = None) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": dict(sorted(self.by_status.items())),
            "by_reason": dict(self.by_reason.most_common()),
            "by_domain": {domain: vars(counts) for domain, counts in self.top_domains(domain_limit)},
        }


def collect_stats(items: Iterable[ArticleItem]) -> Stats:
    stats = Stats()
    for item in items:
        stats.add(item)
    return stats
