"""The load run, small: 500 mixed messages through the real handler against moto's server, nothing lost."""

from __future__ import annotations

import pytest

from benchmarks.load import run


@pytest.mark.slow
def test_500_mixed_messages_drain_with_nothing_lost() -> None:
    # Given 500 messages: good pages, repeats, 404/410, flapping 5xx, malformed bodies, invalid URLs, refused addresses
    # When two execution environments drain them through the local event source against moto's server
    report = run(messages=500, workers=2, seed=11, log=lambda line: None)

    # Then every message is accounted for and the invariant holds
    accounting = report.accounting
    assert report.ok, accounting.table()
    assert accounting.buckets["lost"] == accounting.buckets["duplicated"] == accounting.buckets["queue"] == 0
    assert sum(accounting.buckets.values()) == 500
    assert len(report.write_log.accepted) == accounting.items  # the newer-wins check saw every record written
    # and each kind ended where it must: flapping past maxReceiveCount in the DLQ, the rest recorded by reason
    assert accounting.buckets["dlq"] == report.mix["flapping_dlq"]
    assert accounting.failure_reasons["http_404"] == report.mix["not_found"]
    assert accounting.failure_reasons["http_410"] == report.mix["gone"]
    assert accounting.failure_reasons["blocked_address"] + accounting.failure_reasons["blocked_port"] == \
        report.mix["refused"]
    assert accounting.failure_reasons["invalid_message"] + accounting.failure_reasons["invalid_url"] == \
        report.mix["malformed"] + report.mix["invalid_url"]
    assert accounting.buckets["stored"] + accounting.failure_reasons["no_article"] == \
        report.mix["good"] + report.mix["repeat"] + report.mix["flapping"]
