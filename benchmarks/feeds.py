"""Feed parsing side by side: newsingest.feeds against feedparser on ``tests/fixtures/feeds``.

``python -m benchmarks.feeds [--parser newsingest|feedparser] [--repeat N] [--result FILE]`` prints (and writes)
how many fixtures each parser reads with exactly the expected links, and the time per pass over all of them.
feedparser lives in another virtualenv (``/work/peers``): run this module with that interpreter and
``--parser feedparser`` (it is given bytes, the feed's URL and the Content-Type; never a URL to fetch). Sitemaps
are newsingest's only (feedparser does not read them) and are left out of the side-by-side figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "feeds"

Parse = Callable[[bytes, str, str], list[str]]


def newsingest_parser() -> Parse:
    from newsingest.feeds import parse_feed

    def parse(body: bytes, source: str, content_type: str) -> list[str]:
        return [entry.url for entry in parse_feed(body, source=source, content_type=content_type)]

    return parse


def feedparser_parser() -> Parse:
    import feedparser

    def parse(body: bytes, source: str, content_type: str) -> list[str]:
        parsed = feedparser.parse(body, response_headers={"content-location": source, "content-type": content_type})
        return [entry.get("link", "") for entry in parsed.entries if entry.get("link")]

    return parse


def feed_cases() -> list[dict]:
    cases = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    return [case | {"body": (FIXTURES / case["file"]).read_bytes()} for case in cases
            if "sitemap" not in case["file"]]


def measure(parse: Parse, cases: list[dict], repeat: int) -> dict:
    correct: list[str] = []
    wrong: dict[str, str] = {}
    for case in cases:
        try:
            links = parse(case["body"], case["source"], case["content_type"])
        except Exception as error:  # noqa: BLE001 - a parser that raises read nothing
            links, wrong[case["file"]] = [], f"raised {error!r}"[:200]
        if links == case["links"]:
            correct.append(case["file"])
        elif case["file"] not in wrong:
            wrong[case["file"]] = f"got {links}"[:300]
    started = time.perf_counter()
    for _ in range(repeat):
        for case in cases:
            try:
                parse(case["body"], case["source"], case["content_type"])
            except Exception:  # noqa: BLE001 - timing only
                continue
    per_pass = (time.perf_counter() - started) / repeat
    return {"fixtures": len(cases), "correct": len(correct), "wrong": wrong, "ms_per_pass": per_pass * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parser", choices=["newsingest", "feedparser"], default="newsingest")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args(argv)
    parse = newsingest_parser() if args.parser == "newsingest" else feedparser_parser()
    result = {"parser": args.parser} | measure(parse, feed_cases(), args.repeat)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.result:
        args.result.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
