// The ingest REST endpoints, reached through query-api's same-origin gateway (/api/ingest).
import { authFetch } from "./auth";

export const CLIENT_HEADER = { "x-mauzo-client": "dashboard" };
export const TERMINAL = new Set(["succeeded", "rejected", "failed", "duplicate", "retracted"]);

export interface ColumnAnalysis {
  name: string;
  inferred_type: string;
  date_format: string | null;
  null_pct: number;
  distinct_count: number;
  examples: string[];
  proposed_role: string;
  target: string | null;
  confidence: number;
  warnings: string[];
}

export interface Analysis {
  file_kind: string;
  rows_analyzed: number;
  columns: ColumnAnalysis[];
  proposed_mapping: Record<string, string>;
  warnings: string[];
}

export interface TaskStatus {
  task_id: string;
  state: string;
  stage?: string;
  progress?: number;
  datasource: string;
  file_name?: string | null;
  rows_read?: number | null;
  rows_validated?: number | null;
  rows_rejected?: number | null;
  rows_ingested?: number | null;
  error?: { code: string; message: string; hint?: string | null } | null;
  links?: { report?: string | null; rejected_rows?: string | null };
  mapping?: Record<string, string> | null;
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  if (!response.ok) {
    const b = body as { error?: { message?: string; hint?: string }; detail?: unknown; message?: string } | null;
    const message =
      b?.error?.message ?? (typeof b?.detail === "string" ? b.detail : b?.message) ?? `HTTP ${response.status}`;
    throw new Error(b?.error?.hint ? `${message} — ${b.error.hint}` : message);
  }
  return body as T;
}

export async function analyze(file: File): Promise<Analysis> {
  const form = new FormData();
  form.append("file", file);
  return json(await authFetch("/api/ingest/analyze-schema", { method: "POST", body: form, headers: CLIENT_HEADER }));
}

export async function upload(
  file: File,
  datasource: string,
  mapping: Record<string, string> | null,
): Promise<{ task_id: string; status: string }> {
  const form = new FormData();
  form.append("datasource", datasource);
  if (mapping) form.append("mapping", JSON.stringify(mapping));
  form.append("file", file);
  return json(await authFetch("/api/ingest/upload", { method: "POST", body: form, headers: CLIENT_HEADER }));
}

/** The task's status once it differs from `seen` (the tracker holds the answer up to `wait` s). */
export async function status(taskId: string, seen: string | null, wait = 30, signal?: AbortSignal): Promise<TaskStatus> {
  const query = seen ? `?changed_from=${encodeURIComponent(seen)}&wait_seconds=${wait}` : "";
  return json(await authFetch(`/api/ingest/status/${encodeURIComponent(taskId)}${query}`, { signal: signal ?? null }));
}

export async function retract(taskId: string): Promise<TaskStatus> {
  return json(
    await authFetch(`/api/ingest/tasks/${encodeURIComponent(taskId)}/data`, { method: "DELETE", headers: CLIENT_HEADER }),
  );
}

/** Follows a task to a terminal state with the long-poll, reporting every change. */
export async function follow(taskId: string, onChange: (s: TaskStatus) => void, signal: AbortSignal): Promise<TaskStatus> {
  let current = await status(taskId, null, 0, signal);
  onChange(current);
  while (!TERMINAL.has(current.state) && !signal.aborted) {
    const next = await status(taskId, `${current.state}`, 30, signal);
    if (next.state !== current.state || next.progress !== current.progress) onChange(next);
    current = next;
  }
  return current;
}
