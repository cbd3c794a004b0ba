"""Deterministic, site-browsable S3 keys.

``text/<domain>/<article_id>/<content sha256[:16]>.txt`` and ``raw/<domain>/<article_id>/<raw sha256[:16]>.html.gz``:
content-addressed, so a redelivered message writes the same key (idempotent) and two versions of one article never
overwrite each other's objects (no item can ever point at an object whose content changed under it).
"""

from __future__ import annotations

TEXT_PREFIX = "text"
RAW_PREFIX = "raw"
_DIGEST_CHARS = 16


def text_key(domain: str, article_id: str, content_sha256: str) -> str:
    return f"{TEXT_PREFIX}/{_safe_domain(domain)}/{article_id}/{content_sha256[:_DIGEST_CHARS]}.txt"


def raw_key(domain: str, article_id: str, raw_sha256: str) -> str:
    return f"{RAW_PREFIX}/{_safe_domain(domain)}/{article_id}/{raw_sha256[:_DIGEST_CHARS]}.html.gz"


def _safe_domain(domain: str) -> str:
    # IPv6 literals and ports would otherwise put ':' and brackets into keys.
    return domain.replace("[", "").replace("]", "").replace(":", "_") or "_"
