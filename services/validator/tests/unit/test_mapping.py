"""Mapping source columns onto the sales model from names (synonyms) and content."""

from __future__ import annotations

import polars as pl

from mauzo_validator.mapping import header_score, normalise, propose_mapping, snake_case


def mapping_of(columns: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    return propose_mapping(pl.DataFrame(columns), day_first=True, decimal_comma=False)


def test_name_matching_ignores_case_spaces_and_punctuation() -> None:
    assert normalise("Order-Date") == normalise("order_date") == normalise(" ORDER.DATE ")


def test_maps_synonyms_onto_the_sales_model() -> None:
    m = mapping_of(
        {
            "Invoice Date": ["2024-01-01"],
            "Store": ["Nairobi"],
            "Item Name": ["Soap"],
            "Category": ["Home"],
            "Sales Rep": ["Amina"],
            "Client": ["ACME"],
            "Receipt": ["R1"],
            "Qty": ["2"],
            "Line Total": ["100"],
            "COGS": ["60"],
        }
    )
    assert m.time == "Invoice Date"
    assert m.dimensions == {
        "branch": "Store",
        "product": "Item Name",
        "product_line": "Category",
        "salesperson": "Sales Rep",
        "customer": "Client",
        "invoice_id": "Receipt",
    }
    assert (m.amount, m.quantity, m.cost) == ("Line Total", "Qty", "COGS")
    assert m.amount_rule == "column"
    assert m.cost_rule == "column"


def test_amount_from_unit_price_times_quantity_and_cost_from_profit() -> None:
    m = mapping_of({"Date": ["2024-01-01"], "Price": ["10"], "Quantity": ["2"], "Profit": ["5"]})
    assert m.amount_rule == "price_x_quantity"
    assert m.cost_rule == "amount_minus_profit"


def test_a_time_of_day_column_is_combined_with_the_date() -> None:
    m = mapping_of({"Date": ["1/5/2019"], "Time": ["13:08:00"], "Total": ["5"]})
    assert (m.time, m.time_of_day) == ("Date", "Time")


def test_date_column_found_by_content_when_no_name_matches() -> None:
    m = mapping_of({"when": ["2024-01-01", "2024-01-02"], "amount": ["1", "2"]})
    assert m.time == "when"


def test_unmapped_columns_are_kept_as_snake_case_dimensions_or_metrics() -> None:
    m = mapping_of(
        {
            "date": ["2024-01-01"],
            "amount": ["1"],
            "Payment Method": ["cash"],
            "Rating %": ["9.1"],
            "Postal Code": ["42420"],
        }
    )
    extras = {e.name: e.role for e in m.extras}
    assert extras == {"payment_method": "dimension", "rating": "metric", "postal_code": "dimension"}


def test_snake_case_names_are_safe_identifiers() -> None:
    assert snake_case("Sub-Category") == "sub_category"
    assert snake_case("2nd Price") == "c_2nd_price"


def test_the_header_that_looks_most_like_sales_scores_highest() -> None:
    assert header_score(["Date", "Branch", "Amount"]) > header_score(["Notes", "Author"])
