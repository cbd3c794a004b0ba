"""The host gate a function's Fetcher gets: the fleet-wide per-host budget when configured, else none.

Shared by the ingest function (``batch.build_runtime``) and the poll function (``poll.run_scheduled_poll``), so a
site's article pages and its feeds draw on one budget.
"""

from __future__ import annotations

from typing import Any

from newsingest.fetch.gate import OPEN_GATE, HostGate
from newsingest.settings import Settings
from newsingest.storage.host_budget import HostBudget


def host_gate(settings: Settings, dynamodb: Any) -> HostGate:
    """``HostBudget`` on ``settings.host_budget_table`` (one DynamoDB client, created by the caller), else no gate."""
    if not settings.host_budget_table:
        return OPEN_GATE
    return HostBudget(dynamodb, settings.host_budget_table, rate=settings.host_rate, burst=settings.host_burst,
                      max_wait=settings.host_max_wait_s)
