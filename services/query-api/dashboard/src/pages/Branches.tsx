import { Chart } from "../components/Chart";
import { barOption, heatmapOption } from "../components/charts";
import { MeasureSelect } from "../components/Controls";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Measure } from "../gql/graphql";
import { count, exact, growth, money, month, percent } from "../lib/format";
import { useParam } from "../lib/location";
import { MEASURE_IDS } from "../lib/measures";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { BranchesQuery } from "../queries";

export default function Branches() {
  const { sales, datasource } = useFilters();
  const [orderBy, setOrderBy] = useParam<Measure>("measure", "NET_SALES", MEASURE_IDS);
  const state = useQuery(BranchesQuery, { filter: sales, datasource, orderBy });
  return (
    <>
      <h1>Branches</h1>
      <div class="controls">
        <MeasureSelect label="Rank by" value={orderBy} onChange={setOrderBy} />
      </div>
      <Answer state={state} what="branches">
        {({ branchPerformance: rows, branchTrend }) => {
          const branches = branchTrend.map((b) => b.branch ?? "(none)");
          const months = [...new Set(branchTrend.flatMap((b) => b.points.map((p) => p.bucket)))].sort();
          const cells = branchTrend.flatMap((b, y) =>
            b.points.map((p) => [months.indexOf(p.bucket), y, p.netSales] as [number, number, number | null]),
          );
          return (
            <>
              <div class="grid2">
                <Table
                  title="Branch ranking"
                  rows={rows}
                  columns={[
                    { label: "#", numeric: true, value: (r) => rows.indexOf(r) + 1 },
                    { label: "Branch", value: (r) => r.key },
                    { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                    { label: "Previous", numeric: true, value: (r) => r.previousNetSales, render: (r) => money(r.previousNetSales), title: (r) => exact("money", r.previousNetSales) },
                    { label: "Growth", numeric: true, value: (r) => r.netSalesGrowth, render: (r) => growth(r.netSalesGrowth) },
                    { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit), title: (r) => exact("money", r.grossProfit) },
                    { label: "Profit growth", numeric: true, value: (r) => r.grossProfitGrowth, render: (r) => growth(r.grossProfitGrowth) },
                    { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
                    { label: "Transactions", numeric: true, value: (r) => r.transactions, render: (r) => count(r.transactions) },
                  ]}
                />
                <Chart
                  title="Net sales by branch"
                  description="Bar chart of net sales per branch"
                  empty={rows.length === 0}
                  option={barOption(rows.map((r) => r.key ?? "(none)"), rows.map((r) => r.netSales), "money", "Net sales")}
                />
              </div>
              <Chart
                title="Branch × month: net sales"
                description="Heatmap of net sales for each branch and month"
                empty={cells.length === 0}
                height={Math.max(300, branches.length * 30 + 110)}
                option={heatmapOption(branches, months.map(month), cells, "money")}
              />
              <Table
                title="Branch × month"
                rows={branchTrend.flatMap((b) => b.points.map((p) => ({ branch: b.branch, ...p })))}
                columns={[
                  { label: "Branch", value: (r) => r.branch },
                  { label: "Month", value: (r) => r.bucket, render: (r) => month(r.bucket) },
                  { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                  { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit) },
                  { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
                ]}
              />
            </>
          );
        }}
      </Answer>
    </>
  );
}
