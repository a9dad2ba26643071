import { describe, expect, it } from "vitest";
import { ApiError, toApiError, unwrap } from "./errors";

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
