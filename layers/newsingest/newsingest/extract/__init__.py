"""Article extraction: ``extract_article(html, url, content_type=..., options=...) -> Article``.

Pure (no AWS, no network). Importing this package stays light: the parser stack (bs4, lxml) is imported on the
first call of ``extract_article``.
"""

from __future__ import annotations

from newsingest.extract.article import Article, Image
from newsingest.extract.options import EXTRACTOR_VERSION, ExtractOptions

__all__ = ["EXTRACTOR_VERSION", "Article", "ExtractOptions", "Image", "extract_article"]


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    options: ExtractOptions | None = None,
) -> Article:
    """Extract the article of one page (see ``newsingest.extract.core``). Never raises."""
    from newsingest.extract.core import extract_article as _extract_article  # noqa: PLC0415 (lazy: `import newsingest.extract` stays cheap for the CLI)

    return _extract_article(html, url, content_type=content_type, options=options)
