// The global filter: parsed from and written to the URL, so a link reproduces the view.
import { businessToday } from "./format";

export const LIST_KEYS = ["branches", "regions", "productLines", "itemGroups", "salespeople"] as const;
export type ListKey = (typeof LIST_KEYS)[number];

export interface Filters {
  dateFrom: string | null;
  dateTo: string | null;
  branches: string[];
  regions: string[];
  productLines: string[];
  itemGroups: string[];
  salespeople: string[];
  datasource: string | null;
}

export const EMPTY: Filters = {
  dateFrom: null,
  dateTo: null,
  branches: [],
  regions: [],
  productLines: [],
  itemGroups: [],
  salespeople: [],
  datasource: null,
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function validDay(value: string | null): string | null {
  if (!value || !DAY.test(value)) return null;
  const d = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : value;
}

/** A list in the URL: comma-separated; a value containing a comma is quoted with "". */
export function splitList(raw: string | null): string[] {
  if (!raw) return [];
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i];
    if (ch === '"') {
      if (quoted && raw[i + 1] === '"') {
        current += '"';
        i += 1;
      } else quoted = !quoted;
    } else if (ch === "," && !quoted) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out.map((v) => v.trim()).filter((v) => v.length > 0);
}

export function joinList(values: readonly string[]): string {
  return values
    .map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
    .join(",");
}

export function parseFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  let dateFrom = validDay(params.get("dateFrom"));
  let dateTo = validDay(params.get("dateTo"));
  if (dateFrom && dateTo && dateFrom > dateTo) [dateFrom, dateTo] = [dateTo, dateFrom];
  const filters: Filters = { ...EMPTY, dateFrom, dateTo, datasource: params.get("datasource") || null };
  for (const key of LIST_KEYS) filters[key] = splitList(params.get(key));
  return filters;
}

/** The filter as URL parameters, merged over other parameters a page keeps (e.g. `measure`). */
export function filtersToSearch(filters: Filters, base = ""): string {
  const params = new URLSearchParams(base);
  const set = (key: string, value: string | null) => {
    if (value) params.set(key, value);
    else params.delete(key);
  };
  set("dateFrom", filters.dateFrom);
  set("dateTo", filters.dateTo);
  if (filters.dateFrom || filters.dateTo) params.delete("period");
  for (const key of LIST_KEYS) set(key, filters[key].length ? joinList(filters[key]) : null);
  set("datasource", filters.datasource);
  const text = params.toString().replace(/%2C/g, ",");
  return text ? `?${text}` : "";
}

export interface SalesFilterVars {
  dateFrom?: string | null;
  dateTo?: string | null;
  branches?: string[] | null;
  regions?: string[] | null;
  productLines?: string[] | null;
  itemGroups?: string[] | null;
  salespeople?: string[] | null;
}

/** The GraphQL SalesFilterInput for the filter: empty lists are left out (all values). */
export function toSalesFilter(filters: Filters): SalesFilterVars {
  const out: SalesFilterVars = {};
  if (filters.dateFrom) out.dateFrom = filters.dateFrom;
  if (filters.dateTo) out.dateTo = filters.dateTo;
  for (const key of LIST_KEYS) if (filters[key].length) out[key] = [...filters[key]];
  return out;
}

/** `?period=all` asks for all data on purpose (a link without dates gets a default range). */
export function allDataSearch(filters: Filters, base: string): string {
  const params = new URLSearchParams(filtersToSearch({ ...filters, dateFrom: null, dateTo: null }, base));
  params.set("period", "all");
  return `?${params.toString().replace(/%2C/g, ",")}`;
}

export function wantsAllData(search: string): boolean {
  return new URLSearchParams(search).get("period") === "all";
}

export function activeCount(filters: Filters): number {
  return LIST_KEYS.reduce((n, key) => n + (filters[key].length ? 1 : 0), 0);
}

// Date presets, computed in the business time zone. `anchor` is today, or the last day in the
// data for the "latest ..." presets (demo data ends before today).
export type PresetId =
  | "thisMonth"
  | "lastMonth"
  | "last30"
  | "last90"
  | "ytd"
  | "lastYear"
  | "latestMonth"
  | "latestQuarter"
  | "latestYear"
  | "all";

export const PRESETS: { id: PresetId; label: string }[] = [
  { id: "thisMonth", label: "This month" },
  { id: "lastMonth", label: "Last month" },
  { id: "last30", label: "Last 30 days" },
  { id: "last90", label: "Last 90 days" },
  { id: "ytd", label: "Year to date" },
  { id: "lastYear", label: "Last year" },
  { id: "latestMonth", label: "Latest month in the data" },
  { id: "latestQuarter", label: "Latest quarter in the data" },
  { id: "latestYear", label: "Latest year in the data" },
  { id: "all", label: "All data" },
];

function addDays(isoDay: string, days: number): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function monthStart(isoDay: string): string {
  return `${isoDay.slice(0, 7)}-01`;
}

function monthEnd(isoDay: string): string {
  const d = new Date(`${monthStart(isoDay)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return d.toISOString().slice(0, 10);
}

export function presetRange(
  id: PresetId,
  today: string = businessToday(),
  lastDataDay: string | null = null,
): { dateFrom: string | null; dateTo: string | null } {
  const latest = lastDataDay ?? today;
  switch (id) {
    case "thisMonth":
      return { dateFrom: monthStart(today), dateTo: today };
    case "lastMonth": {
      const end = addDays(monthStart(today), -1);
      return { dateFrom: monthStart(end), dateTo: end };
    }
    case "last30":
      return { dateFrom: addDays(today, -29), dateTo: today };
    case "last90":
      return { dateFrom: addDays(today, -89), dateTo: today };
    case "ytd":
      return { dateFrom: `${today.slice(0, 4)}-01-01`, dateTo: today };
    case "lastYear": {
      const y = Number(today.slice(0, 4)) - 1;
      return { dateFrom: `${y}-01-01`, dateTo: `${y}-12-31` };
    }
    case "latestMonth":
      return { dateFrom: monthStart(latest), dateTo: monthEnd(latest) };
    case "latestQuarter": {
      const m = Number(latest.slice(5, 7));
      const q = Math.floor((m - 1) / 3) * 3 + 1;
      const from = `${latest.slice(0, 4)}-${String(q).padStart(2, "0")}-01`;
      return { dateFrom: from, dateTo: monthEnd(`${latest.slice(0, 4)}-${String(q + 2).padStart(2, "0")}-01`) };
    }
    case "latestYear":
      return { dateFrom: `${latest.slice(0, 4)}-01-01`, dateTo: `${latest.slice(0, 4)}-12-31` };
    case "all":
      return { dateFrom: null, dateTo: null };
  }
}

/** The preset the filter's dates equal, if any ("" = a custom range). */
export function matchingPreset(
  filters: Filters,
  search: string,
  today: string = businessToday(),
  lastDataDay: string | null = null,
): PresetId | "" {
  if (wantsAllData(search)) return "all";
  if (!filters.dateFrom && !filters.dateTo) return "";
  const found = PRESETS.find(({ id }) => {
    if (id === "all") return false;
    const r = presetRange(id, today, lastDataDay);
    return r.dateFrom === filters.dateFrom && r.dateTo === filters.dateTo;
  });
  return found?.id ?? "";
}
