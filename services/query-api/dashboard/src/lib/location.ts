// Path and query string as app state: pushState on change, popstate on back/forward.
import { useEffect, useState } from "preact/hooks";

type Listener = () => void;
const listeners = new Set<Listener>();

export function navigate(url: string, replace = false): void {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  for (const listener of listeners) listener();
}

export function useLocation(): { path: string; search: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return { path: location.pathname, search: location.search };
}

/** One page-level parameter kept in the URL (e.g. ?measure=GROSS_PROFIT). */
export function useParam<T extends string>(
  name: string,
  fallback: T,
  allowed?: readonly T[],
): [T, (value: T) => void] {
  const { search } = useLocation();
  const raw = new URLSearchParams(search).get(name);
  const value = raw != null && (!allowed || (allowed as readonly string[]).includes(raw)) ? (raw as T) : fallback;
  const set = (next: T) => {
    const params = new URLSearchParams(location.search);
    if (next === fallback) params.delete(name);
    else params.set(name, next);
    const text = params.toString().replace(/%2C/g, ",");
    navigate(`${location.pathname}${text ? `?${text}` : ""}`, true);
  };
  return [value, set];
}
