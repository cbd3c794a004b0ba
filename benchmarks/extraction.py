"""Extraction figures on a corpus folder (``html/<id>.html.gz`` + ``ground-truth.json``).

``python -m benchmarks.extraction --corpus DIR --result FILE [--repeat N] [--no-compare] [--memory]``

* Accuracy: ``newsingest.extract.extract_article`` on every page (raw bytes in, so its charset handling counts),
  scored with the project's scorer (``benchmarks.scoring``).
* Speed: per page, newsingest and trafilatura (when importable) run side by side in this one process, alternating
  which goes first page by page; each page's time is the median of ``--repeat`` runs (bs4/lxml parse included).
  The figure is the median of the per-page ratios newsingest/trafilatura. trafilatura gets the page decoded
  outside the timed region, as the shared benchmark runner does (charset from BOM / ``<meta>``, else UTF-8).
* ``--memory``: newsingest only, pages streamed from disk one at a time; peak RSS vs the RSS after imports.

Only bs4 + lxml (+ trafilatura) are needed: this runs under a plain extraction venv too.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import re
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks import scoring

_META_CHARSET = re.compile(rb'<meta[^>]+?charset\s*=\s*["\']?\s*([A-Za-z0-9_.:\-]+)', re.IGNORECASE)


def page_ids(corpus: Path) -> list[str]:
    names = sorted(p.name for p in (corpus / "html").glob("*.html.gz"))
    if not names:
        raise SystemExit(f"no html/*.html.gz in {corpus}")
    return [name[: -len(".html.gz")] for name in names]


def ground_truth(corpus: Path) -> dict[str, Any]:
    path = corpus / "ground-truth.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def read_page(corpus: Path, page_id: str) -> bytes:
    with gzip.open(corpus / "html" / f"{page_id}.html.gz", "rb") as handle:
        return handle.read()


def decode_for_peer(raw: bytes) -> str:
    """What a str-taking extractor is handed: BOM, else ``<meta>`` charset (latin-1 → cp1252), else UTF-8."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace").lstrip("\ufeff")
    encoding = "utf-8"
    match = _META_CHARSET.search(raw[:16384])
    if match:
        try:
            encoding = codecs.lookup(match.group(1).decode("ascii", "replace")).name
        except LookupError:
            encoding = "utf-8"
        if encoding in ("latin-1", "iso8859-1", "ascii"):
            encoding = "cp1252"
    return raw.decode(encoding, errors="replace").lstrip("\ufeff")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ours() -> Callable[[bytes, str | None], str]:
    from newsingest.extract import extract_article  # noqa: PLC0415

    def run(raw: bytes, url: str | None) -> str:
        return extract_article(raw, url).text or ""
    return run


def trafilatura_or_none() -> tuple[Callable[[str, str | None], str], str] | None:
    try:
        import trafilatura  # noqa: PLC0415
        from importlib.metadata import version  # noqa: PLC0415
    except ImportError:
        return None

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, include_comments=False) or ""  # the benchmark's call
    return run, version("trafilatura")


def _timed(function: Callable[[Any, Any], str], argument: Any, url: str | None) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        text = function(argument, url)
    except Exception:  # noqa: BLE001 - a crash is an empty prediction, as in the shared runner
        text = ""
    return (time.perf_counter() - started) * 1000.0, text


