"""``enqueue``'s inputs: arguments, files, stdin, sitemaps and feeds, planned as one de-duplicated list.

Each source is validated with ``enqueue.plan_urls`` (so the rules are the library's); invalid lines keep the
source they came from and their line number there, and a URL seen in an earlier source counts as a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from newsingest.feeds import Discovery
from newsingest_tools.cli.errors import usage_error
from newsingest_tools.enqueue import InvalidLine, plan_urls

# A line is binary when it holds a NUL, or when control characters and undecodable bytes (U+FFFD after the
# "replace" decoding) make up this share of it: URL lists are text, and echoing random bytes back as "invalid
# lines" would write megabytes to the terminal.
_BINARY_SHARE = 0.1
_TEXT_CONTROLS = frozenset("\t\r\n\f\v")


@dataclass
class SourcedInvalid:
    source: str
    invalid: InvalidLine

    def describe(self) -> str:
        if self.source == "argument":
            where = f"argument {self.invalid.line}"
        elif self.source.startswith(("sitemap ", "feed ")):
            where = f"{self.source} entry {self.invalid.line}"
        else:
            where = f"{self.source or 'input'} line {self.invalid.line}"
        return f"{where}: {self.invalid.text!r}: {self.invalid.reason}"


@dataclass
class Plan:
    urls: list[str] = field(default_factory=list)
    duplicates: int = 0
    invalid: list[SourcedInvalid] = field(default_factory=list)
    discovered: int = 0  # URLs found in sitemaps and feeds
    skipped_old: int = 0  # sitemap/feed entries older than --since
    errors: list[tuple[str, str]] = field(default_factory=list)  # (sitemap/feed URL, why it was not read)
    warnings: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)

    def add_lines(self, source: str, lines: Iterable[str]) -> None:
        report = plan_urls(text_lines(source, lines))
        self.duplicates += report.duplicates
        self.invalid.extend(SourcedInvalid(source, line) for line in report.invalid)
        for url in report.urls:
            if url in self._seen:
                self.duplicates += 1
            else:
                self._seen.add(url)
                self.urls.append(url)

    def add_discovery(self, source: str, discovery: Discovery) -> None:
        self.discovered += len(discovery.entries)
        self.skipped_old += discovery.skipped_old
        self.errors.extend(discovery.errors)
        self.warnings.extend(discovery.warnings)
        self.add_lines(source, discovery.urls)


def text_lines(source: str, lines: Iterable[str]) -> Iterator[str]:
    """The lines as they come; a usage error at the first one that is binary (nothing has been sent by then)."""
    for number, line in enumerate(lines, start=1):
        if looks_binary(line):
            where = "" if source == "argument" else f" (line {number})"
            raise usage_error(f"{source or 'input'} looks binary{where}, not a list of URLs",
                              "give a text file with one URL a line")
        yield line


def looks_binary(line: str) -> bool:
    if "\x00" in line:
        return True
    odd = sum(1 for char in line if char == "\ufffd" or (char < " " and char not in _TEXT_CONTROLS))
    return odd > 1 and odd >= _BINARY_SHARE * len(line)


def plan_inputs(arguments: Iterable[str], files: Iterable[tuple[str, Iterable[str]]], *,
                sitemaps: Iterable[str] = (), feeds: Iterable[str] = (), since: datetime | None = None,
                fetch: object = None) -> Plan:
    """Plan every source in order: arguments, files (name, lines), sitemaps, feeds."""
    from newsingest.feeds import read_feed, read_sitemap

    plan = Plan()
    arguments = list(arguments)
    if arguments:
        plan.add_lines("argument", arguments)
    for name, lines in files:
        plan.add_lines(name, lines)
    for url in sitemaps:
        plan.add_discovery(f"sitemap {url}", read_sitemap(fetch, url, since=since))
    for url in feeds:
        plan.add_discovery(f"feed {url}", read_feed(fetch, url, since=since))
    return plan
