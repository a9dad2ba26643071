// Pure helpers of the Body page: values of a measurement in the user's units
// (with the factors the core sends in BodyOverview.kinds), the key=value
// strings the core parses, and which field a core error is about.

import type { KindView, Measurement, Upload } from "./bindings";
import { formatDecimal, type Locale } from "./format";

/** The stored SI value of a kind in a measurement, if any. */
export function siValue(m: Measurement, kind: KindView): number | null {
  switch (kind.storage.kind) {
    case "weight_column":
      return m.weight_kg;
    case "body_fat_column":
      return m.body_fat_pct;
    case "json": {
      const v = m.measurements[kind.storage.key];
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    }
  }
}

/** An SI value in the kind's shown unit (not rounded). */
export function toShown(si: number, kind: KindView): number {
  return kind.si_per_unit > 0 ? si / kind.si_per_unit : si;
}

/** "82.4 kg", "18.5%", "52 bpm". */
export function formatKind(si: number, kind: KindView, locale?: Locale): string {
  const text = formatDecimal(toShown(si, kind), kind.digits, locale);
  return kind.unit === "%" ? `${text}%` : `${text} ${kind.unit}`;
}

/** The number to prefill an input with: "82.4" (no grouping, dot decimal). */
export function inputValue(si: number, kind: KindView): string {
  return toShown(si, kind).toFixed(kind.digits);
}

export type ShownValue = { key: string; label: string; text: string };

/** Every value of a measurement in kind order; JSON keys no kind knows are shown raw. */
export function describeMeasurement(m: Measurement, kinds: KindView[], locale?: Locale): ShownValue[] {
  const out: ShownValue[] = [];
  const known = new Set<string>();
  for (const kind of kinds) {
    if (kind.storage.kind === "json") known.add(kind.storage.key);
    const si = siValue(m, kind);
    if (si !== null) out.push({ key: kind.key, label: kind.label, text: formatKind(si, kind, locale) });
  }
  for (const [key, value] of Object.entries(m.measurements)) {
    if (!known.has(key)) out.push({ key, label: key, text: String(value) });
  }
  return out;
}

/** A typed value: a number with an optional unit ("82.4", "82,4", "84 cm", "33in", "18.5%"). */
const VALUE = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)\s*([a-zA-Z%"]+(\/[a-zA-Z]+)?)?$/;

export type FieldInput = { key: string; text: string };

export type BuiltValues = {
  /** "key=value" strings for the core. */
  values: string[];
  /** Problems found before asking the core, by field key. */
  errors: Record<string, string>;
};

/**
 * The key=value strings of a form. Empty fields are left out when adding;
 * when editing (`clearEmpty`), an emptied field that had a value becomes
 * "key=" so the core removes it.
 */
export function buildValues(
  fields: FieldInput[],
  options: { clearEmpty?: Set<string> } = {},
): BuiltValues {
  const values: string[] = [];
  const errors: Record<string, string> = {};
  for (const { key, text } of fields) {
    const t = text.trim();
    const k = key.trim().toLowerCase();
    if (k.length === 0) {
      if (t.length > 0) errors[key] = "Choose what this value measures.";
      continue;
    }
    if (t.length === 0) {
      if (options.clearEmpty?.has(k)) values.push(`${k}=`);
      continue;
    }
    if (!VALUE.test(t)) {
      errors[key] = "Enter a number, for example 82.4.";
      continue;
    }
    values.push(`${k}=${t.replace(/\s+/g, "")}`);
  }
  return { values, errors };
}

/** A core message as a form shows it: without the "invalid input: " the core's errors start with. */
export function formMessage(message: string): string {
  const m = message.replace(/^invalid input:\s*/i, "");
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/**
 * The field a core error message is about ("Weight 8000 kg is not plausible",
 * "waist: unit \"kg\" does not fit; …", "bf is given twice"), or null.
 */
export function errorField(message: string, kinds: KindView[]): string | null {
  const m = formMessage(message.trim()).toLowerCase();
  for (const kind of kinds) {
    const key = kind.key.toLowerCase();
    const label = kind.label.toLowerCase();
    if (m.startsWith(`${key}:`) || m.startsWith(`${key} `) || m.startsWith(`${label} `)) return kind.key;
  }
  return null;
}

/** A weekly rate in the user's units: "-0.45 kg/week". */
export function formatRate(kgPerWeek: number, weightKind: KindView, locale?: Locale): string {
  const v = toShown(kgPerWeek, weightKind);
  const rounded = Math.round(v * 100) / 100;
  const sign = rounded > 0 ? "+" : rounded < 0 ? "−" : "±";
  return `${sign}${formatDecimal(Math.abs(rounded), 2, locale)} ${weightKind.unit}/week`;
}

/** How a target offer reads: "Lose 0.5 kg a week", "Maintain", "Gain 0.25 kg a week". */
export function offerLabel(goalRateKg: number, weightKind: KindView, locale?: Locale): string {
  const v = Math.round(toShown(goalRateKg, weightKind) * 100) / 100;
  if (v === 0) return "Maintain";
  const amount = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(Math.abs(v));
  return `${v < 0 ? "Lose" : "Gain"} ${amount} ${weightKind.unit} a week`;
}

/** Bytes as base64, in chunks (a photo is too big for one String.fromCharCode call). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

/** A picked file as the core's upload. */
export async function toUpload(file: File): Promise<Upload> {
  return { name: file.name, data_base64: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
}
