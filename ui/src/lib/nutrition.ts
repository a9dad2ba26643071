// Pure helpers of the Nutrition page, kept here so they can be tested.

import type { CustomFood, FoodDetails, NewRecipe, Per } from "./bindings";

/** A calendar date "YYYY-MM-DD" moved by `days`. */
export function shiftDate(ymd: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = ymd.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

/** Every date from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = shiftDate(d, 1)) out.push(d);
  return out;
}

/** Values per date over a range, null on days without a value (a gap, not zero). */
export function fillDays<T extends { date: string }>(
  rows: T[],
  from: string,
  to: string,
  value: (row: T) => number | null,
): { dates: string[]; values: (number | null)[] } {
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const dates = datesBetween(from, to);
  return { dates, values: dates.map((d) => (byDate.has(d) ? value(byDate.get(d) as T) : null)) };
}

/** The units a food can be measured in: mass and volume units, then its named portions. */
export function unitsFor(food: FoodDetails): string[] {
  const units = ["g", "oz"];
  const hasVolume = food.portions.some((p) => /^(cup|tbsp|tsp|fl oz|ml)\b/i.test(p.name));
  if (hasVolume) units.push("ml", "cup", "tbsp", "tsp");
  if (food.portions.length > 0 || food.serving_grams !== null) units.push("piece");
  for (const p of food.portions) {
    const name = p.name.trim();
    if (name && !units.includes(name)) units.push(name);
  }
  return units;
}

const TYPICAL = ["medium", "large", "piece", "serving", "slice", "each", "item", "fruit", "whole", "unit"];

/**
 * The unit a food is usually logged in: a typical portion (a medium banana,
 * a large egg, a slice), else its first named non-volume portion, else grams.
 */
export function defaultUnit(food: FoodDetails): { unit: string; quantity: number } {
  const starts = (name: string, word: string) => name.toLowerCase() === word || new RegExp(`^${word}\\b`).test(name.toLowerCase());
  const typical = TYPICAL.map((w) => food.portions.find((p) => starts(p.name, w))).find((p) => p !== undefined);
  const portion = typical ?? food.portions.find((p) => !/^(cup|tbsp|tsp|fl oz|ml)\b/i.test(p.name));
  return portion ? { unit: portion.name, quantity: portion.amount } : { unit: "g", quantity: 100 };
}

/** A rounded share of a target in percent, or null without a target. */
export function percentOf(value: number, target: number | null): number | null {
  if (target === null || target <= 0) return null;
  return Math.round((value / target) * 100);
}

/** The label values the custom-food form asks for, by the core's nutrient column. */
export const LABEL_VALUES: { key: string; label: string; required: boolean }[] = [
  { key: "calories", label: "Energy (kcal)", required: true },
  { key: "protein_g", label: "Protein (g)", required: false },
  { key: "total_carbs_g", label: "Carbohydrate (g)", required: false },
  { key: "total_fat_g", label: "Fat (g)", required: false },
  { key: "dietary_fiber_g", label: "Fibre (g)", required: false },
  { key: "total_sugars_g", label: "Sugars (g)", required: false },
  { key: "sodium_mg", label: "Sodium (mg)", required: false },
];

/** What the custom-food form holds; empty number fields are null (or "" in some engines). */
export type CustomFoodFields = {
  name: string;
  brand: string;
  barcode: string;
  serving: string;
  per: Per;
  values: Record<string, number | string | null | undefined>;
};

/**
 * The form as the core's `CustomFood`: blanks become none, and only the
 * values the user typed are sent (the core checks names, ranges and totals).
 */
export function customFoodFrom(f: CustomFoodFields): CustomFood {
  const blank = (s: string) => (s.trim() === "" ? null : s.trim());
  const nutrients: Partial<Record<string, number>> = {};
  for (const { key } of LABEL_VALUES) {
    const v = f.values[key];
    if (v === null || v === undefined || v === "") continue;
    const n = typeof v === "number" ? v : Number(String(v).replace(",", "."));
    if (Number.isFinite(n)) nutrients[key] = n;
  }
  return {
    name: f.name.trim(),
    brand_name: blank(f.brand),
    barcode: blank(f.barcode),
    serving: blank(f.serving),
    per: f.per,
    nutrients,
  };
}

/** One ingredient row of the recipe editor: the food, an amount and a unit it supports. */
export type RecipeRow = { food: FoodDetails; quantity: number | string | null; unit: string };

/**
 * The editor's fields as the core's `NewRecipe`, or what is missing: a blank
 * or unreadable number would reach the core as null, so it is named here
 * (the core checks the rest: names, amounts > 0, units the food supports).
 */
export function recipeFrom(
  name: string,
  servings: number | string | null,
  rows: RecipeRow[],
): { recipe: NewRecipe } | { problem: string } {
  const num = (v: number | string | null | undefined) =>
    typeof v === "number" ? v : v === null || v === undefined || v.trim() === "" ? Number.NaN : Number(v.replace(",", "."));
  const count = num(servings);
  if (!Number.isFinite(count)) return { problem: "Say how many servings the recipe makes." };
  const ingredients = [];
  for (const r of rows) {
    const quantity = num(r.quantity);
    if (!Number.isFinite(quantity)) return { problem: `Give an amount of ${r.food.name}.` };
    ingredients.push({ food_id: r.food.id, quantity, unit: r.unit });
  }
  return { recipe: { name: name.trim(), servings: count, ingredients } };
}

/** What the recipe card shows of one serving, by the core's nutrient key. */
export const SERVING_FACTS: { key: string; label: string; unit: string }[] = [
  { key: "calories", label: "Energy", unit: "kcal" },
  { key: "protein_g", label: "Protein", unit: "g" },
  { key: "total_carbs_g", label: "Carbohydrate", unit: "g" },
  { key: "total_fat_g", label: "Fat", unit: "g" },
  { key: "dietary_fiber_g", label: "Fibre", unit: "g" },
];
