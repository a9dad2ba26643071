// Pure helpers for the quick-entry history and review: the filter form as
// the core's EntryFilter, an entry's state in words, and the extraction summed up.

import type {
  EntryFilter,
  Extraction,
  InputType,
  ProcessingStatus,
  ProviderConfig,
  ProviderKind,
  QuickEntry,
} from "./bindings";

/** The history filter form: every field a string, "" meaning "any". */
export type HistoryForm = {
  status: string;
  type: string;
  classification: string;
  from: string;
  to: string;
  text: string;
};

export const EMPTY_HISTORY_FORM: HistoryForm = {
  status: "",
  type: "",
  classification: "",
  from: "",
  to: "",
  text: "",
};

export const STATUSES: ProcessingStatus[] = ["pending", "processing", "completed", "failed", "needs_review"];
export const INPUT_TYPES: InputType[] = ["text", "voice", "image", "multimodal", "pdf"];
export const CLASSIFICATIONS = ["meal", "workout", "body_measurement", "multiple", "unknown"] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function pick<T extends string>(value: string, allowed: readonly T[]): T | null {
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

/** The form as the core's filter: blanks and unknown values become null, text is trimmed. */
export function toEntryFilter(form: HistoryForm, limit: number | null = null): EntryFilter {
  const text = form.text.trim();
  return {
    status: pick(form.status, STATUSES),
    input_type: pick(form.type, INPUT_TYPES),
    classification: pick(form.classification, CLASSIFICATIONS),
    from: DATE.test(form.from) ? form.from : null,
    to: DATE.test(form.to) ? form.to : null,
    text: text.length > 0 ? text : null,
    limit,
  };
}

/** A problem with the form the user should see, or null. */
export function historyFormProblem(form: HistoryForm): string | null {
  if (DATE.test(form.from) && DATE.test(form.to) && form.from > form.to) {
    return "The “from” date is after the “to” date.";
  }
  return null;
}

/**
 * A core message as a sentence for the user: the "invalid input: " that the
 * core puts before a user error says nothing the context doesn't.
 */
export function cleanReason(message: string): string {
  return message.replace(/^invalid input: /, "");
}

export type EntryState = "reading" | "completed" | "failed" | "waiting" | "review";

/**
 * Where an entry stands. A pending entry with a reason is waiting for
 * something (a transcription provider, a description for a photo).
 */
export function entryState(entry: Pick<QuickEntry, "processing_status" | "error_message">): EntryState {
  switch (entry.processing_status) {
    case "completed":
      return "completed";
    case "failed":
      return "failed";
    case "needs_review":
      return "review";
    default:
      return entry.error_message ? "waiting" : "reading";
  }
}

/** Whether "Retry" makes sense: it failed, or it waits for something. */
export function canRetry(entry: Pick<QuickEntry, "processing_status" | "error_message">): boolean {
  const s = entryState(entry);
  return s === "failed" || s === "waiting";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "1 meal (3 foods), 1 workout, 1 measurement" — or "nothing" for an empty reading. */
export function extractionSummary(x: Extraction | null): string {
  if (!x) return "nothing";
  const parts: string[] = [];
  const meals = x.meals ?? [];
  if (meals.length > 0) {
    const foods = meals.reduce((n, m) => n + m.foods.length, 0);
    parts.push(`${plural(meals.length, "meal")} (${plural(foods, "food")})`);
  }
  const workouts = x.workouts ?? [];
  if (workouts.length > 0) parts.push(plural(workouts.length, "workout"));
  const measurements = x.measurements ?? [];
  if (measurements.length > 0) parts.push(plural(measurements.length, "measurement"));
  return parts.length > 0 ? parts.join(", ") : "nothing";
}

/** Total kcal of every food read from an entry. */
export function extractionCalories(x: Extraction | null): number {
  return (x?.meals ?? []).reduce((sum, m) => sum + m.foods.reduce((s, f) => s + f.calories, 0), 0);
}

/** "Offline parser" or "anthropic · claude-haiku-4-5". */
export function readerLabel(provider: string | null, model: string | null): string {
  if (!provider || provider === "offline") return "Offline parser";
  return model ? `${providerLabel(provider)} · ${model}` : providerLabel(provider);
}

export function providerLabel(kind: string): string {
  switch (kind) {
    case "anthropic":
      return "Anthropic";
    case "groq":
      return "Groq";
    case "openrouter":
      return "OpenRouter";
    case "openai_compatible":
      return "Local server";
    default:
      return kind;
  }
}

/** "$0.0031", "$0" — small costs keep their significant digits. */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return "$0";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2))}`;
}

// ---------------------------------------------------------------- AI settings

/** The AI settings form: "" as `kind` means offline only. */
export type AiForm = {
  kind: ProviderKind | "";
  model: string;
  base_url: string;
  transcription_model: string;
  monthly_budget_usd: string;
  requests_per_minute: string;
  vision: boolean;
};

export const DEFAULT_MODELS: Record<ProviderKind, string> = {
  anthropic: "claude-haiku-4-5",
  groq: "meta-llama/llama-4-scout-17b-16e-instruct",
  openrouter: "openai/gpt-4o-mini",
  openai_compatible: "qwen2.5-7b-instruct",
};

export const LOCAL_BASE_URL = "http://127.0.0.1:8080/v1";

export function aiFormFrom(config: ProviderConfig | null): AiForm {
  if (!config) {
    return {
      kind: "",
      model: "",
      base_url: "",
      transcription_model: "",
      monthly_budget_usd: "",
      requests_per_minute: "",
      vision: false,
    };
  }
  return {
    kind: config.kind,
    model: config.model,
    base_url: config.base_url ?? "",
    transcription_model: config.transcription_model ?? "",
    monthly_budget_usd: config.monthly_budget_usd == null ? "" : String(config.monthly_budget_usd),
    requests_per_minute: config.requests_per_minute == null ? "" : String(config.requests_per_minute),
    vision: config.vision ?? config.kind === "anthropic",
  };
}

export type AiFormErrors = Partial<Record<keyof AiForm, string>>;

/**
 * The form as the config to save (null = offline only), or the problems per
 * field. The core checks again and its message is shown as well.
 */
export function aiConfigFrom(form: AiForm): { config: ProviderConfig | null; errors: AiFormErrors } {
  const errors: AiFormErrors = {};
  if (form.kind === "") return { config: null, errors };
  const model = form.model.trim();
  if (model.length === 0) errors.model = "Enter the model name the provider should use.";
  const baseUrl = form.base_url.trim();
  if (baseUrl.length > 0 && !/^https?:\/\/\S+$/.test(baseUrl)) {
    errors.base_url = "The base URL must start with http:// or https://.";
  } else if (form.kind === "openai_compatible" && baseUrl.length === 0) {
    errors.base_url = "Enter the server’s address, e.g. http://127.0.0.1:8080/v1.";
  }
  let budget: number | null = null;
  const budgetText = form.monthly_budget_usd.trim();
  if (budgetText.length > 0) {
    budget = Number(budgetText);
    if (!Number.isFinite(budget) || budget < 0) {
      errors.monthly_budget_usd = "The budget is an amount in US dollars, 0 or more.";
    }
  }
  let rpm: number | null = null;
  const rpmText = form.requests_per_minute.trim();
  if (rpmText.length > 0) {
    rpm = Number(rpmText);
    if (!Number.isInteger(rpm) || rpm < 1) {
      errors.requests_per_minute = "Requests per minute is a whole number, 1 or more.";
    }
  }
  if (Object.keys(errors).length > 0) return { config: null, errors };
  const transcription = form.transcription_model.trim();
  return {
    config: {
      kind: form.kind,
      model,
      base_url: baseUrl.length > 0 ? baseUrl : null,
      transcription_model: transcription.length > 0 ? transcription : null,
      monthly_budget_usd: budget,
      requests_per_minute: rpm,
      vision: form.vision,
    },
    errors,
  };
}
