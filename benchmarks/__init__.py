"""newsingest's own benchmarks: ``python -m benchmarks [--corpus DIR] [--quick]``.

Every figure is measured in its own subprocess (a fresh interpreter), so one figure's imports, moto state or
memory never leak into another's. This package imports nothing heavy at import time: the extraction worker runs
under interpreters that have only bs4 + lxml (and trafilatura) installed.
"""
