import { describe, expect, it } from "vitest";
import type { FoodDetails } from "./bindings";
import { LABEL_VALUES, customFoodFrom, recipeFrom, datesBetween, defaultUnit, fillDays, percentOf, shiftDate, unitsFor } from "./nutrition";

const milk: FoodDetails = {
  id: "m",
  name: "Milk, whole",
  brand_name: null,
  barcode_ean: null,
  barcode_upc: null,
  serving_size: null,
  serving_unit: null,
  serving_grams: null,
  portions: [
    { name: "cup", amount: 1, grams: 244 },
    { name: "fl oz", amount: 1, grams: 30.5 },
  ],
  source: "usda_sr24",
  source_id: "01077",
  nutrients: {},
};

describe("nutrition helpers", () => {
  it("moves dates across months and years", () => {
    expect(shiftDate("2026-11-30", 1)).toBe("2026-12-01");
    expect(shiftDate("2026-01-01", -1)).toBe("2025-12-31");
    expect(datesBetween("2026-02-27", "2026-03-01")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });

  it("leaves days without meals as gaps, not zeros", () => {
    const rows = [{ date: "2026-11-02", calories: 2000 }];
    const { dates, values } = fillDays(rows, "2026-11-01", "2026-11-03", (r) => r.calories);
    expect(dates).toHaveLength(3);
    expect(values).toEqual([null, 2000, null]);
  });

  it("offers volume units only for foods with a volume measure", () => {
    expect(unitsFor(milk)).toEqual(["g", "oz", "ml", "cup", "tbsp", "tsp", "piece", "fl oz"]);
    const chicken = { ...milk, portions: [{ name: "breast", amount: 1, grams: 172 }] };
    expect(unitsFor(chicken)).toEqual(["g", "oz", "piece", "breast"]);
    expect(defaultUnit(chicken)).toEqual({ unit: "breast", quantity: 1 });
    expect(defaultUnit({ ...milk, portions: [] })).toEqual({ unit: "g", quantity: 100 });
    const banana = {
      ...milk,
      portions: [
        { name: 'extra small (less than 6" long)', amount: 1, grams: 81 },
        { name: 'medium (7" to 7-7/8" long)', amount: 1, grams: 118 },
      ],
    };
    expect(defaultUnit(banana).unit).toBe('medium (7" to 7-7/8" long)');
  });

  it("gives no percentage without a target", () => {
    expect(percentOf(45, 90)).toBe(50);
    expect(percentOf(45, null)).toBeNull();
  });
});

describe("customFoodFrom", () => {
  it("sends blanks as none and only the values typed", () => {
    const food = customFoodFrom({
      name: "  Trail bar ",
      brand: " ",
      barcode: "5000000000005",
      serving: "1 bar=45g",
      per: "serving",
      values: { calories: 200, protein_g: null, total_fat_g: "7,5", total_carbs_g: "" },
    });
    expect(food).toEqual({
      name: "Trail bar",
      brand_name: null,
      barcode: "5000000000005",
      serving: "1 bar=45g",
      per: "serving",
      nutrients: { calories: 200, total_fat_g: 7.5 },
    });
  });

  it("asks for energy and names only the core's nutrient columns", () => {
    expect(LABEL_VALUES.filter((v) => v.required).map((v) => v.key)).toEqual(["calories"]);
    for (const v of LABEL_VALUES) expect(v.key).toMatch(/^[a-z_]+$/);
  });
});

describe("recipeFrom", () => {
  const oats = { ...milk, id: "oats", name: "Oats" };
  const banana = { ...milk, id: "banana", name: "Banana" };

  it("sends each row's food, amount and unit, with typed text read as numbers", () => {
    const r = recipeFrom("  Porridge ", "2", [
      { food: oats, quantity: "160", unit: "g" },
      { food: banana, quantity: "1,5", unit: "medium" },
    ]);
    expect(r).toEqual({
      recipe: {
        name: "Porridge",
        servings: 2,
        ingredients: [
          { food_id: "oats", quantity: 160, unit: "g" },
          { food_id: "banana", quantity: 1.5, unit: "medium" },
        ],
      },
    });
  });

  it("names a blank amount instead of sending zero or null", () => {
    expect(recipeFrom("Soup", "", [{ food: oats, quantity: 1, unit: "g" }])).toEqual({
      problem: "Say how many servings the recipe makes.",
    });
    expect(recipeFrom("Soup", 2, [{ food: banana, quantity: "", unit: "g" }])).toEqual({
      problem: "Give an amount of Banana.",
    });
  });
});
