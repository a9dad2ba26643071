import { describe, expect, it } from "vitest";
import { activityHref, href, mealHref, parseHash, PAGES, todayHref } from "./router";

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

  it("opens the Nutrition page on a day, with one meal shown", () => {
    expect(parseHash("#/nutrition/2025-11-25")).toEqual({ page: "nutrition", id: "2025-11-25" });
    expect(parseHash(mealHref("2025-11-25", "m/1"))).toEqual({ page: "nutrition", id: "2025-11-25", item: "m/1" });
    expect(parseHash("#/nutrition/tomorrow")).toEqual({ page: "not-found", path: "/nutrition/tomorrow" });
  });

  it("reports unknown paths", () => {
    expect(parseHash("#/bogus")).toEqual({ page: "not-found", path: "/bogus" });
    expect(parseHash("#/log/extra")).toEqual({ page: "not-found", path: "/log/extra" });
    expect(parseHash("#/%E0%A4%A")).toEqual({ page: "not-found", path: "/%E0%A4%A" });
  });

  it("builds hrefs", () => {
    expect(href("activities")).toBe("#/activities");
  });

  it("reads an activity's detail route", () => {
    const id = "01a2133f-2634-779c-b8bc-bf2aeb403cb0";
    expect(parseHash(activityHref(id))).toEqual({ page: "activities", id });
    expect(parseHash("#/activities/a%2Fb")).toEqual({ page: "activities", id: "a/b" });
    expect(parseHash("#/activities/x/y")).toEqual({ page: "not-found", path: "/activities/x/y" });
    expect(parseHash("#/log/x")).toEqual({ page: "not-found", path: "/log/x" });
  });

  it("reads the dashboard's week and month views", () => {
    expect(parseHash(todayHref("week"))).toEqual({ page: "today", id: "week" });
    expect(parseHash(todayHref("month"))).toEqual({ page: "today", id: "month" });
    expect(parseHash(todayHref("day"))).toEqual({ page: "today" });
    expect(parseHash("#/today/year")).toEqual({ page: "not-found", path: "/today/year" });
  });
});
