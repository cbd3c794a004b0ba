"""Bytes → text: HTTP charset > BOM > <meta> > detection, with the labels browsers use.

Each test: Given page bytes (and maybe a Content-Type), When decoded / extracted, Then the text is exactly right.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from newsingest.extract import extract_article
from newsingest.extract.charset import (
    charset_from_content_type,
    charset_from_meta,
    decode_html,
    normalize_label,
)

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

KO_LAST = "한편 동네 주민들은 똠방각하라는 별명으로 불리는 구청장의 발 빠른 대응을 환영했다."  # 똠: CP949, not EUC-KR


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("utf-8", "utf-8"),
        ("UTF8", "utf-8"),
        ("euc-kr", "cp949"),
        ("ks_c_5601-1987", "cp949"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("iso-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("windows-1251", "cp1251"),
        ("no-such-charset", None),
        ("", None),
    ],
)
def test_labels_map_like_browsers(label: str, codec: str | None) -> None:
    # Given an encoding label / When normalized / Then it names the codec browsers decode with
    assert normalize_label(label) == codec


def test_meta_claiming_utf16_means_utf8() -> None:
    # Given a <meta> that claims UTF-16 on an ASCII-compatible page / When read / Then UTF-8 (HTML spec)
    assert charset_from_meta(b'<meta charset="utf-16">') == "utf-8"


def test_http_charset_wins_over_meta() -> None:
    # Given bytes in CP1251 whose <meta> lies (utf-8) and an HTTP header that tells the truth
    data = '<meta charset="utf-8"><p>Привет, мир</p>'.encode("cp1251")
    # When decoded with the header
    text, codec = decode_html(data, "text/html; charset=windows-1251")
    # Then the header wins
    assert codec == "cp1251"
    assert "Привет, мир" in text


def test_bom_wins_over_meta() -> None:
    # Given UTF-8 bytes with a BOM and a wrong <meta>
    data = codecs.BOM_UTF8 + '<meta charset="iso-8859-1"><p>café</p>'.encode()
    # When decoded / Then the BOM decides and is not part of the text
    text, codec = decode_html(data)
    assert codec == "utf-8"
    assert text.startswith("<meta") and "café" in text


def test_utf16_bom() -> None:
    # Given a UTF-16 page with its BOM / When decoded / Then the text is right
    data = "<p>naïve – ok</p>".encode("utf-16")
    text, _ = decode_html(data)
    assert text == "<p>naïve – ok</p>"


def test_content_type_parsing() -> None:
    # Given header values / When parsed / Then the charset parameter is found in any spelling
    assert charset_from_content_type('text/html; Charset="EUC-KR"') == "cp949"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None


def test_euc_kr_page_declared_in_meta_without_http_charset() -> None:
    # Given the EUC-KR page (declared in <meta>, served without a charset header), with a CP949-only syllable
    # When extracted from bytes
    article = extract_article((PAGES / "charset_euc_kr.html").read_bytes(), "https://news.example.kr/a/1")
    # Then the Korean text is exact (EUC-KR is decoded as CP949) and the related list is left out
    assert article.charset == "cp949"
    assert article.title is not None and article.title.startswith("서울시, 맨홀 추락 방지 시설 설치")
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == ("서울시는 27일 집중호우로 피해를 입은 지역의 하수도 맨홀에 "
                             "추락 방지 시설을 설치하겠다고 밝혔다.")
    assert paragraphs[-1] == KO_LAST
    assert len(paragraphs) == 4
    assert "기상청" not in article.text


def test_euc_kr_page_without_any_declaration_is_detected() -> None:
    # Given the same Korean page with no charset anywhere (no header, no <meta>)
    # When extracted from bytes
    article = extract_article((PAGES / "charset_euc_kr_undeclared.html").read_bytes())
    # Then detection finds the Korean encoding and the text is exact
    assert article.charset == "cp949"
    assert article.text.split("\n\n")[-1] == KO_LAST


def test_shift_jis_label_decodes_as_cp932() -> None:
    # Given a page labelled Shift_JIS that uses a CP932 (NEC) character (①)
    # When extracted
    article = extract_article((PAGES / "charset_shift_jis.html").read_bytes())
    # Then the Japanese text is exact, paragraphs from <br><br>
    assert article.charset == "cp932"
    assert article.text == (
        "気象庁は２８日、台風１５号が週末にかけて関東地方に接近する見込みだと発表した。\n\n"
        "同庁によると、台風は①勢力を保ったまま北上し、②土曜日の夜に最も近づくという。交通機関への影響が心配される。\n\n"
        "鉄道各社は計画運休の可能性を検討しており、利用者に最新の情報を確認するよう呼びかけている。"
    )


def test_gb2312_label_decodes_as_gb18030() -> None:
    # Given a page labelled gb2312 that uses a character outside GB2312 (镕)
    # When extracted
    article = extract_article((PAGES / "charset_gb18030.html").read_bytes())
    # Then the Chinese text is exact
    assert article.charset == "gb18030"
    assert article.text.split("\n\n")[1] == ("分析人士朱镕表示，消费市场总体平稳，"
                                              "但制造业投资仍然偏弱，需要进一步加大政策支持力度。")
    assert len(article.text.split("\n\n")) == 3


def test_iso_8859_1_label_decodes_as_windows_1252() -> None:
    # Given windows-1252 bytes (curly quotes, euro sign, em dash) labelled iso-8859-1
    # When extracted
    article = extract_article((PAGES / "charset_cp1252_as_latin1.html").read_bytes())
    # Then the characters are the ones the author typed, not C1 control codes
    assert article.charset == "cp1252"
    assert article.text.split("\n\n") == [
        "The company\u2019s shares rose 4% after it said revenue would reach \u20ac2.1 billion this year, beating "
        "forecasts.",
        "\u201cWe are seeing demand come back across every region,\u201d the chief executive said on a call with "
        "analysts \u2014 a change from last quarter.",
        "Caf\u00e9 owners in the city centre said footfall had recovered to pre-crisis levels for the first time.",
    ]


def test_mislabelled_utf8_page_is_read_as_utf8() -> None:
    # Given UTF-8 bytes whose <meta> says euc-kr (a common CMS mistake) that do not decode as CP949
    data = '<meta charset="euc-kr"><p>Müller said “yes” — 서울</p>'.encode()
    # When decoded / Then valid UTF-8 wins over the wrong label
    text, codec = decode_html(data)
    assert codec == "utf-8"
    assert "Müller said “yes” — 서울" in text


def test_input_cut_inside_a_character_still_decodes() -> None:
    # Given UTF-8 bytes cut in the middle of a multi-byte character (the input cap does this)
    data = "<p>서울</p>".encode()[:-6]
    # When decoded / Then the complete characters are kept and nothing raises
    text, codec = decode_html(data)
    assert codec == "utf-8"
    assert text == "<p>서"


def test_empty_and_binary_never_raise() -> None:
    # Given empty and binary input / When decoded / Then text comes back (possibly empty), no exception
    assert decode_html(b"") == ("", "utf-8")
    text, _ = decode_html(bytes(range(256)) * 64)
    assert isinstance(text, str)


def test_detection_looks_past_a_long_ascii_head() -> None:
    # Given the undeclared Korean page with 90 KB of ASCII script before any Korean byte
    data = (PAGES / "charset_euc_kr_undeclared.html").read_bytes()
    padded = data.replace(b"<head>", b"<head><script>" + b"var x = 1; // padding\n" * 4000 + b"</script>", 1)
    # When extracted
    article = extract_article(padded)
    # Then detection still sees the Korean bytes
    assert article.charset == "cp949"
    assert article.text.split("\n\n")[-1] == KO_LAST
