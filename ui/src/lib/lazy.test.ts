import { describe, expect, it } from "vitest";
import { lazy, loadError } from "./lazy";

describe("lazy", () => {
  it("loads once, then hands back the module itself", async () => {
    let loads = 0;
    const page = lazy(async () => {
      loads += 1;
      return { name: "today" };
    });
    expect(loads).toBe(0);
    const first = page.get();
    const again = page.get();
    expect(first).toBeInstanceOf(Promise);
    expect(again).toBe(first);
    expect(await first).toEqual({ name: "today" });
    expect(page.get()).toEqual({ name: "today" });
    expect(loads).toBe(1);
  });

  it("tries again after a failed load", async () => {
    let loads = 0;
    const page = lazy(async () => {
      loads += 1;
      if (loads === 1) throw new Error("chunk missing");
      return "log";
    });
    await expect(page.get()).rejects.toThrow("chunk missing");
    expect(await page.get()).toBe("log");
    expect(page.get()).toBe("log");
    expect(loads).toBe(2);
  });
});

describe("loadError", () => {
  it("says the app's own code did not load, not that the core is unreachable", () => {
    const e = loadError(new TypeError("Importing a module script failed."));
    expect(e.code).toBe("page_load_failed");
    expect(e.message).toContain("Importing a module script failed.");
  });
});
