// An in-memory fake of the Rust commands, for looking at the UI in a plain
// browser only: api.ts loads it when there is no Tauri bridge AND the URL has
// `?mock` (`?mock=welcome`, `?mock=empty`, `?mock=error`, `?mock=rest`,
// `?mock=imperial` pick other states).
// It is never used inside the app.

import type { Commands } from "./api";
import type { Channel } from "@tauri-apps/api/core";
import type {
  ActivityFilter,
  ActivitySummary,
  AiStatus,
  ActivityView,
  FitnessDay,
  ImportProgress,
  AppStatus,
  BodyOverview,
  BodySnapshot,
  CommandError,
  DemoReport,
  ExpenditureReport,
  KindView,
  EntryDetails,
  EntryFilter,
  Extraction,
  MealSummary,
  Measurement,
  Profile,
  ProgramDay,
  ProviderConfig,
  QuickEntry,
  Result,
  Today,
  Upload,
  BackupReport,
  SyncProgress,
  SyncReport,
  SyncSettings,
  SyncStatus,
} from "./bindings";
import { calendarDateIn } from "./format";

const DB_PATH = "/home/alex/.local/share/app.wagnercoach.desktop/wagner.db";

type State = {
  profile: Profile | null;
  hasData: boolean;
  failStatus: boolean;
  meals: MealSummary[];
  activities: ActivitySummary[];
  recent: ActivitySummary[];
  body: BodySnapshot | null;
  measurements: Measurement[];
  lastDeleted: Measurement | null;
  program: ProgramDay | null;
  entries: QuickEntry[];
  readings: Map<string, Reading>;
  ai: ProviderConfig | null;
};

/** What the fake "read" of an entry produced (the review panel shows it). */
type Reading = Omit<EntryDetails, "entry">;

const updateListeners = new Set<(id: string) => void>();

/** api.ts's onEntryUpdated in the preview: the fake reads entries "in the background" too. */
export function onMockEntryUpdated(handler: (id: string) => void): () => void {
  updateListeners.add(handler);
  return () => updateListeners.delete(handler);
}

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function ok<T>(data: T): Result<T, CommandError> {
  return { status: "ok", data };
}

function fail<T>(code: string, message: string): Result<T, CommandError> {
  return { status: "error", error: { code, message } };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A UTC timestamp for a local clock time, `daysAgo` days before today. */
function at(hour: number, minute: number, daysAgo = 0): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysAgo, hour, minute).toISOString();
}

/** Text entries carry no transcript or files. */
const noAttachments = { raw_transcription: null, image_urls: [], audio_url: null, document_urls: [] };

