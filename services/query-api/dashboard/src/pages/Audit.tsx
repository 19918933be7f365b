import { useEffect, useState } from "preact/hooks";
import { ErrorBox, Loading } from "../components/State";
import { Table } from "../components/Table";
import { authFetch } from "../lib/auth";
import { dateTime } from "../lib/format";

type Entry = Record<string, unknown>;

// The audit log's entries, newest first, from task-tracker's GET /api/audit (through the
// gateway). Its columns are whatever the entries carry, so a field the log gains shows up here
// without a dashboard release.
const FIRST = ["at", "actor", "actor_kind", "action", "target", "outcome", "source_ip", "detail", "request_id"];

function entriesOf(body: unknown): Entry[] {
  if (Array.isArray(body)) return body as Entry[];
  const b = body as Record<string, unknown> | null;
  for (const key of ["records", "entries", "items"]) {
    if (Array.isArray(b?.[key])) return b[key] as Entry[];
  }
  return [];
}

function cell(value: unknown): string | number | null {
  if (value == null) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  return JSON.stringify(value);
}

export default function Audit() {
  const [state, setState] = useState<{ entries?: Entry[]; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState({});
    authFetch("/api/audit?limit=200")
      .then(async (r) => {
        if (!r.ok) {
          const b = (await r.json().catch(() => null)) as { error?: { message?: string } } | null;
          throw new Error(b?.error?.message ?? `HTTP ${r.status}`);
        }
        return entriesOf(await r.json());
      })
      .then(
        (entries) => live && setState({ entries }),
        (error: Error) => live && setState({ error }),
      );
    return () => {
      live = false;
    };
  }, [tick]);
  const keys = [...new Set((state.entries ?? []).flatMap((e) => Object.keys(e)))].sort(
    (a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99),
  );
  return (
    <>
      <h1>Audit</h1>
      <p>
        Who signed in, changed users or keys, uploaded and retracted.{" "}
        <button type="button" class="small" onClick={() => setTick((n) => n + 1)}>
          Refresh
        </button>
      </p>
      {state.error ? (
        <ErrorBox error={state.error} what="the audit log" />
      ) : !state.entries ? (
        <Loading what="the audit log" />
      ) : (
        <Table
          title="Audit log"
          rows={state.entries}
          empty="Nothing recorded yet."
          columns={keys.map((k) => ({
            label: k,
            value: (r: Entry) => cell(r[k]),
            render: k === "at" ? (r: Entry) => dateTime(r[k] == null ? null : String(r[k])) : undefined,
          }))}
        />
      )}
    </>
  );
}
