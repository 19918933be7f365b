import { Chart } from "../components/Chart";
import { barOption } from "../components/charts";
import { MeasureSelect, Select } from "../components/Controls";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Measure, ProductGrouping, RankDirection } from "../gql/graphql";
import { count, exact, money, percent, short } from "../lib/format";
import { useParam } from "../lib/location";
import { MEASURE_IDS, measureInfo } from "../lib/measures";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { ProductsQuery } from "../queries";

const GROUPS = [
  { id: "PRODUCT", label: "Products" },
  { id: "PRODUCT_LINE", label: "Product lines" },
  { id: "ITEM_GROUP", label: "Item groups" },
] as const;
const DIRECTIONS = [
  { id: "TOP", label: "Top (highest first)" },
  { id: "BOTTOM", label: "Bottom (lowest first)" },
] as const;
const LIMITS = [
  { id: "10", label: "10" },
  { id: "20", label: "20" },
  { id: "50", label: "50" },
  { id: "200", label: "200" },
] as const;

export default function Products() {
  const { sales, datasource } = useFilters();
  const [groupBy, setGroupBy] = useParam<ProductGrouping>("group", "PRODUCT", GROUPS.map((g) => g.id));
  const [orderBy, setOrderBy] = useParam<Measure>("measure", "NET_SALES", MEASURE_IDS);
  const [direction, setDirection] = useParam<RankDirection>("direction", "TOP", ["TOP", "BOTTOM"]);
  const [limit, setLimit] = useParam<string>("limit", "20", LIMITS.map((l) => l.id));
  const state = useQuery(ProductsQuery, { filter: sales, datasource, groupBy, orderBy, direction, limit: Number(limit) });
  const info = measureInfo(orderBy);
  const group = GROUPS.find((g) => g.id === groupBy)!.label;
  const valueOf = (r: Record<string, unknown>): number | null => {
    const key = info.id.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    const v = r[key];
    return typeof v === "number" ? v : null;
  };
  return (
    <>
      <h1>Products</h1>
      <div class="controls">
        <Select label="Group" value={groupBy} options={GROUPS} onChange={setGroupBy} />
        <MeasureSelect label="Rank by" value={orderBy} onChange={setOrderBy} />
        <Select label="Order" value={direction} options={DIRECTIONS} onChange={setDirection} />
        <Select label="Show" value={limit} options={LIMITS} onChange={setLimit} />
      </div>
      <Answer state={state} what="products">
        {({ productPerformance: rows }) => (
          <>
            <Chart
              title={`${direction === "TOP" ? "Top" : "Bottom"} ${group.toLowerCase()} by ${info.label.toLowerCase()}`}
              description={`Bar chart of ${info.label} per ${group}`}
              empty={rows.length === 0}
              height={Math.max(260, rows.length * 22 + 40)}
              option={barOption(rows.map((r) => r.key ?? "(none)"), rows.map((r) => valueOf(r)), info.kind, info.label)}
            />
            <Table
              title={group}
              rows={rows}
              columns={[
                { label: group.replace(/s$/, ""), value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit), title: (r) => exact("money", r.grossProfit) },
                { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
                { label: "Units", numeric: true, value: (r) => r.unitsSold, render: (r) => count(r.unitsSold) },
                { label: "Average price", numeric: true, value: (r) => r.averagePrice, render: (r) => short("money", r.averagePrice), title: (r) => exact("money", r.averagePrice) },
                { label: "Return rate", numeric: true, value: (r) => r.returnRate, render: (r) => percent(r.returnRate) },
              ]}
            />
          </>
        )}
      </Answer>
    </>
  );
}
