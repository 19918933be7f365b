"""GraphQL types of the RFM customer segmentation (rule in rfm.py, repeated in the SDL)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from mauzo_query_api.graphql.types import doc
from mauzo_query_api.sql.rfm import SEGMENT_RULE, Segment

SegmentEnum = strawberry.enum(
    Segment, name="CustomerSegment", description=f"A named RFM segment. {SEGMENT_RULE}"
)


@strawberry.type(description="One customer's recency / frequency / monetary facts and scores.")
class CustomerRfm:
    customer: str = doc("Customer name or id.")
    last_purchase: datetime = doc("Time of the customer's last line in the selection (UTC).")
    recency_days: int = doc("Days from the last purchase (local day) to the reference day.")
    frequency: int = doc("Transactions (same rule as the transactions KPI).")
    monetary: float = doc("Net sales.")
    recency_score: int = doc("1-5; 5 = the most recent fifth of customers.")
    frequency_score: int = doc("1-5; 5 = the most frequent fifth of customers.")
    monetary_score: int = doc("1-5; 5 = the highest-spending fifth of customers.")
    segment: SegmentEnum = doc("The named segment the three scores give.")  # type: ignore[valid-type]


@strawberry.type(description="How many customers, and how much net sales, one segment holds.")
class SegmentSummary:
    segment: SegmentEnum = doc("The segment.")  # type: ignore[valid-type]
    customers: int = doc("Customers in the segment.")
    net_sales: float = doc("Their net sales.")
    share_of_customers: float | None = doc("Customers / all scored customers; null without any.")
    share_of_net_sales: float | None = doc("Net sales / all net sales; null when that is 0.")


@strawberry.type(description=f"RFM segmentation of the customers in the filter. {SEGMENT_RULE}")
class CustomerSegments:
    reference_date: date | None = doc(
        "Day recency is measured to: the filter's dateTo, else the last day in the data."
    )
    currency: str = doc("ISO 4217 code of the net sales and monetary values.")
    segments: list[SegmentSummary] = doc("Every segment, in the order of the enum, zeros kept.")
    customers: list[CustomerRfm] = doc(
        "Scored customers, highest net sales first (ties by name), up to `limit`. Scores are "
        "computed over all customers of the selection, not only the ones listed."
    )
