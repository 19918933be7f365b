import { describe, expect, it } from "vitest";
import { formatTargets, parseTargets, salesTargets } from "../src/pages/Sales";

describe("sales targets in the URL", () => {
  it("round-trips each salesperson's own target", () => {
    const own = new Map([["Njeri Wambui", 500000], ["Omar Said", 250000]]);
    expect(parseTargets(formatTargets(own))).toEqual(own);
  });
  it("gives everyone the common target unless they have their own", () => {
    const own = new Map([["Omar Said", 250000]]);
    expect(salesTargets(["Njeri Wambui", "Omar Said"], 100000, own)).toEqual([
      { salesperson: "Njeri Wambui", target: 100000 },
      { salesperson: "Omar Said", target: 250000 },
    ]);
    expect(salesTargets(["Njeri Wambui"], Number(""), new Map())).toBeNull();
  });
});
