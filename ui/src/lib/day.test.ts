import { describe, expect, it } from "vitest";
import { localToday } from "./day";

describe("localToday", () => {
  it("is the day in the profile's zone, not the machine's", () => {
    const lateUtc = new Date("2026-12-07T23:30:00Z");
    expect(localToday("UTC", lateUtc)).toBe("2026-12-07");
    expect(localToday("Europe/Amsterdam", lateUtc)).toBe("2026-12-08");
    expect(localToday("America/Los_Angeles", lateUtc)).toBe("2026-12-07");
  });

  it("falls back to a day for an unknown zone", () => {
    expect(localToday("Not/AZone", new Date("2026-12-07T12:00:00Z"))).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
