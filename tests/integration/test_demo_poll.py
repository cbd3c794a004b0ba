"""The continuous-ingestion demo (make demo's second part): poll → queue → ingest, new stories only, then a 304."""

from __future__ import annotations

import io

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:moto.cloudformation.parsing")


def test_the_poll_demo_enqueues_only_new_stories_and_an_unchanged_feed_costs_one_304() -> None:
    from newsingest_tools.local.demo_poll import run_poll_demo

    # When the demo runs (moto's server, the feed origin and the real ingest handler, all local)
    out = io.StringIO()
    result = run_poll_demo(out)

    # Then two stories, then only the new third, then nothing are enqueued; all three are stored
    assert result.enqueued == (2, 1, 0)
    assert result.stored == 3
    assert result.last_round_requests == [(True, 304)]
    assert "_aws" not in out.getvalue()  # the handler's EMF lines stay hidden
