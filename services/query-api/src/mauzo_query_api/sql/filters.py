"""The filter every question takes: an inclusive date range plus value lists per dimension."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mauzo_common import sales_model as model
from mauzo_query_api.errors import InvalidArgument


class Dimension(enum.Enum):
    """A sales-model dimension and the column it lives in."""

    BRANCH = model.Dimension.BRANCH.value
    REGION = model.Dimension.REGION.value
    PRODUCT = model.Dimension.PRODUCT.value
    PRODUCT_LINE = model.Dimension.PRODUCT_LINE.value
    ITEM_GROUP = model.Dimension.ITEM_GROUP.value
    SALESPERSON = model.Dimension.SALESPERSON.value
    CUSTOMER = model.Dimension.CUSTOMER.value


@dataclass(frozen=True)
class SalesFilter:
    """Empty value lists mean "all"; `values` maps a dimension to the values kept."""

    date_from: date | None = None
    date_to: date | None = None
    values: Mapping[Dimension, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        date_from: date | None = None,
        date_to: date | None = None,
        *,
        max_values: int = 1_000,
        **lists: Iterable[str] | None,
    ) -> SalesFilter:
        """Build from keyword lists named like the API (`branches=[...]`, `product_lines=[...]`)."""
        values: dict[Dimension, tuple[str, ...]] = {}
        for name, items in lists.items():
            dimension = FILTER_LISTS.get(name)
            if dimension is None:
                raise InvalidArgument(f"unknown filter {name!r}")
            kept = tuple(sorted(set(items or ())))
            if len(kept) > max_values:
                raise InvalidArgument(f"filter {name} has more than {max_values} values")
            if kept:
                values[dimension] = kept
        return cls(date_from=date_from, date_to=date_to, values=values)

    def has_range(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    def with_dates(self, date_from: date, date_to: date) -> SalesFilter:
        return SalesFilter(date_from=date_from, date_to=date_to, values=self.values)


FILTER_LISTS: Mapping[str, Dimension] = {
    "branches": Dimension.BRANCH,
    "regions": Dimension.REGION,
    "products": Dimension.PRODUCT,
    "product_lines": Dimension.PRODUCT_LINE,
    "item_groups": Dimension.ITEM_GROUP,
    "salespeople": Dimension.SALESPERSON,
    "customers": Dimension.CUSTOMER,
}
