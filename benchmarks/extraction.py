"""Extraction figures on a corpus folder: ``html/<id>.html.gz`` and one of three answer files.

``python -m benchmarks.extraction --corpus DIR --result FILE [--repeat N] [--no-compare] [--memory]``

The answer file says what is measured (``corpus_kind``):

* ``ground-truth.json`` (article-extraction-benchmark): the body, shingle precision / recall / F1;
* ``cases.json`` (trafilatura's evaluation): the body, snippets it must and must not contain, pooled P / R / F;
* ``gold.json`` (htmldate's evaluation): ``published_at``, the right day; the page alone, no URL, as its rule says.

* Accuracy: ``newsingest.extract.extract_article`` on every page (raw bytes in, so its charset handling counts),
  scored with the project's scorer (``benchmarks.scoring``).
* Speed: per page, newsingest and its peer (trafilatura for bodies, htmldate for dates; when importable) run side
  by side in this one process, alternating which goes first page by page; each page's time is the median of
  ``--repeat`` runs (bs4/lxml parse included).
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import scoring

_META_CHARSET = re.compile(rb'<meta[^>]+?charset\s*=\s*["\']?\s*([A-Za-z0-9_.:\-]+)', re.IGNORECASE)


def page_ids(corpus: Path) -> list[str]:
    names = sorted(p.name for p in (corpus / "html").glob("*.html.gz"))
    if not names:
        raise SystemExit(f"no html/*.html.gz in {corpus}")
    return [name[: -len(".html.gz")] for name in names]


ANSWER_FILES = {"articles": "ground-truth.json", "snippets": "cases.json", "dates": "gold.json"}


def corpus_kind(corpus: Path) -> str | None:
    """``articles``, ``snippets`` or ``dates`` by the answer file the folder holds; None when it holds none."""
    for kind, name in ANSWER_FILES.items():
        if (corpus / name).exists():
            return kind
    return None


def ground_truth(corpus: Path) -> dict[str, Any]:
    kind = corpus_kind(corpus)
    if kind is None:
        return {}
    return json.loads((corpus / ANSWER_FILES[kind]).read_text(encoding="utf-8"))


def page_urls(kind: str | None, truth: dict[str, Any]) -> dict[str, str | None]:
    """The URL handed to the extractors: none for dates (the page alone, as the dates benchmark's rule says)."""
    if kind == "dates":
        return {}
    return {k: (v or {}).get("url") if isinstance(v, dict) else None for k, v in truth.items()}


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


def ours(kind: str | None = None) -> Callable[[bytes, str | None], str]:
    from newsingest.extract import extract_article

    def run(raw: bytes, url: str | None) -> str:
        article = extract_article(raw, url)
        return (article.published_at if kind == "dates" else article.text) or ""
    return run


def peer_or_none(kind: str | None) -> tuple[Callable[[str, str | None], str], str, str] | None:
    """(run, name, version) of the peer for this kind of corpus, or None when it is not importable."""
    from importlib.metadata import version
    if kind == "dates":
        try:
            from htmldate import find_date
        except ImportError:
            return None

        def run_date(html: str, url: str | None) -> str:
            return find_date(html, extensive_search=True, original_date=True) or ""
        return run_date, "htmldate", version("htmldate")
    try:
        import trafilatura
    except ImportError:
        return None

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, include_comments=False) or ""  # the benchmark's call
    return run, "trafilatura", version("trafilatura")


def _scores(kind: str | None, truth: dict[str, Any], ids: list[str], preds: dict[str, str]) -> dict[str, Any]:
    """The figures of one extractor's predictions, by the corpus's own metric."""
    subset = {k: truth[k] for k in ids if k in truth}
    if kind == "snippets":
        s = scoring.score_snippets(subset, preds)
        return {"precision": s.precision, "recall": s.recall, "f_score": s.f_score, "empty": s.empty_predictions,
                "worst": [list(w) for w in s.worst]}
    if kind == "dates":
        pages = set(ids)
        d = scoring.score_dates({k: v for k, v in truth.items() if v.get("page", k) in pages}, preds)
        return {"accuracy": d.accuracy, "precision": d.precision, "recall": d.recall, "right": d.right,
                "wrong": d.wrong, "missing": d.missing, "worst": [list(m) for m in d.misses]}
    a = scoring.score(subset, preds)
    return {"precision": a.precision, "recall": a.recall, "f1": a.f1, "accuracy": a.accuracy,
            "empty": a.empty_predictions, "worst": [(p.page_id, round(p.f1, 3)) for p in a.worst]}


def _timed(function: Callable[[Any, Any], str], argument: Any, url: str | None) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        text = function(argument, url)
    except Exception:  # noqa: BLE001 - a crash is an empty prediction, as in the shared runner
        text = ""
    return (time.perf_counter() - started) * 1000.0, text


def accuracy_and_speed(corpus: Path, repeat: int, compare: bool, limit: int = 0) -> dict[str, Any]:
    ids = page_ids(corpus)[: limit or None]
    kind = corpus_kind(corpus)
    truth = ground_truth(corpus)
    urls = page_urls(kind, truth)
    mine = ours(kind)
    peer = peer_or_none(kind) if compare else None
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
        "pages": len(ids), "repeat": repeat, "kind": kind,
        "ours": {"median_ms": statistics.median(my_ms.values()), "p95_ms": percentile(list(my_ms.values()), 95),
                 "mean_ms": statistics.fmean(my_ms.values()), "per_page_ms": my_ms},
        "predictions": preds,
    }
    if truth:
        result["ours"].update(_scores(kind, truth, ids, preds))
    if peer:
        ratios = [my_ms[k] / peer_ms[k] for k in ids if peer_ms[k] > 0]
        result["peer"] = {"name": peer[1], "version": peer[2], "median_ms": statistics.median(peer_ms.values()),
                          "p95_ms": percentile(list(peer_ms.values()), 95), "per_page_ms": peer_ms}
        if truth:
            result["peer"].update({k: v for k, v in _scores(kind, truth, ids, peer_preds).items() if k != "worst"})
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
    parser.add_argument("--no-compare", action="store_true", help="do not run the peer side by side")
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
            key = "published_at" if result["kind"] == "dates" else "articleBody"
            args.predictions.write_text(json.dumps({k: {key: v} for k, v in predictions.items()},
                                                   ensure_ascii=False, indent=1), encoding="utf-8")
    args.result.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
