// The one place the UI talks to the Rust core. Every call unwraps the
// tauri-specta Result and throws an ApiError (code + message) on failure, so a
// page can show the error where it happened.

import { Channel } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { commands, events } from "./bindings";
import type {
  ActivityFilter,
  ActivitySummary,
  ActivityView,
  AiStatus,
  FitnessDay,
  ImportProgress,
  AppStatus,
  BodyOverview,
  EntryDetails,
  EntryFilter,
  ProviderConfig,
  CommandError,
  DemoReport,
  ExpenditureReport,
  Measurement,
  Profile,
  QuickEntry,
  Result,
  Today,
  Upload,
  BackupReport,
  SyncProgress,
  SyncReport,
  SyncSettings,
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
        : import("./mock").then((m) => m.createMockCommands(variant) as Commands);
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
  logEntry: (text: string | null, uploads: Upload[] = [], paths: string[] = []): Promise<QuickEntry> =>
    call((c) => c.logEntry(text, uploads, paths)),
  recentEntries: (limit: number): Promise<QuickEntry[]> => call((c) => c.recentEntries(limit)),
  loadDemo: (): Promise<DemoReport> => call((c) => c.loadDemo()),
  createProfile: (fullName: string): Promise<Profile> => call((c) => c.createProfile(fullName)),
  bodyOverview: (historyLimit: number | null = null): Promise<BodyOverview> =>
    call((c) => c.bodyOverview(historyLimit)),
  /** `values`: "key=value" strings, e.g. ["weight=82.4", "waist=84"]; bare numbers are in the user's units. */
  bodyAdd: (values: string[], at: string | null = null): Promise<Measurement> =>
    call((c) => c.bodyAdd(values, at)),
  /** An empty value ("bf=") removes that measure. */
  bodyEdit: (id: string, values: string[], at: string | null = null): Promise<Measurement> =>
    call((c) => c.bodyEdit(id, values, at)),
  bodyDelete: (id: string): Promise<Measurement> => call((c) => c.bodyDelete(id)),
  bodyUndo: (): Promise<Measurement> => call((c) => c.bodyUndo()),
  bodyExpenditure: (windowDays: number | null = null): Promise<ExpenditureReport> =>
    call((c) => c.bodyExpenditure(windowDays)),
  bodyApplyTarget: (goalRateKg: number, windowDays: number | null = null): Promise<number> =>
    call((c) => c.bodyApplyTarget(goalRateKg, windowDays)),
  bodyAttachPhoto: (id: string, upload: Upload): Promise<Measurement> =>
    call((c) => c.bodyAttachPhoto(id, upload)),
  /** A `data:` URL of the measurement's photo (its thumbnail, or the full image). */
  bodyPhoto: (id: string, thumbnail: boolean): Promise<string> => call((c) => c.bodyPhoto(id, thumbnail)),
  searchEntries: (filter: EntryFilter): Promise<QuickEntry[]> => call((c) => c.searchEntries(filter)),
  entryDetails: (id: string): Promise<EntryDetails> => call((c) => c.entryDetails(id)),
  retryEntry: (id: string): Promise<QuickEntry> => call((c) => c.retryEntry(id)),
  editEntry: (id: string, text: string): Promise<EntryDetails> => call((c) => c.editEntry(id, text)),
  aiStatus: (): Promise<AiStatus> => call((c) => c.aiStatus()),
  saveAiSettings: (config: ProviderConfig | null): Promise<AiStatus> => call((c) => c.saveAiSettings(config)),
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
  syncStatus: (): Promise<SyncSettings> => call((c) => c.syncStatus()),
  syncSaveServer: (url: string): Promise<SyncSettings> => call((c) => c.syncSaveServer(url)),
  /** Syncs in the background; `onProgress` hears each finished batch. */
  syncNow: (onProgress: (p: SyncProgress) => void): Promise<SyncReport> =>
    call((c) => {
      const channel = mockVariant() === null ? new Channel<SyncProgress>() : ({} as Channel<SyncProgress>);
      channel.onmessage = onProgress;
      return c.syncNow(channel);
    }),
  backupNow: (): Promise<BackupReport> => call((c) => c.backupNow()),
};

/**
 * Calls `handler` with the id of every quick entry the core finishes reading
 * in the background. Returns the unsubscribe function (the preview's fake reads too).
 */
export async function onEntryUpdated(handler: (id: string) => void): Promise<() => void> {
  if (mockVariant() !== null) return (await import("./mock")).onMockEntryUpdated(handler);
  if (typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) return () => {};
  return events.entryUpdated.listen((event) => handler(event.payload.id));
}

/** A native file drag over the window: paths on enter and drop, none otherwise. */
export type FileDrag = { type: "enter" | "drop"; paths: string[] } | { type: "over" | "leave" };

/**
 * Calls `handler` for native file drags onto the window (Tauri gives real
 * paths). Returns the unsubscribe function. A no-op in the preview.
 */
export async function onFileDrag(handler: (drag: FileDrag) => void): Promise<() => void> {
  if (mockVariant() !== null || typeof window === "undefined" || !("__TAURI_INTERNALS__" in window)) {
    return () => {};
  }
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    handler(p.type === "enter" || p.type === "drop" ? { type: p.type, paths: p.paths } : { type: p.type });
  });
}
