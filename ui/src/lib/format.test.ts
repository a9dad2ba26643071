import { describe, expect, it } from "vitest";
import {
  calendarDateIn,
  entryStatusText,
  formatCalendarDate,
  formatDistance,
  formatDuration,
  formatInt,
  formatKcalRemaining,
  formatShortDate,
  formatWeightRate,
  formatTime,
  formatWeight,
  formatWeightChange,
  fraction,
  humanize,
  kcalRemaining,
} from "./format";

const L = "en-US";

describe("formatDuration", () => {
  it("formats seconds as h:mm rounded to the minute", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(59)).toBe("0:01");
    expect(formatDuration(2745)).toBe("0:46");
    expect(formatDuration(3600)).toBe("1:00");
    expect(formatDuration(3599)).toBe("1:00");
    expect(formatDuration(5430)).toBe("1:31");
    expect(formatDuration(36000 + 7 * 60)).toBe("10:07");
  });

  it("treats negative or invalid input as zero", () => {
    expect(formatDuration(-30)).toBe("0:00");
    expect(formatDuration(Number.NaN)).toBe("0:00");
  });
});

describe("formatDistance", () => {
  it("shows km for metric", () => {
    expect(formatDistance(8240, "metric", L)).toBe("8.2 km");
    expect(formatDistance(5000, "metric", L)).toBe("5.0 km");
    expect(formatDistance(0, "metric", L)).toBe("0.0 km");
  });

  it("shows miles for imperial", () => {
    expect(formatDistance(1609.344, "imperial", L)).toBe("1.0 mi");
    expect(formatDistance(10000, "imperial", L)).toBe("6.2 mi");
    expect(formatDistance(42195, "imperial", L)).toBe("26.2 mi");
  });
});

describe("formatWeight", () => {
  it("shows kg for metric with one decimal", () => {
    expect(formatWeight(82.4, "metric", L)).toBe("82.4 kg");
    expect(formatWeight(80, "metric", L)).toBe("80.0 kg");
  });

  it("converts to lb for imperial", () => {
    expect(formatWeight(82.4, "imperial", L)).toBe("181.7 lb");
    expect(formatWeight(45.359237, "imperial", L)).toBe("100.0 lb");
  });

  it("signs weight changes", () => {
    expect(formatWeightChange(-0.6, "metric", L)).toBe("-0.6 kg");
    expect(formatWeightChange(0.3, "metric", L)).toBe("+0.3 kg");
    expect(formatWeightChange(0.01, "metric", L)).toBe("0.0 kg");
    expect(formatWeightChange(-0.04, "metric", L)).toBe("0.0 kg");
    expect(formatWeightChange(-0.6, "imperial", L)).toBe("-1.3 lb");
  });
});

describe("kcal remaining", () => {
  it("computes what is left of the target", () => {
    expect(kcalRemaining(1842, 2400)).toBe(558);
    expect(kcalRemaining(2520.4, 2400)).toBe(-120);
    expect(kcalRemaining(1200, null)).toBeNull();
  });

  it("describes left, over and on target", () => {
    expect(formatKcalRemaining(558, L)).toBe("558 kcal left");
    expect(formatKcalRemaining(1558, L)).toBe("1,558 kcal left");
    expect(formatKcalRemaining(-120, L)).toBe("120 kcal over");
    expect(formatKcalRemaining(0, L)).toBe("Right on target");
    expect(formatKcalRemaining(null, L)).toBeNull();
  });

  it("clamps bar fractions", () => {
    expect(fraction(50, 200)).toBe(0.25);
    expect(fraction(300, 200)).toBe(1);
    expect(fraction(50, null)).toBe(0);
    expect(fraction(50, 0)).toBe(0);
  });
});

describe("numbers, dates and labels", () => {
  it("groups integers", () => {
    expect(formatInt(1842.4, L)).toBe("1,842");
    expect(formatInt(999.5, L)).toBe("1,000");
  });

  it("shows UTC timestamps in the profile's zone", () => {
    const iso = "2025-11-25T06:35:00Z";
    // ICU versions differ on the space before AM (U+0020 or U+202F).
    const time = (tz: string): string => formatTime(iso, tz, L).replace(/\s/g, " ");
    expect(time("UTC")).toBe("6:35 AM");
    expect(time("Europe/Berlin")).toBe("7:35 AM");
    expect(time("America/New_York")).toBe("1:35 AM");
    expect(formatTime("not a date", "UTC", L)).toBe("");
  });

  it("falls back to the system zone for an unknown zone", () => {
    expect(formatTime("2025-11-25T06:35:00Z", "Not/AZone", L)).not.toBe("");
  });

  it("formats calendar dates without shifting the day", () => {
    expect(formatCalendarDate("2025-11-25", L)).toBe("Tuesday, November 25, 2025");
    expect(formatCalendarDate("garbage", L)).toBe("garbage");
  });

  it("finds the calendar date of an instant in a zone", () => {
    const instant = new Date("2025-11-25T23:30:00Z");
    expect(calendarDateIn(instant, "UTC")).toBe("2025-11-25");
    expect(calendarDateIn(instant, "Europe/Berlin")).toBe("2025-11-26");
    expect(calendarDateIn(instant, "America/Los_Angeles")).toBe("2025-11-25");
  });

  it("humanizes identifiers", () => {
    expect(humanize("run")).toBe("Run");
    expect(humanize("apple_health")).toBe("Apple health");
    expect(humanize("WeightTraining")).toBe("Weight training");
  });

  it("describes entry statuses", () => {
    expect(entryStatusText("pending")).toBe("pending processing");
    expect(entryStatusText("failed")).toBe("processing failed");
  });
});

describe("formatShortDate", () => {
  it("shows a calendar date without shifting it by the zone", () => {
    expect(formatShortDate("2025-11-25", false, L)).toBe("Nov 25");
    expect(formatShortDate("2026-01-01", true, L)).toBe("Jan 1, 2026");
    expect(formatShortDate("garbage", false, L)).toBe("garbage");
  });
});

describe("formatWeightRate", () => {
  it("signs and converts a weekly rate", () => {
    expect(formatWeightRate(-0.449, "metric", L)).toBe("−0.45 kg/week");
    expect(formatWeightRate(0.2268, "imperial", L)).toBe("+0.50 lb/week");
    expect(formatWeightRate(-0.001, "metric", L)).toBe("±0.00 kg/week");
  });
});
