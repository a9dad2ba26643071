import { describe, expect, it } from "vitest";
import { contentsSummary, kindLabel, nextDueText, parseKeep, totalRows } from "./backups";
import type { Manifest } from "./bindings";

const manifest = (counts: Record<string, number>, attachments = 0): Manifest => ({
  format: "wagner-backup-1",
  created_at: "2026-11-25T10:00:00.000Z",
  app_version: "0.1.0",
  schema_version: 1,
  counts,
  attachments,
});

describe("backups", () => {
  it("names each kind of backup", () => {
    expect(kindLabel("automatic")).toBe("Automatic");
    expect(kindLabel("manual")).toBe("Manual");
    expect(kindLabel("before_restore")).toBe("Before a restore");
  });

  it("summarises what a backup holds in words, leaving out empty tables", () => {
    const m = manifest({ meal_logs: 57, activities: 1, body_measurements: 0, foods_enhanced: 11456 }, 2);
    expect(contentsSummary(m)).toBe("57 meals, 1 activity, 2 attachments");
    expect(contentsSummary(manifest({ foods_enhanced: 3 }))).toBe("no entries");
    expect(totalRows(m)).toBe(57 + 1 + 11456);
  });

  it("says when the next automatic backup happens", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(nextDueText(null, now, () => "x")).toBe("Off");
    expect(nextDueText("2026-11-25T11:00:00.000Z", now, () => "x")).toBe("Due now: within 15 minutes");
    expect(nextDueText("2026-11-26T11:00:00.000Z", now, (iso) => `at ${iso}`)).toBe("at 2026-11-26T11:00:00.000Z");
  });

  it("accepts 1 to 365 backups to keep", () => {
    expect(parseKeep("7")).toBe(7);
    expect(parseKeep(" 365 ")).toBe(365);
    expect(parseKeep("0")).toBeNull();
    expect(parseKeep("2.5")).toBeNull();
    expect(parseKeep("lots")).toBeNull();
    expect(parseKeep("")).toBeNull();
    // What a number input binds.
    expect(parseKeep(3)).toBe(3);
    expect(parseKeep(null)).toBeNull();
    expect(parseKeep(undefined)).toBeNull();
  });
});
