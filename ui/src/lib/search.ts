// Global search helpers: where a hit leads, how its kind reads, and the
// keyboard that opens the dialog. Pure, so they are unit-tested.

import type { ItemKind, SearchHit, SourceKind } from "./bindings";
import { mealHref } from "./router";

/** The page a hit opens: the activity itself, a meal on its day, or the page listing that kind. */
export function hitHref(hit: Pick<SearchHit, "kind" | "id" | "date">): string {
  switch (hit.kind) {
    case "activity":
      return `#/activities/${encodeURIComponent(hit.id)}`;
    case "meal":
      return /^\d{4}-\d{2}-\d{2}$/.test(hit.date) ? mealHref(hit.date, hit.id) : "#/nutrition";
    case "body_measurement":
      return "#/body";
    default:
      return "#/log";
  }
}

export function kindLabel(kind: SourceKind): string {
  switch (kind) {
    case "meal":
      return "Meal";
    case "activity":
      return "Workout";
    case "body_measurement":
      return "Body";
    default:
      return "Entry";
  }
}

export const KIND_FILTERS: { value: ItemKind | ""; label: string }[] = [
  { value: "", label: "Everything" },
  { value: "meal", label: "Meals" },
  { value: "workout", label: "Workouts" },
  { value: "body", label: "Body" },
];

/** Ctrl+K (Cmd+K on a Mac) opens search from any page. */
export function isSearchShortcut(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "k";
}

/** Arrow keys move through the results and wrap around; -1 = none. */
export function moveSelection(current: number, count: number, key: string): number {
  if (count === 0) return -1;
  if (key === "ArrowDown") return current < 0 ? 0 : (current + 1) % count;
  if (key === "ArrowUp") return current <= 0 ? count - 1 : current - 1;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return current;
}
