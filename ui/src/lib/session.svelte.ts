import type { Profile } from "./bindings";

/**
 * App-wide facts learned at start-up, plus a refresh counter that pages watch:
 * it is bumped after a quick entry is saved so the visible page reloads.
 */
export const session = $state<{ profile: Profile | null; dbPath: string | null; refreshTick: number }>({
  profile: null,
  dbPath: null,
  refreshTick: 0,
});

export function requestRefresh(): void {
  session.refreshTick += 1;
}
