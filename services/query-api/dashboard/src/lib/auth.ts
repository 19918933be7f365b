// The signed-in session: the OAuth2 token pair from POST /api/auth/token (password grant to sign
// in, refresh grant to stay signed in), sent as `Authorization: Bearer` on every API call.
//
// The tokens live in memory and in sessionStorage, never in a cookie: a browser attaches cookies
// to cross-site requests by itself, a header only when this code adds it, so the API has no
// CSRF surface. sessionStorage keeps a reload (or a pasted link in the same tab) signed in and
// is gone when the tab closes. Tests and benchmarks may store a session under SESSION_KEY
// before the app starts, in the shape of `Session`.
import { useEffect, useState } from "preact/hooks";

export type Role = "viewer" | "uploader" | "admin";
const RANK: Record<Role, number> = { viewer: 1, uploader: 2, admin: 3 };

export interface Session {
  username: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires, ms since the epoch. */
  expiresAt: number;
  role: Role;
  /** null: every branch. */
  branches: string[] | null;
}

interface TokenAnswer {
  access_token: string;
  refresh_token?: string | null;
  token_type: string;
  expires_in: number;
  role: string;
  branches?: string[] | null;
}

export const SESSION_KEY = "mauzo.session";
const TOKEN_URL = "/api/auth/token";
// Renew this long before the access token expires, so a request in flight never carries one
// that lapses on the way.
const RENEW_BEFORE_MS = 60_000;
const ENDED = "Your session has ended. Sign in again to go on.";

let session: Session | null = load();
/** Why the last session ended, shown on the sign-in page. */
let notice: string | null = null;
let renewing: Promise<boolean> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const stored = raw ? (JSON.parse(raw) as Session) : null;
    return stored && typeof stored.accessToken === "string" && stored.role in RANK ? stored : null;
  } catch {
    return null;
  }
}

function store(next: Session | null, why: string | null = null): void {
  session = next;
  notice = why;
  try {
    if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* storage refused (private mode): the session lasts for this page only */
  }
  schedule();
  for (const listener of listeners) listener();
}

function schedule(): void {
  clearTimeout(timer);
  if (!session?.refreshToken) return;
  const wait = Math.max(0, session.expiresAt - Date.now() - RENEW_BEFORE_MS);
  timer = setTimeout(() => void renew(), wait);
}
schedule();

export function currentSession(): Session | null {
  return session;
}

export function may(s: Session | null, role: Role): boolean {
  return s != null && RANK[s.role] >= RANK[role];
}

export function useSession(): { session: Session | null; notice: string | null } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return { session, notice };
}

export class SignInError extends Error {
  override name = "SignInError";
}

function asRole(text: string): Role {
  return text in RANK ? (text as Role) : "viewer";
}

function fromAnswer(username: string, body: TokenAnswer, previous: Session | null): Session {
  return {
    username,
    accessToken: body.access_token,
    // A refresh grant may answer without a new refresh token (RFC 6749 §6): keep the old one.
    refreshToken: body.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: Date.now() + body.expires_in * 1000,
    role: asRole(body.role),
    branches: body.branches ?? null,
  };
}

async function grant(fields: Record<string, string>): Promise<Response> {
  return fetch(TOKEN_URL, {
    method: "POST",
    // A form, as RFC 6749 §4.3 has it; the client header is the gateway's CSRF guard.
    headers: { "x-mauzo-client": "dashboard", accept: "application/json" },
    body: new URLSearchParams(fields),
  });
}

/** Why the sign-in route refused, in words for the person at the form. */
async function refusal(response: Response): Promise<string> {
  if (response.status === 400 || response.status === 401) return "Wrong username or password.";
  type Refusal = { error?: unknown; error_description?: string; detail?: unknown };
  const body = (await response.json().catch(() => null)) as Refusal | null;
  const error = body?.error;
  const message =
    typeof error === "object" && error !== null
      ? (error as { message?: string; hint?: string }).message
      : (body?.error_description ?? (typeof body?.detail === "string" ? body.detail : undefined));
  return message ?? `Sign-in failed: the server answered HTTP ${response.status}.`;
}

export async function signIn(username: string, password: string): Promise<Session> {
  let response: Response;
  try {
    response = await grant({ grant_type: "password", username, password });
  } catch {
    throw new SignInError("The Mauzo API is not reachable. Is the stack running?");
  }
  if (!response.ok) throw new SignInError(await refusal(response));
  const next = fromAnswer(username, (await response.json()) as TokenAnswer, null);
  store(next);
  return next;
}

export function signOut(why: string | null = null): void {
  store(null, why);
}

/** Trades the refresh token for a new pair; one exchange at a time however many calls wait. */
export function renew(): Promise<boolean> {
  const current = session;
  if (!current?.refreshToken) return Promise.resolve(false);
  renewing ??= grant({ grant_type: "refresh_token", refresh_token: current.refreshToken })
    .then(async (response) => {
      if (session !== current) return session != null; // signed out or in again meanwhile
      if (!response.ok) return false;
      store(fromAnswer(current.username, (await response.json()) as TokenAnswer, current));
      return true;
    })
    .catch(() => false)
    .finally(() => {
      renewing = null;
    });
  return renewing;
}

function withBearer(init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return { ...init, headers };
}

/**
 * `fetch` with the session's bearer token. Renews a token about to expire first; on a 401
 * renews once and repeats the call; a 401 after that ends the session (back to sign-in).
 * Bodies must be repeatable (string, FormData, Blob, URLSearchParams), as all of ours are.
 */
export async function authFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (session && session.expiresAt - Date.now() < RENEW_BEFORE_MS) await renew();
  const sent = session;
  if (!sent) {
    signOut(notice ?? "Sign in to see the dashboard.");
    throw new Error("Not signed in.");
  }
  const first = await fetch(url, withBearer(init, sent.accessToken));
  if (first.status !== 401) return first;
  // Another call may have renewed while this one was out; otherwise renew now.
  const renewed = session !== sent && session != null ? true : await renew();
  if (renewed && session) {
    const second = await fetch(url, withBearer(init, session.accessToken));
    if (second.status !== 401) return second;
  }
  signOut(ENDED);
  return first;
}

/** Opens (or downloads) an API file that needs the bearer token, which a plain link cannot send. */
export async function openAuthed(url: string, fileName?: string): Promise<void> {
  const pending = fileName ? null : window.open("", "_blank");
  const response = await authFetch(url);
  if (!response.ok) {
    pending?.close();
    throw new Error(`HTTP ${response.status} for ${url}`);
  }
  const href = URL.createObjectURL(await response.blob());
  if (pending) {
    pending.location.href = href;
  } else {
    const a = document.createElement("a");
    a.href = href;
    a.download = fileName ?? "";
    a.click();
  }
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
