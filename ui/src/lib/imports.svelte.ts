// The one running activity import, shared by the drop target (anywhere on
// the window) and the Activities page that shows its progress and results.

import { api } from "./api";
import type { ImportProgress } from "./bindings";
import { toApiError, type ApiError } from "./errors";
import { requestRefresh } from "./session.svelte";

export const imports = $state<{
  running: boolean;
  /** Files (or archives) finished, of `total`. */
  done: number;
  total: number;
  current: string | null;
  results: ImportProgress[];
  error: ApiError | null;
  /** Files are being dragged over the window. */
  dragging: boolean;
  /** The user asked to stop; the import ends after the file in hand. */
  cancelled: boolean;
  /** A watch import: its files imported before (same content), not read again. */
  alreadyImported: number | null;
}>({
  running: false,
  done: 0,
  total: 0,
  current: null,
  results: [],
  error: null,
  dragging: false,
  cancelled: false,
  alreadyImported: null,
});

function begin(total: number): boolean {
  if (imports.running) return false;
  imports.running = true;
  imports.done = 0;
  imports.total = total;
  imports.current = null;
  imports.results = [];
  imports.error = null;
  imports.cancelled = false;
  imports.alreadyImported = null;
  return true;
}

/** Stops the running import before its next file; what was imported stays. */
export async function cancelImport(): Promise<void> {
  if (!imports.running) return;
  imports.cancelled = true;
  try {
    await api.cancelImport();
  } catch {
    /* picked files stop in the loop below; a drop import then just runs to its end */
  }
}

function finish(): void {
  imports.running = false;
  imports.current = null;
  requestRefresh();
}

/** Paths from a drop: files, folders and ZIPs, read by the core. */
export async function importPaths(paths: string[]): Promise<void> {
  if (paths.length === 0 || !begin(0)) return;
  try {
    await api.importActivityPaths(paths, (p) => {
      imports.total = p.total;
      imports.done = p.index;
      imports.current = p.file_name;
      imports.results = [...imports.results, p];
    });
  } catch (e) {
    imports.error = toApiError(e);
  } finally {
    finish();
  }
}

/** Files from the picker: the WebView gives contents, not paths. */
export async function importFiles(files: File[]): Promise<void> {
  if (files.length === 0 || !begin(files.length)) return;
  try {
    for (const [i, file] of files.entries()) {
      if (imports.cancelled) break;
      imports.current = file.name;
      const bytes = new Uint8Array(await file.arrayBuffer());
      const results = await api.importActivityFile(file.name, bytes, i + 1, files.length);
      imports.results = [...imports.results, ...results];
      imports.done = i + 1;
    }
  } catch (e) {
    imports.error = toApiError(e);
  } finally {
    finish();
  }
}

/** A Garmin watch plugged in over USB: its files not imported before, read by the core. */
export async function importWatch(mountPath: string): Promise<void> {
  if (!begin(0)) return;
  try {
    const done = await api.importWatchDevice(mountPath, (p) => {
      imports.total = p.total;
      imports.done = p.index;
      imports.current = p.file_name;
      imports.results = [...imports.results, p];
    });
    imports.alreadyImported = done.already_imported;
  } catch (e) {
    imports.error = toApiError(e);
  } finally {
    finish();
  }
}
