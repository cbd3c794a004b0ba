"""What CloudWatch does with the function's EMF lines, for the local tools: count outcomes, optionally hide them.

On Lambda, Powertools prints one JSON line per metric blob (``{"_aws": {...}, "outcome": "ok",
"MessagesProcessed": [3]}``) and CloudWatch turns it into metrics. Locally the worker and the demo read those same
lines to split their totals by outcome (ok / unchanged / failed / retry), and hide them unless asked to show them.
They are not silenced with ``POWERTOOLS_METRICS_DISABLED``: Powertools' cold-start metric (``single_metric``)
prints regardless, and the counts would be lost with the lines.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, TextIO

EMF_PREFIX = '{"_aws":'
OUTCOME_METRIC = "MessagesProcessed"


class EmfTap(io.TextIOBase):
    """A stdout stand-in that reads EMF lines (counting outcomes) and passes everything else to ``target``."""

    def __init__(self, target: TextIO, *, show_metrics: bool = False) -> None:
        self._target = target
        self._show = show_metrics
        self._pending = ""
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._pending += text
            while "\n" in self._pending:
                line, self._pending = self._pending.split("\n", 1)
                self._line(line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            if self._pending and not self._pending.startswith(EMF_PREFIX[: len(self._pending)]):
                self._target.write(self._pending)
                self._pending = ""
        self._target.flush()

    def _line(self, line: str) -> None:
        if line.startswith(EMF_PREFIX):
            self._count(line)
            if not self._show:
                return
        self._target.write(line + "\n")

    def _count(self, line: str) -> None:
        try:
            blob = json.loads(line)
        except ValueError:
            return
        outcome, values = blob.get("outcome"), blob.get(OUTCOME_METRIC)
        if isinstance(outcome, str) and values is not None:
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, (int, float)):
                    self.outcomes[outcome] += int(value)

    @contextlib.contextmanager
    def installed(self) -> Iterator[EmfTap]:
        """Stand in for ``sys.stdout`` for the block (the handler prints its EMF lines there)."""
        with contextlib.redirect_stdout(self):
            try:
                yield self
            finally:
                self.flush()

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        """The handler, run with this tap as stdout."""

        def tapped(event: Any, context: Any) -> Any:
            with self.installed():
                return handler(event, context)

        return tapped


def tap_stdout(*, show_metrics: bool) -> EmfTap:
    return EmfTap(sys.stdout, show_metrics=show_metrics)


def outcome_summary(outcomes: Counter[str]) -> str:
    """``3 ok, 1 unchanged, 2 failed`` (recorded failures), ``1 retry`` when any; ``-`` when nothing was counted."""
    order = ["ok", "unchanged", "failed", "superseded", "retry"]
    names = order + sorted(set(outcomes) - set(order))
    parts = [f"{outcomes[name]} {name}" for name in names if outcomes.get(name)]
    return ", ".join(parts) or "-"
