"""RFM quintile scores and the segment rule."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from mauzo_query_api.sql.rfm import (
    CustomerFacts,
    Segment,
    quintile_scores,
    score_customers,
    segment,
)


def test_ten_distinct_values_fill_every_quintile_twice() -> None:
    assert quintile_scores(list(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_fewer_days_since_the_last_purchase_scores_higher() -> None:
    assert quintile_scores([0, 100, 10, 50, 5], higher_is_better=False) == [5, 1, 3, 2, 4]


def test_ties_share_the_lower_score() -> None:
    assert quintile_scores([1, 1, 1, 1, 7]) == [1, 1, 1, 1, 5]


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=60))
def test_scores_are_in_range_and_follow_the_values(values: list[int]) -> None:
    scores = quintile_scores(values)
    assert all(1 <= s <= 5 for s in scores)
    for a, sa in zip(values, scores, strict=True):
        for b, sb in zip(values, scores, strict=True):
            if a < b:
                assert sa <= sb
            if a == b:
                assert sa == sb


def test_segment_rule_first_match_wins() -> None:
    assert segment(5, 5, 5) is Segment.CHAMPIONS
    assert segment(5, 5, 3) is Segment.LOYAL
    assert segment(3, 3, 1) is Segment.LOYAL
    assert segment(5, 1, 5) is Segment.NEW
    assert segment(3, 2, 5) is Segment.PROMISING
    assert segment(1, 5, 5) is Segment.AT_RISK
    assert segment(2, 2, 2) is Segment.HIBERNATING


def test_score_customers_keeps_each_customer_with_its_scores() -> None:
    at = datetime(2024, 1, 1, tzinfo=UTC)
    people = [
        CustomerFacts(f"c{i}", at, recency_days=i, transactions=10 - i, net_sales=i)
        for i in range(5)
    ]
    scored = score_customers(people)
    assert [s.facts.customer for s in scored] == ["c0", "c1", "c2", "c3", "c4"]
    assert [s.recency_score for s in scored] == [5, 4, 3, 2, 1]
    assert [s.frequency_score for s in scored] == [5, 4, 3, 2, 1]
    assert scored[0].segment is Segment.LOYAL
    assert scored[4].segment is Segment.HIBERNATING
