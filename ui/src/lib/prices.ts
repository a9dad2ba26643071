// The AI price table editor: rows as the user types them, checked before
// anything is saved, and turned into the overrides the core stores.

import type { Price, PriceOverride, PriceRow } from "./bindings";

/** Matches the core's limit (src/ai/prices.rs MAX_PER_MTOK). */
export const MAX_PER_MTOK = 1000;

export type PriceFormRow = {
  model: string;
  input: string;
  output: string;
  /** The published price, when the app knows the model. */
  builtIn: Price | null;
};

export type PriceFormErrors = Record<number, string>;

export function priceFormFrom(rows: PriceRow[]): PriceFormRow[] {
  return rows.map((r) => ({
    model: r.model,
    input: String(r.price.input_per_mtok),
    output: String(r.price.output_per_mtok),
    builtIn: r.built_in,
  }));
}

function amount(text: string): number | null {
  const t = text.trim().replace(/^\$/, "");
  if (t === "" || !/^\d*\.?\d+$|^\d+\.$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) && v >= 0 && v <= MAX_PER_MTOK ? v : null;
}

/**
 * The overrides to save: rows whose price differs from the built-in one,
 * and every model the user added. Errors are keyed by row index.
 */
export function priceOverridesFrom(rows: PriceFormRow[]): { overrides: PriceOverride[]; errors: PriceFormErrors } {
  const errors: PriceFormErrors = {};
  const overrides: PriceOverride[] = [];
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const model = row.model.trim();
    const input = amount(row.input);
    const output = amount(row.output);
    if (model === "") {
      errors[i] = "Name the model.";
    } else if (seen.has(model)) {
      errors[i] = `${model} is listed twice.`;
    } else if (input === null || output === null) {
      errors[i] = `Prices are US dollars per million tokens, from 0 to ${MAX_PER_MTOK}.`;
    }
    seen.add(model);
    if (errors[i] || input === null || output === null) return;
    const b = row.builtIn;
    if (b && b.input_per_mtok === input && b.output_per_mtok === output) return;
    overrides.push({ model, price: { input_per_mtok: input, output_per_mtok: output } });
  });
  return { overrides, errors };
}

/** What `usd` of `budget` is, for the meter (0–100, null without a budget). */
export function budgetUsedPercent(usd: number, budget: number | null | undefined): number | null {
  if (budget == null || !Number.isFinite(budget)) return null;
  if (budget <= 0) return 100;
  return Math.min(100, Math.max(0, (usd / budget) * 100));
}
