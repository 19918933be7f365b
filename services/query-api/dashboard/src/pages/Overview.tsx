import { Chart } from "../components/Chart";
import { lineOption } from "../components/charts";
import { Kpi } from "../components/Kpi";
import { Answer, NoRows } from "../components/State";
import { Table } from "../components/Table";
import type { Granularity } from "../gql/graphql";
import { count, day, exact, growth, money, percent } from "../lib/format";
import { useParam } from "../lib/location";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { OverviewQuery, OverviewTopsQuery } from "../queries";

const GRANULARITIES = ["DAY", "WEEK", "MONTH", "QUARTER"] as const;

export default function Overview() {
  const { sales, datasource } = useFilters();
  const [granularity, setGranularity] = useParam<Granularity>("granularity", "MONTH", GRANULARITIES);
  const main = useQuery(OverviewQuery, { filter: sales, datasource, granularity });
  const tops = useQuery(OverviewTopsQuery, { filter: sales, datasource });
  return (
    <>
      <h1>Overview</h1>
      <Answer state={main} what="the overview">
        {({ salesOverview: o, salesTrend }) => {
          const p = o.previous;
          const g = o.growth;
          const ratio = (now: number | null | undefined, before: number | null | undefined) =>
            now == null || before == null || before === 0 ? null : (now - before) / Math.abs(before);
          return (
            <>
              <p class="period">
                {o.period ? `${day(o.period.dateFrom)} – ${day(o.period.dateTo)}` : "All data"}
                {o.previousPeriod &&
                  ` · compared with ${day(o.previousPeriod.dateFrom)} – ${day(o.previousPeriod.dateTo)}`}
              </p>
              {o.lines === 0 ? (
                <NoRows />
              ) : (
                <>
                  <section class="kpis" aria-label="Key figures">
                    <Kpi field="netSales" label="Net sales" kind="money" value={o.netSales} previous={p?.netSales} change={g?.netSales} />
                    <Kpi field="grossProfit" label="Gross profit" kind="money" value={o.grossProfit} previous={p?.grossProfit} change={g?.grossProfit} />
                    <Kpi field="grossMargin" label="Gross margin" kind="percent" value={o.grossMargin} previous={p?.grossMargin} change={g?.grossMargin} />
                    <Kpi field="transactions" label="Transactions" kind="count" value={o.transactions} previous={p?.transactions} change={g?.transactions} />
                    <Kpi field="averageTransactionValue" label="Average transaction" kind="money" value={o.averageTransactionValue} previous={p?.averageTransactionValue} change={g?.averageTransactionValue} />
                    <Kpi field="unitsSold" label="Units sold" kind="count" value={o.unitsSold} previous={p?.unitsSold} change={g?.unitsSold} />
                    <Kpi field="uniqueCustomers" label="Customers" kind="count" value={o.uniqueCustomers} previous={p?.uniqueCustomers} change={g?.uniqueCustomers} />
                    <Kpi field="returnRate" label="Return rate" kind="percent" value={o.returnRate} previous={p?.returnRate} change={ratio(o.returnRate, p?.returnRate)} lowerIsBetter />
                  </section>
                  <div class="controls">
                    <label>
                      Trend by
                      <select value={granularity} onChange={(e) => setGranularity(e.currentTarget.value as Granularity)}>
                        {GRANULARITIES.map((x) => (
                          <option value={x}>{x.toLowerCase()}</option>
                        ))}
                      </select>
                    </label>
                  </div>
                  <Chart
                    title="Net sales and gross profit"
                    description={`Net sales and gross profit per ${granularity.toLowerCase()} over the period`}
                    empty={salesTrend.length === 0}
                    option={lineOption(
                      salesTrend.map((t) => t.bucket),
                      [
                        { name: "Net sales", kind: "money", data: salesTrend.map((t) => t.netSales) },
                        { name: "Gross profit", kind: "money", data: salesTrend.map((t) => t.grossProfit ?? null) },
                      ],
                    )}
                  />
                </>
              )}
            </>
          );
        }}
      </Answer>
      <Answer state={tops} what="the top lists">
        {(t) => (
          <div class="grid3">
            <Table
              title="Top branches"
              rows={t.branchPerformance}
              columns={[
                { label: "Branch", value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Growth", numeric: true, value: (r) => r.netSalesGrowth, render: (r) => growth(r.netSalesGrowth) },
              ]}
            />
            <Table
              title="Top products"
              rows={t.productPerformance}
              columns={[
                { label: "Product", value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
              ]}
            />
            <Table
              title="Top salespeople"
              rows={t.salespersonLeaderboard}
              columns={[
                { label: "#", numeric: true, value: (r) => r.rank },
                { label: "Salesperson", value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Transactions", numeric: true, value: (r) => r.transactions, render: (r) => count(r.transactions) },
              ]}
            />
          </div>
        )}
      </Answer>
    </>
  );
}
