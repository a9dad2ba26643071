import { describe, expect, it } from "vitest";
import { ApiError, errorHint, toApiError, unwrap, type UiErrorCode } from "./errors";

describe("unwrap", () => {
  it("returns ok data", () => {
    expect(unwrap({ status: "ok", data: 42 })).toBe(42);
  });

  it("throws an ApiError carrying code and message", () => {
    try {
      unwrap({ status: "error", error: { code: "not_found", message: "No profile." } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).code).toBe("not_found");
      expect((e as ApiError).message).toBe("No profile.");
    }
  });
});

describe("toApiError", () => {
  it("keeps command errors and wraps strings and Errors", () => {
    expect(toApiError({ code: "db", message: "locked" })).toMatchObject({ code: "db", message: "locked" });
    expect(toApiError("command today not found")).toMatchObject({ code: "unknown" });
    expect(toApiError(new TypeError("invoke is undefined")).code).toBe("ipc_unavailable");
    expect(toApiError(undefined).message.length).toBeGreaterThan(0);
  });
});

describe("errorHint", () => {
  it("words a hint from the code alone, whatever the message says", () => {
    const a = toApiError({ code: "no_profile", message: "no profile exists yet" });
    const b = toApiError({ code: "no_profile", message: "something else entirely" });
    expect(errorHint(a.code)).toBe(errorHint(b.code));
    expect(errorHint("no_profile")).toMatch(/profile/i);
    expect(errorHint("unknown_barcode")).toMatch(/custom food/i);
    expect(errorHint("not_connected")).toMatch(/Settings/);
  });

  it("never tells the user to type a command", () => {
    const codes: UiErrorCode[] = [
      "db_open", "db_migrate", "db", "no_database", "not_found", "invalid_input", "no_profile",
      "no_active_program", "not_connected", "conflict", "io", "corrupt", "ai_provider", "ai_budget",
      "rate_limited", "waiting", "integration", "secrets", "unknown_barcode", "model_unavailable",
      "transcription", "sync", "cancelled", "task_failed", "ipc_unavailable", "unknown",
    ];
    for (const code of codes) {
      const hint = errorHint(code);
      if (hint !== null) {
        expect(hint, code).not.toMatch(/wagner [a-z]|`|--/);
        expect(hint.length, code).toBeGreaterThan(5);
      }
    }
  });

  it("leaves the message alone where it already says what to change", () => {
    expect(errorHint("invalid_input")).toBeNull();
    expect(errorHint("cancelled")).toBeNull();
  });
});
