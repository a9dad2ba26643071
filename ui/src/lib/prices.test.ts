import { describe, expect, it } from "vitest";
import { budgetUsedPercent, priceFormFrom, priceOverridesFrom } from "./prices";

const haiku = { input_per_mtok: 1, output_per_mtok: 5 };

describe("the price table editor", () => {
  it("saves only changed built-ins and the user's own models", () => {
    const rows = priceFormFrom([
      { model: "claude-haiku-4-5", price: haiku, built_in: haiku, overridden: false },
      { model: "llama-3.1-8b-instant", price: { input_per_mtok: 0.05, output_per_mtok: 0.08 }, built_in: { input_per_mtok: 0.05, output_per_mtok: 0.08 }, overridden: false },
    ]);
    rows[0]!.input = "0.5";
    rows.push({ model: " my-local ", input: "0", output: "$0", builtIn: null });
    const { overrides, errors } = priceOverridesFrom(rows);
    expect(errors).toEqual({});
    expect(overrides).toEqual([
      { model: "claude-haiku-4-5", price: { input_per_mtok: 0.5, output_per_mtok: 5 } },
      { model: "my-local", price: { input_per_mtok: 0, output_per_mtok: 0 } },
    ]);
  });

  it("names the row that is wrong and saves nothing from it", () => {
    const { overrides, errors } = priceOverridesFrom([
      { model: "", input: "1", output: "1", builtIn: null },
      { model: "a", input: "-1", output: "1", builtIn: null },
      { model: "b", input: "abc", output: "1", builtIn: null },
      { model: "c", input: "1", output: "5000", builtIn: null },
      { model: "d", input: "1", output: "2", builtIn: null },
      { model: "d", input: "1", output: "2", builtIn: null },
    ]);
    expect(Object.keys(errors).map(Number)).toEqual([0, 1, 2, 3, 5]);
    expect(errors[5]).toContain("twice");
    expect(overrides.map((o) => o.model)).toEqual(["d"]);
  });

  it("shows how much of the monthly budget is used", () => {
    expect(budgetUsedPercent(2.5, 10)).toBe(25);
    expect(budgetUsedPercent(12, 10)).toBe(100);
    expect(budgetUsedPercent(1, null)).toBeNull();
    expect(budgetUsedPercent(0, 0)).toBe(100);
  });
});
