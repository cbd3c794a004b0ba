"""Bytes → text: HTTP charset > BOM > ``<meta>`` > detection, with the WHATWG label mapping.

Labels are mapped the way browsers do (the HTML/Encoding specs), because pages are written for browsers:
ISO-8859-1/ASCII mean windows-1252, EUC-KR means its superset CP949, Shift_JIS means CP932, GB2312/GBK mean
GB18030. A declared charset that the bytes contradict (they fail to decode) is checked against UTF-8 and then
detection, since mislabelled pages are common. charset-normalizer is imported only when detection is needed.
"""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.I)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes of the page searched for <meta charset> (the spec says 1024; real pages put it after big inline heads).
_META_SCAN_BYTES = 65_536
# Bytes handed to the detector: enough for a verdict, bounded for 50 MB pages.
_DETECT_BYTES = 65_536
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# Control bytes that never occur in text in an ASCII-compatible encoding (tab, LF, FF, CR and ESC excepted:
# ESC starts ISO-2022-JP sequences).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BINARY_SAMPLE = 8_192

# WHATWG label → the Python codec that decodes what browsers decode for it.
_LABEL_MAP: dict[str, str] = {
    "latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252", "cp1252": "cp1252",
    "iso8859_9": "cp1254",  # the spec maps ISO-8859-9 to windows-1254
    "tis_620": "cp874", "iso8859_11": "cp874",
    "euc_kr": "cp949", "cp949": "cp949", "iso2022_kr": "cp949", "johab": "cp949",
    "shift_jis": "cp932", "cp932": "cp932", "shift_jisx0213": "cp932", "shift_jis_2004": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
    "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "big5hkscs",
    "utf_16": "utf-8", "utf_16_le": "utf-8", "utf_16_be": "utf-8",  # a <meta> claiming UTF-16 means UTF-8
}
# Labels Python does not know but pages use.
_EXTRA_LABELS: dict[str, str] = {
    "x-sjis": "cp932", "ms_kanji": "cp932", "windows-31j": "cp932", "x-euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "ksc5601": "cp949", "ksc_5601": "cp949", "x-windows-949": "cp949", "windows-949": "cp949", "x-gbk": "gb18030",
    "gb_2312-80": "gb18030", "csgb2312": "gb18030", "chinese": "gb18030", "x-user-defined": "cp1252",
    "unicode-1-1-utf-8": "utf-8", "utf8": "utf-8", "x-mac-roman": "mac-roman", "x-cp1251": "cp1251",
}


def normalize_label(label: str | None, *, from_meta: bool = False) -> str | None:
    """The codec for an encoding label as browsers treat it, or None for an unknown label."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _EXTRA_LABELS:
        return _EXTRA_LABELS[label]
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    if not from_meta and name.startswith("utf_16"):
        return name.replace("_", "-")  # an HTTP header may really mean UTF-16
    mapped = _LABEL_MAP.get(name, name)
    return codecs.lookup(mapped).name


def charset_from_content_type(content_type: str | None) -> str | None:
    """The codec named by an HTTP Content-Type header, if any."""
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return normalize_label(match.group(1)) if match else None


def charset_from_bom(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def charset_from_meta(data: bytes) -> str | None:
    """The codec declared by ``<meta charset>`` or ``<meta http-equiv content="...; charset=...">``."""
    match = _META_CHARSET.search(data, 0, _META_SCAN_BYTES)
    if match is None:
        return None
    return normalize_label(match.group(1).decode("ascii", "replace"), from_meta=True)


def detect_charset(data: bytes) -> str | None:
    """Statistical detection (lazy import: most pages declare their charset or are valid UTF-8)."""
    try:
        from charset_normalizer import from_bytes  # noqa: PLC0415 (lazy: most pages declare their charset)
    except ImportError:  # pragma: no cover - declared dependency
        return None
    try:
        best = from_bytes(_detection_sample(data)).best()
    except Exception:  # the detector must never take the extraction down
        logger.debug("charset detection failed", exc_info=True)
        return None
    if best is None:
        return None
    return normalize_label(best.encoding) or best.encoding


def looks_binary(data: bytes, codec: str | None = None) -> bool:
    """True for images, archives, PDFs and other non-text bodies: more than 1% control bytes in the first 8 KiB."""
    if codec is not None and codec.replace("_", "-").lower().startswith("utf-16"):
        return False  # UTF-16 text is full of NUL bytes
    sample = data[:_BINARY_SAMPLE]
    if not sample:
        return False
    return len(_CONTROL_BYTES.findall(sample)) * 100 > len(sample)


def _detection_sample(data: bytes) -> bytes:
    """A window that starts just before the first non-ASCII byte: pages often open with 100 KB of ASCII
    (inline scripts, styles) and a detector shown only that answers "ascii"."""
    match = _NON_ASCII.search(data)
    start = 0 if match is None else max(0, match.start() - 256)
    return data[start : start + _DETECT_BYTES]


def _strict(data: bytes, codec: str) -> str | None:
    """``data`` decoded without errors, or None. A character cut at the very end (the input cap) is forgiven."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 4 and error.reason.startswith("unexpected end"):
            try:
                return data[: error.start].decode(codec)
            except UnicodeDecodeError:
                return None
        return None
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes; returns (text, codec used). Never raises."""
    if not data:
        return "", "utf-8"
    bom = charset_from_bom(data)
    declared = charset_from_content_type(content_type)
    if declared is None and bom is not None:
        return data[len(codecs.BOM_UTF8) if bom == "utf-8" else 2 :].decode(bom, "replace"), bom
    if declared is None:
        declared = charset_from_meta(data)
    if declared is not None:
        text = _strict(data, declared)
        if text is not None:
            return _drop_bom(text), declared
        # Mislabelled pages: valid UTF-8 is almost never an accident; otherwise ask the detector.
        if declared != "utf-8" and (text := _strict(data, "utf-8")) is not None:
            return _drop_bom(text), "utf-8"
        detected = detect_charset(data)
        codec = detected if detected and _usable(detected) else declared
        return _drop_bom(data.decode(codec, "replace")), codec
    text = _strict(data, "utf-8")
    if text is not None:
        return _drop_bom(text), "utf-8"
    detected = detect_charset(data)
    codec = detected if detected and _usable(detected) else "cp1252"
    return data.decode(codec, "replace"), codec


def _usable(codec: str) -> bool:
    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True


def _drop_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text
