import { describe, expect, it } from "vitest";
import { href, parseHash, PAGES } from "./router";

describe("parseHash", () => {
  it("defaults to today", () => {
    expect(parseHash("")).toEqual({ page: "today" });
    expect(parseHash("#")).toEqual({ page: "today" });
    expect(parseHash("#/")).toEqual({ page: "today" });
  });

  it("reads every page", () => {
    for (const page of PAGES) {
      expect(parseHash(`#/${page}`)).toEqual({ page });
      expect(parseHash(href(page))).toEqual({ page });
    }
  });

  it("tolerates missing slash, trailing slash, case and a query", () => {
    expect(parseHash("#log")).toEqual({ page: "log" });
    expect(parseHash("#/log/")).toEqual({ page: "log" });
    expect(parseHash("#/Settings")).toEqual({ page: "settings" });
    expect(parseHash("#/nutrition?date=2025-11-25")).toEqual({ page: "nutrition" });
  });

  it("reports unknown paths", () => {
    expect(parseHash("#/bogus")).toEqual({ page: "not-found", path: "/bogus" });
    expect(parseHash("#/log/extra")).toEqual({ page: "not-found", path: "/log/extra" });
    expect(parseHash("#/%E0%A4%A")).toEqual({ page: "not-found", path: "/%E0%A4%A" });
  });

  it("builds hrefs", () => {
    expect(href("activities")).toBe("#/activities");
  });
});