def accuracy_and_speed(corpus: Path, repeat: int, compare: bool, limit: int = 0) -> dict[str, Any]:
    ids = page_ids(corpus)[: limit or None]
    truth = ground_truth(corpus)
    urls = {k: (v or {}).get("url") for k, v in truth.items()}
    mine = ours()
    peer = trafilatura_or_none() if compare else None
    first = read_page(corpus, ids[0])
    mine(first, urls.get(ids[0]))  # untimed warm-up (lazy imports, compiled patterns)
    if peer:
        peer[0](decode_for_peer(first), urls.get(ids[0]))
    preds: dict[str, str] = {}
    peer_preds: dict[str, str] = {}
    my_ms: dict[str, float] = {}
    peer_ms: dict[str, float] = {}
    for n, page_id in enumerate(ids):
        raw = read_page(corpus, page_id)
        decoded = decode_for_peer(raw) if peer else ""
        url = urls.get(page_id)
        mine_runs, peer_runs = [], []
        for r in range(repeat):
            sides = [("ours", mine, raw, mine_runs, preds)]
            if peer:
                sides.append(("peer", peer[0], decoded, peer_runs, peer_preds))
            if (n + r) % 2:
                sides.reverse()
            for _, function, argument, sink, texts in sides:
                ms, text = _timed(function, argument, url)
                sink.append(ms)
                if r == 0:
                    texts[page_id] = text
        my_ms[page_id] = statistics.median(mine_runs)
        if peer:
            peer_ms[page_id] = statistics.median(peer_runs)
    result: dict[str, Any] = {
        "pages": len(ids), "repeat": repeat,
        "ours": {"median_ms": statistics.median(my_ms.values()), "p95_ms": percentile(list(my_ms.values()), 95),
                 "mean_ms": statistics.fmean(my_ms.values()), "per_page_ms": my_ms},
        "predictions": preds,
    }
    if truth:
        subset = {k: truth[k] for k in ids if k in truth}
        mine_score = scoring.score(subset, preds)
        result["ours"].update(precision=mine_score.precision, recall=mine_score.recall, f1=mine_score.f1,
                              accuracy=mine_score.accuracy, empty=mine_score.empty_predictions,
                              worst=[(p.page_id, round(p.f1, 3)) for p in mine_score.worst])
    if peer:
        ratios = [my_ms[k] / peer_ms[k] for k in ids if peer_ms[k] > 0]
        result["peer"] = {"name": "trafilatura", "version": peer[1], "median_ms": statistics.median(peer_ms.values()),
                          "p95_ms": percentile(list(peer_ms.values()), 95), "per_page_ms": peer_ms}
        if truth:
            peer_score = scoring.score({k: truth[k] for k in ids if k in truth}, peer_preds)
            result["peer"].update(precision=peer_score.precision, recall=peer_score.recall, f1=peer_score.f1)
        result["ratio_median"] = statistics.median(ratios)
        result["ratio_p95"] = percentile(ratios, 95)
        result["ratio_of_medians"] = result["ours"]["median_ms"] / result["peer"]["median_ms"]
    return result


def memory(corpus: Path, limit: int = 0) -> dict[str, Any]:
    """Peak RSS of extracting every page once, one page in memory at a time."""
    mine = ours()
    ids = page_ids(corpus)[: limit or None]
    mine(read_page(corpus, ids[0]), None)
    baseline = _rss_mb()
    largest = 0
    for page_id in ids:
        raw = read_page(corpus, page_id)
        largest = max(largest, len(raw))
        mine(raw, None)
        del raw
    return {"pages": len(ids), "baseline_rss_mb": baseline, "largest_page_bytes": largest,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--result", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (smoke runs)")
    parser.add_argument("--no-compare", action="store_true", help="do not run trafilatura side by side")
    parser.add_argument("--memory", action="store_true", help="peak RSS only (newsingest alone)")
    parser.add_argument("--predictions", type=Path, help="also write the predictions ({id: {articleBody}})")
    args = parser.parse_args(argv)
    if args.memory:
        result = memory(args.corpus, args.limit)
    else:
        result = accuracy_and_speed(args.corpus, max(1, args.repeat), not args.no_compare, args.limit)
        predictions = result.pop("predictions")
        if args.predictions:
            args.predictions.parent.mkdir(parents=True, exist_ok=True)
            args.predictions.write_text(json.dumps({k: {"articleBody": v} for k, v in predictions.items()},
                                                   ensure_ascii=False, indent=1), encoding="utf-8")
    args.result.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
