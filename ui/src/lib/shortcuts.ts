// Keyboard shortcuts that work anywhere in the window. Ctrl/Cmd+L (quick
// entry) lives in QuickEntry.svelte; Ctrl/Cmd+K is kept for search.

import { PAGES, type PageId } from "./router";

type Keys = Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey">;

/** Alt+1 … Alt+8 open the pages in the order of the navigation. */
export function pageForShortcut(e: Keys): PageId | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const n = Number.parseInt(e.key, 10);
  if (!Number.isInteger(n) || n < 1 || n > PAGES.length) return null;
  return PAGES[n - 1] ?? null;
}
