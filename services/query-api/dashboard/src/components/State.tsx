import type { ComponentChildren } from "preact";
import type { QueryState } from "../lib/useQuery";
import { ApiError } from "../lib/graphql";

export function Loading({ what }: { what: string }) {
  return (
    <div class="state loading" role="status" aria-live="polite" aria-busy="true">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorBox({ error, what }: { error: Error; what: string }) {
  const unreachable = error instanceof ApiError && error.kind === "unreachable";
  return (
    <div class="state error" role="alert" data-state="error">
      <strong>{unreachable ? "The API is not reachable" : `Could not load ${what}`}</strong>
      <p>{error.message}</p>
      {unreachable && <p>Start the stack with <code>make up</code>, then reload this page.</p>}
    </div>
  );
}

/** Renders loading / error states, or the children with the data. */
export function Answer<T>({
  state,
  what,
  children,
}: {
  state: QueryState<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (state.status === "loading") return <Loading what={what} />;
  if (state.status === "error") return <ErrorBox error={state.error} what={what} />;
  return <>{children(state.data)}</>;
}

export function NoRows({ message }: { message?: string }) {
  return (
    <div class="state empty" role="status" data-state="empty">
      <strong>No sales match this selection.</strong>
      <p>{message ?? "Widen the date range or clear some filters."}</p>
    </div>
  );
}
