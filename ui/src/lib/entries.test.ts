import { describe, expect, it } from "vitest";
import {
  EMPTY_HISTORY_FORM,
  aiConfigFrom,
  aiFormFrom,
  canRetry,
  cleanReason,
  entryState,
  extractionCalories,
  extractionSummary,
  formatCost,
  historyFormProblem,
  readerLabel,
  toEntryFilter,
} from "./entries";

describe("toEntryFilter", () => {
  it("maps an empty form to no filter at all", () => {
    expect(toEntryFilter(EMPTY_HISTORY_FORM)).toEqual({
      status: null,
      input_type: null,
      classification: null,
      from: null,
      to: null,
      text: null,
      limit: null,
    });
  });

  it("passes chosen values through and trims the text", () => {
    const f = toEntryFilter(
      { status: "failed", type: "multimodal", classification: "body_measurement", from: "2026-01-02", to: "2026-01-31", text: "  felt great " },
      200,
    );
    expect(f).toEqual({
      status: "failed",
      input_type: "multimodal",
      classification: "body_measurement",
      from: "2026-01-02",
      to: "2026-01-31",
      text: "felt great",
      limit: 200,
    });
  });

  it("drops values the core would reject", () => {
    const f = toEntryFilter({ ...EMPTY_HISTORY_FORM, status: "done", type: "video", from: "2026-1-2", text: "   " });
    expect(f.status).toBeNull();
    expect(f.input_type).toBeNull();
    expect(f.from).toBeNull();
    expect(f.text).toBeNull();
  });

  it("flags a reversed date range", () => {
    expect(historyFormProblem({ ...EMPTY_HISTORY_FORM, from: "2026-02-01", to: "2026-01-01" })).toMatch(/after/);
    expect(historyFormProblem({ ...EMPTY_HISTORY_FORM, from: "2026-01-01", to: "2026-01-01" })).toBeNull();
  });
});

describe("entry state", () => {
  it("tells waiting from reading by the reason", () => {
    expect(entryState({ processing_status: "pending", error_message: null })).toBe("reading");
    expect(entryState({ processing_status: "processing", error_message: null })).toBe("reading");
    expect(entryState({ processing_status: "pending", error_message: "needs transcription" })).toBe("waiting");
    expect(entryState({ processing_status: "failed", error_message: "nothing recognised" })).toBe("failed");
    expect(entryState({ processing_status: "completed", error_message: null })).toBe("completed");
    expect(canRetry({ processing_status: "pending", error_message: "needs transcription" })).toBe(true);
    expect(canRetry({ processing_status: "pending", error_message: null })).toBe(false);
    expect(canRetry({ processing_status: "completed", error_message: null })).toBe(false);
  });

  it("an entry with foods not found waits for the user's pick, not a retry", () => {
    const entry = { processing_status: "needs_review" as const, error_message: "1 food not found: latte" };
    expect(entryState(entry)).toBe("review");
    expect(canRetry(entry)).toBe(false);
  });
});

describe("extraction summary", () => {
  const food = (calories: number) => ({ name: "x", quantity: 1, unit: "piece", grams: null, calories, protein_g: 0, carbs_g: 0, fat_g: 0 });
  it("counts meals, foods, workouts and measurements", () => {
    const x = {
      meals: [{ category: null, foods: [food(150), food(90)] }],
      workouts: [{ activity_type: "run" as const, name: "Run", duration_seconds: 1530, distance_meters: 5000 }],
      measurements: [{ weight_kg: 82.4, body_fat_pct: null, waist_cm: null }],
      confidence: 0.8,
    };
    expect(extractionSummary(x)).toBe("1 meal (2 foods), 1 workout, 1 measurement");
    expect(extractionCalories(x)).toBe(240);
    expect(extractionSummary({ confidence: 0 })).toBe("nothing");
    expect(extractionSummary(null)).toBe("nothing");
  });

  it("labels the reader and its cost", () => {
    expect(readerLabel("offline", "wagner-offline-parser")).toBe("Offline parser");
    expect(readerLabel("groq", "llama-3.3-70b-versatile")).toBe("Groq · llama-3.3-70b-versatile");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.0031234)).toBe("$0.0031");
    expect(formatCost(1.5)).toBe("$1.50");
  });
});

describe("AI settings form", () => {
  it("offline only saves no config", () => {
    expect(aiConfigFrom(aiFormFrom(null))).toEqual({ config: null, errors: {} });
  });

  it("a local server round-trips through the form", () => {
    const config = {
      kind: "openai_compatible" as const,
      model: "qwen2.5-7b-instruct",
      base_url: "http://127.0.0.1:11434/v1",
      transcription_model: null,
      monthly_budget_usd: 5,
      requests_per_minute: 30,
      vision: false,
    };
    expect(aiConfigFrom(aiFormFrom(config))).toEqual({ config, errors: {} });
  });

  it("names every field that is wrong", () => {
    const form = { ...aiFormFrom(null), kind: "openai_compatible" as const, model: " ", base_url: "localhost:8080", monthly_budget_usd: "-3", requests_per_minute: "2.5" };
    const { config, errors } = aiConfigFrom(form);
    expect(config).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["base_url", "model", "monthly_budget_usd", "requests_per_minute"]);
  });

  it("a hosted provider needs no base URL, a local one does", () => {
    const hosted = aiConfigFrom({ ...aiFormFrom(null), kind: "groq", model: "llama-3.3-70b-versatile" });
    expect(hosted.config?.base_url).toBeNull();
    expect(aiConfigFrom({ ...aiFormFrom(null), kind: "openai_compatible", model: "m" }).errors.base_url).toBeDefined();
  });
});

describe("cleanReason", () => {
  it("drops the core's user-error prefix only", () => {
    expect(cleanReason("invalid input: notes.txt: not a supported file")).toBe("notes.txt: not a supported file");
    expect(cleanReason("needs transcription: waits")).toBe("needs transcription: waits");
  });
});
