import { exact, growth, short, type Kind } from "../lib/format";

interface Props {
  /** The GraphQL field the value comes from (data-kpi). */
  field: string;
  label: string;
  kind: Kind;
  value: number | null | undefined;
  previous?: number | null | undefined;
  change?: number | null | undefined;
  /** For measures where a rise is bad (return rate). */
  lowerIsBetter?: boolean;
}

/** One KPI card. data-kpi / data-value carry the field name and the exact number. */
export function Kpi({ field, label, kind, value, previous, change, lowerIsBetter }: Props) {
  const trend = change == null ? "flat" : (change > 0) !== Boolean(lowerIsBetter) ? "good" : change === 0 ? "flat" : "bad";
  return (
    <article class="kpi" aria-label={label}>
      <h3>{label}</h3>
      <p
        class="kpi-value"
        data-kpi={field}
        data-value={value == null ? "" : String(value)}
        title={exact(kind, value)}
      >
        {short(kind, value)}
      </p>
      {previous !== undefined && (
        <p class="kpi-previous">
          <span class={`growth ${trend}`} title={change == null ? "No previous value to compare" : undefined}>
            {growth(change)}
          </span>{" "}
          <span title={exact(kind, previous)}>vs {short(kind, previous)}</span>
        </p>
      )}
    </article>
  );
}
