import type { Profile } from "./bindings";

/**
 * App-wide facts learned at start-up, plus a refresh counter that pages watch:
 * it is bumped after a quick entry is saved so the visible page reloads.
 */
export const session = $state<{
  profile: Profile | null;
  dbPath: string | null;
  refreshTick: number;
  /** The day a page shows (YYYY-MM-DD) when it is not today: the entry box logs onto it by default. */
  viewedDay: string | null;
  /** The core's clock minus the web engine's (ms): "today" in the window is the core's. */
  clockOffsetMs: number;
}>({
  profile: null,
  dbPath: null,
  refreshTick: 0,
  viewedDay: null,
  clockOffsetMs: 0,
});

/** The core's "now" as the window should use it. */
export function coreNow(): Date {
  return new Date(Date.now() + session.clockOffsetMs);
}

export function requestRefresh(): void {
  session.refreshTick += 1;
}
