import { describe, expect, it } from "vitest";
import { hitHref, isSearchShortcut, kindLabel, moveSelection } from "./search";

describe("global search", () => {
  it("opens the activity itself, a meal on its day, and the page of other kinds", () => {
    expect(hitHref({ kind: "activity", id: "a/1", date: "2026-10-01" })).toBe("#/activities/a%2F1");
    expect(hitHref({ kind: "meal", id: "m/1", date: "2026-10-01" })).toBe("#/nutrition/2026-10-01/m%2F1");
    expect(hitHref({ kind: "meal", id: "m1", date: "" })).toBe("#/nutrition");
    expect(hitHref({ kind: "body_measurement", id: "b1", date: "2026-10-01" })).toBe("#/body");
    expect(hitHref({ kind: "quick_entry", id: "q1", date: "2026-10-01" })).toBe("#/log");
    expect(kindLabel("activity")).toBe("Workout");
  });

  it("opens on Ctrl+K or Cmd+K only", () => {
    const key = { key: "k", ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };
    expect(isSearchShortcut({ ...key, ctrlKey: true })).toBe(true);
    expect(isSearchShortcut({ ...key, metaKey: true, key: "K" })).toBe(true);
    expect(isSearchShortcut(key)).toBe(false);
    expect(isSearchShortcut({ ...key, ctrlKey: true, shiftKey: true })).toBe(false);
  });

  it("moves through results with the arrow keys and wraps", () => {
    expect(moveSelection(-1, 3, "ArrowDown")).toBe(0);
    expect(moveSelection(2, 3, "ArrowDown")).toBe(0);
    expect(moveSelection(0, 3, "ArrowUp")).toBe(2);
    expect(moveSelection(1, 3, "End")).toBe(2);
    expect(moveSelection(1, 0, "ArrowDown")).toBe(-1);
  });
});
