// Display helpers for the dashboard (Today, week, month): pure, so they are tested.

import type { FormBand, NutrientHighlight, PeriodKind, Streak } from "./bindings";
import { formatDecimal, formatInt, formatShortDate, type Locale } from "./format";

const FORM_BANDS: Record<FormBand, string> = {
  no_data: "No training load yet",
  detraining: "Detraining — rested a long time",
  fresh: "Fresh — ready for a hard day",
  neutral: "Neutral",
  productive: "Productive — building fitness",
  overreaching: "Overreaching — rest soon",
};

export function formBandLabel(band: FormBand): string {
  return FORM_BANDS[band];
}

/** Form (TSB) with its sign, rounded: "+7", "−12", "0". */
export function formatForm(form: number, locale?: Locale): string {
  const r = Math.round(form);
  if (r === 0) return "0";
  return `${r > 0 ? "+" : "−"}${formatInt(Math.abs(r), locale)}`;
}

/** "5 days", "1 day", "No streak yet". */
export function formatStreak(s: Streak, locale?: Locale): string {
  if (s.current === 0) return "No streak yet";
  return `${formatInt(s.current, locale)} ${s.current === 1 ? "day" : "days"}`;
}

/** "14.0 g · 50%": amount in its unit and the share of the daily value. */
export function formatNutrient(h: NutrientHighlight, locale?: Locale): string {
  const digits = h.amount >= 100 ? 0 : 1;
  return `${formatDecimal(h.amount, digits, locale)} ${h.unit} · ${formatInt(h.percent, locale)}%`;
}

/** A limit passed, or a nutrient to reach that is still low. */
export function nutrientState(h: NutrientHighlight): "over" | "low" | "ok" {
  if (h.goal === "limit") return h.percent > 100 ? "over" : "ok";
  return h.percent < 50 ? "low" : "ok";
}

/** "Nov 23 – Nov 29" for a week, "November 2026" for a month. */
export function periodTitle(kind: PeriodKind, start: string, end: string, locale?: Locale): string {
  if (kind === "week") return `${formatShortDate(start, false, locale)} – ${formatShortDate(end, true, locale)}`;
  const m = /^(\d{4})-(\d{2})/.exec(start);
  if (!m) return start;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(d);
}
