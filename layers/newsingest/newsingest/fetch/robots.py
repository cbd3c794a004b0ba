"""robots.txt (RFC 9309): a small parser with longest-match semantics and a thread-safe per-origin cache.

``urllib.robotparser`` is not used: it applies the first matching rule instead of the longest one, ignores
``*``/``$`` wildcards and is not thread-safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from newsingest.outcomes import HOST_BUDGET_REASON, IngestFailure, PermanentFailure, TransientFailure

_AGENT_KEYS = frozenset({"user-agent", "useragent", "user agent"})
_RULE_KEYS = frozenset({"allow", "disallow", "dissallow", "dissalow", "disalow"})
# Keep percent-escapes, reserved characters and wildcards as they are; encode the rest (UTF-8) like URLs.
_PATTERN_SAFE = "/%:@!$&'()*+,;=-._~?"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_MAX_ORIGINS = 10_000


@dataclass(frozen=True)
class _Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class RobotsRules:
    """The rules of the group that applies to us. No rules = everything allowed."""

    rules: tuple[_Rule, ...] = ()
    # Seconds between two requests the group asks for (``Crawl-delay``, not in RFC 9309 but widely written);
    # None when it asks for none. Honoured by the fleet-wide host budget (``fetch.gate``).
    crawl_delay: float | None = None

    def allows(self, request_target: str) -> bool:
        """Longest matching pattern wins; on a tie Allow wins (RFC 9309 §2.2.2)."""
        if request_target == "/robots.txt":
            return True
        path = _normalise(request_target)
        best: _Rule | None = None
        for rule in self.rules:
            if rule.regex.match(path) is None:
                continue
            if (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


ALLOW_ALL = RobotsRules()


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)
    crawl_delay: float | None = None


# A Crawl-delay above this is taken as this: a typo ("Crawl-delay: 86400") must not stop a site for a day.
MAX_CRAWL_DELAY = 60.0


def parse_robots(text: str, product_token: str) -> RobotsRules:
    """The rules for ``product_token`` (case-insensitive), else for ``*``, else allow all."""
    groups = _groups(text)
    token = product_token.lower()
    mine = [g for g in groups if any(_agent_token(a) == token for a in g.agents)]
    if not mine:
        mine = [g for g in groups if "*" in g.agents]
    rules = []
    for group in mine:  # several groups for the same agent are merged (RFC 9309 §2.2.1)
        for allow, pattern in group.rules:
            if pattern:  # an empty Disallow means "allow everything"; an empty Allow means nothing
                rules.append(_compile(allow, pattern))
    delays = [group.crawl_delay for group in mine if group.crawl_delay is not None]
    return RobotsRules(tuple(rules), crawl_delay=min(max(delays), MAX_CRAWL_DELAY) if delays else None)


def _groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for raw_line in text.lstrip("\ufeff").splitlines():
        line = raw_line.split("#", 1)[0].strip()
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key in _AGENT_KEYS:
            if current is None or current.rules or current.crawl_delay is not None:  # a group's lines ended it
                current = _Group()
                groups.append(current)
            current.agents.append(value.lower())
        elif key in _RULE_KEYS and current is not None:
            current.rules.append((key == "allow", value))
        elif key == "crawl-delay" and current is not None:
            current.crawl_delay = _seconds(value)
        # Sitemap, Crawl-delay and unknown keys never end a group.
    return groups


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 < seconds < float("inf") else None


def _agent_token(agent: str) -> str:
    """``NewsIngest/1.0 (+url)`` → ``newsingest``: groups name the product token, some add a version."""
    return agent.split("/", 1)[0].split()[0] if agent.strip() else ""


def _normalise(path: str) -> str:
    """Encode non-ASCII as UTF-8 escapes and upper-case escapes, so patterns and URLs compare as octets."""
    return _ESCAPE.sub(lambda m: m.group(0).upper(), quote(path, safe=_PATTERN_SAFE))


def _compile(allow: bool, pattern: str) -> _Rule:
    normalised = _normalise(pattern)
    anchored = normalised.endswith("$")
    body = normalised[:-1] if anchored else normalised
    regex = ".*".join(re.escape(part) for part in body.split("*")) + (r"\Z" if anchored else "")
    return _Rule(allow=allow, pattern=normalised, regex=re.compile(regex, re.DOTALL))


@dataclass
class _Entry:
    expires: float
    rules: RobotsRules | None = None  # None = unavailable
    failure: TransientFailure | None = None


class RobotsCache:
    """Per-origin robots.txt rules with a TTL; one download per origin at a time (others wait for it)."""

    def __init__(self, *, ttl: float, error_ttl: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def check(
        self,
        origin: str,
        request_target: str,
        *,
        load: Callable[[], RobotsRules],
        remaining: Callable[[], float],
    ) -> RobotsRules:
        """The origin's rules; raise ``robots_disallowed`` / ``robots_unavailable`` unless they let us fetch the path.

        ``load`` downloads and parses the origin's robots.txt; it returns rules or raises a
        :class:`TransientFailure` meaning "unreachable, disallow for now" (RFC 9309 §2.3.1.4).
        """
        rules = self._rules(origin, load, remaining)
        if not rules.allows(request_target):
            raise PermanentFailure("robots_disallowed", f"{origin}/robots.txt disallows {request_target}")
        return rules

    def _rules(self, origin: str, load: Callable[[], RobotsRules], remaining: Callable[[], float]) -> RobotsRules:
        entry = self._fresh(origin)
        if entry is None:
            with self._guard:
                lock = self._locks.setdefault(origin, threading.Lock())
            left = remaining()
            if left <= 0 or not lock.acquire(timeout=left):
                raise TransientFailure("timeout", f"deadline reached waiting for {origin}/robots.txt")
            try:
                entry = self._fresh(origin)  # another thread may have loaded it while we waited
                if entry is None:
                    entry = self._load(origin, load)
            finally:
                lock.release()
        if entry.failure is not None:
            # A fresh exception per caller: a shared one would collect every thread's traceback.
            failure = entry.failure
            raise TransientFailure(failure.reason, failure.detail, retry_after=failure.retry_after)
        assert entry.rules is not None
        return entry.rules

    def _fresh(self, origin: str) -> _Entry | None:
        with self._guard:
            entry = self._entries.get(origin)
        return entry if entry is not None and entry.expires > self._clock() else None

    def _load(self, origin: str, load: Callable[[], RobotsRules]) -> _Entry:
        try:
            entry = _Entry(expires=self._clock() + self._ttl, rules=load())
        except TransientFailure as exc:
            if exc.reason == HOST_BUDGET_REASON:
                raise  # robots.txt was not asked for yet (the host's budget is spent): nothing to remember
            entry = _Entry(expires=self._clock() + self._error_ttl, failure=exc)
        except IngestFailure:  # loaders map every permanent problem to rules; never cache a surprise
            raise
        with self._guard:
            if len(self._entries) >= _MAX_ORIGINS:
                self._prune()
            self._entries[origin] = entry
        return entry

    def _prune(self) -> None:
        """Forget expired origins so a long-lived execution environment does not grow without bound."""
        now = self._clock()
        for origin in [o for o, e in self._entries.items() if e.expires <= now]:
            del self._entries[origin]
            lock = self._locks.get(origin)
            if lock is not None and not lock.locked():
                del self._locks[origin]

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
