import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "../src/lib/csv";

describe("CSV export", () => {
  it("quotes separators and quotes, leaves numbers exact", () => {
    expect(toCsv(["a", "b"], [["x,y", 1234567.891], ['say "hi"', null]])).toBe(
      'a,b\r\n"x,y",1234567.891\r\n"say ""hi""",\r\n',
    );
  });
  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+254700")).toBe("'+254700");
    expect(csvCell(-5)).toBe("-5");
  });
});
