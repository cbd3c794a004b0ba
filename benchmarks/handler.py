"""Handler figures, each run in its own fresh interpreter: memory, overhead per stage, batch concurrency.

``python -m benchmarks.handler {memory|overhead|concurrency} --result FILE [options]``; the result is JSON.
All three drive the real ``lambda_handler`` (loaded from template.yaml, as ``sam local invoke`` does) against the
stack from template.yaml in moto and origins on 127.0.0.x.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import harness, services
from benchmarks.pages import big_page

SAMPLE_ARTICLES = ("koreatimes_esper.html", "coastline_lighthouse.html")


def _sample_pages() -> dict[str, bytes]:
    from newsingest_tools.local.origin import sample_pages

    pages = sample_pages()
    return {name: pages[name] for name in SAMPLE_ARTICLES}


def _status_hwm_mb() -> float | None:
    """VmHWM (peak RSS since the last reset) from /proc/self/status."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_hwm() -> bool:
    """Reset the peak-RSS watermark (Linux ≥ 4.0: ``echo 5 > /proc/self/clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


# -------------------------------------------------------------------------------------------------- memory


def memory(pages: int, size: int, lean: bool = True) -> dict[str, Any]:
    """Peak RSS while the real handler processes one batch of ``pages`` pages of ``size`` bytes (moto in-process)."""
    start_rss = harness.rss_mb()
    import importlib.util

    code = Path(__file__).resolve().parents[1] / "functions" / "ingest" / "app.py"
    spec = importlib.util.spec_from_file_location("bench_app_probe", code)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    handler_import_rss = harness.rss_mb()
    bodies = {f"/big/{i}.html": big_page(i, size) for i in range(pages)}
    with harness.origins(1, bodies.get) as (base,), harness.aws_stack([base], lean=lean) as stack:
        from newsingest.batch import get_runtime

        get_runtime()  # clients and fetcher, as the first invocation builds them
        import bs4  # noqa: F401 - imported by the first extraction anyway; not part of the batch's cost
        import lxml.etree  # noqa: F401 - likewise: loaded before the measurement

        gc.collect()
        baseline_rss, baseline_peak = harness.rss_mb(), harness.peak_rss_mb()
        reset = _reset_hwm()
        started = time.perf_counter()
        response = stack.handler(harness.sqs_event([base + path for path in bodies]), harness.lambda_context())
        seconds = time.perf_counter() - started
        harness.assert_all_ok(response, "memory batch")
        batch_hwm = _status_hwm_mb() if reset else None
        peak = harness.peak_rss_mb()
        concurrency = get_runtime().settings.batch_concurrency
        extracting = getattr(get_runtime().settings, "extract_concurrency", concurrency)
    return {
        "stack": "lean" if lean else "cloudformation",
        "pages": pages, "page_bytes": [len(b) for b in bodies.values()], "batch_concurrency": concurrency,
        "extract_concurrency": extracting,
        "interpreter_rss_mb": start_rss, "handler_import_rss_mb": handler_import_rss,
        "baseline_rss_mb": baseline_rss, "baseline_peak_mb": baseline_peak,
        "batch_peak_mb": batch_hwm if batch_hwm is not None else peak, "batch_peak_exact": batch_hwm is not None,
        "absolute_peak_mb": peak, "batch_increment_mb": (batch_hwm or peak) - baseline_rss,
        "batch_seconds": seconds,
    }


def memory_isolated(pages: int, size: int, batch_concurrency: int | None = None) -> dict[str, Any]:
    """The same batch, but moto's server and the origin run in another process: this process holds only what the
    function holds (the handler, its clients, the extraction) plus a small driver, so its absolute peak RSS is the
    figure to size the function with."""
    import os

    start_rss = harness.rss_mb()
    with services.running(pages, size) as info:
        env = dict(harness.OFFLINE_AWS)
        env.update({"AWS_ENDPOINT_URL": info["endpoint"], "ARTICLES_BUCKET": "bench-articles",
                    "ARTICLES_TABLE": "bench-articles", "FETCH_ALLOW_HOSTS": info["origin"].split("://", 1)[1],
                    "POWERTOOLS_SERVICE_NAME": "newsingest", "POWERTOOLS_METRICS_NAMESPACE": "Newsingest"})
        if batch_concurrency:
            env["BATCH_CONCURRENCY"] = str(batch_concurrency)
        os.environ.update(env)
        import importlib.util

        code = Path(__file__).resolve().parents[1] / "functions" / "ingest" / "app.py"
        spec = importlib.util.spec_from_file_location("app", code)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        handler_import_rss = harness.rss_mb()
        from newsingest.batch import get_runtime
        from newsingest_tools.local.stack import template_table_schema

        runtime = get_runtime()  # the first invocation's clients and fetcher
        # the table and bucket, through the function's own clients (no extra client in this process)
        runtime.deps.objects._s3.create_bucket(Bucket="bench-articles")
        runtime.deps.repository._db.create_table(
            **template_table_schema().create_table_kwargs("bench-articles"))
        gc.collect()
        baseline_rss = harness.rss_mb()
        started = time.perf_counter()
        response = module.lambda_handler(harness.sqs_event([info["origin"] + p for p in info["paths"]]),
                                         harness.lambda_context())
        seconds = time.perf_counter() - started
        harness.assert_all_ok(response, "isolated memory batch")
        peak = harness.peak_rss_mb()
    return {"pages": pages, "page_bytes": size, "batch_concurrency": runtime.settings.batch_concurrency,
            "extract_concurrency": getattr(runtime.settings, "extract_concurrency", runtime.settings.batch_concurrency),
            "interpreter_rss_mb": start_rss,
            "handler_import_rss_mb": handler_import_rss, "baseline_rss_mb": baseline_rss,
            "absolute_peak_mb": peak, "batch_increment_mb": peak - baseline_rss, "batch_seconds": seconds}


# ------------------------------------------------------------------------------------------------ overhead


def overhead(batches: int, batch_size: int) -> dict[str, Any]:
    """CPU per message in the handler, per stage, sequential processing, moto's server in another process (so the
    handler's CPU time holds the client side of every AWS call, not moto's own work). The total is the calling
    thread's CPU plus the pool thread's while it ran the records (the origin's threads are not counted)."""
    from newsingest.batch import ConcurrentBatchProcessor

    pages = _sample_pages()
    names = sorted(pages)

    def page_for(path: str) -> bytes | None:
        return pages.get(path.rsplit("/", 1)[-1])

    with services.running() as aws, harness.origins(1, page_for) as (base,), \
            harness.aws_stack([base], endpoint=aws["endpoint"]) as stack:
        import newsingest.batch as batch_module

        class TimedProcessor(ConcurrentBatchProcessor):
            """Records run on the pool's thread: their CPU is read there and added to the calling thread's."""

            record_cpu = 0.0

            def _run_handler(self, data: Any) -> Any:
                started = time.thread_time()
                try:
                    return super()._run_handler(data)
                finally:
                    TimedProcessor.record_cpu += time.thread_time() - started

        stack.module["processor"] = TimedProcessor(max_workers=1)  # one thread: CPU attribution is exact

        def event(round_: int) -> dict[str, Any]:
            urls = [f"{base}/o{round_}/{i}/{names[i % len(names)]}" for i in range(batch_size)]
            return harness.sqs_event(urls)

        harness.assert_all_ok(stack.handler(event(-1), harness.lambda_context()), "warm-up")
        times = harness.StageTimes()
        harness.instrument(batch_module.get_runtime(), times)
        per_batch: list[dict[str, float]] = []
        for round_ in range(batches):
            times.reset()
            gc.collect()
            TimedProcessor.record_cpu = 0.0
            c0, w0 = time.thread_time(), time.perf_counter()
            response = stack.handler(event(round_), harness.lambda_context())
            c1, w1 = time.thread_time() + TimedProcessor.record_cpu, time.perf_counter()
            harness.assert_all_ok(response, f"overhead batch {round_}")
            row = {f"{stage}_cpu_ms": 1000 * cpu / batch_size for stage, cpu in times.cpu.items()}
            row.update({f"{stage}_wall_ms": 1000 * wall / batch_size for stage, wall in times.wall.items()})
            row["total_cpu_ms"] = 1000 * (c1 - c0) / batch_size
            row["total_wall_ms"] = 1000 * (w1 - w0) / batch_size
            row["other_cpu_ms"] = row["total_cpu_ms"] - 1000 * sum(times.cpu.values()) / batch_size
            row["overhead_cpu_ms"] = row["total_cpu_ms"] - row.get("extract_cpu_ms", 0.0)
            per_batch.append(row)
    keys = sorted({k for row in per_batch for k in row})
    return {
        "batches": batches, "batch_size": batch_size, "pages": {n: len(b) for n, b in pages.items()},
        "median_per_message": {k: statistics.median(row.get(k, 0.0) for row in per_batch) for k in keys},
        "per_batch": per_batch,
    }


# --------------------------------------------------------------------------------------------- concurrency


def concurrency(rounds: int, delay: float, batch_size: int) -> dict[str, Any]:
    """Wall time of one batch of ``batch_size`` URLs from origins that answer in ``delay`` s, per configuration,
    configurations interleaved round by round (same machine load); plus one message alone and one raw fetch.
    moto's server runs in another process (S3 and DynamoDB are remote services for the function too)."""
    from newsingest.batch import ConcurrentBatchProcessor, build_runtime
    from newsingest.settings import Settings

    pages = _sample_pages()
    names = sorted(pages)

    def page_for(path: str) -> bytes | None:
        return pages.get(path.rsplit("/", 1)[-1])

    with services.running() as aws, harness.origins(batch_size, page_for, delay=delay) as bases, \
            harness.aws_stack(bases, endpoint=aws["endpoint"]) as stack:
        import newsingest.batch as batch_module

        def runtime(**overrides: str) -> Any:
            return build_runtime(Settings.from_env(dict(stack.environment) | overrides))

        default = Settings.from_env(stack.environment)
        configs: dict[str, tuple[Any, Any, int, int]] = {  # name → (runtime, processor, hosts, messages)
            "sequential": (runtime(), ConcurrentBatchProcessor(max_workers=1), 1, batch_size),
            "concurrent_defaults_1_host": (runtime(), ConcurrentBatchProcessor(), 1, batch_size),
            "concurrent_per_host_10_1_host": (runtime(FETCH_PER_HOST_CONCURRENCY=str(batch_size)),
                                              ConcurrentBatchProcessor(), 1, batch_size),
            "concurrent_defaults_10_hosts": (runtime(), ConcurrentBatchProcessor(), batch_size, batch_size),
            "strict_5_workers_per_host_2_1_host": (runtime(BATCH_CONCURRENCY="5", FETCH_PER_HOST_CONCURRENCY="2"),
                                                   ConcurrentBatchProcessor(), 1, batch_size),
            "single_message": (runtime(), ConcurrentBatchProcessor(), 1, 1),
        }
        counter = iter(range(10**9))

        def urls(hosts: int, messages: int) -> list[str]:
            tag = next(counter)
            return [f"{bases[i % hosts]}/c{tag}/{i}/{names[i % len(names)]}" for i in range(messages)]

        def run(name: str) -> float:
            rt, processor, hosts, messages = configs[name]
            batch_module.get_runtime = lambda: rt  # the handler and processor ask the module for the runtime
            stack.module["processor"] = processor
            event = harness.sqs_event(urls(hosts, messages))
            started = time.perf_counter()
            response = stack.handler(event, harness.lambda_context())
            seconds = time.perf_counter() - started
            harness.assert_all_ok(response, name)
            return seconds

        original = batch_module.get_runtime
        try:
            for name in configs:  # warm-up: robots.txt of every host, keep-alive connections, clients
                run(name)
                run(name)
            fetch_runtime = configs["single_message"][0]
            samples: dict[str, list[float]] = {name: [] for name in configs}
            samples["raw_fetch"] = []
            order = list(configs) + ["raw_fetch"]
            for round_ in range(rounds):
                shift = round_ % len(order)
                for name in order[shift:] + order[:shift]:
                    if name == "raw_fetch":
                        url = urls(1, 1)[0]
                        started = time.perf_counter()
                        fetch_runtime.deps.fetcher.fetch(url)
                        samples[name].append(time.perf_counter() - started)
                    else:
                        samples[name].append(run(name))
        finally:
            batch_module.get_runtime = original
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "rounds": rounds, "delay_s": delay, "batch_size": batch_size,
        "batch_concurrency": default.batch_concurrency, "per_host_concurrency": default.fetch.per_host_concurrency,
        "extract_concurrency": getattr(default, "extract_concurrency", default.batch_concurrency),
        "median_s": medians, "samples_s": samples,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("figure", choices=("memory", "memory-isolated", "overhead", "concurrency"))
    parser.add_argument("--result", required=True)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--page-bytes", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--batch-concurrency", type=int, help="memory-isolated: BATCH_CONCURRENCY of the function")
    parser.add_argument("--cloudformation", action="store_true",
                        help="memory: create the stack through moto's CloudFormation (heavier process)")
    args = parser.parse_args(argv)
    harness.quiet_stdout()
    if args.figure == "memory-isolated":
        result = memory_isolated(args.pages, args.page_bytes, args.batch_concurrency)
    elif args.figure == "memory":
        result = memory(args.pages, args.page_bytes, lean=not args.cloudformation)
    elif args.figure == "overhead":
        result = overhead(args.batches, args.batch_size)
    else:
        result = concurrency(args.rounds, args.delay, args.batch_size)
    Path(args.result).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
