import type { Measure } from "../gql/graphql";
import { MEASURES } from "../lib/measures";

export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly { id: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.currentTarget.value as T)}>
        {options.map((o) => (
          <option value={o.id}>{o.label}</option>
        ))}
      </select>
    </label>
  );
}

export function MeasureSelect({ value, onChange, label = "Measure" }: { value: Measure; onChange: (m: Measure) => void; label?: string }) {
  return <Select label={label} value={value} options={MEASURES} onChange={onChange} />;
}
