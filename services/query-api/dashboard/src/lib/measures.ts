import type { Measure } from "../gql/graphql";
import type { Kind } from "./format";

export const MEASURES: { id: Measure; label: string; kind: Kind }[] = [
  { id: "NET_SALES", label: "Net sales", kind: "money" },
  { id: "GROSS_PROFIT", label: "Gross profit", kind: "money" },
  { id: "GROSS_MARGIN", label: "Gross margin", kind: "percent" },
  { id: "GROSS_REVENUE", label: "Gross revenue", kind: "money" },
  { id: "COST", label: "Cost", kind: "money" },
  { id: "RETURNS_VALUE", label: "Returns value", kind: "money" },
  { id: "UNITS_SOLD", label: "Units sold", kind: "count" },
  { id: "UNITS_RETURNED", label: "Units returned", kind: "count" },
  { id: "TRANSACTIONS", label: "Transactions", kind: "count" },
  { id: "UNIQUE_CUSTOMERS", label: "Customers", kind: "count" },
  { id: "RETURN_RATE", label: "Return rate", kind: "percent" },
  { id: "AVERAGE_TRANSACTION_VALUE", label: "Average transaction value", kind: "money" },
];

export const MEASURE_IDS = MEASURES.map((m) => m.id);

export function measureInfo(id: Measure): { id: Measure; label: string; kind: Kind } {
  return MEASURES.find((m) => m.id === id) ?? MEASURES[0]!;
}
