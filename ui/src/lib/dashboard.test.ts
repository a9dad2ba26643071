import { describe, expect, it } from "vitest";
import type { NutrientHighlight } from "./bindings";
import { formatForm, formatNutrient, formatStreak, nutrientState, periodTitle } from "./dashboard";

const fibre: NutrientHighlight = {
  key: "dietary_fiber_g",
  label: "Fibre",
  amount: 14,
  unit: "g",
  reference: 28,
  percent: 50,
  goal: "reach",
};

describe("dashboard display", () => {
  it("signs form like the CLI and rounds it", () => {
    expect(formatForm(7.4, "en-US")).toBe("+7");
    expect(formatForm(-12.6, "en-US")).toBe("−13");
    expect(formatForm(0.3, "en-US")).toBe("0");
  });

  it("counts streak days in words", () => {
    expect(formatStreak({ current: 0, longest: 4, today_done: false })).toBe("No streak yet");
    expect(formatStreak({ current: 1, longest: 4, today_done: true })).toBe("1 day");
    expect(formatStreak({ current: 12, longest: 12, today_done: true })).toBe("12 days");
  });

  it("shows a nutrient's amount and its share of the daily value", () => {
    expect(formatNutrient(fibre, "en-US")).toBe("14.0 g · 50%");
    expect(formatNutrient({ ...fibre, amount: 2760, unit: "mg", percent: 120 }, "en-US")).toBe("2,760 mg · 120%");
  });

  it("flags a passed limit and a low nutrient", () => {
    expect(nutrientState({ ...fibre, percent: 30 })).toBe("low");
    expect(nutrientState({ ...fibre, percent: 80 })).toBe("ok");
    expect(nutrientState({ ...fibre, goal: "limit", percent: 120 })).toBe("over");
    expect(nutrientState({ ...fibre, goal: "limit", percent: 90 })).toBe("ok");
  });

  it("titles a week by its days and a month by its name", () => {
    expect(periodTitle("week", "2026-11-23", "2026-11-29", "en-US")).toBe("Nov 23 – Nov 29, 2026");
    expect(periodTitle("month", "2026-11-01", "2026-11-30", "en-US")).toBe("November 2026");
  });
});
