"""Client file names and datasource names: never trusted, always safe."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mauzo_common.errors import InputRejected
from mauzo_upload.naming import MAX_NAME, check_datasource, object_key, safe_file_name

SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@given(st.text(max_size=400))
def test_any_name_becomes_one_safe_path_component(raw: str) -> None:
    name = safe_file_name(raw)
    assert SAFE.fullmatch(name)
    assert len(name) <= MAX_NAME
    assert ".." not in name
    assert "/" not in name
    assert "\\" not in name


@given(st.text(max_size=200))
def test_making_a_name_safe_twice_changes_nothing(raw: str) -> None:
    assert safe_file_name(safe_file_name(raw)) == safe_file_name(raw)


@given(st.lists(st.sampled_from(["..", ".", "etc", "passwd", "C:", "～", "／", "\\"]), max_size=8))
def test_path_traversal_never_escapes_the_task_folder(parts: list[str]) -> None:
    key = object_key("sales", "a" * 32, "/".join(parts) + "/evil.csv")
    assert key.startswith(f"uploads/sales/{'a' * 32}/")
    assert key.count("/") == 3
    assert key.rsplit("/", 1)[1] == "evil.csv"


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("sales 2024.csv", "sales_2024.csv"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\config.xls", "config.xls"),
        ("C:\\Users\\amina\\Mauzo Export (1).xlsx", "Mauzo_Export_1.xlsx"),
        ("／etc／passwd", "passwd"),  # fullwidth solidus: NFKC turns it into "/"
        ("ｓａｌｅｓ.csv", "sales.csv"),
        ("mauzo\x00\r\n\x1b[31m.csv", "mauzo_31m.csv"),
        (".hidden.csv", "hidden.csv"),
        ("-rf.csv", "rf.csv"),
        ("...", "upload"),
        ("", "upload"),
        (None, "upload"),
        ("mauzo.csv\u202egpj.exe", "mauzo.csv_gpj.exe"),
        ("ventes_été.csv", "ventes_ete.csv"),
        ("Mäuzo.csv", "Mauzo.csv"),
    ],
)
def test_known_nasty_names(raw: str | None, safe: str) -> None:
    assert safe_file_name(raw) == safe


def test_long_names_are_cut_keeping_the_suffix() -> None:
    name = safe_file_name("x" * 500 + ".xlsx")
    assert len(name) == MAX_NAME
    assert name.endswith(".xlsx")


@pytest.mark.parametrize("good", ["sales", "S", "sales_2024", "a" + "b" * 63])
def test_valid_datasources_pass(good: str) -> None:
    assert check_datasource(good) == good


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("", "missing_datasource"),
        (None, "missing_datasource"),
        ("1sales", "invalid_datasource"),
        ("sales-2024", "invalid_datasource"),
        ("../sales", "invalid_datasource"),
        ("a" * 65, "invalid_datasource"),
        ("sales\n", "invalid_datasource"),
        ("ſales", "invalid_datasource"),
    ],
)
def test_invalid_datasources_are_refused(bad: str | None, code: str) -> None:
    with pytest.raises(InputRejected) as refused:
        check_datasource(bad)
    assert refused.value.code == code
    assert refused.value.hint


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ("sales\n", "U+000A"),
        ("sa\x00les", "U+0000"),
        ("sales\x1b[31m", "U+001B"),
        ("\x85sales", "U+0085"),  # C1 next-line
        ("sales\u202e", "U+202E"),  # right-to-left override
        ("sa\u200bles", "U+200B"),  # zero-width space
    ],
)
def test_a_datasource_with_control_characters_is_refused_naming_the_character(
    bad: str, shown: str
) -> None:
    with pytest.raises(InputRejected) as refused:
        check_datasource(bad)
    assert refused.value.code == "invalid_datasource"
    assert f"control character {shown}" in refused.value.message
    assert all(ch.isprintable() for ch in refused.value.message)


@given(st.text(alphabet=st.characters(categories=["Cc", "Cf"]), min_size=1, max_size=5))
def test_control_characters_never_survive_in_a_file_name(controls: str) -> None:
    name = safe_file_name(f"sales{controls}2024{controls}.csv")
    assert name.endswith(".csv")
    assert all(ch.isprintable() for ch in name)
    assert SAFE.fullmatch(name)
