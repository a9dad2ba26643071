import { describe, expect, it } from "vitest";
import {
  addDays,
  clean,
  daysBetween,
  ensureValidLanguage,
  fitnessWindow,
  formatClock,
  formatPace,
  formatSpeed,
  niceStep,
  paceSeconds,
  routeShape,
  shares,
  timeStep,
  usesPace,
} from "./activity-format";

describe("clock and pace", () => {
  it("formats elapsed time", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(95)).toBe("1:35");
    expect(formatClock(3723)).toBe("1:02:03");
    expect(formatClock(59.6)).toBe("1:00");
    expect(formatClock(null)).toBe("—");
    expect(formatClock(-1)).toBe("—");
  });

  it("turns speed into pace per km or mile", () => {
    // 1000 m / 3.2 m/s = 312.5 s → 5:13 (rounded) per km.
    expect(formatPace(3.2, "metric")).toBe("5:13 /km");
    // 1609.344 / 3.2 = 502.9 s → 8:23 per mile.
    expect(formatPace(3.2, "imperial")).toBe("8:23 /mi");
    expect(formatPace(0, "metric")).toBe("—");
    expect(paceSeconds(null, "metric")).toBeNull();
  });

  it("formats speed", () => {
    expect(formatSpeed(10, "metric")).toBe("36.0 km/h");
    expect(formatSpeed(10, "imperial")).toBe("22.4 mph");
    expect(formatSpeed(null, "metric")).toBe("—");
  });

  it("knows which sports read as pace", () => {
    expect(usesPace("run")).toBe(true);
    expect(usesPace("ride")).toBe(false);
  });
});

describe("axes", () => {
  it("picks round steps", () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(0.9, 5)).toBe(0.2);
    expect(niceStep(0)).toBe(1);
  });

  it("picks whole-minute or hour steps for time", () => {
    expect(timeStep(1200)).toBe(300);
    expect(timeStep(9490)).toBe(1800);
    expect(timeStep(60)).toBe(15);
  });
});

describe("route", () => {
  it("keeps proportions and puts north up", () => {
    // 0.01° north and 0.01° east at the equator: a square diagonal, bottom-left to top-right.
    const r = routeShape(
      [
        [0, 0],
        [0.01, 0.01],
      ],
      100,
      100,
      10,
    );
    expect(r).not.toBeNull();
    expect(r!.start).toEqual([10, 90]);
    expect(r!.end).toEqual([90, 10]);
    expect(r!.path).toBe("M10 90L90 10");
  });

  it("shrinks longitude away from the equator", () => {
    // At 60° N a degree of longitude is half as long as one of latitude.
    const r = routeShape(
      [
        [60, 10],
        [60, 11],
        [61, 11],
      ],
      300,
      300,
      0,
    )!;
    // At the mean latitude (60.33°) the box is cos(60.33°) ≈ 0.495 as wide as
    // tall: ≈ 148.5 px × 300 px, centred horizontally.
    const w = 300 * Math.cos((((60 + 60 + 61) / 3) * Math.PI) / 180);
    expect(r.start[0]).toBeCloseTo((300 - w) / 2, 1);
    expect(r.start[1]).toBe(300);
    expect(r.end[0]).toBeCloseTo((300 + w) / 2, 1);
    expect(r.end[1]).toBeCloseTo(0, 5);
  });

  it("needs two positions", () => {
    expect(routeShape([[46, 14]], 100, 100)).toBeNull();
    expect(routeShape([[NaN, NaN], [46, 14]], 100, 100)).toBeNull();
  });
});

describe("dates and shares", () => {
  it("adds days across months and years", () => {
    expect(addDays("2021-12-31", 1)).toBe("2022-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetween("2021-01-01", "2021-03-01")).toBe(59);
  });

  it("shows recent training, or an old history where it happened", () => {
    expect(fitnessWindow("2026-11-25", "2026-11-20", 180)).toEqual({ from: "2026-05-30", to: "2026-11-25" });
    expect(fitnessWindow("2026-11-25", null, 90)).toEqual({ from: "2026-08-28", to: "2026-11-25" });
    expect(fitnessWindow("2026-11-25", "2021-03-08", 180)).toEqual({ from: "2020-09-24", to: "2021-03-22" });
  });

  it("computes shares and cleans samples", () => {
    expect(shares([30, 10, 0])).toEqual([0.75, 0.25, 0]);
    expect(shares([0, 0])).toEqual([0, 0]);
    expect(clean([1, null, NaN, 500], (v) => v < 300)).toEqual([1, null, null, null]);
  });
});

describe("language tag", () => {
  it("replaces a POSIX locale that Intl rejects", () => {
    const posix = { language: "C" };
    ensureValidLanguage(posix);
    expect(posix.language).toBe("en-US");
    expect(() => new Intl.NumberFormat(posix.language)).not.toThrow();
    const fine = { language: "sl-SI" };
    ensureValidLanguage(fine);
    expect(fine.language).toBe("sl-SI");
  });
});
