import type { CommandError, ErrorCode, Result } from "./bindings";

/**
 * The core's typed codes (generated from Rust), plus those the UI itself
 * produces: the bridge to the core is missing, a page's code chunk did not
 * load, or the rejection was not a command error at all.
 */
export type UiErrorCode = ErrorCode | "ipc_unavailable" | "page_load_failed" | "unknown";

/** An error from the Rust core (or from reaching it), with a stable code. */
export class ApiError extends Error {
  readonly code: UiErrorCode;

  constructor(code: UiErrorCode, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** Turns anything a command can reject with into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isCommandError(e)) return new ApiError(e.code, e.message);
  if (e instanceof Error) {
    // The generated bindings rethrow plain Errors, which in practice means the
    // IPC bridge itself is missing or broken (e.g. opened in a normal browser).
    return new ApiError("ipc_unavailable", `Could not reach the app core: ${e.message}`);
  }
  if (typeof e === "string" && e.length > 0) return new ApiError("unknown", e);
  return new ApiError("unknown", "Something went wrong, and the app core gave no details.");
}

function isCommandError(e: unknown): e is CommandError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.code === "string" && typeof o.message === "string";
}

/** Returns the data of an ok Result, throws an ApiError for an error Result. */
export function unwrap<T>(result: Result<T, CommandError>): T {
  if (result.status === "ok") return result.data;
  throw toApiError(result.error);
}

/**
 * What the user can do about an error, in the window's own words: the core's
 * message says what went wrong, this says where in the app to fix it (never a
 * command to type). A `Record` over every code, so a new code in the core
 * fails the type check until it is worded here. `null`: the message is enough.
 */
const HINTS: Record<UiErrorCode, string | null> = {
  db_open: "Check that the database file exists and that you may read and write it, then retry.",
  db_migrate: "The database could not be brought up to date. Your data is unchanged; restore a backup under Settings → Backups if it keeps failing.",
  db: "Try again. If it keeps failing, restore a backup under Settings → Backups.",
  no_database: "Restart Wagner Coach to create a new database, or restore a backup under Settings → Backups.",
  not_found: "It may have been deleted or changed elsewhere: reload the page.",
  invalid_input: null,
  no_profile: "Create your profile first: Wagner Coach asks for it when it starts.",
  no_active_program: "Start a program on the Programs page first.",
  not_connected: "Connect again under Settings → Integrations.",
  conflict: null,
  io: "Check that the file or folder exists and that you may use it.",
  corrupt: "Part of your data is damaged. Restore a backup under Settings → Backups.",
  ai_provider: "Check the provider and its key under Settings → AI provider, or try again later.",
  ai_budget: "Raise the monthly AI budget under Settings → AI provider, or wait for the next month.",
  rate_limited: "Wait a little, then try again.",
  waiting: null,
  integration: "The service failed: try again later.",
  secrets: "Check that your system keyring is unlocked, then try again.",
  unknown_barcode: "Add it as a custom food with the values on its label.",
  model_unavailable: "Search still finds entries by keyword; see Settings → Search index.",
  transcription: "Type the note instead, or choose a voice provider under Settings → AI provider.",
  sync: "Check the sync server under Settings → Sync.",
  cancelled: null,
  task_failed: "Try again.",
  ipc_unavailable: "Open the Wagner Coach app: this page does not work in a web browser.",
  page_load_failed: "Retry; if it keeps failing, restart Wagner Coach.",
  unknown: null,
};

/** The window's hint for an error code, or null when the message says it all. */
export function errorHint(code: UiErrorCode): string | null {
  return HINTS[code] ?? null;
}
