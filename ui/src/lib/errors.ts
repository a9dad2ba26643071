import type { CommandError, Result } from "./bindings";

/** An error from the Rust core (or from reaching it), with a stable code. */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
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
