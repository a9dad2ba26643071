import { describe, expect, it } from "vitest";
import { pageForShortcut } from "./shortcuts";

const keys = { key: "1", altKey: true, ctrlKey: false, metaKey: false, shiftKey: false };

describe("page shortcuts", () => {
  it("opens the pages in navigation order with Alt+digit", () => {
    expect(pageForShortcut(keys)).toBe("today");
    expect(pageForShortcut({ ...keys, key: "5" })).toBe("body");
    expect(pageForShortcut({ ...keys, key: "8" })).toBe("settings");
  });

  it("leaves other keys and modifiers alone", () => {
    expect(pageForShortcut({ ...keys, key: "9" })).toBeNull();
    expect(pageForShortcut({ ...keys, key: "0" })).toBeNull();
    expect(pageForShortcut({ ...keys, altKey: false })).toBeNull();
    expect(pageForShortcut({ ...keys, ctrlKey: true })).toBeNull();
    expect(pageForShortcut({ ...keys, key: "l" })).toBeNull();
  });
});
