import { useEffect, useState } from "preact/hooks";
import type { TypedDocumentString } from "../gql/graphql";
import { request } from "./graphql";

export type QueryState<T> =
  | { status: "loading"; data?: undefined; error?: undefined }
  | { status: "error"; error: Error; data?: undefined }
  | { status: "done"; data: T; error?: undefined };

/** Runs a GraphQL question whenever its variables change; a newer question cancels the older. */
export function useQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: { skip?: boolean; refresh?: number } = {},
): QueryState<TResult> {
  const [state, setState] = useState<QueryState<TResult>>({ status: "loading" });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (options.skip) return;
    const controller = new AbortController();
    setState({ status: "loading" });
    request(document, variables, controller.signal).then(
      (data) => !controller.signal.aborted && setState({ status: "done", data }),
      (error: unknown) =>
        !controller.signal.aborted &&
        setState({ status: "error", error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [document, key, options.skip, options.refresh]);
  return state;
}
