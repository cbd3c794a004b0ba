"""``python -m benchmarks [--corpus DIR] [--quick]``: every performance and accuracy figure in one table.

Each figure runs in a fresh subprocess; this process only orchestrates, prints the table and writes
``benchmarks/results.md``. See ``docs/performance.md`` for the method.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.report import Row, format_table, load_average, results_markdown, verdict
from newsingest.storage.queue import SEND_CONCURRENCY

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

COLD_START_TARGET = 1.2
MEMORY_TARGET_MB = 200.0
CONCURRENCY_TARGET = 3.0
F1_TARGET = 0.980  # article-extraction-benchmark: recall must not cost this corpus's precision
SNIPPETS_F_TARGET, SNIPPETS_P_TARGET, SNIPPETS_R_TARGET = 0.940, 0.930, 0.950  # trafilatura 2.3.1: F 0.923
DATES_TARGET, DATES_P_TARGET = 0.930, 0.93  # htmldate 1.11 (extensive): 0.910
SPEED_TARGET = 0.7
ENQUEUE_TARGET = 3_000  # URLs/s: a million sitemap URLs in under six minutes
LAMBDA_MEMORY_MB = 256
ONE_VCPU_MB = 1769  # Lambda: CPU share is proportional to memory; 1,769 MB = one vCPU

#: Figures shared between sections (the Lambda duration estimate combines several).
MEASURED: dict[str, float] = {}


def _worker(python: str, module: str, args: list[str], timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m module args --result FILE`` in a fresh process and return its JSON result."""
    with tempfile.TemporaryDirectory(prefix="newsingest-bench-") as folder:
        result = Path(folder) / "result.json"
        command = [python, "-m", module, *args, "--result", str(result)]
        env = dict(os.environ)
        env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)
        if done.returncode != 0 or not result.exists():
            raise RuntimeError(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(result.read_text(encoding="utf-8"))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _has_module(python: str, module: str) -> bool:
    done = subprocess.run([python, "-c", f"import {module}"], capture_output=True, timeout=120)
    return done.returncode == 0


# ----------------------------------------------------------------------------------------------- figures


def cold_start(quick: bool, notes: list[str]) -> list[Row]:
    reps = 5 if quick else 21
    r = _worker(sys.executable, "benchmarks.coldstart", ["--repetitions", str(reps)])
    extras = r["beyond_floor"]
    listed = "; ".join(f"{e['module']} ({e['ms']:.1f} ms, {e['modules']} modules) imported by {e['imported_by']}"
                       for e in extras[:6]) or "none"
    notes.append(f"Cold start: beyond the floor the handler imports its own {r['newsingest_modules']} newsingest "
                 f"modules ({r['newsingest_self_ms']:.0f} ms self time) and: {listed}. Deferred to the first "
                 f"extraction (in the floor, not imported by the handler): {', '.join(r['deferred_from_floor'])}. "
                 f"The first message also imports modules in neither, {r['first_extract_beyond_floor_total_ms']:.0f} "
                 "ms self time in all, mostly the extraction's own (regular expressions and selector tables "
                 "compiled at import): " + "; ".join(f"{e['module']} {e['self_ms']:.0f} ms (imported by "
                                                   f"{e['imported_by']})"
                                                   for e in r["first_extract_beyond_floor"]) + ".")
    effects = [e for e in r["handler_side_effects"] if e not in r["floor_side_effects"]]
    notes.append("Cold start, side effects of `import app` (audit hooks: files opened other than modules, sockets, "
                 "processes): " + ("; ".join(r["handler_side_effects"]) or "none") + ". Of these, not already done by "
                 "the floor's imports: " + ("; ".join(effects) or "none") + "."
                 + ("" if any("socket" in e or "botocore/data" in e for e in r["handler_side_effects"]) else
                    " No botocore service model is loaded (so no AWS client is created) and no socket is used."))
    return [
        Row("Cold start: `import app` (handler module)", f"{r['handler_median_ms']:.0f} ms",
            note=f"median of {reps} fresh `python -I -S` interpreters, Lambda-like sys.path and environment"),
        Row("Cold start: floor (boto3, bs4+lxml, Powertools Logger/Metrics/Tracer+X-Ray, batch)",
            f"{r['floor_median_ms']:.0f} ms", note="same interpreters, alternating with the handler"),
        Row("Cold start: handler / floor", f"{r['ratio']:.2f}×", f"≤ {COLD_START_TARGET}×",
            verdict(r["ratio"] <= COLD_START_TARGET),
            f"CPU-time ratio {r['cpu_ratio']:.2f}×; paired per-run median {r['paired_ratio_median']:.2f}×"),
        Row("Cold start (info): handler + first extraction's lazy imports / floor",
            f"{r['first_extract_ratio']:.2f}× ({r['first_extract_median_ms']:.0f} ms)",
            note="not the target's definition: `import app` then one tiny extract_article, i.e. what the first "
                 "message adds (bs4, lxml, charset detection and the extraction modules load lazily)"),
    ]


def memory(quick: bool, corpus: Path | None, notes: list[str]) -> list[Row]:
    r = _worker(sys.executable, "benchmarks.handler", ["memory", "--pages", "10", "--page-bytes", "1000000"])
    mb = sum(r["page_bytes"]) / len(r["page_bytes"]) / 1e6
    i = _worker(sys.executable, "benchmarks.handler", ["memory-isolated", "--pages", "10", "--page-bytes", "1000000"])
    rows = [
        Row(f"Memory: peak RSS, batch of 10 × {mb:.1f} MB pages, moto in-process",
            f"{r['absolute_peak_mb']:.0f} MB", f"< {MEMORY_TARGET_MB:.0f} MB",
            verdict(r["absolute_peak_mb"] < MEMORY_TARGET_MB),
            f"absolute ru_maxrss of the process (moto, bucket+table from template.yaml's schema, origin and "
            f"pages included); baseline after imports {r['baseline_rss_mb']:.0f} MB; the batch adds "
            f"{r['batch_increment_mb']:.0f} MB ({r['batch_concurrency']} pages fetched and "
            f"{r.get('extract_concurrency', r['batch_concurrency'])} extracted at once, {r['batch_seconds']:.1f} s)"),
        Row("Memory: same batch, function process alone (moto + origin in another process)",
            f"{i['absolute_peak_mb']:.0f} MB", f"< {MEMORY_TARGET_MB:.0f} MB",
            verdict(i["absolute_peak_mb"] < MEMORY_TARGET_MB),
            f"absolute ru_maxrss: the figure for Lambda sizing; interpreter {i['interpreter_rss_mb']:.0f} MB, after "
            f"`import app` {i['handler_import_rss_mb']:.0f} MB, + clients {i['baseline_rss_mb']:.0f} MB; the "
            f"batch adds {i['batch_increment_mb']:.0f} MB"),
    ]
    w = _worker(sys.executable, "benchmarks.handler", ["memory-isolated", "--pages", "10", "--page-bytes", "10000000"])
    rows.append(Row("Memory (info): worst case, batch of 10 pages of 10 MB (the FETCH_MAX_BYTES cap), function alone",
                    f"{w['absolute_peak_mb']:.0f} MB", note=f"defaults: {w['batch_concurrency']} pages fetched and "
                    f"{w.get('extract_concurrency', w['batch_concurrency'])} extracted at once; the batch adds "
                    f"{w['batch_increment_mb']:.0f} MB ({w['batch_seconds']:.1f} s)"))
    if corpus:
        c = _worker(sys.executable, "benchmarks.extraction", ["--corpus", str(corpus), "--memory"])
        rows.append(Row(f"Memory: peak RSS extracting the {c['pages']} corpus pages", f"{c['peak_rss_mb']:.0f} MB",
                        note=f"extraction only, one page at a time; baseline after imports "
                             f"{c['baseline_rss_mb']:.0f} MB; largest page {c['largest_page_bytes'] / 1e6:.1f} MB"))
    return rows


def overhead(quick: bool, notes: list[str]) -> list[Row]:
    batches = 3 if quick else 10
    r = _worker(sys.executable, "benchmarks.handler", ["overhead", "--batches", str(batches)])
    m = r["median_per_message"]
    MEASURED["overhead_cpu_ms"] = m["overhead_cpu_ms"]
    MEASURED["sample_extract_cpu_ms"] = m.get("extract_cpu_ms", 0.0)
    pages = ", ".join(f"{name} ({size / 1000:.0f} kB)" for name, size in r["pages"].items())
    notes.append(f"Handler overhead: {batches} batches of {r['batch_size']} messages ({pages}), one thread, CPU "
                 "time of the handler's threads (time.thread_time of the calling thread and of the pool thread "
                 "running the records) per stage from timers wrapped around the "
                 "runtime's collaborators; moto runs as a server in another process, so S3/DynamoDB CPU is the "
                 "client side (serialisation, signing, HTTP) only. 'other' = Powertools batch processing, "
                 "message parsing, logging and EMF metrics.")
    rows = [Row("Handler CPU per message, all stages", f"{m['total_cpu_ms']:.1f} ms",
                note=f"wall {m['total_wall_ms']:.0f} ms per message, one thread (moto's server in another "
                     "process on the same cores)")]
    for stage in ("fetch", "extract", "S3", "DynamoDB", "other"):
        rows.append(Row(f"  · {stage}", f"{m.get(stage + '_cpu_ms', 0.0):.1f} ms",
                        note="the page's own extraction (excluded from the overhead)" if stage == "extract" else ""))
    rows.append(Row("Handler overhead per message (all − extract)", f"{m['overhead_cpu_ms']:.1f} ms CPU"))
    return rows


def concurrency(quick: bool, notes: list[str]) -> list[Row]:
    rounds = 3 if quick else 7
    r = _worker(sys.executable, "benchmarks.handler", ["concurrency", "--rounds", str(rounds)])
    s = r["median_s"]
    MEASURED["batch_10_hosts_s"] = s["concurrent_defaults_10_hosts"]
    single = s["raw_fetch"]
    workers, per_host = r["batch_concurrency"], r["per_host_concurrency"]
    notes.append(f"Batch concurrency: {r['batch_size']} URLs, origins sleeping {r['delay_s'] * 1000:.0f} ms per page, "
                 f"{rounds} rounds with the configurations interleaved, medians. Defaults: BATCH_CONCURRENCY="
                 f"{workers}, FETCH_PER_HOST_CONCURRENCY={per_host}, EXTRACT_CONCURRENCY="
                 f"{r.get('extract_concurrency', '-')}. The per-host limit is per host name (not "
                 f"per port), so 10 URLs of ONE host take ceil(10/{per_host}) = {-(-10 // per_host)} wave(s) of "
                 f"{r['delay_s'] * 1000:.0f} ms whatever the thread count (with per-host 2 and 5 threads, the "
                 f"defaults before commit 3093634: 5 waves); with 10 hosts (127.0.0.1…10) or a "
                 f"per-host limit of 10, {workers} threads give ceil(10/{workers}) = {-(-10 // workers)} wave(s), each "
                 "as long as one message's whole processing (DynamoDB read, fetch, extraction, two S3 writes, "
                 "DynamoDB write), not just its fetch. moto's server runs in another process (S3 and DynamoDB are "
                 "remote for the function too) but shares this machine's cores.")

    def row(label: str, key: str, target: bool) -> Row:
        ratio = s[key] / single
        return Row(label, f"{_ms(s[key])} = {ratio:.1f}× a fetch", f"≤ {CONCURRENCY_TARGET:.0f}× a fetch" if target
                   else "", verdict(ratio <= CONCURRENCY_TARGET) if target else "",
                   f"{s['sequential'] / s[key]:.1f}× faster than sequential")
    return [
        Row("Batch: single fetch (Fetcher.fetch, 200 ms origin)", _ms(single),
            note=f"one message through the handler: {_ms(s['single_message'])}"),
        Row("Batch of 10: sequential (max_workers=1)",
            f"{_ms(s['sequential'])} = {s['sequential'] / single:.1f}× a fetch"),
        row(f"Batch of 10: concurrent, defaults ({workers} threads, per-host {per_host}), 1 host",
            "concurrent_defaults_1_host", True),
        row(f"Batch of 10: concurrent, defaults ({workers} threads, per-host {per_host}), 10 hosts",
            "concurrent_defaults_10_hosts", True),
        row("Batch of 10: concurrent, per-host limit 10, 1 host", "concurrent_per_host_10_1_host", True),
        row("Batch of 10 (info): 5 threads, per-host 2 (the defaults before 3093634), 1 host",
            "strict_5_workers_per_host_2_1_host", False),
        Row("Batch: sequential / concurrent (defaults, 1 host)",
            f"{s['sequential'] / s['concurrent_defaults_1_host']:.1f}×",
            note=f"10 hosts: {s['sequential'] / s['concurrent_defaults_10_hosts']:.1f}×"),
    ]


def enqueue_throughput(quick: bool, notes: list[str]) -> list[Row]:
    urls = 10_000 if quick else 100_000
    r = _worker(sys.executable, "benchmarks.enqueue", ["--urls", str(urls)])
    per_url_us = r["cli_cpu_seconds"] / r["urls"] * 1e6
    return [Row(f"Enqueue: `newsingest enqueue -f` of {r['urls']:,} URLs, endpoint answering at once",
                f"{r['urls_per_second']:,.0f} URLs/s", f"≥ {ENQUEUE_TARGET:,} URLs/s",
                verdict(r["urls_per_second"] >= ENQUEUE_TARGET),
                f"{r['seconds']:.1f} s from start to exit (imports included), {per_url_us:.0f} µs CPU per URL, "
                f"peak RSS {r['peak_rss_mb']:.0f} MB; {SEND_CONCURRENCY} batches in flight")]


def feed_parsing(peer_python: str | None, notes: list[str]) -> list[Row]:
    """newsingest.feeds against feedparser on tests/fixtures/feeds (issue 16): exact links and time per pass."""
    ours = _worker(sys.executable, "benchmarks.feeds", ["--parser", "newsingest", "--repeat", "50"])
    rows = [Row(f"Feeds: exact article links on {ours['fixtures']} broken-feed fixtures (newsingest.feeds)",
                f"{ours['correct']}/{ours['fixtures']}", f"{ours['fixtures']}/{ours['fixtures']}",
                verdict(ours["correct"] == ours["fixtures"]), f"{ours['ms_per_pass']:.1f} ms per pass over all")]
    peer = peer_python or os.environ.get("BENCH_FEEDPARSER_PYTHON") or sys.executable
    if _has_module(peer, "feedparser"):
        theirs = _worker(peer, "benchmarks.feeds", ["--parser", "feedparser", "--repeat", "20"])
        ratio = ours["ms_per_pass"] / theirs["ms_per_pass"]
        rows.append(Row("Feeds: feedparser on the same fixtures (links exact; time)",
                        f"{theirs['correct']}/{theirs['fixtures']}; {theirs['ms_per_pass']:.1f} ms",
                        "newsingest ≤ 1.0× its time", verdict(ratio <= 1.0), f"newsingest / feedparser = {ratio:.2f}×"))
        notes.append("Feeds: feedparser misses " + ", ".join(sorted(theirs["wrong"])) + ".")
    return rows


def poll_at_scale(quick: bool, notes: list[str]) -> list[Row]:
    """Issue 16's poll targets: N feeds answering after 50 ms, one poll, then a second of the unchanged feeds; on
    moto behind benchmarks.emulator's lean front (the target), and once more on moto's own server for comparison."""
    feeds = 100 if quick else 500
    r = _worker(sys.executable, "benchmarks.poll", ["--feeds", str(feeds), "--delay", "0.05", "--emulator", "lean"])
    stock = _worker(sys.executable, "benchmarks.poll", ["--feeds", str(feeds), "--delay", "0.05",
                                                        "--emulator", "moto-server"])
    second = r["second"]
    notes.append(f"Poll: moto in a process of its own answers every DynamoDB/SQS call (benchmarks/emulator.py: "
                 f"moto's backends behind a keep-alive front; moto's own server closes every connection). The first "
                 f"poll made {r['first_aws_calls']} calls and used {r['first_poll_cpu_s']:.1f} s of the poll "
                 f"process's CPU, the second {r['second_aws_calls']}; {r['first']['enqueued']} URLs enqueued by the "
                 f"first poll. The same polls on moto's own server: {stock['first_poll_s']:.1f} s and "
                 f"{stock['second_poll_s']:.1f} s.")
    return [
        Row(f"Poll: {feeds} feeds (origin answering after 50 ms), first poll", f"{r['first_poll_s']:.1f} s",
            "≤ 15 s (one invocation)", verdict(r["first_poll_s"] <= 15 and r["first"]["left_due"] == 0)),
        Row(f"Poll: second poll of the {feeds} unchanged feeds",
            f"{r['second_requests']} requests ({r['second_conditional']} conditional, {r['second_304']} × 304), "
            f"{second['enqueued']} enqueued, {r['second_poll_s']:.1f} s",
            f"≤ {feeds} requests, all conditional, 0 enqueued",
            verdict(r["second_requests"] <= feeds and r["second_conditional"] == r["second_requests"]
                    and second["enqueued"] == 0)),
        Row("Poll: the first poll on moto's own server (werkzeug: a connection per call)",
            f"{stock['first_poll_s']:.1f} s, {stock['first']['enqueued']} enqueued", "(for comparison)"),
    ]


def politeness(quick: bool, notes: list[str]) -> list[Row]:
    """200 URLs of one host, 10 workers, a shared budget of 2 requests/s (burst 2): the origin's log says."""
    urls, workers = (40, 4) if quick else (200, 10)
    r = _worker(sys.executable, "benchmarks.politeness", ["--urls", str(urls), "--workers", str(workers),
                                                         "--rate", "2", "--burst", "2"], timeout=1800)
    notes.append(f"Politeness: {r['requests']} requests (robots.txt included) reached the one origin in "
                 f"{r['elapsed_s']:.0f} s, {r['mean_rate']:.2f}/s on average; {r['redeliveries']} redeliveries "
                 "(messages whose slot was more than HOST_MAX_WAIT_S away, re-sent delayed without using a receive).")
    return [Row(f"Politeness: {urls} URLs of one host, {workers} workers, budget 2 req/s (burst 2): busiest 1 s "
                "window in the origin's log", f"{r['busiest_window']} requests, {r['stored']}/{urls} stored",
                f"≤ {r['bound']} (burst + rate), all stored",
                verdict(r["busiest_window"] <= r["bound"] and r["stored"] == urls))]


def lambda_estimate(notes: list[str]) -> list[Row]:
    """Handler duration per message on Lambda at 256 MB, from the measured figures (an estimate, labelled so)."""
    if "overhead_cpu_ms" not in MEASURED or "batch_10_hosts_s" not in MEASURED:
        return []
    extract_ms = MEASURED.get("corpus_extract_median_ms", MEASURED["sample_extract_cpu_ms"])
    source = "corpus median" if "corpus_extract_median_ms" in MEASURED else "sample pages"
    cpu_ms = MEASURED["overhead_cpu_ms"] + extract_ms
    share = LAMBDA_MEMORY_MB / ONE_VCPU_MB
    here_ms = MEASURED["batch_10_hosts_s"] * 1000 / 10
    lambda_ms = max(here_ms, cpu_ms / share)
    notes.append(f"Lambda estimate: per message, CPU = overhead {MEASURED['overhead_cpu_ms']:.1f} ms + extraction "
                 f"{extract_ms:.1f} ms ({source}) = {cpu_ms:.1f} ms on this machine; at {LAMBDA_MEMORY_MB} MB Lambda "
                 f"gives {share:.3f} vCPU, so a batch needs ≥ {cpu_ms / share:.0f} ms of CPU share per message, "
                 f"against {here_ms:.0f} ms per message measured here for a full batch (10 hosts, 200 ms origin). "
                 "The larger of the two is the estimate; processor differences (Graviton vs this CPU) are not "
                 "modelled.")
    return [Row(f"Handler duration per message (estimate for Lambda {LAMBDA_MEMORY_MB} MB)",
                f"≈ {lambda_ms:.0f} ms", note=f"measured here: {here_ms:.0f} ms per message (full batch of 10, "
                f"default concurrency, 10 hosts); CPU-bound at {share:.3f} vCPU: {cpu_ms:.1f} ms × "
                f"{1 / share:.1f}")]


def extraction(quick: bool, corpus: Path, peer_python: str | None, reference_scorer: Path | None,
               notes: list[str]) -> list[Row]:
    python = sys.executable
    if peer_python:
        python = peer_python
    elif not _has_module(sys.executable, "trafilatura"):
        notes.append("Extraction speed vs trafilatura / htmldate: not importable by this interpreter; rerun "
                     "with --peer-python (or BENCH_PEER_PYTHON) pointing at a Python that has trafilatura and "
                     "newsingest installed.")
    args = ["--corpus", str(corpus), "--repeat", "1" if quick else "3"] + (["--limit", "30"] if quick else [])
    predictions = HERE / "out" / "predictions.json"
    r = _worker(python, "benchmarks.extraction", args + ["--predictions", str(predictions)])
    o = r["ours"]
    rows = _accuracy_rows(r)
    if r["kind"] == "dates":  # extract_article's time on a dates corpus is the whole extraction, not the date
        return rows + _speed_rows(r, target=None)
    MEASURED["corpus_extract_median_ms"] = o["median_ms"]
    rows.append(Row("Extraction time per page, median / p95", f"{o['median_ms']:.1f} / {o['p95_ms']:.1f} ms",
                    note=f"bytes in, bs4+lxml parse included, median of {r['repeat']} runs per page"))
    rows += _speed_rows(r, target=SPEED_TARGET)
    if reference_scorer and r["kind"] == "articles":
        notes.append(_check_scorer(reference_scorer, corpus, predictions, o))
    return rows


def _accuracy_rows(r: dict[str, Any]) -> list[Row]:
    """The corpus's own figures (by its answer file) against the targets, with the peer's when it ran."""
    o, peer, pages, kind = r["ours"], r.get("peer", {}), r["pages"], r["kind"]
    if kind == "articles" and "f1" in o:
        return [Row(f"Article bodies F1 (shingles, {pages} pages)", f"{o['f1']:.3f}", f"≥ {F1_TARGET}",
                    verdict(o["f1"] >= F1_TARGET),
                    f"precision {o['precision']:.3f}, recall {o['recall']:.3f}, exact {o['accuracy']:.2f}, "
                    f"empty {o['empty']}" + (f"; {peer['name']} {peer['version']} F1 {peer['f1']:.3f}"
                                             if "f1" in peer else ""))]
    if kind == "snippets":
        ok = (o["f_score"] >= SNIPPETS_F_TARGET and o["precision"] >= SNIPPETS_P_TARGET
              and o["recall"] >= SNIPPETS_R_TARGET)
        return [Row(f"Body snippets F (pooled, {pages} pages)", f"{o['f_score']:.3f}",
                    f"F ≥ {SNIPPETS_F_TARGET}, P ≥ {SNIPPETS_P_TARGET}, R ≥ {SNIPPETS_R_TARGET}", verdict(ok),
                    f"precision {o['precision']:.3f}, recall {o['recall']:.3f}, empty {o['empty']}"
                    + (f"; {peer['name']} {peer['version']} F {peer['f_score']:.3f} (P {peer['precision']:.3f}, "
                       f"R {peer['recall']:.3f})" if "f_score" in peer else ""))]
    if kind == "dates":
        ok = o["accuracy"] >= DATES_TARGET and o["precision"] >= DATES_P_TARGET
        return [Row(f"Publication day accuracy ({o['right'] + o['wrong'] + o['missing']} dates, page alone)",
                    f"{o['accuracy']:.3f}", f"≥ {DATES_TARGET}, P ≥ {DATES_P_TARGET}", verdict(ok),
                    f"precision {o['precision']:.3f}, recall {o['recall']:.3f} (right {o['right']}, wrong "
                    f"{o['wrong']}, none {o['missing']})"
                    + (f"; {peer['name']} {peer['version']} (extensive) {peer['accuracy']:.3f}"
                       if "accuracy" in peer else ""))]
    return []


def _speed_rows(r: dict[str, Any], target: float | None) -> list[Row]:
    if "peer" not in r:
        return [Row("Extraction time / peer", "n/a", f"≤ {target:.1f}×" if target else "", "",
                    "peer not importable: pass --peer-python")]
    peer = r["peer"]
    what = "Extraction time" if target else "Whole extraction (all fields) time"
    return [Row(f"{what} / {peer['name']} {peer['version']} (median per-page ratio)",
                f"{r['ratio_median']:.2f}×", f"≤ {target:.1f}×" if target else "",
                verdict(r["ratio_median"] <= target) if target else "",
                f"side by side in one process, alternating; {peer['name']} median {peer['median_ms']:.1f} "
                f"ms, p95 {peer['p95_ms']:.1f} ms; ratio p95 {r['ratio_p95']:.2f}×")]


def _check_scorer(reference: Path, corpus: Path, predictions: Path, ours: dict[str, Any]) -> str:
    """Run another implementation of the metric on the same predictions and say whether the numbers agree."""
    scored = json.loads(predictions.read_text(encoding="utf-8"))
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="newsingest-scorer-") as folder:
        subset = Path(folder) / "ground-truth.json"  # the pages that were run (--quick runs a subset)
        subset.write_text(json.dumps({k: v for k, v in truth.items() if k in scored}), encoding="utf-8")
        done = subprocess.run([sys.executable, str(reference), str(subset), str(predictions),
                               "--json", "--n-bootstrap", "0"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        return f"Scorer check: {reference} failed: {done.stderr[-500:]}"
    theirs = json.loads(done.stdout)
    same = all(abs(theirs[k] - ours[k]) < 1e-12 for k in ("f1", "precision", "recall", "accuracy"))
    return (f"Scorer check: {reference.name} on the same predictions gives F1 {theirs['f1']:.6f}, precision "
            f"{theirs['precision']:.6f}, recall {theirs['recall']:.6f} — "
            + ("identical to benchmarks/scoring.py." if same else "DIFFERENT from benchmarks/scoring.py!"))


# ------------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="folder with html/<id>.html.gz and ground-truth.json, "
                        "cases.json or gold.json (the figures follow the answer file)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run; numbers are rough)")
    parser.add_argument("--peer-python", default=os.environ.get("BENCH_PEER_PYTHON") or None,
                        help="Python with trafilatura + newsingest for the side-by-side extraction timing "
                             "(default: $BENCH_PEER_PYTHON, else this interpreter)")
    parser.add_argument("--reference-scorer", type=Path,
                        help="another score_articles.py to cross-check benchmarks/scoring.py on the same predictions")
    parser.add_argument("--only", action="append",
                        choices=("cold", "memory", "overhead", "concurrency", "enqueue", "feeds", "poll", "politeness",
                                 "extraction"),
                        help="run only these figures (repeatable)")
    parser.add_argument("--output", type=Path,
                        help="where to write the results (default benchmarks/results.md; runs with --only write "
                             "nothing unless this is given, so a partial run never replaces the full table)")
    args = parser.parse_args(argv)
    if args.corpus and not (args.corpus / "html").is_dir():
        parser.error(f"{args.corpus} has no html/ folder")
    started, t0 = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), time.perf_counter()
    load_at_start = load_average()
    notes: list[str] = []
    rows: list[Row] = []
    figures: list[tuple[str, Callable[[], list[Row]]]] = [
        ("cold", lambda: cold_start(args.quick, notes)),
        ("memory", lambda: memory(args.quick, args.corpus, notes)),
        ("overhead", lambda: overhead(args.quick, notes)),
        ("concurrency", lambda: concurrency(args.quick, notes)),
        ("enqueue", lambda: enqueue_throughput(args.quick, notes)),
        ("feeds", lambda: feed_parsing(os.environ.get("BENCH_FEEDPARSER_PYTHON"), notes)),
        ("poll", lambda: poll_at_scale(args.quick, notes)),
        ("politeness", lambda: politeness(args.quick, notes)),
    ]
    if args.corpus:
        figures.append(("extraction", lambda: extraction(args.quick, args.corpus, args.peer_python,
                                                         args.reference_scorer, notes)))
    figures.append(("estimate", lambda: lambda_estimate(notes)))
    failed = False
    for name, run in figures:
        if args.only and name not in args.only and name != "estimate":
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        try:
            rows += run()
        except Exception as error:  # noqa: BLE001 - one broken figure must not hide the others
            failed = True
            rows.append(Row(f"{name}: ERROR", "-", note=str(error).splitlines()[0][:200]))
            print(error, file=sys.stderr)
    if args.quick:
        notes.insert(0, "--quick run: few repetitions; numbers are rough.")
    command = "python -m benchmarks" + (f" --corpus {args.corpus}" if args.corpus else "") + \
        (" --quick" if args.quick else "") + (f" --peer-python {args.peer_python}" if args.peer_python else "") + \
        (f" --reference-scorer {args.reference_scorer}" if args.reference_scorer else "")
    table = format_table(rows)
    print(table)
    for note in notes:
        print(f"- {note}")
    extra = {}
    if args.peer_python:
        done = subprocess.run([args.peer_python, "-c", "import trafilatura; print(trafilatura.__version__)"],
                              capture_output=True, text=True)
        extra[f"trafilatura {done.stdout.strip() or '-'} (peer interpreter {args.peer_python})"] = ""
    output = args.output or (None if args.only else HERE / "results.md")
    if output:
        output.write_text(results_markdown(rows, started=started, duration_s=time.perf_counter() - t0,
                                           command=command, extra_versions=extra, notes=notes,
                                           load_at_start=load_at_start), encoding="utf-8")
        print(f"\nwritten to {output}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
