"""newsingest_tools: what is installed with newsingest but never deployed.

``cli`` (the ``newsingest`` command), ``local`` (the offline stack on moto, the demo, the sample origin) and the
operator back-ends the CLI drives (``enqueue``, ``queues``, ``redrive``, ``reprocess``, ``stats``). It imports the
runtime library (``newsingest``, the Lambda layer) freely; the runtime never imports it (tests/unit/test_import_graph.py
checks both directions' rule), so the layer ships without it. See docs/architecture.md.
"""
