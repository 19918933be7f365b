// One fetch per question to the same-origin /graphql; typed by the documents graphql-codegen
// generates from services/query-api/schema.graphql.
import type { TypedDocumentString } from "../gql/graphql";
import { authFetch } from "./auth";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly kind: "unreachable" | "http" | "graphql",
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function request<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
): Promise<TResult> {
  let response: Response;
  try {
    response = await authFetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: document.toString(), variables }),
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError("The Mauzo API is not reachable. Is the stack running?", "unreachable");
  }
  let body: GraphQLBody<TResult>;
  try {
    body = (await response.json()) as GraphQLBody<TResult>;
  } catch {
    throw new ApiError(`The API answered HTTP ${response.status} without JSON`, "http");
  }
  if (body.errors?.length) {
    const first = body.errors[0];
    throw new ApiError(first?.message ?? "GraphQL error", "graphql", first?.extensions?.code);
  }
  if (!response.ok || body.data == null) {
    throw new ApiError(`The API answered HTTP ${response.status}`, "http");
  }
  return body.data;
}
