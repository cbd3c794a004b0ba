"""The per-host request budget a Fetcher asks before each request: the seam for fleet-wide politeness.

The fetcher knows hosts, robots.txt and Retry-After; it does not know where a budget shared by every running
function lives. It calls a :class:`HostGate`: ``acquire`` before each request to a host (each redirect hop too),
``slow_down`` when the host answers 429/503 with a Retry-After. The DynamoDB implementation is
``newsingest.storage.host_budget.HostBudget``; without one (``OPEN_GATE``) only the per-environment limits apply
(``FetchOptions.per_host_concurrency``).
"""

from __future__ import annotations

from typing import Protocol


class HostGate(Protocol):
    def acquire(self, host: str, *, min_interval: float | None, remaining: float) -> None:
        """Return when a request to ``host`` may be sent (waiting for it if need be, never past ``remaining``
        seconds), or raise ``TransientFailure("host_budget", retry_after=…)`` when the wait would be longer.

        ``min_interval``: the seconds robots.txt asks between two requests (``Crawl-delay``), or None.
        """

    def slow_down(self, host: str, seconds: float) -> None:
        """The host asked for ``seconds`` of rest (Retry-After on a 429/503): no one sends to it before then."""


class _OpenGate:
    """No shared budget: every request may go (the per-environment limits still apply)."""

    def acquire(self, host: str, *, min_interval: float | None, remaining: float) -> None:
        return None

    def slow_down(self, host: str, seconds: float) -> None:
        return None


OPEN_GATE: HostGate = _OpenGate()
