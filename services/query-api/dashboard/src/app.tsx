import type { ComponentChildren, ComponentType } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { FilterBar } from "./components/FilterBar";
import { SignIn } from "./components/SignIn";
import { ErrorBox, Loading } from "./components/State";
import { may, signOut, useSession, type Role, type Session } from "./lib/auth";
import { filtersToSearch, parseFilters, presetRange, wantsAllData } from "./lib/filters";
import { day } from "./lib/format";
import { navigate, useLocation } from "./lib/location";
import { setTheme, useTheme } from "./lib/theme";
import { ChoicesContext, type FilterChoices } from "./lib/useFilters";
import { useQuery } from "./lib/useQuery";
import { FilterOptionsQuery } from "./queries";

type Loader = () => Promise<{ default: ComponentType }>;

interface PageInfo {
  path: string;
  title: string;
  load: Loader;
  /** Pages that read the sales filter show the filter bar. */
  filtered: boolean;
  /** The least role the page's API calls need; the server enforces it, the nav only hides it. */
  role: Role;
}

export const PAGES: PageInfo[] = [
  { path: "/overview", title: "Overview", load: () => import("./pages/Overview"), filtered: true, role: "viewer" },
  { path: "/sales", title: "Sales", load: () => import("./pages/Sales"), filtered: true, role: "viewer" },
  { path: "/products", title: "Products", load: () => import("./pages/Products"), filtered: true, role: "viewer" },
  { path: "/branches", title: "Branches", load: () => import("./pages/Branches"), filtered: true, role: "viewer" },
  { path: "/profitability", title: "Profitability", load: () => import("./pages/Profitability"), filtered: true, role: "viewer" },
  { path: "/customers", title: "Customers", load: () => import("./pages/Customers"), filtered: true, role: "viewer" },
  { path: "/returns", title: "Returns", load: () => import("./pages/Returns"), filtered: true, role: "viewer" },
  { path: "/explore", title: "Explore", load: () => import("./pages/Explore"), filtered: true, role: "admin" },
  { path: "/data", title: "Data", load: () => import("./pages/Data"), filtered: false, role: "uploader" },
  { path: "/diagnostics", title: "Diagnostics", load: () => import("./pages/Diagnostics"), filtered: false, role: "admin" },
  { path: "/audit", title: "Audit", load: () => import("./pages/Audit"), filtered: false, role: "admin" },
];

function usePage(page: PageInfo | undefined): { component?: ComponentType; error?: Error } {
  const [loaded, setLoaded] = useState<{ path: string; component?: ComponentType; error?: Error }>({ path: "" });
  useEffect(() => {
    if (!page) return;
    let live = true;
    page.load().then(
      (m) => live && setLoaded({ path: page.path, component: m.default }),
      (error: Error) => live && setLoaded({ path: page.path, error }),
    );
    return () => {
      live = false;
    };
  }, [page]);
  return loaded.path === page?.path ? loaded : {};
}

export function App() {
  const { session, notice } = useSession();
  return session ? <Dashboard session={session} /> : <SignIn notice={notice} />;
}

function Account({ session, children }: { session: Session; children: ComponentChildren }) {
  return (
    <div class="account">
      <span class="badge" data-role={session.role} title="Signed in as">
        {session.username} · {session.role}
      </span>
      {session.branches && (
        <span class="badge" data-testid="branch-scope" title="Every answer covers these branches only">
          Branches: {session.branches.join(", ")}
        </span>
      )}
      <button type="button" class="small" onClick={() => signOut("You signed out.")}>
        Sign out
      </button>
      {children}
    </div>
  );
}

function Dashboard({ session }: { session: Session }) {
  const { path, search } = useLocation();
  const theme = useTheme();
  const pages = PAGES.filter((p) => may(session, p.role));
  const known = PAGES.find((p) => p.path === path);
  const page = pages.find((p) => p.path === path);
  const filters = parseFilters(search);
  const options = useQuery(FilterOptionsQuery, { datasource: filters.datasource });

  useEffect(() => {
    if (path === "/" || path === "") navigate(`/overview${search}`, true);
  }, [path, search]);

  const choices = useMemo<FilterChoices | null>(() => {
    if (options.status !== "done") return null;
    const o = options.data.filterOptions;
    return {
      branches: o.branches,
      regions: o.regions,
      productLines: o.productLines,
      itemGroups: o.itemGroups,
      salespeople: o.salespeople,
      datasources: options.data.datasources.map((d) => d.name),
      firstDate: o.dataRange.firstDate ?? null,
      lastDate: o.dataRange.lastDate ?? null,
    };
  }, [options]);

  // Without a date range in the link, a filtered page opens on the latest year in the data, so
  // KPIs have a previous period to compare with; the URL then says so.
  const needsDefault = page?.filtered && !filters.dateFrom && !filters.dateTo && !wantsAllData(search);
  useEffect(() => {
    if (needsDefault && choices?.lastDate) {
      const range = presetRange("latestYear", undefined, choices.lastDate);
      navigate(`${location.pathname}${filtersToSearch({ ...filters, ...range }, location.search)}`, true);
    }
  }, [needsDefault, choices?.lastDate]);

  const { component: Page, error } = usePage(page);
  useEffect(() => {
    document.title = page ? `${page.title} · Mauzo` : "Mauzo";
  }, [page]);

  return (
    <ChoicesContext.Provider value={choices}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <p class="brand">
          <strong>Mauzo</strong> <span>sales dashboard</span>
        </p>
        <nav aria-label="Pages">
          <ul>
            {pages.map((p) => (
              <li>
                <a
                  href={`${p.path}${search}`}
                  aria-current={p.path === path ? "page" : undefined}
                  onClick={(e) => {
                    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                    e.preventDefault();
                    navigate(`${p.path}${location.search}`);
                  }}
                >
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Account session={session}>
          <button
            type="button"
            class="small theme"
            aria-pressed={theme === "dark"}
            onClick={() => setTheme(theme === "dark" ? "light" : "dark")}
          >
            {theme === "dark" ? "Light theme" : "Dark theme"}
          </button>
        </Account>
      </header>
      {page?.filtered && (
        <div class="filter-row">
          <FilterBar />
          {options.status === "error" && <ErrorBox error={options.error} what="the filter options" />}
          {choices && (
            <p class="data-range">
              Data from {day(choices.firstDate)} to {day(choices.lastDate)} · times in Africa/Nairobi
            </p>
          )}
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {!page ? (
          path === "/" ? null : known ? (
            <div class="state empty" role="status" data-testid="needs-role">
              <strong>
                {known.title} needs the {known.role} role; you are signed in as a {session.role}.
              </strong>{" "}
              Ask an admin, or pick a page above.
            </div>
          ) : (
            <div class="state empty" role="status">
              <strong>No such page.</strong> Pick one above.
            </div>
          )
        ) : error ? (
          <ErrorBox error={error} what={`the ${page.title} page`} />
        ) : needsDefault && (choices ? choices.lastDate != null : options.status === "loading") ? (
          <Loading what="the data range" />
        ) : Page ? (
          <Page />
        ) : (
          <Loading what={page.title} />
        )}
      </main>
    </ChoicesContext.Provider>
  );
}
