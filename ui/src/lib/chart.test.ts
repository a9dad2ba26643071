import { describe, expect, it } from "vitest";
import { averageLabel, buildChart, chartSeries, dateOfDay, dayNumber, inRange, niceTicks } from "./chart";

const size = { width: 600, height: 240, margin: { top: 10, right: 10, bottom: 30, left: 40 } };

describe("dayNumber", () => {
  it("counts days since 1970 and round-trips", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(dayNumber("2026-03-01") - dayNumber("2026-02-28")).toBe(1);
    expect(dateOfDay(dayNumber("2024-02-29"))).toBe("2024-02-29");
    expect(dayNumber("2026-3-1")).toBeNaN();
  });
});

describe("niceTicks", () => {
  it("picks round steps inside the domain", () => {
    expect(niceTicks(77.3, 84.9, 5)).toEqual([78, 80, 82, 84]);
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(170.2, 171.1, 5)).toEqual([170.2, 170.4, 170.6, 170.8, 171]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });
});

describe("inRange", () => {
  const pts = ["2026-01-01", "2026-02-01", "2026-02-25", "2026-03-01"].map((date) => ({ date }));
  it("keeps the last N days up to the last day, or everything", () => {
    const last = dayNumber("2026-03-01");
    expect(inRange(pts, 28, last).map((p) => p.date)).toEqual(["2026-02-01", "2026-02-25", "2026-03-01"].slice(1));
    expect(inRange(pts, 29, last).map((p) => p.date)).toEqual(["2026-02-01", "2026-02-25", "2026-03-01"]);
    expect(inRange(pts, null, last)).toHaveLength(4);
  });
});

describe("buildChart", () => {
  const raw = [
    { id: "a", date: "2026-01-01", value: 90 },
    { id: "b", date: "2026-02-20", value: 84 },
    { id: "c", date: "2026-03-01", value: 82 },
    { id: "d", date: "2026-03-01", value: 83 },
  ];
  const trend = [
    { date: "2026-01-01", value: 90 },
    { date: "2026-02-20", value: 85 },
    { date: "2026-03-01", value: 84 },
  ];

  it("maps the shown range's data onto the plot, oldest left, heaviest top", () => {
    const c = buildChart({ raw, trend, goal: null, range: "4w", ...size });
    expect(c.empty).toBe(false);
    expect(c.dots.map((d) => d.id)).toEqual(["b", "c", "d"]);
    // First shown day at the left edge, last at the right.
    expect(c.dots[0]?.x).toBe(40);
    expect(c.dots[1]?.x).toBe(590);
    // Two weigh-ins on one day: two dots, one above the other.
    expect(c.dots[1]?.x).toBe(c.dots[2]?.x);
    expect(c.dots[2]!.y).toBeLessThan(c.dots[1]!.y);
    expect(c.trendPath.startsWith("M40 ")).toBe(true);
    expect(c.trendPath.split("L")).toHaveLength(2);
    // Every value fits the scale.
    for (const d of c.dots) expect(d.y >= 10 && d.y <= 210).toBe(true);
    expect(c.xTicks.map((t) => t.date)).toEqual(["2026-02-20", "2026-02-25", "2026-03-01"]);
  });

  it("shows everything with 'all', and one more weigh-in gives one more dot", () => {
    const all = buildChart({ raw, trend, goal: null, range: "all", ...size });
    expect(all.dots).toHaveLength(4);
    const more = buildChart({ raw: [...raw, { id: "e", date: "2026-03-02", value: 81.5 }], trend, goal: null, range: "all", ...size });
    expect(more.dots).toHaveLength(5);
  });

  it("draws a near goal on the scale and says where a far one is", () => {
    const near = buildChart({ raw, trend, goal: 80, range: "4w", ...size });
    expect(near.goal?.value).toBe(80);
    expect(near.yMin).toBeLessThan(80);
    expect(near.goal!.y).toBeGreaterThan(Math.max(...near.dots.map((d) => d.y)));
    // 4 weeks of 82–85 kg with a goal of 60: drawn off the scale, below.
    const far = buildChart({ raw, trend, goal: 60, range: "4w", ...size });
    expect(far.goal).toBeNull();
    expect(far.goalOff).toBe("below");
    expect(far.yMin).toBeGreaterThan(75);
  });

  it("handles a single weigh-in and no data", () => {
    const one = buildChart({ raw: [raw[0]!], trend: [trend[0]!], goal: null, range: "4w", ...size });
    expect(one.dots[0]?.x).toBe(315);
    expect(one.dots[0]?.y).toBe(110);
    expect(buildChart({ raw: [], trend: [], goal: 80, range: "all", ...size }).empty).toBe(true);
  });
});

describe("chartSeries", () => {
  const weighIns = [
    { id: "a", local_date: "2026-02-27", weight_kg: 82 },
    { id: "b", local_date: "2026-03-01", weight_kg: 81 },
  ];
  const trend = [
    { date: "2026-02-27", trend_kg: 82.5 },
    { date: "2026-03-01", trend_kg: 82.3 },
  ];
  const allTime = {
    bucket_days: 14,
    buckets: [
      { from: "2021-03-02", to: "2021-03-14", weight_kg: 95, days: 9, trend_kg: 95 },
      { from: "2021-03-16", to: "2021-03-28", weight_kg: 94, days: 10, trend_kg: 94.3 },
    ],
  };
  const lb = (kg: number): number => kg / 0.45359237;

  it("draws the weigh-ins day by day for the year ranges, whatever the long history", () => {
    for (const range of ["4w", "3m", "1y"] as const) {
      const s = chartSeries(range, weighIns, trend, allTime, (kg) => kg);
      expect(s.raw.map((p) => p.id)).toEqual(["a", "b"]);
      expect(s.trend.map((p) => p.value)).toEqual([82.5, 82.3]);
      expect(s.averageDays).toBeNull();
    }
  });

  it("draws the bucket means in the user's units for 'all' over a long history", () => {
    const s = chartSeries("all", weighIns, trend, allTime, lb);
    expect(s.raw.map((p) => p.date)).toEqual(["2021-03-14", "2021-03-28"]);
    expect(s.raw[1]?.value).toBeCloseTo(207.23, 2);
    expect(s.raw[1]?.average).toEqual({ from: "2021-03-16", days: 10 });
    expect(s.trend[1]?.value).toBeCloseTo(lb(94.3), 9);
    expect(s.averageDays).toBe(14);
    expect(averageLabel(14)).toBe("2-week average");
    expect(averageLabel(7)).toBe("Weekly average");
  });

  it("draws the weigh-ins for 'all' when the year is the whole history", () => {
    const s = chartSeries("all", weighIns, trend, null, (kg) => kg);
    expect(s.raw).toHaveLength(2);
    expect(s.averageDays).toBeNull();
  });
});
