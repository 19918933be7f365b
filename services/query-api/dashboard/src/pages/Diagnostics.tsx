import { useEffect, useState } from "preact/hooks";
import { Answer, ErrorBox, Loading } from "../components/State";
import { Table } from "../components/Table";
import { authFetch } from "../lib/auth";
import { count, dateTime, day } from "../lib/format";
import { useQuery } from "../lib/useQuery";
import { DatasourcesQuery, StreamsQuery, TasksQuery } from "../queries";

interface Health {
  name: string;
  status: string;
  httpStatus?: number;
  body?: unknown;
  url: string;
}

const LABEL: Record<string, string> = {
  upload: "upload",
  "task-tracker": "task-tracker (and the broker)",
  validator: "validator",
  "spec-builder": "spec-builder",
  olap: "OLAP (olap-lite / Druid router)",
};

export default function Diagnostics() {
  const [health, setHealth] = useState<{ services?: Health[]; error?: Error; at?: Date }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const self = authFetch("/api/health").then(
      async (r): Promise<Health> => ({ name: "query-api", status: r.ok ? "ok" : "unavailable", httpStatus: r.status, body: await r.json(), url: "/api/health" }),
    );
    authFetch("/api/stack/health")
      .then((r) => (r.ok ? (r.json() as Promise<{ services: Health[] }>) : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(async (b) => ({ services: [await self, ...b.services] }))
      .then(
        (b) => live && setHealth({ services: b.services, at: new Date() }),
        () => live && setHealth({ error: new Error("query-api is not reachable, so nothing behind it can be checked"), at: new Date() }),
      );
    const t = setTimeout(() => setTick((n) => n + 1), 10_000);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [tick]);
  const sources = useQuery(DatasourcesQuery, {}, { refresh: tick });
  const streams = useQuery(StreamsQuery, {}, { refresh: tick });
  const failed = useQuery(TasksQuery, { state: "FAILED", limit: 20 });
  const rejected = useQuery(TasksQuery, { state: "REJECTED", limit: 20 });
  const services: Health[] = health.services ?? [];
  const brokerOk = health.services?.find((s) => s.name === "task-tracker")?.status === "ok";
  return (
    <>
      <h1>Diagnostics</h1>
      {health.error ? (
        <ErrorBox error={health.error} what="health" />
      ) : !health.services ? (
        <Loading what="service health" />
      ) : (
        <Table
          title="Services"
          caption={`Checked ${health.at ? dateTime(health.at.toISOString()) : ""}; refreshed every 10 s`}
          rows={[...services, { name: "broker", status: brokerOk ? "ok" : "unavailable", url: "via task-tracker's health" }]}
          columns={[
            { label: "Service", value: (r) => LABEL[r.name] ?? r.name },
            { label: "Status", value: (r) => r.status, render: (r) => <span class={`badge ${r.status === "ok" ? "good" : "bad"}`} data-health={r.name}>{r.status}</span> },
            { label: "Detail", value: (r) => (r.body == null ? "" : JSON.stringify(r.body)) },
            { label: "Checked at", value: (r) => r.url },
          ]}
        />
      )}
      <Answer state={sources} what="datasources">
        {({ datasources }) => (
          <Table
            title="OLAP datasources"
            rows={datasources}
            empty="No datasources: nothing has been loaded yet."
            columns={[
              { label: "Datasource", value: (r) => r.name },
              { label: "Rows", numeric: true, value: (r) => r.dataRange.rowCount, render: (r) => count(r.dataRange.rowCount) },
              { label: "First day", value: (r) => r.dataRange.firstDate, render: (r) => day(r.dataRange.firstDate) },
              { label: "Last day", value: (r) => r.dataRange.lastDate, render: (r) => day(r.dataRange.lastDate) },
              { label: "Columns", value: (r) => r.columns.map((c) => `${c.name}:${c.role}`).join(" ") },
            ]}
          />
        )}
      </Answer>
      <Answer state={streams} what="streams">
        {({ streams: list }) => (
          <Table
            title="Streams"
            rows={list}
            empty="No streamed datasource."
            columns={[
              { label: "Datasource", value: (r) => r.datasource },
              { label: "State", value: (r) => r.state },
              { label: "Records in", numeric: true, value: (r) => r.recordsIn, render: (r) => count(r.recordsIn) },
              { label: "Valid", numeric: true, value: (r) => r.valid, render: (r) => count(r.valid) },
              { label: "Rejected", numeric: true, value: (r) => r.rejected, render: (r) => count(r.rejected) },
              { label: "Duplicate", numeric: true, value: (r) => r.duplicate, render: (r) => count(r.duplicate) },
              { label: "Loaded", numeric: true, value: (r) => r.loaded, render: (r) => count(r.loaded) },
              { label: "Lag", numeric: true, value: (r) => r.lag, render: (r) => count(r.lag) },
              { label: "Valid/s", numeric: true, value: (r) => r.rate, render: (r) => r.rate.toFixed(1) },
              { label: "Last rejection", value: (r) => (r.lastError ? `${r.lastError.code}: ${r.lastError.message}` : null) },
            ]}
          />
        )}
      </Answer>
      {[
        { title: "Recent failures", state: failed },
        { title: "Recent rejections", state: rejected },
      ].map(({ title, state }) => (
        <Answer state={state} what={title.toLowerCase()}>
          {({ ingestionTasks }) => (
            <Table
              title={title}
              rows={ingestionTasks}
              empty="None."
              columns={[
                { label: "When", value: (r) => r.updatedAt, render: (r) => dateTime(r.updatedAt) },
                { label: "File", value: (r) => r.fileName },
                { label: "Datasource", value: (r) => r.datasource },
                { label: "Code", value: (r) => r.error?.code },
                { label: "Message", value: (r) => r.error?.message },
                { label: "Hint", value: (r) => r.error?.hint },
              ]}
            />
          )}
        </Answer>
      ))}
    </>
  );
}
