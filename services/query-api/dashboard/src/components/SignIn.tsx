import { useEffect, useRef, useState } from "preact/hooks";
import { signIn } from "../lib/auth";

/** The sign-in form: the OAuth2 password grant, posted to query-api's own origin. */
export function SignIn({ notice }: { notice: string | null }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const username = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = "Sign in · Mauzo";
    username.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signIn(String(form.get("username") ?? "").trim(), String(form.get("password") ?? ""));
    } catch (failure) {
      setError((failure as Error).message);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <form class="panel" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Mauzo</h1>
        {notice && !error && (
          <p class="state" role="status" data-testid="signin-notice">
            {notice}
          </p>
        )}
        {error && (
          <p class="state error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <label>
          Username
          <input ref={username} name="username" autocomplete="username" required autocapitalize="none" spellcheck={false} />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
