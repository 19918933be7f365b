"""Customers scored by recency, frequency and monetary value and grouped into segments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from mauzo_common.sales_model import Dimension
from mauzo_query_api.deps import Ask
from mauzo_query_api.errors import InvalidArgument
from mauzo_query_api.graphql.resolvers.metadata import data_range
from mauzo_query_api.graphql.segment_types import CustomerRfm, CustomerSegments, SegmentSummary
from mauzo_query_api.olap.client import Row
from mauzo_query_api.sql.filters import SalesFilter
from mauzo_query_api.sql.kpis import ratio
from mauzo_query_api.sql.money import from_scaled, round_money
from mauzo_query_api.sql.rfm import CustomerFacts, CustomerScore, Segment, score_customers
from mauzo_query_api.sql.statements import customer_facts_query
from mauzo_query_api.sql.timewindow import parse_olap_timestamp


def facts(ask: Ask, rows: list[Row], reference: date) -> list[CustomerFacts]:
    out = []
    for row in rows:
        last = parse_olap_timestamp(row.get("last_time"))
        if last is None:
            continue
        out.append(
            CustomerFacts(
                customer=str(row["k0"]),
                last_purchase=last,
                recency_days=(reference - last.astimezone(ask.zone).date()).days,
                transactions=int(row.get("frequency") or 0),
                net_sales=from_scaled(row.get("monetary")),
            )
        )
    return out


def summaries(scored: list[CustomerScore], currency: str) -> list[SegmentSummary]:
    total_sales = sum((s.facts.net_sales for s in scored), Decimal(0))
    out = []
    for name in Segment:
        members = [s for s in scored if s.segment is name]
        sales = sum((s.facts.net_sales for s in members), Decimal(0))
        out.append(
            SegmentSummary(
                segment=name,
                customers=len(members),
                net_sales=round_money(sales, currency),
                share_of_customers=ratio(len(members), len(scored)),
                share_of_net_sales=ratio(sales, total_sales),
            )
        )
    return out


async def customer_segments(
    ask: Ask, datasource: str | None, flt: SalesFilter, limit: int | None
) -> CustomerSegments:
    shown = ask.limit(limit)
    currency = ask.currency(datasource)
    schema = await ask.schema(datasource)
    reference = flt.date_to or (await data_range(ask, datasource)).last_date
    if not schema.has(Dimension.CUSTOMER) or reference is None:
        return CustomerSegments(
            reference_date=reference,
            segments=summaries([], currency),
            customers=[],
            currency=currency,
        )
    cap = ask.settings.rfm_max_customers
    rows = await ask.rows(customer_facts_query(schema, flt, ask.zone, cap + 1, ask.scope))
    if len(rows) > cap:
        raise InvalidArgument(f"more than {cap} customers to score; narrow the filter")
    scored = score_customers(facts(ask, rows, reference))
    ranked = sorted(scored, key=lambda s: (-s.facts.net_sales, s.facts.customer))[:shown]
    return CustomerSegments(
        reference_date=reference,
        currency=currency,
        segments=summaries(scored, currency),
        customers=[
            CustomerRfm(
                customer=s.facts.customer,
                last_purchase=s.facts.last_purchase,
                recency_days=s.facts.recency_days,
                frequency=s.facts.transactions,
                monetary=round_money(s.facts.net_sales, currency),
                recency_score=s.recency_score,
                frequency_score=s.frequency_score,
                monetary_score=s.monetary_score,
                segment=s.segment,
            )
            for s in ranked
        ],
    )
