// Code that loads when first needed (a page, a dialog), through a dynamic
// import() that Vite turns into its own chunk. Once loaded, `get()` returns
// the module itself rather than a promise, so `{#await}` renders it at once
// when the user comes back; a failed load is forgotten, so a retry loads again.

import { ApiError } from "./errors";

export type Lazy<T> = {
  /** The module when loaded, else the promise of it (started on the first call). */
  get(): T | Promise<T>;
  /** Forgets a failed load so the next `get()` tries again. */
  reset(): void;
};

export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let value: { ok: T } | null = null;
  let pending: Promise<T> | null = null;
  return {
    get() {
      if (value) return value.ok;
      pending ??= load().then(
        (v) => {
          value = { ok: v };
          return v;
        },
        (e: unknown) => {
          pending = null;
          throw e;
        },
      );
      return pending;
    },
    reset() {
      if (!value) pending = null;
    },
  };
}

/** What the user is told when a chunk of the app's own code did not load. */
export function loadError(e: unknown): ApiError {
  const detail = e instanceof Error ? e.message : String(e);
  return new ApiError("page_load_failed", `The app's code for this view could not be loaded (${detail}).`);
}
