// Pure helpers for the activity screens: clock times, pace and speed, chart
// axes, the route's SVG path and date ranges. No DOM, so they are unit-tested.

import type { ActivityType, Units } from "./bindings";

const METERS_PER_MILE = 1609.344;

/** Seconds as a clock: 95 → "1:35", 3723 → "1:02:03"; "—" when unknown. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

/** Seconds per km (metric) or per mile (imperial) at a speed; null when standing still. */
export function paceSeconds(mps: number | null, units: Units): number | null {
  if (mps === null || !Number.isFinite(mps) || mps <= 0.2) return null;
  return (units === "imperial" ? METERS_PER_MILE : 1000) / mps;
}

export function paceUnit(units: Units): string {
  return units === "imperial" ? "/mi" : "/km";
}

/** "5:12 /km" or "8:22 /mi"; "—" when standing still. */
export function formatPace(mps: number | null, units: Units): string {
  const s = paceSeconds(mps, units);
  return s === null ? "—" : `${formatClock(s)} ${paceUnit(units)}`;
}

export function speedValue(mps: number, units: Units): number {
  return units === "imperial" ? (mps * 3600) / METERS_PER_MILE : mps * 3.6;
}

export function speedUnit(units: Units): string {
  return units === "imperial" ? "mph" : "km/h";
}

/** "27.4 km/h" or "17.0 mph". */
export function formatSpeed(mps: number | null, units: Units): string {
  if (mps === null || !Number.isFinite(mps)) return "—";
  return `${speedValue(mps, units).toFixed(1)} ${speedUnit(units)}`;
}

/** Sports whose effort reads as pace (time per distance) rather than speed. */
export function usesPace(type: ActivityType): boolean {
  return type === "run" || type === "walk" || type === "hike";
}

/** Round tick spacing for an axis: 1, 2 or 5 × 10^n, giving about `target` ticks. */
export function niceStep(span: number, target = 5): number {
  if (!Number.isFinite(span) || span <= 0) return 1;
  const raw = span / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Tick spacing in seconds for a time axis: whole minutes, 5/10/15/30 min or hours. */
export function timeStep(spanSeconds: number, target = 6): number {
  const steps = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];
  const raw = spanSeconds / Math.max(1, target);
  return steps.find((s) => s >= raw) ?? 43200;
}

/** An elapsed-time axis label: 0 → "0:00", 5400 → "1:30:00". */
export function formatAxisTime(seconds: number): string {
  return formatClock(seconds);
}

export type RouteShape = { path: string; start: [number, number]; end: [number, number]; width: number; height: number };

/**
 * The route as an SVG path inside a `width` × `height` box with `pad` margin,
 * keeping its proportions: an equirectangular projection with longitude
 * shrunk by cos(latitude), good enough for the few kilometres of a workout.
 * North is up. Null with fewer than two positions.
 */
export function routeShape(points: [number, number][], width: number, height: number, pad = 8): RouteShape | null {
  const pts = points.filter(([lat, lng]) => Number.isFinite(lat) && Number.isFinite(lng));
  if (pts.length < 2) return null;
  const meanLat = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const xs = pts.map((p) => p[1] * k);
  const ys = pts.map((p) => p[0]);
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const [minY, maxY] = [Math.min(...ys), Math.max(...ys)];
  const spanX = maxX - minX || 1e-9;
  const spanY = maxY - minY || 1e-9;
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const offX = (width - spanX * scale) / 2;
  const offY = (height - spanY * scale) / 2;
  const xy = pts.map(([lat, lng]): [number, number] => [
    round2(offX + (lng * k - minX) * scale),
    round2(height - offY - (lat - minY) * scale),
  ]);
  const path = xy.map(([x, y], i) => `${i === 0 ? "M" : "L"}${x} ${y}`).join("");
  const start = xy[0] ?? [0, 0];
  const end = xy[xy.length - 1] ?? start;
  return { path, start, end, width, height };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "YYYY-MM-DD" of a date `days` after `ymd` (negative for before). */
export function addDays(ymd: string, days: number): string {
  const [y = 1970, m = 1, d = 1] = ymd.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both "YYYY-MM-DD"). */
export function daysBetween(a: string, b: string): number {
  const ms = Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/**
 * The fitness chart's window: `days` days ending today, unless the newest
 * activity is older than that window, in which case it ends two weeks after
 * that activity so an imported history is not shown as a flat line.
 */
export function fitnessWindow(today: string, newest: string | null, days: number): { from: string; to: string } {
  let to = today;
  if (newest !== null && daysBetween(newest, today) > days) to = addDays(newest, 14);
  return { from: addDays(to, -(days - 1)), to };
}

/** Share (0..1) of each value in the total; zeros when the total is 0. */
export function shares(values: number[]): number[] {
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v) => (total > 0 ? v / total : 0));
}

/** Replaces absent samples (null/NaN) and out-of-range ones with null, for plotting. */
export function clean(values: (number | null)[], keep: (v: number) => boolean = () => true): (number | null)[] {
  return values.map((v) => (v !== null && Number.isFinite(v) && keep(v) ? v : null));
}

/**
 * A POSIX locale such as "C" (LANG=C) reaches the WebView as
 * navigator.language, and `new Intl.NumberFormat("C")` throws. Libraries that
 * format with navigator.language (uPlot does as it loads) then fail, so an
 * invalid tag is replaced with "en-US" for this page.
 */
export function ensureValidLanguage(nav: { language: string } = navigator): void {
  try {
    new Intl.NumberFormat(nav.language);
  } catch {
    Object.defineProperty(nav, "language", { value: "en-US", configurable: true });
  }
}
