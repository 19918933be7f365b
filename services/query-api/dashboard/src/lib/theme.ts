import { useEffect, useState } from "preact/hooks";

export type Theme = "light" | "dark";
const listeners = new Set<(t: Theme) => void>();

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

export function setTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem("mauzo.theme", theme);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  for (const listener of listeners) listener(theme);
}

export function useTheme(): Theme {
  const [theme, set] = useState<Theme>(currentTheme);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return theme;
}
