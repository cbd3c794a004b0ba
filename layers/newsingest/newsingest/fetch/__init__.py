"""Safe, polite and fast fetching: SSRF-proof, bounded, conditional. See ``docs/fetching.md``.

>>> fetcher = Fetcher(FetchOptions())                  # one per execution environment, thread-safe
>>> result = fetcher.fetch("https://example.com/news")  # doctest: +SKIP

Failures raise :class:`newsingest.outcomes.PermanentFailure` / :class:`~newsingest.outcomes.TransientFailure`
with stable ``reason`` codes.
"""

from newsingest.fetch.fetcher import HTML_TYPES, XML_TYPES, Fetcher, system_resolver
from newsingest.fetch.options import FetchOptions
from newsingest.fetch.result import FetchResult

__all__ = ["HTML_TYPES", "XML_TYPES", "FetchOptions", "FetchResult", "Fetcher", "system_resolver"]
