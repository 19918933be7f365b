import { cleanup, render } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { Kpi } from "../src/components/Kpi";
import { Table } from "../src/components/Table";
import { columnFilters } from "../src/pages/Explore";
import { parseFilters } from "../src/lib/filters";

afterEach(cleanup);

describe("KPI card", () => {
  it("carries the GraphQL field and the exact value for tests and assistive tools", () => {
    const { container } = render(
      <Kpi field="netSales" label="Net sales" kind="money" value={90312345.67} previous={73600000} change={0.2271} />,
    );
    const value = container.querySelector("[data-kpi='netSales']")!;
    expect(value.getAttribute("data-value")).toBe("90312345.67");
    expect(value.textContent).toBe("KSh 90.3M");
    expect(value.getAttribute("title")).toBe("KSh 90,312,345.67");
    expect(container.textContent).toContain("+22.7%");
  });
  it("shows no number when the API has none", () => {
    const { container } = render(<Kpi field="grossMargin" label="Gross margin" kind="percent" value={null} />);
    const value = container.querySelector("[data-kpi='grossMargin']")!;
    expect(value.getAttribute("data-value")).toBe("");
    expect(value.textContent).toBe("—");
  });
});

describe("table", () => {
  it("says so when nothing matches instead of drawing an empty grid", () => {
    const { container } = render(<Table title="Top products" rows={[]} columns={[{ label: "Product", value: (r: { k: string }) => r.k }]} />);
    expect(container.querySelector("table")).toBeNull();
    expect(container.querySelector("[role='status']")?.textContent).toMatch(/No rows/);
  });
});

describe("explore filters", () => {
  it("maps the global list filters onto the datasource's columns it has", () => {
    const f = parseFilters("?branches=Kisumu&regions=Coast&productLines=Dairy");
    expect(columnFilters(f, ["branch", "product_line"])).toEqual([
      { column: "branch", values: ["Kisumu"] },
      { column: "product_line", values: ["Dairy"] },
    ]);
  });
});
