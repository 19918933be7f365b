// Display formats: Kenyan shillings, counts, shares and dates in the business time zone.
// The exact value always travels beside the short one (title / data-value).

export const BUSINESS_TIME_ZONE = "Africa/Nairobi";
const LOCALE = "en-KE";

const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });
const exactMoney = new Intl.NumberFormat(LOCALE, {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const whole = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 2 });

export type Maybe<T> = T | null | undefined;

/** "KSh 1.2M": money at a glance. */
export function money(value: Maybe<number>): string {
  if (value == null || !Number.isFinite(value)) return "—";
  const sign = value < 0 ? "−" : "";
  const abs = Math.abs(value);
  return `${sign}KSh ${abs < 1000 ? decimal.format(abs) : compact.format(abs)}`;
}

/** "KSh 1,234,567.89": the exact amount, for hover and screen readers. */
export function moneyExact(value: Maybe<number>): string {
  if (value == null || !Number.isFinite(value)) return "no value";
  return `${value < 0 ? "−" : ""}KSh ${exactMoney.format(Math.abs(value))}`;
}

export function count(value: Maybe<number>): string {
  if (value == null || !Number.isFinite(value)) return "—";
  return Math.abs(value) >= 100_000 ? compact.format(value) : whole.format(value);
}

export function countExact(value: Maybe<number>): string {
  if (value == null || !Number.isFinite(value)) return "no value";
  return decimal.format(value);
}

/** A share (0.123 -> "12.3%"). */
export function percent(value: Maybe<number>, digits = 1): string {
  if (value == null || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

/** A change (0.05 -> "+5.0%"); null when there is nothing to compare with. */
export function growth(value: Maybe<number>): string {
  if (value == null || !Number.isFinite(value)) return "n/a";
  const pct = (value * 100).toFixed(1);
  return value > 0 ? `+${pct}%` : value < 0 ? `−${pct.slice(1)}%` : "0.0%";
}

export type Kind = "money" | "count" | "percent";

export function short(kind: Kind, value: Maybe<number>): string {
  return kind === "money" ? money(value) : kind === "percent" ? percent(value) : count(value);
}

export function exact(kind: Kind, value: Maybe<number>): string {
  if (kind === "money") return moneyExact(value);
  if (kind === "percent") return value == null ? "no value" : `${(value * 100).toFixed(4)}%`;
  return countExact(value);
}

const dayFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: BUSINESS_TIME_ZONE,
  day: "numeric",
  month: "short",
  year: "numeric",
});
const timeFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: BUSINESS_TIME_ZONE,
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const monthFormat = new Intl.DateTimeFormat(LOCALE, {
  timeZone: "UTC",
  month: "short",
  year: "numeric",
});

/** An instant (ISO with zone) as a business-zone date and time. */
export function dateTime(iso: Maybe<string>): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeFormat.format(d);
}

/** A local day ("2024-03-01") as "1 Mar 2024"; it is already a business-zone day. */
export function day(isoDay: Maybe<string>): string {
  if (!isoDay) return "—";
  const d = new Date(`${isoDay}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : dayFormat.format(new Date(`${isoDay}T09:00:00Z`));
}

/** A bucket's first day as "Mar 2024". */
export function month(isoDay: string): string {
  const d = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? isoDay : monthFormat.format(d);
}

/** Today's date in the business time zone, as YYYY-MM-DD. */
export function businessToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: BUSINESS_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  return parts; // en-CA formats as YYYY-MM-DD
}

export function bytes(value: Maybe<number>): string {
  if (value == null) return "—";
  const units = ["B", "kB", "MB", "GB"];
  let v = value;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