let nextId = 1;
function id(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId.toString(16).padStart(4, "0")}`;
}

function profileFor(fullName: string, demo: boolean): Profile {
  return {
    id: id("profile"),
    full_name: fullName,
    time_zone: zone,
    units: "metric",
    daily_calorie_target: demo ? 2400 : null,
    daily_protein_target_g: demo ? 160 : null,
    daily_carbs_target_g: demo ? 260 : null,
    daily_fat_target_g: demo ? 80 : null,
  };
}

function demoData(state: State): void {
  state.profile = profileFor("Alex Wagner", true);
  state.hasData = true;
  state.meals = [
    {
      id: id("meal"),
      category: "breakfast",
      logged_at: at(7, 40),
      name: "Overnight oats",
      foods: [
        { name: "Rolled oats", quantity: 80, unit: "g", grams: 80, calories: 303, protein_g: 10.5, carbs_g: 54, fat_g: 5.3, food_id: null },
        { name: "Greek yogurt", quantity: 150, unit: "g", grams: 150, calories: 146, protein_g: 15, carbs_g: 6, fat_g: 7, food_id: null },
        { name: "Blueberries", quantity: 1, unit: "cup", grams: 148, calories: 84, protein_g: 1.1, carbs_g: 21, fat_g: 0.5, food_id: null },
      ],
      total_calories: 533,
      total_protein_g: 26.6,
      total_carbs_g: 81,
      total_fat_g: 12.8,
      source: "quick_entry",
    },
    {
      id: id("meal"),
      category: "lunch",
      logged_at: at(12, 55),
      name: null,
      foods: [
        { name: "Grilled chicken breast", quantity: 180, unit: "g", grams: 180, calories: 297, protein_g: 55.8, carbs_g: 0, fat_g: 6.5, food_id: null },
        { name: "Basmati rice", quantity: 200, unit: "g", grams: 200, calories: 260, protein_g: 5.4, carbs_g: 57, fat_g: 0.6, food_id: null },
        { name: "Roasted vegetables", quantity: 150, unit: "g", grams: 150, calories: 128, protein_g: 3, carbs_g: 15, fat_g: 6.8, food_id: null },
      ],
      total_calories: 685,
      total_protein_g: 64.2,
      total_carbs_g: 72,
      total_fat_g: 13.9,
      source: "quick_entry",
    },
    {
      id: id("meal"),
      category: "snack",
      logged_at: at(16, 10),
      name: "Protein shake & banana",
      foods: [
        { name: "Whey protein", quantity: 1, unit: "scoop", grams: 30, calories: 120, protein_g: 24, carbs_g: 3, fat_g: 1.5, food_id: null },
        { name: "Banana", quantity: 1, unit: "medium", grams: 118, calories: 105, protein_g: 1.3, carbs_g: 27, fat_g: 0.4, food_id: null },
      ],
      total_calories: 225,
      total_protein_g: 25.3,
      total_carbs_g: 30,
      total_fat_g: 1.9,
      source: "quick_entry",
    },
  ];
  const run: ActivitySummary = {
    id: id("act"),
    name: "Morning run",
    activity_type: "run",
    source: "manual",
    start_date: at(6, 35),
    elapsed_time_seconds: 2745,
    distance_meters: 8240,
    calories: 612,
    average_heartrate: 148,
  };
  state.activities = [run];
  state.recent = [
    run,
    {
      id: id("act"),
      name: "Upper body strength",
      activity_type: "strength",
      source: "manual",
      start_date: at(18, 20, 1),
      elapsed_time_seconds: 3960,
      distance_meters: null,
      calories: 410,
      average_heartrate: 121,
    },
    {
      id: id("act"),
      name: "Easy spin",
      activity_type: "ride",
      source: "manual",
      start_date: at(7, 5, 2),
      elapsed_time_seconds: 5430,
      distance_meters: 38600,
      calories: 820,
      average_heartrate: 132,
    },
  ];
  state.body = {
    measured_at: at(6, 55),
    weight_kg: 82.4,
    body_fat_pct: 18.1,
    change_7d_kg: -0.6,
    trend_kg: 82.7,
    weekly_rate_kg: -0.52,
  };
  state.measurements = [];
  for (let daysAgo = 59; daysAgo >= 0; daysAgo -= 1) {
    if (daysAgo % 9 === 4) continue; // a few days off the scale
    const kg = 82.4 + daysAgo * 0.075 + Math.sin(daysAgo * 1.7) * 0.45;
    state.measurements.push(
      measurement(at(6, 55, daysAgo), Math.round(kg * 10) / 10, daysAgo % 7 === 0 ? 18.1 + daysAgo * 0.02 : null),
    );
  }
  state.program = {
    program_id: id("prog"),
    program_name: "Lean build · 12 weeks",
    day_number: 12,
    total_days: 84,
    week_number: 2,
    day_name: "Push day",
    day_focus: "Chest, shoulders and triceps",
    is_rest_day: false,
    is_completed: false,
    items: [
      { id: id("item"), item_type: "meal", item_order: 1, title: "High-protein breakfast", detail: "40 g protein, oats or eggs", is_completed: true },
      { id: id("item"), item_type: "workout", item_order: 2, title: "Bench press 4×6", detail: "RPE 8, 2 min rest", is_completed: false },
      { id: id("item"), item_type: "workout", item_order: 3, title: "Overhead press 3×8", detail: null, is_completed: false },
      { id: id("item"), item_type: "meal", item_order: 4, title: "Post-workout meal", detail: "Carbs + 40 g protein within 2 h", is_completed: false },
    ],
  };
  state.entries = [
    { id: id("entry"), input_type: "text", raw_text: "overnight oats with greek yogurt and blueberries", processing_status: "completed", logged_at: at(7, 42), error_message: null , raw_transcription: null, image_urls: [], audio_url: null, document_urls: [] },
    { id: id("entry"), input_type: "text", raw_text: "ran 8.2k this morning, felt strong", processing_status: "completed", logged_at: at(7, 50), error_message: null , raw_transcription: null, image_urls: [], audio_url: null, document_urls: [] },
    { id: id("entry"), input_type: "voice", raw_text: null, processing_status: "failed", logged_at: at(13, 5), error_message: "The voice note could not be transcribed." , raw_transcription: null, image_urls: [], audio_url: "attachments/ab/voice.wav", document_urls: [] },
  ];
}

function measurement(measuredAt: string, weightKg: number | null, bodyFat: number | null): Measurement {
  return {
    id: id("body"),
    measured_at: measuredAt,
    local_date: calendarDateIn(new Date(measuredAt), zone),
    weight_kg: weightKg,
    body_fat_pct: bodyFat,
    measurements: {},
    source: "scale",
    notes: null,
    photo_url: null,
    quick_entry_log_id: null,
    ai_extracted: false,
  };
}

function mockKinds(imperial: boolean): KindView[] {
  const k = (key: string, label: string, unit: string, si: number, storage: KindView["storage"], digits = 1): KindView => ({
    key,
    label,
    unit,
    si_per_unit: si,
    digits,
    storage,
    custom: false,
  });
  return [
    k("weight", "Weight", imperial ? "lb" : "kg", imperial ? 0.45359237 : 1, { kind: "weight_column" }),
    k("bf", "Body fat", "%", 1, { kind: "body_fat_column" }),
    k("waist", "Waist", imperial ? "in" : "cm", imperial ? 2.54 : 1, { kind: "json", key: "waist_cm" }),
    k("hips", "Hips", imperial ? "in" : "cm", imperial ? 2.54 : 1, { kind: "json", key: "hips_cm" }),
    k("rhr", "Resting HR", "bpm", 1, { kind: "json", key: "resting_hr_bpm" }, 0),
  ];
}

/** The mock's body overview: a plain 10% daily smoothing, like the core's. */
function bodyOverview(state: State, imperial: boolean): BodyOverview {
  const kinds = mockKinds(imperial);
  const sorted = [...state.measurements].sort((a, b) => a.measured_at.localeCompare(b.measured_at));
  const weighIns = sorted.flatMap((m) =>
    m.weight_kg === null ? [] : [{ id: m.id, measured_at: m.measured_at, local_date: m.local_date, weight_kg: m.weight_kg }],
  );
  const trendPoints: BodyOverview["trend_points"] = [];
  for (const w of weighIns) {
    const prev = trendPoints.at(-1);
    if (prev && prev.date === w.local_date) continue;
    const trend = prev ? prev.trend_kg + 0.1 * (w.weight_kg - prev.trend_kg) : w.weight_kg;
    trendPoints.push({ date: w.local_date, weight_kg: w.weight_kg, trend_kg: trend });
  }
  const last = trendPoints.at(-1);
  const latest = kinds.flatMap((kind) => {
    const m = [...sorted].reverse().find((x) =>
      kind.storage.kind === "weight_column"
        ? x.weight_kg !== null
        : kind.storage.kind === "body_fat_column"
          ? x.body_fat_pct !== null
          : kind.storage.key in x.measurements,
    );
    if (!m) return [];
    const value =
      kind.storage.kind === "weight_column"
        ? (m.weight_kg ?? 0)
        : kind.storage.kind === "body_fat_column"
          ? (m.body_fat_pct ?? 0)
          : Number(m.measurements[kind.storage.key]);
    const shown = (value / kind.si_per_unit).toFixed(kind.digits);
    return [{ key: kind.key, label: kind.label, value, display: kind.unit === "%" ? `${shown}%` : `${shown} ${kind.unit}`, local_date: m.local_date }];
  });
  return {
    units: imperial ? "imperial" : "metric",
    kinds,
    latest,
    trend: last ? { date: last.date, weight_kg: last.weight_kg, trend_kg: last.trend_kg, weekly_rate_kg: -0.48 } : null,
    goal_weight_kg: 78,
    trend_points: trendPoints,
    weigh_ins: weighIns,
    history: [...sorted].reverse().slice(0, 30),
  };
}

/** Applies "key=value" strings with bare numbers in the user's units. */
function applyValues(m: Measurement, values: string[], imperial: boolean): string | null {
  for (const token of values.flatMap((v) => v.split(/\s+/)).filter((t) => t.length > 0)) {
    const [key = "", raw = ""] = token.split("=");
    const kind = mockKinds(imperial).find((k) => k.key === key.toLowerCase());
    if (!kind) return `unknown measure "${key}"`;
    if (raw === "") {
      if (kind.storage.kind === "weight_column") m.weight_kg = null;
      else if (kind.storage.kind === "body_fat_column") m.body_fat_pct = null;
      else delete m.measurements[kind.storage.key];
      continue;
    }
    const n = Number.parseFloat(raw.replace(",", "."));
    if (!Number.isFinite(n) || n <= 0) return `${kind.key}: "${raw}" is not a number with a unit (e.g. 84cm)`;
    const si = n * kind.si_per_unit;
    if (kind.storage.kind === "weight_column") {
      if (si >= 700) return `Weight ${si.toFixed(2)} kg is not plausible`;
      m.weight_kg = Math.round(si * 1000) / 1000;
    } else if (kind.storage.kind === "body_fat_column") {
      if (si > 100) return `Body fat ${si}% is not plausible`;
      m.body_fat_pct = si;
    } else m.measurements[kind.storage.key] = Math.round(si * 1000) / 1000;
  }
  return null;
}

function mockExpenditure(state: State): ExpenditureReport {
  const end = new Date(Date.now() - 86_400_000);
  const start = new Date(end.getTime() - 27 * 86_400_000);
  const estimate = 2610;
  return {
    expenditure: {
      window_start: calendarDateIn(start, zone),
      window_end: calendarDateIn(end, zone),
      window_days: 28,
      period_start: calendarDateIn(start, zone),
      period_end: calendarDateIn(end, zone),
      period_days: 27,
      logged_days: 24,
      missing_days: [calendarDateIn(new Date(end.getTime() - 3 * 86_400_000), zone), calendarDateIn(new Date(end.getTime() - 11 * 86_400_000), zone)],
      mean_intake_kcal: 2050,
      trend_start_kg: 84.6,
      trend_end_kg: 82.7,
      trend_change_kg: -1.9,
      data_estimate_kcal: 2592,
      formula: {
        weight_kg: 82.7,
        height_cm: 181,
        age: 34,
        biological_sex: "male",
        training_frequency: 5,
        bmr_kcal: 1812,
        activity_factor: 1.55,
        tdee_kcal: 2809,
      },
      data_weight: 1,
      estimate_kcal: estimate,
      confidence: "high",
      notes: [],
    },
    current_target_kcal: state.profile?.daily_calorie_target ?? null,
    offers: [-0.75, -0.5, -0.25, 0, 0.25].map((r) => ({ goal_rate_kg: r, calorie_target: Math.round(estimate + (r * 7700) / 7) })),
  };
}

function emptyState(): State {
  return {
    profile: null,
    hasData: false,
    failStatus: false,
    meals: [],
    activities: [],
    recent: [],
    body: null,
    measurements: [],
    lastDeleted: null,
    program: null,
    entries: [],
    readings: new Map(),
    ai: null,
  };
}

const KCAL: Record<string, number> = { egg: 78, eggs: 78, toast: 90, banana: 105, oatmeal: 150, yogurt: 146, coffee: 5, rice: 260, chicken: 297 };

/** A toy reader for the preview only: foods from known words, a run from "ran …k". */
function mockRead(entry: QuickEntry): { status: QuickEntry["processing_status"]; message: string | null; reading: Reading } {
  const text = (entry.raw_text ?? "").toLowerCase();
  const reading: Reading = {
    classification: null,
    confidence: null,
    ai_provider: "offline",
    ai_model: "wagner-offline-parser",
    ai_cost_usd: 0,
    extraction: null,
    provider_error: null,
    attempts: 1,
  };
  if (text.length === 0 && entry.audio_url) {
    return { status: "pending", message: "needs transcription: this voice note waits until a transcription provider (Groq or a local Whisper server) is set up", reading };
  }
  if (text.length === 0) {
    return { status: "pending", message: "a photo alone waits for a vision-capable AI provider or a description: add what you ate", reading };
  }
  const x: Extraction = { meals: [], workouts: [], measurements: [], confidence: 0.72 };
  const foods = Object.keys(KCAL)
    .filter((w) => new RegExp(`\\b${w}\\b`).test(text))
    .map((w) => {
      const n = Number(/(\d+)\s+\w*\s*$/.exec(text.slice(0, text.indexOf(w)))?.[1] ?? 1);
      return { name: w.charAt(0).toUpperCase() + w.slice(1), quantity: n, unit: "piece", grams: null, calories: (KCAL[w] ?? 0) * n, protein_g: 5 * n, carbs_g: 10 * n, fat_g: 3 * n };
    });
  if (foods.length > 0) x.meals = [{ category: null, foods }];
  const run = /ran (\d+(?:\.\d+)?)\s*k/.exec(text);
  if (run) x.workouts = [{ activity_type: "run", name: "Run", duration_seconds: 1800, distance_meters: Number(run[1]) * 1000, sets: [] }];
  const bench = /bench (\d+)x(\d+) @ (\d+)/.exec(text);
  if (bench) {
    const sets = Array.from({ length: Number(bench[1]) }, () => ({ exercise: "Bench press", reps: Number(bench[2]), weight_kg: Number(bench[3]) }));
    x.workouts = [...(x.workouts ?? []), { activity_type: "strength", name: "Strength", duration_seconds: null, distance_meters: null, sets }];
  }
  const kg = /weigh(?:ed|t)?\s+(\d+(?:\.\d+)?)\s*kg/.exec(text);
  if (kg) x.measurements = [{ weight_kg: Number(kg[1]), body_fat_pct: null, waist_cm: null }];
  const kinds = [x.meals?.length, x.workouts?.length, x.measurements?.length].filter((n) => (n ?? 0) > 0).length;
  if (kinds === 0) {
    return {
      status: "failed",
      message: "nothing recognised as a meal, a workout or a measurement: edit the entry (e.g. \"2 eggs\", \"ran 5k in 25:30\", \"weighed 82.4 kg\") or set up an AI provider",
      reading,
    };
  }
  reading.classification = kinds > 1 ? "multiple" : x.meals?.length ? "meal" : x.workouts?.length ? "workout" : "body_measurement";
  reading.confidence = x.confidence;
  reading.extraction = x;
  return { status: "completed", message: null, reading };
}

function localDay(iso: string): string {
  return calendarDateIn(new Date(iso), zone);
}

function matches(e: QuickEntry, r: Reading | undefined, f: EntryFilter): boolean {
  if (f.status && e.processing_status !== f.status) return false;
  if (f.input_type && e.input_type !== f.input_type) return false;
  if (f.classification && (r?.classification ?? null) !== f.classification) return false;
  if (f.from && localDay(e.logged_at) < f.from) return false;
  if (f.to && localDay(e.logged_at) > f.to) return false;
  const t = f.text?.toLowerCase();
  if (t && !`${e.raw_text ?? ""} ${e.raw_transcription ?? ""}`.toLowerCase().includes(t)) return false;
  return true;
}

function sum(meals: MealSummary[], pick: (m: MealSummary) => number): number {
  return meals.reduce((acc, m) => acc + pick(m), 0);
}

function remaining(target: number | null, eaten: number): number | null {
  return target === null ? null : target - eaten;
}

/** Only the commands the preview needs; a missing one fails like an unreachable core. */
export function createMockCommands(variant: string): Partial<Commands> {
  const state = emptyState();
  if (variant === "demo" || variant === "rest" || variant === "imperial") demoData(state);
  if (variant === "imperial" && state.profile) state.profile = { ...state.profile, units: "imperial" };
  if (variant === "rest" && state.program) {
    state.program = { ...state.program, day_number: 14, day_name: "Rest day", day_focus: null, is_rest_day: true, items: [] };
  }
  if (variant === "empty") {
    state.profile = profileFor("Sam Rivera", false);
    state.hasData = true;
  }
  if (variant === "error") state.failStatus = true;
  for (const e of state.entries) read(e);

  /** Reads an entry like the core would, then tells the listeners. */
  function read(entry: QuickEntry): void {
    const r = mockRead(entry);
    const previous = state.readings.get(entry.id);
    r.reading.attempts = (previous?.attempts ?? 0) + 1;
    entry.processing_status = r.status;
    entry.error_message = r.message;
    state.readings.set(entry.id, r.reading);
  }

  function readLater(entryId: string): void {
    setTimeout(() => {
      const entry = state.entries.find((e) => e.id === entryId);
      if (!entry) return;
      read(entry);
      updateListeners.forEach((l) => l(entryId));
    }, 900);
  }

  function aiStatus(): AiStatus {
    const keyEnv = state.ai ? { anthropic: "ANTHROPIC_API_KEY", groq: "GROQ_API_KEY", openrouter: "OPENROUTER_API_KEY", openai_compatible: "WAGNER_LOCAL_API_KEY" }[state.ai.kind] : null;
    return {
      config: state.ai,
      key_env: keyEnv,
      key_present: false,
      month_spend_usd: 0.0123,
      active: state.ai?.kind === "openai_compatible",
    };
  }

  return {
    async appStatus(): Promise<Result<AppStatus, CommandError>> {
      await delay(120);
      if (state.failStatus) {
        return fail("database", `Could not open the database at ${DB_PATH}: permission denied (os error 13).`);
      }
      return ok({ db_path: DB_PATH, profile: state.profile, has_data: state.hasData, schema_version: 3 });
    },

    async today(date: string | null): Promise<Result<Today, CommandError>> {
      await delay(180);
      const profile = state.profile;
      if (!profile) return fail("no_profile", "Create a profile first.");
      const n = state.meals;
      const calories = sum(n, (m) => m.total_calories);
      const protein = sum(n, (m) => m.total_protein_g);
      const carbs = sum(n, (m) => m.total_carbs_g);
      const fat = sum(n, (m) => m.total_fat_g);
      return ok({
        date: date ?? calendarDateIn(new Date(), profile.time_zone),
        time_zone: profile.time_zone,
        profile,
        nutrition: {
          calories,
          protein_g: protein,
          carbs_g: carbs,
          fat_g: fat,
          fiber_g: 21,
          targets: {
            calories: profile.daily_calorie_target,
            protein_g: profile.daily_protein_target_g,
            carbs_g: profile.daily_carbs_target_g,
            fat_g: profile.daily_fat_target_g,
          },
          remaining: {
            calories: remaining(profile.daily_calorie_target, calories),
            protein_g: remaining(profile.daily_protein_target_g, protein),
            carbs_g: remaining(profile.daily_carbs_target_g, carbs),
            fat_g: remaining(profile.daily_fat_target_g, fat),
          },
          meals: [...n],
        },
        activities: [...state.activities],
        recent_activities: [...state.recent],
        body: state.body,
        program: state.program,
        entries: [...state.entries],
      });
    },

    async logEntry(text: string | null, uploads: Upload[] = [], paths: string[] = []): Promise<Result<QuickEntry, CommandError>> {
      await delay(250);
      const trimmed = (text ?? "").trim();
      const files = [...uploads.map((u) => u.name), ...paths.map((p) => p.split(/[\\/]/).pop() ?? p)];
      if (trimmed.length === 0 && files.length === 0) return fail("invalid_input", "Write something to log first.");
      if (trimmed.includes("#fail")) {
        return fail("storage", "Could not save the entry: the database is locked.");
      }
      const bad = files.find((n) => !/\.(jpe?g|png|webp|wav|mp3|m4a|ogg|pdf)$/i.test(n));
      if (bad) {
        return fail("invalid_input", `${bad}: not a supported file (photos: JPEG, PNG or WebP; voice: WAV, MP3, M4A or OGG; documents: PDF)`);
      }
      const images = files.filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).map((n) => `attachments/ab/${n}`);
      const audio = files.find((n) => /\.(wav|mp3|m4a|ogg)$/i.test(n));
      const pdfs = files.filter((n) => /\.pdf$/i.test(n)).map((n) => `attachments/cd/${n}`);
      const entry: QuickEntry = {
        id: id("entry"),
        input_type:
          files.length === 0 ? "text" : audio && images.length === 0 && pdfs.length === 0 ? "voice" : images.length === 0 ? "pdf" : trimmed.length === 0 && pdfs.length === 0 ? "image" : "multimodal",
        raw_text: trimmed.length > 0 ? trimmed : null,
        raw_transcription: pdfs.length > 0 ? "Nutrition facts: serving 40 g, 150 kcal" : null,
        processing_status: "pending",
        logged_at: new Date().toISOString(),
        error_message: null,
        image_urls: images,
        audio_url: audio ? `attachments/ef/${audio}` : null,
        document_urls: pdfs,
      };
      state.entries = [...state.entries, entry];
      readLater(entry.id);
      return ok(entry);
    },

    async searchEntries(filter: EntryFilter): Promise<Result<QuickEntry[], CommandError>> {
      await delay(120);
      const found = [...state.entries].reverse().filter((e) => matches(e, state.readings.get(e.id), filter));
      return ok(found.slice(0, filter.limit ?? 100));
    },

    async entryDetails(entryId: string): Promise<Result<EntryDetails, CommandError>> {
      await delay(80);
      const entry = state.entries.find((e) => e.id === entryId);
      if (!entry) return fail("not_found", `entry ${entryId} not found`);
      const reading = state.readings.get(entryId) ?? {
        classification: null, confidence: null, ai_provider: null, ai_model: null, ai_cost_usd: 0, extraction: null, provider_error: null, attempts: 0,
      };
      return ok({ entry, ...reading });
    },

    async retryEntry(entryId: string): Promise<Result<QuickEntry, CommandError>> {
      await delay(120);
      const entry = state.entries.find((e) => e.id === entryId);
      if (!entry) return fail("not_found", `entry ${entryId} not found`);
      if (entry.processing_status === "completed") {
        return fail("invalid_input", `entry ${entryId} is completed: only pending or failed entries are processed`);
      }
      readLater(entryId);
      return ok(entry);
    },

    async editEntry(entryId: string, text: string): Promise<Result<EntryDetails, CommandError>> {
      await delay(300);
      const trimmed = text.trim();
      if (trimmed.length === 0) return fail("invalid_input", "the entry is empty: type what you ate, did or weighed");
      const entry = state.entries.find((e) => e.id === entryId);
      if (!entry) return fail("not_found", `entry ${entryId} not found`);
      entry.raw_text = trimmed;
      read(entry);
      return ok({ entry: { ...entry }, ...(state.readings.get(entryId) as Reading) });
    },

    async aiStatus(): Promise<Result<AiStatus, CommandError>> {
      await delay(100);
      return ok(aiStatus());
    },

    async saveAiSettings(config: ProviderConfig | null): Promise<Result<AiStatus, CommandError>> {
      await delay(200);
      if (config?.base_url && !/^https?:\/\//.test(config.base_url)) {
        return fail("invalid_input", `base URL "${config.base_url}" must start with http:// or https://`);
      }
      state.ai = config;
      return ok(aiStatus());
    },

    async recentEntries(limit: number): Promise<Result<QuickEntry[], CommandError>> {
      await delay(150);
      return ok([...state.entries].reverse().slice(0, limit));
    },

    async loadDemo(): Promise<Result<DemoReport, CommandError>> {
      await delay(700);
      demoData(state);
      for (const e of state.entries) read(e);
      const profile = state.profile as Profile | null;
      if (!profile) return fail("internal", "Demo data did not create a profile.");
      return ok({
        profile,
        meals: state.meals.length,
        activities: state.recent.length,
        measurements: 1,
        entries: state.entries.length,
        program_days: 84,
      });
    },

    async bodyOverview(): Promise<Result<BodyOverview, CommandError>> {
      await delay(150);
      if (!state.profile) return fail("no_profile", "Create a profile first.");
      return ok(bodyOverview(state, state.profile.units === "imperial"));
    },

    async bodyAdd(values: string[], atDate: string | null): Promise<Result<Measurement, CommandError>> {
      await delay(200);
      const measuredAt = atDate ? new Date(`${atDate}T07:00:00`).toISOString() : new Date().toISOString();
      const m = measurement(measuredAt, null, null);
      m.source = "manual";
      const problem = applyValues(m, values, state.profile?.units === "imperial");
      if (problem) return fail("invalid_input", problem);
      if (m.weight_kg === null && m.body_fat_pct === null && Object.keys(m.measurements).length === 0) {
        return fail("invalid_input", "nothing to record: give at least one key=value, e.g. weight=82.4");
      }
      state.measurements = [...state.measurements, m];
      return ok(m);
    },

    async bodyEdit(mid: string, values: string[], atDate: string | null): Promise<Result<Measurement, CommandError>> {
      await delay(200);
      const m = state.measurements.find((x) => x.id === mid);
      if (!m) return fail("not_found", `measurement ${mid} not found`);
      const copy: Measurement = { ...m, measurements: { ...m.measurements } };
      const problem = applyValues(copy, values, state.profile?.units === "imperial");
      if (problem) return fail("invalid_input", problem);
      if (atDate) {
        copy.measured_at = new Date(`${atDate}T07:00:00`).toISOString();
        copy.local_date = atDate;
      }
      state.measurements = state.measurements.map((x) => (x.id === mid ? copy : x));
      return ok(copy);
    },

    async bodyDelete(mid: string): Promise<Result<Measurement, CommandError>> {
      await delay(150);
      const m = state.measurements.find((x) => x.id === mid);
      if (!m) return fail("not_found", `measurement ${mid} not found`);
      state.measurements = state.measurements.filter((x) => x.id !== mid);
      state.lastDeleted = m;
      return ok(m);
    },

    async bodyUndo(): Promise<Result<Measurement, CommandError>> {
      await delay(150);
      const m = state.lastDeleted;
      if (!m) return fail("invalid_input", "there is no deleted measurement to put back");
      state.lastDeleted = null;
      state.measurements = [...state.measurements, m];
      return ok(m);
    },

    async bodyExpenditure(): Promise<Result<ExpenditureReport, CommandError>> {
      await delay(200);
      return ok(mockExpenditure(state));
    },

    async bodyAttachPhoto(mid: string, upload: Upload): Promise<Result<Measurement, CommandError>> {
      await delay(250);
      const m = state.measurements.find((x) => x.id === mid);
      if (!m) return fail("not_found", `measurement ${mid} not found`);
      if (!/\.(jpe?g|png|webp)$/i.test(upload.name)) {
        return fail("invalid_input", `${upload.name}: a progress photo must be a JPEG, PNG or WebP image`);
      }
      const copy: Measurement = { ...m, photo_url: `data:image/*;base64,${upload.data_base64}` };
      state.measurements = state.measurements.map((x) => (x.id === mid ? copy : x));
      return ok(copy);
    },

    async bodyPhoto(mid: string): Promise<Result<string, CommandError>> {
      await delay(100);
      const m = state.measurements.find((x) => x.id === mid);
      if (!m?.photo_url) return fail("not_found", `photo of measurement ${mid} not found`);
      return ok(m.photo_url);
    },

    async bodyApplyTarget(goalRateKg: number): Promise<Result<number, CommandError>> {
      await delay(200);
      if (!state.profile) return fail("no_profile", "Create a profile first.");
      const target = Math.round(2610 + (goalRateKg * 7700) / 7);
      state.profile = { ...state.profile, daily_calorie_target: target };
      return ok(target);
    },

    async createProfile(fullName: string): Promise<Result<Profile, CommandError>> {
      await delay(300);
      const name = fullName.trim();
      if (name.length === 0) return fail("invalid_input", "Please enter your name.");
      if (state.profile) return fail("conflict", "A profile already exists.");
      state.profile = profileFor(name, false);
      return ok(state.profile);
    },

    async activities(filter: ActivityFilter): Promise<Result<ActivitySummary[], CommandError>> {
      await delay(120);
      const words = (filter.text ?? "").toLowerCase().split(/\s+/).filter((w) => w.length > 0);
      const all = [...state.activities, ...state.recent].filter(
        (a, i, xs) => xs.findIndex((b) => b.id === a.id) === i,
      );
      return ok(
        all
          .filter((a) => filter.activity_type === null || a.activity_type === filter.activity_type)
          .filter((a) => words.every((w) => a.name.toLowerCase().includes(w)))
          .sort((a, b) => b.start_date.localeCompare(a.start_date))
          .slice(0, filter.limit ?? 200),
      );
    },

    async activity(activityId: string): Promise<Result<ActivityView, CommandError>> {
      await delay(150);
      const a = [...state.activities, ...state.recent].find((x) => x.id === activityId);
      if (!a) return fail("not_found", `activity ${activityId} not found`);
      // A steady synthetic run: 1 sample every 10 s.
      const n = Math.max(2, Math.round(a.elapsed_time_seconds / 10));
      const time = Array.from({ length: n }, (_, i) => i * 10);
      const speed = (a.distance_meters ?? 0) / a.elapsed_time_seconds;
      return ok({
        detail: {
          activity: {
            id: a.id, name: a.name, activity_type: a.activity_type, source: a.source, start_date: a.start_date,
            local_date: a.start_date.slice(0, 10), elapsed_time_seconds: a.elapsed_time_seconds,
            moving_time_seconds: a.elapsed_time_seconds, distance_meters: a.distance_meters,
            total_elevation_gain_m: null, total_elevation_loss_m: null, calories: a.calories,
            average_heartrate: a.average_heartrate, max_heartrate: null, average_power_w: null, max_power_w: null,
            normalized_power_w: null, average_cadence: null, average_speed_mps: speed || null, max_speed_mps: null,
            training_load: null, original_file_path: null, notes: null,
          },
          segments: [],
          streams: [],
          best_efforts: { fastest_1km_s: null, fastest_5km_s: null, best_5min_power_w: null, best_20min_power_w: null },
        },
        charts: {
          time_s: time,
          distance_m: speed ? time.map((t) => t * speed) : null,
          heartrate_bpm: a.average_heartrate ? time.map((t) => (a.average_heartrate ?? 0) + 8 * Math.sin(t / 300)) : null,
          speed_mps: speed ? time.map((t) => speed * (1 + 0.05 * Math.sin(t / 200))) : null,
          power_w: null,
          cadence: null,
          altitude_m: null,
          route: speed ? time.map((t) => [46.05 + 0.004 * Math.sin(t / 400), 14.5 + 0.006 * Math.cos(t / 400)]) : [],
          source_samples: n,
        },
        hr_zones: [],
        max_hr: 190,
        strength: [],
      });
    },

    async importActivityPaths(
      paths: string[],
      _onProgress: Channel<ImportProgress>,
    ): Promise<Result<ImportProgress[], CommandError>> {
      await delay(200);
      return fail("invalid_input", `The preview cannot read files (${paths.length} given).`);
    },

    async importActivityFile(name: string): Promise<Result<ImportProgress[], CommandError>> {
      await delay(200);
      return fail("invalid_input", `The preview cannot import ${name}.`);
    },

    async fitness(from: string, to: string): Promise<Result<FitnessDay[], CommandError>> {
      await delay(120);
      const days: FitnessDay[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
        const i = days.length;
        const load = i % 7 === 3 ? 0 : 40 + 30 * Math.sin(i / 5);
        const prev = days[i - 1] ?? { fitness: 0, fatigue: 0 };
        const fitness = prev.fitness + (load - prev.fitness) / 42;
        const fatigue = prev.fatigue + (load - prev.fatigue) / 7;
        days.push({ date: d.toISOString().slice(0, 10), load, fitness, fatigue, form: prev.fitness - prev.fatigue });
      }
      return ok(days);
    },

    async syncStatus(): Promise<Result<SyncSettings, CommandError>> {
      await delay(80);
      return ok({ status: { ...mockSync }, url_from_env: false });
    },

    async syncSaveServer(url: string): Promise<Result<SyncSettings, CommandError>> {
      await delay(80);
      if (url.includes(":") && /\/\/[^/@]*:[^/@]*@/.test(url)) {
        return fail("invalid_input", "leave the password out of the URL: set WAGNER_POSTGRES_PASSWORD (or PGPASSWORD) instead");
      }
      mockSync.server = url.trim() === "" ? null : url.trim();
      return ok({ status: { ...mockSync }, url_from_env: false });
    },

    async syncNow(progress: Channel<SyncProgress>): Promise<Result<SyncReport, CommandError>> {
      await delay(300);
      if (mockSync.server === null) return fail("invalid_input", "no server yet: enter a Postgres URL first");
      progress.onmessage?.({ phase: "push", done: mockSync.pending_changes, total: mockSync.pending_changes });
      const pushed = mockSync.pending_changes;
      mockSync.pending_changes = 0;
      mockSync.last_sync_at = new Date().toISOString();
      return ok({
        user_id: "preview",
        pushed,
        push_skipped: 0,
        pulled: 0,
        pull_skipped: 0,
        attachments_up: 0,
        attachments_down: 0,
        refused: 0,
        errors: [],
        pending_after: 0,
        millis: 300,
      });
    },

    async backupNow(): Promise<Result<BackupReport, CommandError>> {
      await delay(200);
      return ok({
        file: "~/.local/share/wagner-coach/backups/wagner-preview.zip",
        bytes: 1_234_567,
        manifest: {
          format: "wagner-backup-1",
          created_at: new Date().toISOString(),
          app_version: "preview",
          schema_version: 0,
          counts: { meal_logs: 42 },
          attachments: 3,
        },
      });
    },
  };
}

const mockSync: SyncStatus = {
  server: null,
  pending_changes: 12,
  last_sync_at: null,
  last_error: null,
  last_report: null,
  local_only_tables: ["daily_nutrition_summaries: derived from meal_logs; recomputed on each install"],
};
