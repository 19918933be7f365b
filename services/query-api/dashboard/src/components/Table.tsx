import type { ComponentChildren } from "preact";
import { download, fileSlug, toCsv, type Cell } from "../lib/csv";

export interface Column<R> {
  label: string;
  /** Value written to CSV (exact, unformatted). */
  value: (row: R) => Cell;
  /** What the cell shows; the exact value is its title. */
  render?: (row: R) => ComponentChildren;
  numeric?: boolean;
  title?: (row: R) => string;
}

interface Props<R> {
  title: string;
  columns: Column<R>[];
  rows: R[];
  empty?: string;
  caption?: string;
}

/** A table with a caption, CSV export of exactly its rows, and an explicit empty state. */
export function Table<R>({ title, columns, rows, empty, caption }: Props<R>) {
  const exportCsv = () =>
    download(
      `${fileSlug(title)}.csv`,
      toCsv(
        columns.map((c) => c.label),
        rows.map((r) => columns.map((c) => c.value(r))),
      ),
    );
  return (
    <section class="panel table-panel" aria-label={title}>
      <header>
        <h2>{title}</h2>
        {rows.length > 0 && (
          <button type="button" class="small" onClick={exportCsv} aria-label={`Export ${title} as CSV`}>
            CSV
          </button>
        )}
      </header>
      {rows.length === 0 ? (
        <p class="empty" role="status">
          {empty ?? "No rows match this selection."}
        </p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label={`${title} (scrollable)`}>
          <table>
            {caption && <caption>{caption}</caption>}
            <thead>
              <tr>
                {columns.map((c) => (
                  <th scope="col" class={c.numeric ? "num" : undefined}>
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  {columns.map((c) => {
                    const raw = c.value(r);
                    return (
                      <td
                        class={c.numeric ? "num" : undefined}
                        title={c.title ? c.title(r) : raw == null ? undefined : String(raw)}
                      >
                        {c.render ? c.render(r) : raw == null ? "—" : String(raw)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
