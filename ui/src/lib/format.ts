// Pure display helpers. The core stores kg, metres, seconds and UTC RFC 3339
// timestamps; everything here converts for display only.

import type { InputType, MealCategory, ProcessingStatus, Units } from "./bindings";

/** undefined = the system's locale. Tests pass an explicit one. */
export type Locale = string | undefined;

const KG_PER_LB = 0.45359237;
const METERS_PER_MILE = 1609.344;

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let nf = numberFormats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, nf);
  }
  return nf;
}

/** A whole number with grouping: 1842.4 → "1,842". */
export function formatInt(n: number, locale?: Locale): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(Math.round(n));
}

/** A number with exactly `digits` decimals. */
export function formatDecimal(n: number, digits: number, locale?: Locale): string {
  return numberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

/** Seconds as h:mm, rounded to the minute: 2730 → "0:46", 5400 → "1:30". */
export function formatDuration(seconds: number): string {
  const totalMinutes = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds / 60) : 0;
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return `${hours}:${String(minutes).padStart(2, "0")}`;
}

/** Metres as km (metric) or miles (imperial), one decimal. */
export function formatDistance(meters: number, units: Units, locale?: Locale): string {
  if (units === "imperial") return `${formatDecimal(meters / METERS_PER_MILE, 1, locale)} mi`;
  return `${formatDecimal(meters / 1000, 1, locale)} km`;
}

export function weightUnit(units: Units): string {
  return units === "imperial" ? "lb" : "kg";
}

function toDisplayWeight(kg: number, units: Units): number {
  return units === "imperial" ? kg / KG_PER_LB : kg;
}

/** Kilograms as "82.4 kg" or "181.7 lb". */
export function formatWeight(kg: number, units: Units, locale?: Locale): string {
  return `${formatDecimal(toDisplayWeight(kg, units), 1, locale)} ${weightUnit(units)}`;
}

/** A signed weight change: "+0.3 kg", "-1.3 lb", "0.0 kg". */
export function formatWeightChange(kg: number, units: Units, locale?: Locale): string {
  const value = toDisplayWeight(kg, units);
  const rounded = Math.round(value * 10) / 10;
  const text = numberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  }).format(rounded === 0 ? 0 : rounded);
  return `${text} ${weightUnit(units)}`;
}

/** A weekly rate of change: "−0.45 kg/week", "+0.50 lb/week", "±0.00 kg/week". */
export function formatWeightRate(kgPerWeek: number, units: Units, locale?: Locale): string {
  const rounded = Math.round(toDisplayWeight(kgPerWeek, units) * 100) / 100;
  const sign = rounded > 0 ? "+" : rounded < 0 ? "−" : "±";
  return `${sign}${formatDecimal(Math.abs(rounded), 2, locale)} ${weightUnit(units)}/week`;
}

/** Calories left for the day, or null without a target. Negative = over. */
export function kcalRemaining(eaten: number, target: number | null): number | null {
  if (target === null || !Number.isFinite(target)) return null;
  return Math.round(target) - Math.round(eaten);
}

/** "558 kcal left", "120 kcal over", "Right on target", or null without a target. */
export function formatKcalRemaining(remaining: number | null, locale?: Locale): string | null {
  if (remaining === null) return null;
  const r = Math.round(remaining);
  if (r === 0) return "Right on target";
  if (r > 0) return `${formatInt(r, locale)} kcal left`;
  return `${formatInt(-r, locale)} kcal over`;
}

/** Share of a target reached, clamped to 0..1 (0 without a target). */
export function fraction(value: number, target: number | null): number {
  if (target === null || target <= 0 || !Number.isFinite(value)) return 0;
  return Math.min(Math.max(value / target, 0), 1);
}

// ---------------------------------------------------------------- dates

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A DateTimeFormat for a zone, falling back to the system zone if unknown. */
function dateFormat(
  locale: Locale,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${timeZone ?? ""}|${JSON.stringify(options)}`;
  let df = dateFormats.get(key);
  if (!df) {
    try {
      df = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      df = new Intl.DateTimeFormat(locale, options);
    }
    dateFormats.set(key, df);
  }
  return df;
}

function parseInstant(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Clock time of a UTC timestamp in a zone: "7:42 AM". */
export function formatTime(iso: string, timeZone: string, locale?: Locale): string {
  const d = parseInstant(iso);
  if (!d) return "";
  return dateFormat(locale, timeZone, { hour: "numeric", minute: "2-digit" }).format(d);
}

/** Short day of a UTC timestamp in a zone: "Mon, Nov 24". */
export function formatDayShort(iso: string, timeZone: string, locale?: Locale): string {
  const d = parseInstant(iso);
  if (!d) return "";
  return dateFormat(locale, timeZone, { weekday: "short", month: "short", day: "numeric" }).format(d);
}

/** Day and time of a UTC timestamp in a zone: "Mon, Nov 24, 7:42 AM". */
export function formatDateTime(iso: string, timeZone: string, locale?: Locale): string {
  const d = parseInstant(iso);
  if (!d) return "";
  return dateFormat(locale, timeZone, {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  }).format(d);
}

/** A calendar date "2025-11-25" as "Tuesday, November 25, 2025". */
export function formatCalendarDate(ymd: string, locale?: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return dateFormat(locale, "UTC", {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
  }).format(d);
}

/** A calendar date "2025-11-25" as "Nov 25" (with the year when `withYear`). */
export function formatShortDate(ymd: string, withYear = false, locale?: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const options: Intl.DateTimeFormatOptions = withYear
    ? { year: "numeric", month: "short", day: "numeric" }
    : { month: "short", day: "numeric" };
  return dateFormat(locale, "UTC", options).format(d);
}

/** The calendar date ("YYYY-MM-DD") of an instant in a zone. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  const parts = dateFormat("en-CA", timeZone, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

// ---------------------------------------------------------------- labels

/** "WeightTraining" / "weight_training" / "run" → "Weight training" / "Run". */
export function humanize(s: string): string {
  const words = s
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.length === 0 ? "" : words.charAt(0).toUpperCase() + words.slice(1);
}

export function mealCategoryLabel(c: MealCategory): string {
  return humanize(c);
}

/** How a quick entry's processing status reads after "saved — ". */
export function entryStatusText(status: ProcessingStatus): string {
  switch (status) {
    case "pending":
      return "pending processing";
    case "processing":
      return "processing";
    case "completed":
      return "processed";
    case "failed":
      return "processing failed";
    case "needs_review":
      return "needs your review";
  }
}

/** The short badge label of a processing status. */
export function entryStatusBadge(status: ProcessingStatus): string {
  switch (status) {
    case "pending":
      return "Pending";
    case "processing":
      return "Processing";
    case "completed":
      return "Processed";
    case "failed":
      return "Failed";
    case "needs_review":
      return "Needs review";
  }
}

/** What to show for an entry that has no text of its own. */
export function entryFallbackText(type: InputType): string {
  switch (type) {
    case "text":
      return "(empty entry)";
    case "voice":
      return "Voice note";
    case "image":
      return "Photo";
    case "multimodal":
      return "Photo with note";
    case "pdf":
      return "PDF document";
  }
}
