import { useState } from "preact/hooks";
import { Chart } from "../components/Chart";
import { barOption, lineOption } from "../components/charts";
import { Answer, Loading } from "../components/State";
import { Table } from "../components/Table";
import type { Aggregate, Granularity } from "../gql/graphql";
import type { Cell } from "../lib/csv";
import { LIST_KEYS, type Filters } from "../lib/filters";
import { useParam } from "../lib/location";
import { useFilters } from "../lib/useFilters";
import { useQuery } from "../lib/useQuery";
import { DatasourcesQuery, ExploreQuery } from "../queries";

const FUNCTIONS: Aggregate[] = ["SUM", "AVG", "MIN", "MAX", "COUNT", "COUNT_DISTINCT"];
const BUCKETS: (Granularity | "")[] = ["", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR"];

/** "SUM:amount,COUNT:" <-> aggregate list, so the question lives in the URL. */
export function parseAggregates(text: string): { function: Aggregate; column: string | null }[] {
  return text
    .split(",")
    .map((part) => part.split(":"))
    .filter(([fn]) => FUNCTIONS.includes(fn as Aggregate))
    .map(([fn, column]) => ({ function: fn as Aggregate, column: column ? column : null }));
}

export default function Explore() {
  const { filters } = useFilters();
  const sources = useQuery(DatasourcesQuery, {});
  const [datasource, setDatasource] = useParam<string>("source", "");
  const [dimsText, setDims] = useParam<string>("dims", "");
  const [aggText, setAgg] = useParam<string>("aggs", "COUNT:");
  const [bucket, setBucket] = useParam<string>("bucket", "");
  const [draftFn, setDraftFn] = useState<Aggregate>("SUM");
  const [draftCol, setDraftCol] = useState("");

  if (sources.status !== "done") return <Answer state={sources} what="datasources">{() => null}</Answer>;
  const list = sources.data.datasources;
  if (list.length === 0) return <div class="state empty" role="status"><strong>No datasources yet.</strong> Load a file on the Data page.</div>;
  const current = list.find((d) => d.name === datasource) ?? list[0]!;
  const dims = dimsText ? dimsText.split(",").filter((d) => current.columns.some((c) => c.name === d)) : [];
  const aggregates = parseAggregates(aggText).filter((a) => a.column == null || current.columns.some((c) => c.name === a.column));
  const valueColumns = current.columns.filter((c) => c.role !== "time");
  const toggleDim = (name: string, on: boolean) => setDims((on ? [...dims, name] : dims.filter((d) => d !== name)).join(","));
  const removeAgg = (i: number) =>
    setAgg(aggregates.filter((_, j) => j !== i).map((a) => `${a.function}:${a.column ?? ""}`).join(",") || "COUNT:");
  const addAgg = () => {
    if (draftFn !== "COUNT" && !draftCol) return;
    setAgg([...aggregates, { function: draftFn, column: draftCol || null }].map((a) => `${a.function}:${a.column ?? ""}`).join(","));
  };

  return (
    <>
      <h1>Explore</h1>
      <form class="explore panel" aria-label="Explore question" onSubmit={(e) => e.preventDefault()}>
        <label>
          Datasource
          <select value={current.name} onChange={(e) => { setDatasource(e.currentTarget.value); }}>
            {list.map((d) => (
              <option value={d.name}>{d.name} ({d.dataRange.rowCount.toLocaleString("en-KE")} rows)</option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Group by</legend>
          {valueColumns.filter((c) => c.role === "dimension").map((c) => (
            <label class="check">
              <input type="checkbox" checked={dims.includes(c.name)} onChange={(e) => toggleDim(c.name, e.currentTarget.checked)} /> {c.name}
            </label>
          ))}
        </fieldset>
        <label>
          Time bucket
          <select value={bucket} onChange={(e) => setBucket(e.currentTarget.value)}>
            {BUCKETS.map((b) => (
              <option value={b}>{b ? b.toLowerCase() : "none"}</option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Aggregates</legend>
          <ul class="chips">
            {aggregates.map((a, i) => (
              <li>
                {a.function}({a.column ?? "*"}){" "}
                <button type="button" class="small" aria-label={`Remove ${a.function} of ${a.column ?? "rows"}`} onClick={() => removeAgg(i)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <label>
            Function
            <select value={draftFn} onChange={(e) => setDraftFn(e.currentTarget.value as Aggregate)}>
              {FUNCTIONS.map((f) => <option value={f}>{f}</option>)}
            </select>
          </label>
          <label>
            Column
            <select value={draftCol} onChange={(e) => setDraftCol(e.currentTarget.value)}>
              <option value="">{draftFn === "COUNT" ? "rows" : "choose…"}</option>
              {valueColumns.map((c) => <option value={c.name}>{c.name} ({c.type.toLowerCase()})</option>)}
            </select>
          </label>
          <button type="button" onClick={addAgg}>Add aggregate</button>
        </fieldset>
      </form>
      <ExploreAnswer
        query={{
          datasource: current.name,
          dimensions: dims,
          aggregates,
          granularity: (bucket || null) as Granularity | null,
          dateFrom: filters.dateFrom,
          dateTo: filters.dateTo,
          filters: columnFilters(filters, current.columns.map((c) => c.name)),
          limit: 1000,
        }}
      />
    </>
  );
}

const FILTER_COLUMNS = {
  branches: "branch",
  regions: "region",
  productLines: "product_line",
  itemGroups: "item_group",
  salespeople: "salesperson",
} as const;

/** The global list filters as explore column filters, for the columns the datasource has. */
export function columnFilters(filters: Filters, columns: string[]): { column: string; values: string[] }[] {
  return LIST_KEYS.filter((k) => filters[k].length > 0 && columns.includes(FILTER_COLUMNS[k])).map((k) => ({
    column: FILTER_COLUMNS[k],
    values: [...filters[k]],
  }));
}

interface Question {
  datasource: string;
  dimensions: string[];
  aggregates: { function: Aggregate; column: string | null }[];
  granularity: Granularity | null;
  dateFrom: string | null;
  dateTo: string | null;
  filters: { column: string; values: string[] }[];
  limit: number;
}

function ExploreAnswer({ query }: { query: Question }) {
  const state = useQuery(ExploreQuery, { query });
  if (state.status === "loading") return <Loading what="the answer" />;
  return (
    <Answer state={state} what="the answer">
      {({ explore }) => {
        const rows = explore.rows as Cell[][];
        const columns = explore.columns;
        const measureIndex = columns.length - 1;
        const bucketed = query.granularity != null;
        const numeric = rows.every((r) => typeof r[measureIndex] === "number" || r[measureIndex] == null);
        const labels = rows.map((r) => r.slice(0, Math.max(1, columns.length - query.aggregates.length)).map((c) => String(c ?? "(none)")).join(" · "));
        const values = rows.map((r) => (typeof r[measureIndex] === "number" ? (r[measureIndex] as number) : null));
        return (
          <>
            {numeric && columns.length > 1 && (
              <Chart
                title={`${columns[measureIndex]} ${bucketed ? "over time" : "by group"}`}
                description={`Chart of ${columns[measureIndex]}`}
                empty={rows.length === 0}
                height={bucketed ? 300 : Math.max(260, Math.min(rows.length, 40) * 20 + 40)}
                option={
                  bucketed && query.dimensions.length === 0
                    ? lineOption(rows.map((r) => String(r[0])), [{ name: columns[measureIndex] ?? "", kind: "count", data: values }])
                    : barOption(labels.slice(0, 40), values.slice(0, 40), "count", columns[measureIndex] ?? "")
                }
              />
            )}
            <Table
              title={`Explore ${query.datasource}`}
              rows={rows}
              columns={columns.map((c, i) => ({ label: c, value: (r: Cell[]) => r[i], numeric: typeof rows[0]?.[i] === "number" }))}
            />
          </>
        );
      }}
    </Answer>
  );
}
