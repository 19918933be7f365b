import { describe, expect, it } from "vitest";
import { businessToday, count, dateTime, day, exact, growth, money, moneyExact, percent } from "../src/lib/format";

describe("money", () => {
  it("shortens shillings to KSh with one decimal", () => {
    expect(money(1_234_567)).toBe("KSh 1.2M");
    expect(money(90_312_345.67)).toBe("KSh 90.3M");
    expect(money(4_700)).toBe("KSh 4.7K");
    expect(money(999.5)).toBe("KSh 999.5");
  });
  it("keeps the sign of negative amounts (returns)", () => {
    expect(money(-2_500_000)).toBe("−KSh 2.5M");
  });
  it("shows a dash, never a number, without a value", () => {
    expect(money(null)).toBe("—");
    expect(money(undefined)).toBe("—");
    expect(money(Number.NaN)).toBe("—");
  });
  it("gives the exact amount for hover", () => {
    expect(moneyExact(1_234_567.891)).toBe("KSh 1,234,567.89");
    expect(exact("money", null)).toBe("no value");
  });
});

describe("counts and shares", () => {
  it("formats counts with grouping, compact past 100k", () => {
    expect(count(19_324)).toBe("19,324");
    expect(count(425_512)).toBe("425.5K");
  });
  it("formats shares and growth with a sign", () => {
    expect(percent(0.1764)).toBe("17.6%");
    expect(growth(0.2268)).toBe("+22.7%");
    expect(growth(-0.05)).toBe("−5.0%");
    expect(growth(null)).toBe("n/a");
  });
});

describe("dates in the business time zone", () => {
  it("shows an instant in Africa/Nairobi (UTC+3)", () => {
    // 22:30 UTC on 31 Dec is already 1 Jan in Nairobi.
    expect(dateTime("2024-12-31T22:30:00Z")).toMatch(/1 Jan 2025.*01:30/);
  });
  it("shows a local day as that day", () => {
    expect(day("2024-03-01")).toBe("1 Mar 2024");
  });
  it("takes today from Nairobi's clock, not UTC's", () => {
    expect(businessToday(new Date("2024-06-30T21:30:00Z"))).toBe("2024-07-01");
    expect(businessToday(new Date("2024-06-30T20:30:00Z"))).toBe("2024-06-30");
  });
});
