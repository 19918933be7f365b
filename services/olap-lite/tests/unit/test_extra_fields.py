"""The splitter for CSV lines with more fields than the header, against Python's csv module."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from mauzo_olap_lite.formats.extra_fields import split_fields

fields = st.lists(st.text(alphabet='ab ,;"\t\n', max_size=5), min_size=1, max_size=6)


def _render(values: list[str], delimiter: str, quoting: int) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="").writerow(values)
    return out.getvalue()


@given(fields, st.sampled_from([",", ";"]))
def test_quoted_csv_splits_like_the_csv_module(values: list[str], delimiter: str) -> None:
    line = _render(values, delimiter, csv.QUOTE_MINIMAL)
    assert [f or "" for f in split_fields(line, delimiter, quoted=True)] == values


@given(fields)
def test_every_quoted_field_is_a_value_and_only_bare_empty_fields_are_null(
    values: list[str],
) -> None:
    line = _render(values, ",", csv.QUOTE_ALL)
    assert split_fields(line, ",", quoted=True) == values  # "" quoted stays the empty string
    bare = ",".join(v.replace(",", "").replace('"', "") for v in values)
    expected = [v.replace(",", "").replace('"', "") or None for v in values]
    assert split_fields(bare, ",", quoted=True) == expected


@given(st.lists(st.text(alphabet='ab "', max_size=4), min_size=1, max_size=5))
def test_tsv_takes_quotes_as_text(values: list[str]) -> None:
    assert split_fields("\t".join(values), "\t", quoted=False) == [v or None for v in values]
