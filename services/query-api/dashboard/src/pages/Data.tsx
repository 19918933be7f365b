import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Answer } from "../components/State";
import { Table } from "../components/Table";
import { may, openAuthed, useSession } from "../lib/auth";
import { bytes, count, dateTime } from "../lib/format";
import { analyze, follow, retract, TERMINAL, upload, type Analysis, type TaskStatus } from "../lib/ingest";
import { useQuery } from "../lib/useQuery";
import { TasksQuery } from "../queries";

/** The sales-model fields a column can be mapped to (the validator's FIELDS). */
export const FIELDS = [
  "time", "time_of_day", "branch", "region", "product", "product_line", "item_group", "salesperson",
  "customer", "invoice_id", "amount", "quantity", "unit_price", "cost", "profit", "discount", "tax",
  "document_type",
] as const;

type Phase = "analyzing" | "ready" | "loading" | "done" | "error";

interface Item {
  id: number;
  file: File;
  phase: Phase;
  analysis?: Analysis;
  mapping: Record<string, string>;
  task?: TaskStatus;
  error?: string;
}

const STAGES = ["received", "validating", "validated", "submitted", "succeeded"];

function progressOf(task: TaskStatus | undefined): number {
  if (!task) return 0;
  if (typeof task.progress === "number") return task.progress;
  const i = STAGES.indexOf(task.state);
  return i < 0 ? 100 : Math.round((i / (STAGES.length - 1)) * 100);
}

let nextId = 1;

export default function Data() {
  const [items, setItems] = useState<Item[]>([]);
  const [datasource, setDatasource] = useState("sales");
  const [dragging, setDragging] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const controllers = useRef(new Map<number, AbortController>());
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const patch = (id: number, change: Partial<Item>) =>
    setItems((all) => all.map((it) => (it.id === id ? { ...it, ...change } : it)));

  const add = (files: FileList | File[]) => {
    const fresh = [...files].map((file) => ({ id: nextId++, file, phase: "analyzing" as Phase, mapping: {} }));
    setItems((all) => [...fresh, ...all]);
    for (const item of fresh) {
      analyze(item.file).then(
        (analysis) => patch(item.id, { phase: "ready", analysis, mapping: { ...analysis.proposed_mapping } }),
        (error: Error) => patch(item.id, { phase: "error", error: `Analysis failed: ${error.message}` }),
      );
    }
  };

  const load = async (item: Item) => {
    patch(item.id, { phase: "loading", error: undefined });
    const controller = new AbortController();
    controllers.current.set(item.id, controller);
    try {
      const changed = JSON.stringify(item.mapping) !== JSON.stringify(item.analysis?.proposed_mapping ?? {});
      const receipt = await upload(item.file, datasource, changed ? item.mapping : null);
      if (receipt.status === "duplicate") {
        patch(item.id, { phase: "done", task: { task_id: receipt.task_id, state: "duplicate", datasource } });
      } else {
        const final = await follow(receipt.task_id, (task) => patch(item.id, { task }), controller.signal);
        patch(item.id, { phase: "done", task: final });
      }
    } catch (error) {
      if (!controller.signal.aborted) patch(item.id, { phase: "error", error: (error as Error).message });
    } finally {
      setRefresh((n) => n + 1);
    }
  };

  const undo = async (item: Item) => {
    if (!item.task) return;
    if (!confirm(`Remove the rows of ${item.file.name} from ${item.task.datasource}?`)) return;
    try {
      const task = await retract(item.task.task_id);
      const controller = new AbortController();
      const final = await follow(task.task_id, () => undefined, controller.signal);
      patch(item.id, { error: `Retraction ${final.state}.`, task: { ...item.task, state: final.state === "succeeded" ? "retracted" : item.task.state } });
    } catch (error) {
      patch(item.id, { error: `Retraction failed: ${(error as Error).message}` });
    } finally {
      setRefresh((n) => n + 1);
    }
  };

  return (
    <>
      <h1>Data</h1>
      <section class="panel">
        <h2>Load sales files</h2>
        <label>
          Datasource{" "}
          <input
            value={datasource}
            pattern="[A-Za-z][A-Za-z0-9_]{0,63}"
            onInput={(e) => setDatasource(e.currentTarget.value)}
            aria-describedby="ds-help"
          />
        </label>
        <small id="ds-help"> a letter, then letters, digits or _</small>
        <div
          class={`dropzone${dragging ? " over" : ""}`}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            if (e.dataTransfer?.files.length) add(e.dataTransfer.files);
          }}
        >
          <p>Drop CSV, Excel or Parquet files here, or</p>
          <label class="button">
            choose files
            <input
              type="file"
              multiple
              class="sr-only"
              accept=".csv,.txt,.tsv,.xlsx,.xls,.parquet"
              onChange={(e) => {
                const files = e.currentTarget.files;
                if (files?.length) add([...files]);
                e.currentTarget.value = "";
              }}
            />
          </label>
        </div>
      </section>
      {items.map((item) => (
        <FileCard key={item.id} item={item} onMapping={(mapping) => patch(item.id, { mapping })} onLoad={() => void load(item)} onRetract={() => void undo(item)} onRemove={() => setItems((all) => all.filter((i) => i.id !== item.id))} />
      ))}
      <TaskHistory refresh={refresh} />
    </>
  );
}

