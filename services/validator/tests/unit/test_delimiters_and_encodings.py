"""Delimiters and encodings are sniffed from the bytes, never trusted from the name."""

from __future__ import annotations

import codecs
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_validator.dialect import sniff_delimiter
from mauzo_validator.encoding import decode

TEXT = "date,branch,product,amount\n2024-01-05,Café Nairobi,Crème brûlée,1200\n"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_sniffs_each_supported_delimiter(delimiter: str) -> None:
    text = (
        TEXT.replace(",", delimiter)
        + f'2024-01-06{delimiter}"A{delimiter}B"{delimiter}x{delimiter}3\n'
    )
    assert sniff_delimiter(text) == delimiter


def test_quoted_commas_do_not_fool_the_semicolon_sniffer() -> None:
    text = 'date;product;amount\n2024-01-05;"Chairs, Rounded";1,5\n2024-01-06;"A, B, C";2\n'
    assert sniff_delimiter(text) == ";"


@settings(deadline=None, max_examples=40)
@given(
    st.sampled_from([",", ";", "\t", "|"]),
    st.lists(
        st.lists(st.from_regex(r"[A-Za-z0-9 .]{1,8}", fullmatch=True), min_size=3, max_size=3),
        min_size=1,
        max_size=5,
    ),
)
def test_sniffs_the_delimiter_of_any_regular_table(delimiter: str, rows: list[list[str]]) -> None:
    text = "\n".join(delimiter.join(r) for r in [["date", "branch", "amount"], *rows])
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode(), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decodes_common_encodings_to_utf8(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.data.decode("utf-8") == TEXT


def test_dos_code_page_text_is_readable() -> None:
    decoded = decode(TEXT.encode("cp850"))
    assert "Café Nairobi" in decoded.data.decode("utf-8")


def test_utf8_with_invalid_bytes_is_refused_with_the_line() -> None:
    data = TEXT.encode() + b"2024-01-06,Caf\xe9 \xff Mombasa,\xc3\xa9,1\n"
    with pytest.raises(InputRejected) as caught:
        decode(data)
    assert caught.value.code == "undecodable_bytes"
    assert "Line 3" in caught.value.message


def test_binary_garbage_is_refused() -> None:
    with pytest.raises(InputRejected) as caught:
        decode(os.urandom(4096) + b"\x00")
    assert caught.value.code == "binary_file"


@given(st.text(alphabet=st.characters(codec="cp1252", exclude_categories=["Cc", "Cs"]), min_size=1))
def test_any_utf8_text_decodes_to_itself(text: str) -> None:
    assert decode(text.encode()).data.decode() == text
