// The weight chart's geometry, kept pure so it can be tested: which points a
// range shows, the axes' domains and ticks, and the SVG coordinates. Values
// come in already converted to the user's units.

export type ChartRange = "4w" | "3m" | "1y" | "all";

export const RANGES: readonly { id: ChartRange; label: string; days: number | null }[] = [
  { id: "4w", label: "4 weeks", days: 28 },
  { id: "3m", label: "3 months", days: 91 },
  { id: "1y", label: "1 year", days: 365 },
  { id: "all", label: "All", days: null },
];

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a calendar date "YYYY-MM-DD" (NaN if malformed). */
export function dayNumber(ymd: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

/** The calendar date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** A chart dot: one weigh-in, or in the "all" range of a long history the mean of a bucket of days. */
export type RawPoint = { id: string; date: string; value: number; average?: { from: string; days: number } };
export type TrendValue = { date: string; value: number };

export type ChartInput = {
  raw: RawPoint[];
  trend: TrendValue[];
  goal: number | null;
  range: ChartRange;
  width: number;
  height: number;
  /** Room for the axis labels, in SVG units. */
  margin?: { top: number; right: number; bottom: number; left: number };
};

export type Dot = RawPoint & { x: number; y: number };

export type ChartModel = {
  empty: boolean;
  /** The first and last day shown (day numbers). */
  fromDay: number;
  toDay: number;
  yMin: number;
  yMax: number;
  yTicks: { value: number; y: number }[];
  xTicks: { date: string; x: number }[];
  dots: Dot[];
  trendPath: string;
  /** The goal line when it fits the scale; else where it lies. */
  goal: { value: number; y: number } | null;
  goalOff: "above" | "below" | null;
  plot: { left: number; right: number; top: number; bottom: number };
};

const DEFAULT_MARGIN = { top: 12, right: 16, bottom: 28, left: 48 };

/** Points whose date falls in the last `days` days up to `lastDay` (all of them without a limit). */
export function inRange<T extends { date: string }>(items: T[], days: number | null, lastDay: number): T[] {
  if (days === null) return items.filter((p) => Number.isFinite(dayNumber(p.date)));
  const first = lastDay - days + 1;
  return items.filter((p) => {
    const d = dayNumber(p.date);
    return d >= first && d <= lastDay;
  });
}

/** Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) inside [min, max]. */
export function niceTicks(min: number, max: number, maxCount = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || maxCount < 1) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) return [min];
  const rough = (max - min) / maxCount;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.round(v * 1e6) / 1e6 + 0); // + 0 turns -0 into 0
  }
  return ticks;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