/** A link to an API file: the bearer token goes in a header, which a plain <a href> cannot send. */
function AuthedLink({ url, fileName, children }: { url: string; fileName?: string; children: ComponentChildren }) {
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <a
        href={url}
        onClick={(e) => {
          e.preventDefault();
          setFailed(null);
          openAuthed(url, fileName).catch((error: Error) => setFailed(error.message));
        }}
      >
        {children}
      </a>
      {failed && <span class="warn"> {failed}</span>}
    </>
  );
}

function FileCard({
  item,
  onMapping,
  onLoad,
  onRetract,
  onRemove,
}: {
  item: Item;
  onMapping: (m: Record<string, string>) => void;
  onLoad: () => void;
  onRetract: () => void;
  onRemove: () => void;
}) {
  const task = item.task;
  // Retraction is an admin's; the server refuses it to anyone else, so the button is not shown.
  const canRetract = may(useSession().session, "admin");
  const columns = item.analysis?.columns ?? [];
  const setField = (field: string, source: string) => {
    const next = { ...item.mapping };
    if (source) next[field] = source;
    else delete next[field];
    onMapping(next);
  };
  return (
    <section class="panel file-card" aria-label={`File ${item.file.name}`} data-file={item.file.name} data-state={task?.state ?? item.phase}>
      <header>
        <h2>
          {item.file.name} <small>{bytes(item.file.size)}</small>
        </h2>
        {(item.phase === "ready" || item.phase === "error" || item.phase === "done") && (
          <button type="button" class="small" onClick={onRemove} aria-label={`Dismiss ${item.file.name}`}>
            ×
          </button>
        )}
      </header>
      {item.phase === "analyzing" && <p role="status">Analysing columns…</p>}
      {item.analysis && item.phase === "ready" && (
        <>
          <p>
            {item.analysis.file_kind} file, {count(item.analysis.rows_analyzed)} rows analysed.
            {item.analysis.warnings.map((w) => (
              <span class="warn"> {w}</span>
            ))}
          </p>
          <div class="table-scroll">
            <table>
              <caption>Proposed mapping: change a field's source column before loading</caption>
              <thead>
                <tr>
                  <th scope="col">Sales-model field</th>
                  <th scope="col">Source column</th>
                </tr>
              </thead>
              <tbody>
                {FIELDS.filter((f) => f in item.mapping || columns.length > 0).map((field) => (
                  <tr>
                    <th scope="row">{field}</th>
                    <td>
                      <select aria-label={`Source column for ${field}`} value={item.mapping[field] ?? ""} onChange={(e) => setField(field, e.currentTarget.value)}>
                        <option value="">(none)</option>
                        {columns.map((c) => (
                          <option value={c.name}>
                            {c.name} — {c.inferred_type}
                            {c.date_format ? ` ${c.date_format}` : ""}
                            {c.examples[0] ? `, e.g. ${c.examples[0]}` : ""}
                          </option>
                        ))}
                        {item.mapping[field] && !columns.some((c) => c.name === item.mapping[field]) && (
                          <option value={item.mapping[field]}>{item.mapping[field]}</option>
                        )}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="button" onClick={onLoad}>
            Load {item.file.name}
          </button>
        </>
      )}
      {task && (
        <div class="task">
          <p>
            Task <code>{task.task_id}</code>: <strong data-task-state={task.state}>{task.state}</strong>
            {task.stage && task.stage !== task.state ? ` (${task.stage})` : ""}
          </p>
          <progress max={100} value={progressOf(task)} aria-label={`Progress of ${item.file.name}`}>
            {progressOf(task)}%
          </progress>
          <p>
            Read {count(task.rows_read)} · valid {count(task.rows_validated)} · rejected {count(task.rows_rejected)} · loaded{" "}
            {count(task.rows_ingested)}
          </p>
          {task.error && (
            <p class="state error" role="alert">
              {task.error.code}: {task.error.message}
              {task.error.hint ? ` — ${task.error.hint}` : ""}
            </p>
          )}
          {TERMINAL.has(task.state) && (
            <p class="actions">
              {task.links?.report && <AuthedLink url={task.links.report}>Quality report</AuthedLink>}
              {task.links?.rejected_rows && (
                <AuthedLink url={task.links.rejected_rows} fileName={`${item.file.name}.rejected.csv`}>
                  Rejected rows (CSV)
                </AuthedLink>
              )}
              {task.state === "succeeded" && canRetract && (
                <button type="button" class="small danger" onClick={onRetract}>
                  Retract this upload
                </button>
              )}
            </p>
          )}
        </div>
      )}
      {item.phase === "loading" && !task && <p role="status">Uploading…</p>}
      {item.error && (
        <p class="state error" role="alert">
          {item.error}
        </p>
      )}
    </section>
  );
}

function TaskHistory({ refresh }: { refresh: number }) {
  const state = useQuery(TasksQuery, { limit: 50, state: null }, { refresh });
  // An uploader is answered with their own tasks only (the server's rule); say so.
  const everyone = may(useSession().session, "admin");
  return (
    <Answer state={state} what="the task history">
      {({ ingestionTasks }) => (
        <Table
          title={everyone ? "Task history" : "Your uploads"}
          rows={ingestionTasks}
          empty="No uploads yet."
          columns={[
            { label: "When", value: (r) => r.createdAt, render: (r) => dateTime(r.createdAt) },
            { label: "File", value: (r) => r.fileName },
            { label: "Datasource", value: (r) => r.datasource },
            { label: "State", value: (r) => r.state },
            { label: "Size", numeric: true, value: (r) => r.sizeBytes, render: (r) => bytes(r.sizeBytes) },
            { label: "Rows valid", numeric: true, value: (r) => r.rowsValidated, render: (r) => count(r.rowsValidated) },
            { label: "Rows loaded", numeric: true, value: (r) => r.rowsIngested, render: (r) => count(r.rowsIngested) },
            { label: "Error", value: (r) => (r.error ? `${r.error.code}: ${r.error.message}` : null) },
            {
              label: "Report",
              value: (r) => `/api/ingest/tasks/${r.taskId}/report`,
              render: (r) =>
                TERMINAL.has(r.state) && r.state !== "duplicate" ? (
                  <AuthedLink url={`/api/ingest/tasks/${r.taskId}/report`}>report</AuthedLink>
                ) : (
                  "—"
                ),
            },
          ]}
        />
      )}
    </Answer>
  );
}
