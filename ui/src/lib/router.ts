// A tiny hash router: "#/today", "#/log", ... Pure parsing lives here so it
// can be tested; the reactive part is in route.svelte.ts.

export const PAGES = [
  "today",
  "log",
  "nutrition",
  "activities",
  "body",
  "programs",
  "coach",
  "settings",
] as const;

export type PageId = (typeof PAGES)[number];

export const DEFAULT_PAGE: PageId = "today";

/**
 * `id` is set on detail routes such as "#/activities/<id>"; on
 * "#/nutrition/<date>[/<meal id>]" `id` is the date and `item` the meal to show.
 */
export type Route = { page: PageId; id?: string; item?: string } | { page: "not-found"; path: string };

export const PAGE_TITLES: Record<PageId, string> = {
  today: "Today",
  log: "Log",
  nutrition: "Nutrition",
  activities: "Activities",
  body: "Body",
  programs: "Programs",
  coach: "Coach",
  settings: "Settings",
};

export function isPageId(s: string): s is PageId {
  return (PAGES as readonly string[]).includes(s);
}

/** "#/log", "#log", "#/log/", "#/log?x=1" → log; "" or "#/" → today. */
export function parseHash(hash: string): Route {
  let path = hash.startsWith("#") ? hash.slice(1) : hash;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  const segments = path.split("/").filter((s) => s.length > 0);
  const first = segments[0];
  if (first === undefined) return { page: DEFAULT_PAGE };
  let name: string;
  try {
    name = decodeURIComponent(first).toLowerCase();
  } catch {
    return { page: "not-found", path };
  }
  if (segments.length === 1 && isPageId(name)) return { page: name };
  const second = segments[1];
  if (segments.length === 2 && name === "today" && (second === "week" || second === "month")) {
    return { page: "today", id: second };
  }
  if (segments.length === 2 && second !== undefined && name === "activities") {
    try {
      return { page: "activities", id: decodeURIComponent(second) };
    } catch {
      return { page: "not-found", path };
    }
  }
  if (name === "nutrition" && (segments.length === 2 || segments.length === 3)) {
    const date = segments[1] ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { page: "not-found", path };
    const meal = segments[2];
    if (meal === undefined) return { page: "nutrition", id: date };
    try {
      return { page: "nutrition", id: date, item: decodeURIComponent(meal) };
    } catch {
      return { page: "not-found", path };
    }
  }
  return { page: "not-found", path };
}

export function href(page: PageId): string {
  return `#/${page}`;
}

/** "#/activities/<id>": one activity's detail page. */
export function activityHref(id: string): string {
  return `#/activities/${encodeURIComponent(id)}`;
}

/** "#/today", "#/today/week", "#/today/month": the dashboard's three views. */
export function todayHref(view: "day" | "week" | "month"): string {
  return view === "day" ? "#/today" : `#/today/${view}`;
}

/** "#/nutrition/<date>/<meal id>": the Nutrition page on that day with the meal shown. */
export function mealHref(date: string, mealId: string): string {
  return `#/nutrition/${date}/${encodeURIComponent(mealId)}`;
}
