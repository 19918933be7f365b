import { Chart } from "../components/Chart";
import { barOption } from "../components/charts";
import { Select } from "../components/Controls";
import { Kpi } from "../components/Kpi";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Dimension } from "../gql/graphql";
import { count, exact, money, percent } from "../lib/format";
import { useParam } from "../lib/location";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { ReturnsQuery } from "../queries";
import { DIMENSIONS } from "./Profitability";

export default function Returns() {
  const { sales, datasource } = useFilters();
  const [dimension, setDimension] = useParam<Dimension>("dimension", "PRODUCT", DIMENSIONS.map((d) => d.id));
  const state = useQuery(ReturnsQuery, { filter: sales, datasource, dimension });
  const label = DIMENSIONS.find((d) => d.id === dimension)!.label;
  return (
    <>
      <h1>Returns</h1>
      <div class="controls">
        <Select label="By" value={dimension} options={DIMENSIONS} onChange={setDimension} />
      </div>
      <Answer state={state} what="returns">
        {({ returnsAnalysis: { total, rows } }) => (
          <>
            <section class="kpis" aria-label="Returns totals">
              <Kpi field="returnsValue" label="Returns value" kind="money" value={total.returnsValue} />
              <Kpi field="unitsReturned" label="Units returned" kind="count" value={total.unitsReturned} />
              <Kpi field="returnRate" label="Return rate" kind="percent" value={total.returnRate} />
            </section>
            <Chart
              title={`Returns by ${label.toLowerCase()}`}
              description={`Returned value per ${label}, biggest first`}
              empty={rows.length === 0}
              height={Math.max(260, Math.min(rows.length, 25) * 22 + 40)}
              option={barOption(rows.slice(0, 25).map((r) => r.key ?? "(none)"), rows.slice(0, 25).map((r) => -r.returnsValue), "money", "Returned value")}
            />
            <Table
              title={`Returns by ${label.toLowerCase()}`}
              rows={rows}
              empty="No returns in this selection."
              columns={[
                { label, value: (r) => r.key },
                { label: "Returns value", numeric: true, value: (r) => r.returnsValue, render: (r) => money(r.returnsValue), title: (r) => exact("money", r.returnsValue) },
                { label: "Units returned", numeric: true, value: (r) => r.unitsReturned, render: (r) => count(r.unitsReturned) },
                { label: "Return rate", numeric: true, value: (r) => r.returnRate, render: (r) => percent(r.returnRate, 2) },
                { label: "Gross revenue", numeric: true, value: (r) => r.grossRevenue, render: (r) => money(r.grossRevenue) },
              ]}
            />
          </>
        )}
      </Answer>
    </>
  );
}
