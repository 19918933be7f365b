import { Chart } from "../components/Chart";
import { barOption } from "../components/charts";
import { MeasureSelect } from "../components/Controls";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Measure } from "../gql/graphql";
import { count, dateTime, day, exact, money, percent } from "../lib/format";
import { useParam } from "../lib/location";
import { MEASURE_IDS } from "../lib/measures";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { CustomersQuery } from "../queries";

const SEGMENT_LABELS: Record<string, string> = {
  CHAMPIONS: "Champions",
  LOYAL: "Loyal",
  NEW: "New",
  PROMISING: "Promising",
  AT_RISK: "At risk",
  HIBERNATING: "Hibernating",
};

export default function Customers() {
  const { sales, datasource } = useFilters();
  const [orderBy, setOrderBy] = useParam<Measure>("measure", "NET_SALES", MEASURE_IDS);
  const state = useQuery(CustomersQuery, { filter: sales, datasource, orderBy });
  return (
    <>
      <h1>Customers</h1>
      <div class="controls">
        <MeasureSelect label="Rank by" value={orderBy} onChange={setOrderBy} />
      </div>
      <Answer state={state} what="customers">
        {({ topCustomers, customerSegments: seg }) => (
          <>
            <div class="grid2">
              <Chart
                title="RFM segments: customers"
                description="Number of customers in each RFM segment"
                empty={seg.segments.every((s) => s.customers === 0)}
                option={barOption(seg.segments.map((s) => SEGMENT_LABELS[s.segment] ?? s.segment), seg.segments.map((s) => s.customers), "count", "Customers")}
              />
              <Table
                title="RFM segments"
                caption={seg.referenceDate ? `Recency measured to ${day(seg.referenceDate)}` : undefined}
                rows={seg.segments.filter((s) => s.customers > 0)}
                columns={[
                  { label: "Segment", value: (r) => SEGMENT_LABELS[r.segment] ?? r.segment },
                  { label: "Customers", numeric: true, value: (r) => r.customers },
                  { label: "Share", numeric: true, value: (r) => r.shareOfCustomers, render: (r) => percent(r.shareOfCustomers) },
                  { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                  { label: "Share of sales", numeric: true, value: (r) => r.shareOfNetSales, render: (r) => percent(r.shareOfNetSales) },
                ]}
              />
            </div>
            <Table
              title="Top customers"
              rows={topCustomers}
              columns={[
                { label: "Customer", value: (r) => r.key },
                { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit) },
                { label: "Purchases", numeric: true, value: (r) => r.purchases, render: (r) => count(r.purchases) },
                { label: "First purchase", value: (r) => r.firstPurchase, render: (r) => dateTime(r.firstPurchase) },
                { label: "Last purchase", value: (r) => r.lastPurchase, render: (r) => dateTime(r.lastPurchase) },
                { label: "Days since", numeric: true, value: (r) => r.recencyDays },
              ]}
            />
            <Table
              title="Customers scored"
              rows={seg.customers}
              columns={[
                { label: "Customer", value: (r) => r.customer },
                { label: "Segment", value: (r) => SEGMENT_LABELS[r.segment] ?? r.segment },
                { label: "R", numeric: true, value: (r) => r.recencyScore },
                { label: "F", numeric: true, value: (r) => r.frequencyScore },
                { label: "M", numeric: true, value: (r) => r.monetaryScore },
                { label: "Days since", numeric: true, value: (r) => r.recencyDays },
                { label: "Transactions", numeric: true, value: (r) => r.frequency },
                { label: "Net sales", numeric: true, value: (r) => r.monetary, render: (r) => money(r.monetary), title: (r) => exact("money", r.monetary) },
              ]}
            />
          </>
        )}
      </Answer>
    </>
  );
}
