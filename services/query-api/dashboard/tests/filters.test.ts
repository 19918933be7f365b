import { describe, expect, it } from "vitest";
import { EMPTY, filtersToSearch, joinList, parseFilters, presetRange, splitList, toSalesFilter } from "../src/lib/filters";

describe("filters in the URL", () => {
  it("reads the issue's example link", () => {
    const f = parseFilters("?dateFrom=2024-01-01&dateTo=2024-03-31&branches=Kisumu,Eldoret");
    expect(f.dateFrom).toBe("2024-01-01");
    expect(f.dateTo).toBe("2024-03-31");
    expect(f.branches).toEqual(["Kisumu", "Eldoret"]);
    expect(f.salespeople).toEqual([]);
  });
  it("writes a filter back to the same readable link", () => {
    const f = { ...EMPTY, dateFrom: "2024-01-01", dateTo: "2024-03-31", branches: ["Kisumu", "Eldoret"] };
    expect(filtersToSearch(f)).toBe("?dateFrom=2024-01-01&dateTo=2024-03-31&branches=Kisumu,Eldoret");
  });
  it("round-trips values with commas, quotes, ampersands and spaces", () => {
    const f = {
      ...EMPTY,
      productLines: ["Cooking Oils & Fats", 'Flour, "Cereals"'],
      salespeople: ["Njeri Wambui"],
      datasource: "sales_2024",
    };
    expect(parseFilters(filtersToSearch(f))).toEqual(f);
    expect(splitList(joinList(f.productLines))).toEqual(f.productLines);
  });
  it("keeps the page's own parameters", () => {
    const search = filtersToSearch({ ...EMPTY, branches: ["Nyeri"] }, "?measure=GROSS_PROFIT&branches=Thika");
    expect(new URLSearchParams(search).get("measure")).toBe("GROSS_PROFIT");
    expect(new URLSearchParams(search).get("branches")).toBe("Nyeri");
  });
  it("drops invalid dates and swaps a reversed range", () => {
    expect(parseFilters("?dateFrom=2024-02-30").dateFrom).toBeNull();
    expect(parseFilters("?dateFrom=yesterday").dateFrom).toBeNull();
    const f = parseFilters("?dateFrom=2024-03-31&dateTo=2024-01-01");
    expect([f.dateFrom, f.dateTo]).toEqual(["2024-01-01", "2024-03-31"]);
  });
  it("sends only the lists that are set to GraphQL", () => {
    const f = parseFilters("?dateFrom=2024-01-01&branches=Kisumu");
    expect(toSalesFilter(f)).toEqual({ dateFrom: "2024-01-01", branches: ["Kisumu"] });
  });
});

describe("date presets", () => {
  const today = "2024-03-15";
  it("computes this month, last month, last 30 days and year to date", () => {
    expect(presetRange("thisMonth", today)).toEqual({ dateFrom: "2024-03-01", dateTo: "2024-03-15" });
    expect(presetRange("lastMonth", today)).toEqual({ dateFrom: "2024-02-01", dateTo: "2024-02-29" });
    expect(presetRange("last30", today)).toEqual({ dateFrom: "2024-02-15", dateTo: "2024-03-15" });
    expect(presetRange("ytd", today)).toEqual({ dateFrom: "2024-01-01", dateTo: "2024-03-15" });
    expect(presetRange("lastYear", today)).toEqual({ dateFrom: "2023-01-01", dateTo: "2023-12-31" });
  });
  it("anchors the 'latest' presets on the last day in the data", () => {
    expect(presetRange("latestMonth", today, "2025-11-20")).toEqual({ dateFrom: "2025-11-01", dateTo: "2025-11-30" });
    expect(presetRange("latestQuarter", today, "2025-11-20")).toEqual({ dateFrom: "2025-10-01", dateTo: "2025-12-31" });
    expect(presetRange("latestYear", today, "2025-11-20")).toEqual({ dateFrom: "2025-01-01", dateTo: "2025-12-31" });
    expect(presetRange("all", today)).toEqual({ dateFrom: null, dateTo: null });
  });
});

describe("all data on purpose", () => {
  it("marks the link so no default range replaces it, until a date is chosen", async () => {
    const { allDataSearch, wantsAllData } = await import("../src/lib/filters");
    const search = allDataSearch({ ...EMPTY, dateFrom: "2025-01-01", branches: ["Nyeri"] }, "?measure=COST");
    expect(wantsAllData(search)).toBe(true);
    expect(parseFilters(search).dateFrom).toBeNull();
    expect(parseFilters(search).branches).toEqual(["Nyeri"]);
    expect(wantsAllData(filtersToSearch({ ...EMPTY, dateFrom: "2025-01-01" }, search))).toBe(false);
  });
});

describe("the period shown", () => {
  it("names the preset a link's dates equal, else custom", async () => {
    const { matchingPreset } = await import("../src/lib/filters");
    const f = parseFilters("?dateFrom=2024-01-01&dateTo=2024-12-31");
    expect(matchingPreset(f, "", "2026-12-05", "2024-06-30")).toBe("latestYear");
    const lastYear = parseFilters("?dateFrom=2025-01-01&dateTo=2025-12-31");
    expect(matchingPreset(lastYear, "", "2026-12-05", "2025-12-31")).toBe("lastYear"); // first match
    expect(matchingPreset(parseFilters("?dateFrom=2026-12-01&dateTo=2026-12-05"), "", "2026-12-05")).toBe("thisMonth");
    expect(matchingPreset(parseFilters("?dateFrom=2025-02-03&dateTo=2025-02-04"), "", "2026-12-05")).toBe("");
    expect(matchingPreset(parseFilters("?period=all"), "?period=all")).toBe("all");
  });
});
