import { Chart } from "../components/Chart";
import { barOption, lineOption } from "../components/charts";
import { MeasureSelect, Select } from "../components/Controls";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Dimension, Granularity, Measure, RankDirection } from "../gql/graphql";
import { count, exact, money, percent } from "../lib/format";
import { useParam } from "../lib/location";
import { MEASURE_IDS } from "../lib/measures";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { ProfitabilityQuery } from "../queries";

export const DIMENSIONS = [
  { id: "PRODUCT_LINE", label: "Product line" },
  { id: "PRODUCT", label: "Product" },
  { id: "BRANCH", label: "Branch" },
  { id: "REGION", label: "Region" },
  { id: "ITEM_GROUP", label: "Item group" },
  { id: "SALESPERSON", label: "Salesperson" },
  { id: "CUSTOMER", label: "Customer" },
] as const satisfies readonly { id: Dimension; label: string }[];

const GRANULARITIES = [
  { id: "WEEK", label: "Week" },
  { id: "MONTH", label: "Month" },
  { id: "QUARTER", label: "Quarter" },
] as const satisfies readonly { id: Granularity; label: string }[];

export default function Profitability() {
  const { sales, datasource } = useFilters();
  const [dimension, setDimension] = useParam<Dimension>("dimension", "PRODUCT_LINE", DIMENSIONS.map((d) => d.id));
  const [orderBy, setOrderBy] = useParam<Measure>("measure", "GROSS_PROFIT", MEASURE_IDS);
  const [direction, setDirection] = useParam<RankDirection>("direction", "TOP", ["TOP", "BOTTOM"]);
  const [granularity, setGranularity] = useParam<Granularity>("granularity", "MONTH", GRANULARITIES.map((g) => g.id));
  const state = useQuery(ProfitabilityQuery, { filter: sales, datasource, dimension, orderBy, direction, granularity });
  const label = DIMENSIONS.find((d) => d.id === dimension)!.label;
  return (
    <>
      <h1>Profitability</h1>
      <div class="controls">
        <Select label="By" value={dimension} options={DIMENSIONS} onChange={setDimension} />
        <MeasureSelect label="Rank by" value={orderBy} onChange={setOrderBy} />
        <Select label="Order" value={direction} options={[{ id: "TOP", label: "Highest first" }, { id: "BOTTOM", label: "Lowest first" }] as const} onChange={setDirection} />
        <Select label="Trend by" value={granularity} options={GRANULARITIES} onChange={setGranularity} />
      </div>
      <Answer state={state} what="profitability">
        {({ profitability: rows, salesTrend }) => (
          <>
            <div class="grid2">
              <Chart
                title={`Gross profit by ${label.toLowerCase()}`}
                description={`Bar chart of gross profit per ${label}`}
                empty={rows.length === 0}
                height={Math.max(260, Math.min(rows.length, 30) * 22 + 40)}
                option={barOption(rows.slice(0, 30).map((r) => r.key ?? "(none)"), rows.slice(0, 30).map((r) => r.grossProfit ?? null), "money", "Gross profit")}
              />
              <Chart
                title="Margin trend"
                description={`Gross margin per ${granularity.toLowerCase()}`}
                empty={salesTrend.length === 0}
                option={lineOption(salesTrend.map((t) => t.bucket), [
                  { name: "Gross margin", kind: "percent", data: salesTrend.map((t) => t.grossMargin ?? null) },
                ])}
              />
            </div>
            <Table
              title={`Profitability by ${label.toLowerCase()}`}
              rows={rows}
              columns={[
                { label, value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Cost", numeric: true, value: (r) => r.cost, render: (r) => money(r.cost), title: (r) => exact("money", r.cost) },
                { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit), title: (r) => exact("money", r.grossProfit) },
                { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
                { label: "Units", numeric: true, value: (r) => r.unitsSold, render: (r) => count(r.unitsSold) },
                { label: "Transactions", numeric: true, value: (r) => r.transactions, render: (r) => count(r.transactions) },
              ]}
            />
          </>
        )}
      </Answer>
    </>
  );
}
