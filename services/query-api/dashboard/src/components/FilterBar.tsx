import {
  allDataSearch,
  LIST_KEYS,
  matchingPreset,
  PRESETS,
  presetRange,
  type Filters,
  type ListKey,
  type PresetId,
} from "../lib/filters";
import { navigate, useLocation } from "../lib/location";
import { useChoices, useFilters } from "../lib/useFilters";

const LABELS: Record<ListKey, string> = {
  branches: "Branches",
  regions: "Regions",
  productLines: "Product lines",
  itemGroups: "Item groups",
  salespeople: "Salespeople",
};

function MultiSelect({
  label,
  options,
  selected,
  onChange,
}: {
  label: string;
  options: string[];
  selected: string[];
  onChange: (values: string[]) => void;
}) {
  if (options.length === 0) return null;
  const id = `f-${label.replace(/\W+/g, "-").toLowerCase()}`;
  const toggle = (value: string, on: boolean) =>
    onChange(on ? [...selected, value] : selected.filter((v) => v !== value));
  return (
    <details class="multi" data-filter={id}>
      <summary aria-label={`${label}: ${selected.length ? selected.join(", ") : "all"}`}>
        {label}: {selected.length === 0 ? "all" : selected.length === 1 ? selected[0] : `${selected.length} chosen`}
      </summary>
      <fieldset>
        <legend class="sr-only">{label}</legend>
        {selected.length > 0 && (
          <button type="button" class="small" onClick={() => onChange([])}>
            Clear
          </button>
        )}
        {options.map((o) => (
          <label>
            <input type="checkbox" checked={selected.includes(o)} onChange={(e) => toggle(o, e.currentTarget.checked)} />{" "}
            {o}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

export function FilterBar() {
  const { filters, setFilters } = useFilters();
  const choices = useChoices();
  const { search } = useLocation();
  const preset = matchingPreset(filters, search, undefined, choices?.lastDate ?? null);
  const update = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  const applyPreset = (id: string) => {
    if (!id) return;
    if (id === "all") {
      navigate(`${location.pathname}${allDataSearch(filters, location.search)}`);
      return;
    }
    update(presetRange(id as PresetId, undefined, choices?.lastDate ?? null));
  };
  return (
    <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Period
        <select value={preset} onChange={(e) => applyPreset(e.currentTarget.value)}>
          <option value="">Custom</option>
          {PRESETS.map((p) => (
            <option value={p.id}>{p.label}</option>
          ))}
        </select>
      </label>
      <label>
        From
        <input
          type="date"
          name="dateFrom"
          value={filters.dateFrom ?? ""}
          min={choices?.firstDate ?? undefined}
          onChange={(e) => {
            update({ dateFrom: e.currentTarget.value || null });
          }}
        />
      </label>
      <label>
        To
        <input
          type="date"
          name="dateTo"
          value={filters.dateTo ?? ""}
          onChange={(e) => {
            update({ dateTo: e.currentTarget.value || null });
          }}
        />
      </label>
      {LIST_KEYS.map((key) => (
        <MultiSelect
          label={LABELS[key]}
          options={choices?.[key] ?? []}
          selected={filters[key]}
          onChange={(values) => update({ [key]: values } as Partial<Filters>)}
        />
      ))}
      {choices && choices.datasources.length > 1 && (
        <label>
          Datasource
          <select
            value={filters.datasource ?? ""}
            onChange={(e) => update({ datasource: e.currentTarget.value || null })}
          >
            <option value="">default (sales)</option>
            {choices.datasources.map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}