export function buildChart(input: ChartInput): ChartModel {
  const margin = input.margin ?? DEFAULT_MARGIN;
  const plot = {
    left: margin.left,
    right: input.width - margin.right,
    top: margin.top,
    bottom: input.height - margin.bottom,
  };
  const days = RANGES.find((r) => r.id === input.range)?.days ?? null;
  const allDays = [...input.raw, ...input.trend].map((p) => dayNumber(p.date)).filter(Number.isFinite);
  const lastDay = allDays.length > 0 ? Math.max(...allDays) : Number.NaN;
  const raw = Number.isFinite(lastDay) ? inRange(input.raw, days, lastDay) : [];
  const trend = Number.isFinite(lastDay) ? inRange(input.trend, days, lastDay) : [];
  const empty = raw.length === 0 && trend.length === 0;
  const blank: ChartModel = {
    empty: true,
    fromDay: 0,
    toDay: 0,
    yMin: 0,
    yMax: 0,
    yTicks: [],
    xTicks: [],
    dots: [],
    trendPath: "",
    goal: null,
    goalOff: null,
    plot,
  };
  if (empty) return blank;

  // x: the span of the data shown (a week of weigh-ins in a year's range fills the chart).
  const shownDays = [...raw, ...trend].map((p) => dayNumber(p.date));
  let fromDay = Math.min(...shownDays);
  let toDay = Math.max(...shownDays);
  if (fromDay === toDay) {
    fromDay -= 1;
    toDay += 1;
  }

  // y: the data with some air; the goal joins the scale when it is near.
  const values = [...raw.map((p) => p.value), ...trend.map((p) => p.value)];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  // The goal is part of the picture unless it is so far off that the data would flatten.
  const span = Math.max((hi - lo) * 3, 8);
  let goalOff: ChartModel["goalOff"] = null;
  if (input.goal !== null && Number.isFinite(input.goal)) {
    if (input.goal < lo - span) goalOff = "below";
    else if (input.goal > hi + span) goalOff = "above";
    else {
      lo = Math.min(lo, input.goal);
      hi = Math.max(hi, input.goal);
    }
  }
  const pad = Math.max((hi - lo) * 0.08, 0.5);
  const yMin = lo - pad;
  const yMax = hi + pad;

  const x = (day: number): number =>
    round1(plot.left + ((day - fromDay) / (toDay - fromDay)) * (plot.right - plot.left));
  const y = (value: number): number =>
    round1(plot.bottom - ((value - yMin) / (yMax - yMin)) * (plot.bottom - plot.top));

  const dots = raw.map((p) => ({ ...p, x: x(dayNumber(p.date)), y: y(p.value) }));
  const trendPath = trend
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(dayNumber(p.date))} ${y(p.value)}`)
    .join(" ");
  const yTicks = niceTicks(yMin, yMax, 5).map((value) => ({ value, y: y(value) }));
  const firstData = Math.min(...shownDays);
  const lastData = Math.max(...shownDays);
  const xDays =
    lastData - firstData >= 2
      ? [firstData, Math.round((firstData + lastData) / 2), lastData]
      : [...new Set([firstData, lastData])];
  const xTicks = xDays.map((d) => ({ date: dateOfDay(d), x: x(d) }));
  const goal =
    input.goal !== null && goalOff === null && Number.isFinite(input.goal)
      ? { value: input.goal, y: y(input.goal) }
      : null;

  return { empty: false, fromDay, toDay, yMin, yMax, yTicks, xTicks, dots, trendPath, goal, goalOff, plot };
}

/** A bucket of the core's all-time series (values in kg). */
export type Bucket = { from: string; to: string; weight_kg: number; days: number; trend_kg: number };

export type Series = {
  raw: RawPoint[];
  trend: TrendValue[];
  /** Days per averaged dot, when the dots are averages (the "all" range of a long history). */
  averageDays: number | null;
};

/**
 * What the chart draws for a range: the day-by-day weigh-ins and trend (the
 * core sends the last year of them), or for "all" over a longer history the
 * core's bucket means, each dated on its last day.
 */
export function chartSeries(
  range: ChartRange,
  weighIns: { id: string; local_date: string; weight_kg: number }[],
  trendPoints: { date: string; trend_kg: number }[],
  allTime: { bucket_days: number; buckets: Bucket[] } | null,
  shown: (kg: number) => number,
): Series {
  if (range === "all" && allTime !== null && allTime.buckets.length > 0) {
    return {
      raw: allTime.buckets.map((b) => ({
        id: `avg-${b.to}`,
        date: b.to,
        value: shown(b.weight_kg),
        average: { from: b.from, days: b.days },
      })),
      trend: allTime.buckets.map((b) => ({ date: b.to, value: shown(b.trend_kg) })),
      averageDays: allTime.bucket_days,
    };
  }
  return {
    raw: weighIns.map((w) => ({ id: w.id, date: w.local_date, value: shown(w.weight_kg) })),
    trend: trendPoints.map((p) => ({ date: p.date, value: shown(p.trend_kg) })),
    averageDays: null,
  };
}

/** "Weekly average", "2-week average". */
export function averageLabel(days: number): string {
  const weeks = Math.round(days / 7);
  return weeks <= 1 ? "Weekly average" : `${weeks}-week average`;
}
