"""The datasource-name rule: one letter, then letters, digits or underscores, 64 at most."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from mauzo_common.datasources import DATASOURCE_PATTERN, MAX_LENGTH, is_datasource_name

LETTERS = string.ascii_letters
TAIL = LETTERS + string.digits + "_"


class Named(BaseModel):
    datasource: str = Field(pattern=DATASOURCE_PATTERN)


def by_hand(name: str) -> bool:
    return 0 < len(name) <= MAX_LENGTH and name[0] in LETTERS and all(ch in TAIL for ch in name[1:])


@given(st.text(max_size=80))
def test_the_predicate_is_the_rule_for_any_text(name: str) -> None:
    assert is_datasource_name(name) == by_hand(name)


@given(st.from_regex(re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}"), fullmatch=True))
def test_every_valid_name_passes_the_predicate_and_the_pydantic_pattern(name: str) -> None:
    assert is_datasource_name(name)
    assert Named(datasource=name).datasource == name


@pytest.mark.parametrize(
    "name", ["", "1sales", "_sales", "sales-2024", "sales 2024", "sales\n", "s" * 65, "mäuzo"]
)
def test_refuses_names_that_are_unsafe_in_keys_urls_or_sql(name: str) -> None:
    assert not is_datasource_name(name)
    with pytest.raises(ValidationError):
        Named(datasource=name)
