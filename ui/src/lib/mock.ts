// An in-memory fake of the Rust commands, for looking at the UI in a plain
// browser only: api.ts loads it when there is no Tauri bridge AND the URL has
// `?mock` (`?mock=welcome`, `?mock=empty`, `?mock=error`, `?mock=rest`,
// `?mock=imperial` pick other states).
// It is never used inside the app.

import type { Commands } from "./api";
import type {
  ActivitySummary,
  AppStatus,
  BodyOverview,
  BodySnapshot,
  CommandError,
  DemoReport,
  ExpenditureReport,
  KindView,
  MealSummary,
  Measurement,
  Profile,
  ProgramDay,
  QuickEntry,
  Result,
  Today,
  Upload,
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
};

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
  };
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

    async logEntry(text: string | null): Promise<Result<QuickEntry, CommandError>> {
      await delay(250);
      const trimmed = (text ?? "").trim();
      if (trimmed.length === 0) return fail("invalid_input", "Write something to log first.");
      if (trimmed.includes("#fail")) {
        return fail("storage", "Could not save the entry: the database is locked.");
      }
      const entry: QuickEntry = {
        id: id("entry"),
        input_type: "text",
        raw_text: trimmed,
        raw_transcription: null,
        processing_status: "pending",
        logged_at: new Date().toISOString(),
        error_message: null,
        image_urls: [],
        audio_url: null,
        document_urls: [],
      };
      state.entries = [...state.entries, entry];
      return ok(entry);
    },

    async recentEntries(limit: number): Promise<Result<QuickEntry[], CommandError>> {
      await delay(150);
      return ok([...state.entries].reverse().slice(0, limit));
    },

    async loadDemo(): Promise<Result<DemoReport, CommandError>> {
      await delay(700);
      demoData(state);
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
  };
}
