"""newsingest: an event-driven news-article ingester (SQS → Lambda → S3 + DynamoDB).

The package is layered so that imports only point one way::

    functions/*/app.py → newsingest.batch → newsingest.pipeline → (fetch, extract, storage)

``newsingest.extract`` is pure (no AWS, no Powertools) so the CLI and the tests use it directly. This package is the
Lambda layer's whole content; the CLI and the local tooling are ``newsingest_tools`` (``tooling/``), which imports
this package and is never imported by it (docs/architecture.md).
"""

__version__ = "0.1.0"
