// The one place the UI talks to the Rust core. Every call unwraps the
// tauri-specta Result and throws an ApiError (code + message) on failure, so a
// page can show the error where it happened.

import { Channel } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import type {
  ActivityFilter,
  ActivitySummary,
  ActivityView,
  FitnessDay,
  ImportProgress,
  AppStatus,
  CommandError,
  DemoReport,
  Profile,
  QuickEntry,
  Result,
  Today,
} from "./bindings";
import { toApiError, unwrap } from "./errors";

export { ApiError } from "./errors";

export type Commands = typeof commands;

let backend: Promise<Commands> | null = null;

/**
 * A browser preview aid: outside Tauri, and only when the URL carries `?mock`,
 * the commands are answered by an in-memory fake (src/lib/mock.ts, loaded
 * lazily so it never runs inside the app).
 */
export function mockVariant(): string | null {
  if (typeof window === "undefined") return null;
  if ("__TAURI_INTERNALS__" in window) return null;
  const params = new URLSearchParams(window.location.search);
  return params.has("mock") ? params.get("mock") || "demo" : null;
}

function getBackend(): Promise<Commands> {
  if (backend === null) {
    const variant = mockVariant();
    backend =
      variant === null
        ? Promise.resolve(commands)
        : import("./mock").then((m) => m.createMockCommands(variant));
  }
  return backend;
}

async function call<T>(run: (c: Commands) => Promise<Result<T, CommandError>>): Promise<T> {
  let result: Result<T, CommandError>;
  try {
    result = await run(await getBackend());
  } catch (e) {
    throw toApiError(e);
  }
  return unwrap(result);
}

export const api = {
  appStatus: (): Promise<AppStatus> => call((c) => c.appStatus()),
  today: (date: string | null = null): Promise<Today> => call((c) => c.today(date)),
  logEntry: (text: string): Promise<QuickEntry> => call((c) => c.logEntry(text)),
  recentEntries: (limit: number): Promise<QuickEntry[]> => call((c) => c.recentEntries(limit)),
  loadDemo: (): Promise<DemoReport> => call((c) => c.loadDemo()),
  createProfile: (fullName: string): Promise<Profile> => call((c) => c.createProfile(fullName)),
  activities: (filter: ActivityFilter): Promise<ActivitySummary[]> => call((c) => c.activities(filter)),
  activity: (id: string): Promise<ActivityView> => call((c) => c.activity(id)),
  /** Imports files, folders and ZIPs by path; `onProgress` hears each file as it is done. */
  importActivityPaths: (paths: string[], onProgress: (p: ImportProgress) => void): Promise<ImportProgress[]> =>
    call((c) => {
      // Outside Tauri (the ?mock preview) there is no IPC to make a channel with.
      const channel = mockVariant() === null ? new Channel<ImportProgress>() : ({} as Channel<ImportProgress>);
      channel.onmessage = onProgress;
      return c.importActivityPaths(paths, channel);
    }),
  /** Imports one picked file's contents (`index` of `total` picked). */
  importActivityFile: (name: string, bytes: Uint8Array, index: number, total: number): Promise<ImportProgress[]> =>
    call((c) => c.importActivityFile(name, Array.from(bytes), index, total)),
  fitness: (from: string, to: string): Promise<FitnessDay[]> => call((c) => c.fitness(from, to)),
};
