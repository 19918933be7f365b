import { Chart } from "../components/Chart";
import { heatmapOption } from "../components/charts";
import { MeasureSelect } from "../components/Controls";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import type { Measure } from "../gql/graphql";
import { joinList, splitList } from "../lib/filters";
import { count, exact, money, percent, short } from "../lib/format";
import { useParam } from "../lib/location";
import { MEASURE_IDS, measureInfo } from "../lib/measures";
import { useChoices, useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { SalesQuery } from "../queries";

export default function Sales() {
  const { sales, datasource } = useFilters();
  const choices = useChoices();
  const [orderBy, setOrderBy] = useParam<Measure>("measure", "NET_SALES", MEASURE_IDS);
  const [targetText, setTarget] = useParam<string>("target", "");
  const [ownText, setOwn] = useParam<string>("targets", "");
  const own = parseTargets(ownText);
  const targets = choices ? salesTargets(choices.salespeople, Number(targetText), own) : null;
  const setOwnTarget = (name: string, value: string) => {
    const next = new Map(own);
    if (Number(value) > 0) next.set(name, Number(value));
    else next.delete(name);
    setOwn(formatTargets(next));
  };
  const state = useQuery(SalesQuery, { filter: sales, datasource, orderBy, targets });
  const info = measureInfo(orderBy);
  return (
    <>
      <h1>Sales</h1>
      <div class="controls">
        <MeasureSelect label="Rank by" value={orderBy} onChange={setOrderBy} />
        <label>
          Target for everyone for the period (KSh; a row's own target wins)
          <input
            type="number"
            min="0"
            step="1000"
            inputMode="numeric"
            value={targetText}
            onChange={(e) => setTarget(e.currentTarget.value)}
          />
        </label>
      </div>
      <Answer state={state} what="the leaderboard">
        {({ salespersonLeaderboard: rows, salesMatrix }) => {
          const people = [...new Set(salesMatrix.map((c) => c.row ?? "(none)"))];
          const lines = [...new Set(salesMatrix.map((c) => c.column ?? "(none)"))].sort();
          const cells = salesMatrix.map(
            (c) => [lines.indexOf(c.column ?? "(none)"), people.indexOf(c.row ?? "(none)"), c.value ?? null] as [number, number, number | null],
          );
          return (
            <>
              <Table
                title="Salesperson leaderboard"
                rows={rows}
                columns={[
                  { label: "#", numeric: true, value: (r) => r.rank },
                  { label: "Salesperson", value: (r) => r.key },
                  { label: "Net sales", numeric: true, value: (r) => r.netSales, render: (r) => money(r.netSales), title: (r) => exact("money", r.netSales) },
                  { label: "Gross profit", numeric: true, value: (r) => r.grossProfit, render: (r) => money(r.grossProfit), title: (r) => exact("money", r.grossProfit) },
                  { label: "Margin", numeric: true, value: (r) => r.grossMargin, render: (r) => percent(r.grossMargin) },
                  { label: "Transactions", numeric: true, value: (r) => r.transactions, render: (r) => count(r.transactions) },
                  { label: "Avg transaction", numeric: true, value: (r) => r.averageTransactionValue, render: (r) => money(r.averageTransactionValue) },
                  { label: "Customers", numeric: true, value: (r) => r.uniqueCustomers, render: (r) => count(r.uniqueCustomers) },
                  { label: "Branches", numeric: true, value: (r) => r.uniqueBranches },
                  {
                    label: "Target",
                    numeric: true,
                    value: (r) => r.target,
                    render: (r) => (
                      <input
                        type="number"
                        min="0"
                        step="1000"
                        class="target"
                        aria-label={`Target for ${r.key ?? "unknown"} (KSh)`}
                        value={r.key && own.has(r.key) ? String(own.get(r.key)) : ""}
                        placeholder={r.target == null ? "none" : money(r.target)}
                        onChange={(e) => r.key && setOwnTarget(r.key, e.currentTarget.value)}
                      />
                    ),
                  },
                  {
                    label: "Attainment",
                    numeric: true,
                    value: (r) => r.attainment,
                    render: (r) =>
                      r.attainment == null ? (
                        "—"
                      ) : (
                        <span class="attain">
                          <meter min={0} max={1.5} low={0.8} high={1} optimum={1.2} value={r.attainment} aria-hidden="true" />{" "}
                          {percent(r.attainment, 0)}
                        </span>
                      ),
                  },
                ]}
              />
              <Chart
                title={`Salesperson × product line: ${info.label.toLowerCase()}`}
                description={`Heatmap of ${info.label} for each salesperson and product line`}
                empty={cells.length === 0}
                height={Math.max(300, people.length * 26 + 100)}
                option={heatmapOption(people, lines, cells, info.kind)}
              />
              <Table
                title="Salesperson × product line"
                rows={salesMatrix}
                columns={[
                  { label: "Salesperson", value: (r) => r.row },
                  { label: "Product line", value: (r) => r.column },
                  { label: info.label, numeric: true, value: (r) => r.value, render: (r) => short(info.kind, r.value), title: (r) => exact(info.kind, r.value) },
                ]}
              />
            </>
          );
        }}
      </Answer>
    </>
  );
}

/** `targets=Name=120000,Other=90000` in the URL <-> salesperson -> target. */
export function parseTargets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of splitList(text)) {
    const at = entry.lastIndexOf("=");
    const value = Number(entry.slice(at + 1));
    if (at > 0 && value > 0) out.set(entry.slice(0, at), value);
  }
  return out;
}

export function formatTargets(targets: Map<string, number>): string {
  return joinList([...targets].map(([name, value]) => `${name}=${value}`));
}

/** Each salesperson's own target, else the one for everyone; null when nobody has one. */
export function salesTargets(
  people: string[],
  everyone: number,
  own: Map<string, number>,
): { salesperson: string; target: number }[] | null {
  const list = people
    .map((salesperson) => ({ salesperson, target: own.get(salesperson) ?? everyone }))
    .filter((t) => Number.isFinite(t.target) && t.target > 0);
  return list.length ? list : null;
}
