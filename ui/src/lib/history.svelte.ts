// The history import (Apple Health, Garmin and Strava account exports,
// nutrition CSVs): read the file for a preview first, import only once the
// user confirms, with progress, cancel and a report.

import { api } from "./api";
import type { HistoryPreview, HistoryProgress, HistoryReport } from "./bindings";
import { toApiError, type ApiError } from "./errors";
import { requestRefresh } from "./session.svelte";

export type HistoryStage = "idle" | "reading" | "preview" | "importing" | "done";

export const history = $state<{
  stage: HistoryStage;
  name: string | null;
  path: string | null;
  /** The file was copied in for the preview (picked, not dropped): removed when discarded. */
  staged: boolean;
  preview: HistoryPreview | null;
  progress: HistoryProgress | null;
  report: HistoryReport | null;
  error: ApiError | null;
  cancelling: boolean;
}>({
  stage: "idle",
  name: null,
  path: null,
  staged: false,
  preview: null,
  progress: null,
  report: null,
  error: null,
  cancelling: false,
});

/** "1 workout", "2 workouts": the core names kinds in the plural. */
export function kindLabel(what: string, count: number): string {
  if (count !== 1) return what;
  if (what.startsWith("days ")) return `day ${what.slice(5)}`;
  if (what.endsWith("ies")) return `${what.slice(0, -3)}y`;
  return what.endsWith("s") ? what.slice(0, -1) : what;
}

/** Files that may be a whole export rather than one activity. */
export function isHistoryFile(name: string): boolean {
  return /\.(zip|xml|csv)$/i.test(name);
}

function reset(name: string): void {
  history.stage = "reading";
  history.name = name;
  history.path = null;
  history.staged = false;
  history.preview = null;
  history.progress = null;
  history.report = null;
  history.error = null;
  history.cancelling = false;
}

async function previewAt(path: string): Promise<void> {
  history.path = path;
  try {
    history.preview = await api.importPreview(path);
    history.stage = "preview";
  } catch (e) {
    history.error = toApiError(e);
    history.stage = "idle";
    await discardStaged();
  }
}

/** A path dropped on the window: the core reads it where it is. */
export async function previewPath(path: string): Promise<void> {
  if (history.stage === "reading" || history.stage === "importing") return;
  reset(path.split(/[\\/]/).pop() ?? path);
  await previewAt(path);
}

/** A picked file: its contents are staged under the data folder, then read. */
export async function previewFile(file: File): Promise<void> {
  if (history.stage === "reading" || history.stage === "importing") return;
  reset(file.name);
  try {
    const path = await api.importStage(file.name, new Uint8Array(await file.arrayBuffer()));
    history.staged = true;
    await previewAt(path);
  } catch (e) {
    history.error = toApiError(e);
    history.stage = "idle";
  }
}

async function discardStaged(): Promise<void> {
  if (history.staged && history.path) {
    try {
      await api.importDiscard(history.path);
    } catch {
      /* a leftover copy under imports/ is removed with the next import */
    }
  }
  history.staged = false;
}

/** Imports what the preview showed. */
export async function confirmImport(): Promise<void> {
  if (history.stage !== "preview" || !history.path) return;
  history.stage = "importing";
  try {
    history.report = await api.importHistory(history.path, (p) => {
      history.progress = p;
    });
  } catch (e) {
    history.error = toApiError(e);
  } finally {
    history.staged = false;
    history.stage = "done";
    history.cancelling = false;
    requestRefresh();
  }
}

/** Stops a running import between batches; what was written stays. */
export async function cancelHistory(): Promise<void> {
  if (history.stage !== "importing") return;
  history.cancelling = true;
  try {
    await api.cancelImport();
  } catch {
    /* the import then runs to its end */
  }
}

/** Leaves the preview without importing anything. */
export async function discardPreview(): Promise<void> {
  await discardStaged();
  history.stage = "idle";
  history.preview = null;
  history.path = null;
}

export function closeHistory(): void {
  history.stage = "idle";
  history.report = null;
  history.preview = null;
  history.error = null;
}
