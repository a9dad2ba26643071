// An in-memory fake of the Rust commands, for looking at the UI in a plain
// browser only: api.ts loads it when there is no Tauri bridge AND the URL has
// `?mock` (`?mock=welcome`, `?mock=empty`, `?mock=error`, `?mock=rest`,
// `?mock=imperial` pick other states).
// It is never used inside the app.

import type { Commands } from "./api";
import type { Channel } from "@tauri-apps/api/core";
import type {
  EntryReview,
  HistoryPreview,
  HistoryProgress,
  HistoryReport,
  EnergyAvailability,
  QueueStatus,
  TaskKind,
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
  ErrorCode,
  DemoReport,
  ExpenditureReport,
  KindView,
  EntryDetails,
  EntryFilter,
  Extraction,
  MealSummary,
  Measurement,
  BodyCsvReport,
  Profile,
  ProgramDay,
  ProgramItem,
  Calendar,
  CalendarDay,
  ItemDetails,
  Progress,
  ProgramCreated,
  Answers,
  Status,
  ProviderConfig,
  ProviderKind,
  PriceOverride,
  PriceRow,
  QuickEntry,
  Result,
  IcsSaved,
  Today,
  Upload,
  DayTotals,
  DayView,
  GoalProgress,
  Period,
  PeriodDay,
  PeriodKind,
  Preferences,
  ReadyReport,
  Streaks,
  TrainingLoad,
  SearchQuery,
  SearchResults,
  SearchHit,
  SourceKind,
  EmbeddingStatus,
  WeekVolume,
  Device,
  DeviceImport,
  StravaStatus,
  Connection,
  SyncItem,
  StravaSyncReport,
  BackupReport,
  SyncProgress,
  SyncReport,
  SyncSettings,
  SyncStatus,
  BackupFile,
  BackupInfo,
  BackupOverview,
  LiveRestoreReport,
  Manifest,
  ScheduleSettings,
  FoodHit,
  CustomFood,
  FoodDetails,
  MealCategory,
  MealEdit,
  DeletedMeal,
  ActivityLevel,
  TargetProposal,
  NewGoal,
  Health,
  PlannedExercise,
  RecipeSummary,
  Recipe,
  NewRecipe,
  ExportReport,
  ExportPreview,
  ImportReport,
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
  /** Providers with a key "in the keyring" (the preview keeps no key itself). */
  keys: Set<string>;
  prices: PriceOverride[];
};

/** What the fake "read" of an entry produced (the review panel shows it). */
type Reading = Omit<EntryDetails, "entry">;

const updateListeners = new Set<(id: string) => void>();

function mockTraining(): TrainingLoad {
  return {
    fitness: 38.2,
    fatigue: 45.9,
    form: -6.1,
    band: "neutral",
    load_today: 52,
    load_7d: 310,
    activities_7d: 5,
    minutes_7d: 262,
    distance_7d_m: 61000,
  };
}

function mockStreaks(logged: boolean): Streaks {
  return logged
    ? { logging: { current: 14, longest: 14, today_done: true }, nutrition: { current: 14, longest: 14, today_done: true } }
    : { logging: { current: 0, longest: 0, today_done: false }, nutrition: { current: 0, longest: 0, today_done: false } };
}

function addDays(ymd: string, n: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The week (Monday first) or month holding `ymd`. */
function mockBounds(kind: PeriodKind, ymd: string): [string, string] {
  const d = new Date(`${ymd}T00:00:00Z`);
  if (kind === "week") {
    const back = (d.getUTCDay() + 6) % 7;
    const start = addDays(ymd, -back);
    return [start, addDays(start, 6)];
  }
  const start = `${ymd.slice(0, 8)}01`;
  const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  return [start, end];
}

/** api.ts's onEntryUpdated in the preview: the fake reads entries "in the background" too. */
export function onMockEntryUpdated(handler: (id: string) => void): () => void {
  updateListeners.add(handler);
  return () => updateListeners.delete(handler);
}

const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function ok<T>(data: T): Result<T, CommandError> {
  return { status: "ok", data };
}

/** A command the preview does not imitate. */
function notInPreview<T>(command: string): Result<T, CommandError> {
  return fail("io", `${command} is not available in the browser preview; open the app.`);
}

function fail<T>(code: ErrorCode, message: string): Result<T, CommandError> {
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
    week_start: "monday",
    theme: "system",
    last_page: null,
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
      local_date: calendarDateIn(new Date(), zone),
      total_fiber_g: null,
      total_sugar_g: null,
      total_sodium_mg: null,
      nutrients: {},
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
      local_date: calendarDateIn(new Date(), zone),
      total_fiber_g: null,
      total_sugar_g: null,
      total_sodium_mg: null,
      nutrients: {},
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
      local_date: calendarDateIn(new Date(), zone),
      total_fiber_g: null,
      total_sugar_g: null,
      total_sodium_mg: null,
      nutrients: {},
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
    day_id: id("day"),
    scheduled_date: calendarDateIn(new Date(), zone),
    status: "pending",
    paused: false,
    items: [
      mockItem("workout", 0, "Push", "strength · 55 min", false),
      mockItem("meal", 1, "Scrambled eggs, oats, blueberries and almonds", "breakfast · 560 kcal", true),
      mockItem("meal", 2, "Chicken breast, brown rice, broccoli and olive oil", "lunch · 690 kcal", false),
      mockItem("meal", 3, "Salmon, sweet potato, green beans and avocado", "dinner · 760 kcal", false),
    ],
  };
  state.entries = [
    { id: id("entry"), input_type: "text", raw_text: "overnight oats with greek yogurt and blueberries", processing_status: "completed", logged_at: at(7, 42), error_message: null , raw_transcription: null, image_urls: [], audio_url: null, document_urls: [] },
    { id: id("entry"), input_type: "text", raw_text: "ran 8.2k this morning, felt strong", processing_status: "completed", logged_at: at(7, 50), error_message: null , raw_transcription: null, image_urls: [], audio_url: null, document_urls: [] },
    { id: id("entry"), input_type: "voice", raw_text: null, processing_status: "failed", logged_at: at(13, 5), error_message: "The voice note could not be transcribed." , raw_transcription: null, image_urls: [], audio_url: "attachments/ab/voice.wav", document_urls: [] },
  ];
}

function mockItem(itemType: "meal" | "workout", order: number, title: string, detail: string, done: boolean): ProgramItem {
  return {
    id: id("item"),
    item_type: itemType,
    item_order: order,
    title,
    detail,
    is_completed: done,
    status: done ? "completed" : "pending",
    linked_activity_id: null,
    linked_meal_log_id: null,
  };
}

/** Twelve weeks around the demo's program day (day 12). */
function mockCalendar(day: ProgramDay): Calendar {
  const weeks: CalendarDay[][] = [];
  const start = new Date(Date.now() - (day.day_number - 1) * 86_400_000);
  for (let w = 0; w < 12; w += 1) {
    const row: CalendarDay[] = [];
    for (let d = 0; d < 7; d += 1) {
      const n = w * 7 + d + 1;
      const rest = d === 2 || d === 6;
      const done = n < day.day_number && n % 5 !== 0;
      row.push({
        id: n === day.day_number ? day.day_id : id("day"),
        day_number: n,
        week_number: w + 1,
        scheduled_date: calendarDateIn(new Date(start.getTime() + (n - 1) * 86_400_000), zone),
        day_name: rest ? `Day ${n}: Rest` : `Day ${n}: ${["Upper", "Lower", "", "Upper", "Lower", "Conditioning"][d]}`,
        day_focus: null,
        is_rest_day: rest,
        status: n === day.day_number ? day.status : done ? "completed" : "pending",
        items_total: rest ? 4 : 5,
        items_completed: n === day.day_number ? day.items.filter((i) => i.is_completed).length : done ? (rest ? 4 : 5) : 0,
        workout_completed: !rest && done,
      });
    }
    weeks.push(row);
  }
  const adherence = Array.from({ length: 12 }, (_, i) => {
    const due = i < 1 ? 33 : i === 1 ? 20 : 0;
    const completed = i < 1 ? 27 : i === 1 ? 15 : 0;
    return { week: i + 1, due, completed, skipped: 0, adherence_pct: due ? Math.round((1000 * completed) / due) / 10 : null };
  });
  return {
    program_id: day.program_id,
    name: day.program_name,
    description: "4 sessions a week (upper/lower), 60 min each, undulating progression with deload weeks 4, 8 and 12.",
    status: day.paused ? "paused" : "active",
    start_date: calendarDateIn(start, zone),
    current_day: day.day_number,
    weeks,
    adherence,
  };
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
    all_time: null,
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
        training: null,
        tdee_kcal: 2809,
        tdee_low_kcal: 2809,
        tdee_high_kcal: 2809,
      },
      data_weight: 1,
      estimate_kcal: estimate,
      estimate_low_kcal: null,
      estimate_high_kcal: null,
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
    keys: new Set(),
    prices: [],
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

/** Every command of the generated `Commands` type, so one added to the bindings and
 * missing here fails `npm run check`; those the preview does not imitate answer with an error. */
export function createMockCommands(variant: string): Commands {
  const state = emptyState();
  let paused = false;
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
      key_present: state.ai ? state.keys.has(state.ai.kind) : false,
      key_source: state.ai && state.keys.has(state.ai.kind) ? "keyring" : null,
      key_store: "the OS keyring",
      month_spend_usd: 0.0123,
      active: state.ai?.kind === "openai_compatible",
    };
  }

  return {
    ...mockCoachCommands(),
    // Not in the preview: each answers as the core would when it cannot help.
    async foodSearch(_query: string): Promise<Result<FoodHit[], CommandError>> {
      return notInPreview("foodSearch");
    },
    async foodBarcode(_code: string, _online: boolean): Promise<Result<FoodHit, CommandError>> {
      return notInPreview("foodBarcode");
    },
    async recipeList(): Promise<Result<RecipeSummary[], CommandError>> {
      return notInPreview("recipeList");
    },
    async recipeGet(_id: string): Promise<Result<Recipe, CommandError>> {
      return notInPreview("recipeGet");
    },
    async recipeCreate(_recipe: NewRecipe): Promise<Result<Recipe, CommandError>> {
      return notInPreview("recipeCreate");
    },
    async recipeUpdate(_id: string, _recipe: NewRecipe): Promise<Result<Recipe, CommandError>> {
      return notInPreview("recipeUpdate");
    },
    async exportEverything(): Promise<Result<ExportReport | null, CommandError>> {
      return notInPreview("exportEverything");
    },
    async exportPreview(): Promise<Result<ExportPreview | null, CommandError>> {
      return notInPreview("exportPreview");
    },
    async exportImport(_dir: string): Promise<Result<ImportReport, CommandError>> {
      return notInPreview("exportImport");
    },
    async foodCreate(_food: CustomFood): Promise<Result<FoodDetails, CommandError>> {
      return notInPreview("foodCreate");
    },
    async foodDetails(_id: string): Promise<Result<FoodDetails, CommandError>> {
      return notInPreview("foodDetails");
    },
    async mealLogFood(_date: string | null, _category: MealCategory, _foodId: string, _quantity: number, _unit: string): Promise<Result<MealSummary, CommandError>> {
      return notInPreview("mealLogFood");
    },
    async mealAddFood(_mealId: string, _foodId: string, _quantity: number, _unit: string): Promise<Result<MealSummary, CommandError>> {
      return notInPreview("mealAddFood");
    },
    async mealEdit(_id: string, _edit: MealEdit): Promise<Result<MealSummary, CommandError>> {
      return notInPreview("mealEdit");
    },
    async mealCopy(_id: string, _to: string, _category: MealCategory | null): Promise<Result<MealSummary, CommandError>> {
      return notInPreview("mealCopy");
    },
    async mealCopyDay(_from: string, _to: string): Promise<Result<MealSummary[], CommandError>> {
      return notInPreview("mealCopyDay");
    },
    async mealDelete(_ids: string[]): Promise<Result<DeletedMeal[], CommandError>> {
      return notInPreview("mealDelete");
    },
    async mealUndo(): Promise<Result<DeletedMeal[], CommandError>> {
      return notInPreview("mealUndo");
    },
    async nutritionTargets(_activity: ActivityLevel | null, _goalRateKgPerWeek: number, _apply: boolean): Promise<Result<TargetProposal, CommandError>> {
      return notInPreview("nutritionTargets");
    },
    async goalAdd(_goal: NewGoal): Promise<Result<GoalProgress, CommandError>> {
      return notInPreview("goalAdd");
    },
    async goalSetStatus(_id: string, _status: string): Promise<Result<GoalProgress, CommandError>> {
      return notInPreview("goalSetStatus");
    },
    async goalDelete(_id: string): Promise<Result<null, CommandError>> {
      return notInPreview("goalDelete");
    },
    async databaseCheck(): Promise<Result<Health, CommandError>> {
      return notInPreview("databaseCheck");
    },
    async programSwapExercise(_id: string, _index: number): Promise<Result<PlannedExercise, CommandError>> {
      return notInPreview("programSwapExercise");
    },
    async appStatus(): Promise<Result<AppStatus, CommandError>> {
      await delay(120);
      if (state.failStatus) {
        return fail("db_open", `Could not open the database at ${DB_PATH}: permission denied (os error 13).`);
      }
      return ok({ db_path: DB_PATH, profile: state.profile, has_data: state.hasData, schema_version: 3, now: new Date().toISOString() });
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
        micronutrients:
          n.length === 0
            ? []
            : [
                { key: "sodium_mg", label: "Sodium", amount: 2480, unit: "mg", reference: 2300, percent: 107.8, goal: "limit" },
                { key: "calcium_mg", label: "Calcium", amount: 420, unit: "mg", reference: 1300, percent: 32.3, goal: "reach" },
                { key: "dietary_fiber_g", label: "Fibre", amount: 21, unit: "g", reference: 28, percent: 75, goal: "reach" },
              ],
        training: mockTraining(),
        attention: {
          pending: state.entries.filter((e) => e.processing_status === "pending" || e.processing_status === "processing").length,
          failed: state.entries.filter((e) => e.processing_status === "failed").length,
          needs_review: state.entries.filter((e) => e.processing_status === "needs_review").length,
          entries: state.entries.filter((e) => e.processing_status !== "completed").slice(0, 5),
        },
        coach_tip: state.hasData && state.meals.length > 0
          ? {
              id: "tip-1",
              conversation_id: "conv-1",
              content: "Protein is on track this week. Add a short easy run on Wednesday to keep the load steady.",
              created_at: at(8, 5, 1),
            }
          : null,
        streaks: mockStreaks(state.meals.length > 0),
      });
    },

    async period(kind: PeriodKind, date: string | null): Promise<Result<Period, CommandError>> {
      await delay(150);
      const profile = state.profile;
      if (!profile) return fail("no_profile", "Create a profile first.");
      const today = calendarDateIn(new Date(), profile.time_zone);
      const asked = date ?? today;
      const [start, end] = mockBounds(kind, asked);
      const days: PeriodDay[] = [];
      for (let d = start; d <= end; d = addDays(d, 1)) {
        const future = d > asked;
        const seed = Number(d.slice(8, 10));
        const logged = !future && state.meals.length > 0;
        days.push({
          date: d,
          future,
          calories: logged ? 2100 + ((seed * 37) % 500) : 0,
          protein_g: logged ? 140 + (seed % 30) : 0,
          carbs_g: logged ? 230 + (seed % 40) : 0,
          fat_g: logged ? 70 + (seed % 15) : 0,
          meals: logged ? 3 : 0,
          activities: logged && seed % 7 !== 3 ? 1 : 0,
          training_minutes: logged && seed % 7 !== 3 ? 45 : 0,
          distance_m: logged && seed % 2 === 0 ? 8000 : 0,
          load: logged && seed % 7 !== 3 ? 60 : 0,
          weight_kg: logged ? 82.4 - seed * 0.03 : null,
          trend_kg: logged ? 82.6 - seed * 0.03 : null,
          program_items: logged ? 2 : 0,
          program_items_done: logged ? 1 : 0,
          logged,
        });
      }
      const past = days.filter((d) => !d.future);
      const eaten = past.filter((d) => d.meals > 0);
      const avg = (f: (d: PeriodDay) => number): number | null =>
        eaten.length === 0 ? null : eaten.reduce((a, d) => a + f(d), 0) / eaten.length;
      const first = past.find((d) => d.trend_kg !== null)?.trend_kg ?? null;
      const last = [...past].reverse().find((d) => d.trend_kg !== null)?.trend_kg ?? null;
      return ok({
        kind,
        date: asked,
        start,
        end,
        previous: kind === "week" ? addDays(start, -7) : addDays(start, -1),
        next: kind === "week" ? addDays(start, 7) : addDays(end, 1),
        time_zone: profile.time_zone,
        profile,
        days,
        summary: {
          days_elapsed: past.length,
          days_logged: past.filter((d) => d.logged).length,
          days_with_meals: eaten.length,
          avg_calories: avg((d) => d.calories),
          avg_protein_g: avg((d) => d.protein_g),
          avg_carbs_g: avg((d) => d.carbs_g),
          avg_fat_g: avg((d) => d.fat_g),
          calorie_target: profile.daily_calorie_target,
          days_on_target: eaten.filter((d) => profile.daily_calorie_target !== null && Math.abs(d.calories - profile.daily_calorie_target) <= profile.daily_calorie_target * 0.1).length,
          activities: past.reduce((a, d) => a + d.activities, 0),
          training_minutes: past.reduce((a, d) => a + d.training_minutes, 0),
          distance_m: past.reduce((a, d) => a + d.distance_m, 0),
          load: past.reduce((a, d) => a + d.load, 0),
          trend_start_kg: first,
          trend_end_kg: last,
          trend_change_kg: first !== null && last !== null ? last - first : null,
          program_items: past.reduce((a, d) => a + d.program_items, 0),
          program_items_done: past.reduce((a, d) => a + d.program_items_done, 0),
        },
        training: mockTraining(),
        streaks: mockStreaks(state.meals.length > 0),
      });
    },

    async savePreferences(preferences: Preferences): Promise<Result<Profile, CommandError>> {
      await delay(150);
      if (!state.profile) return fail("no_profile", "Create a profile first.");
      const p = state.profile;
      state.profile = {
        ...p,
        units: preferences.units ?? p.units,
        time_zone: preferences.time_zone ?? p.time_zone,
        week_start: preferences.week_start ?? p.week_start,
        theme: preferences.theme ?? p.theme,
      };
      return ok(state.profile);
    },

    async timeZones(): Promise<string[]> {
      return ["America/New_York", "Europe/Berlin", "UTC", zone].filter((z, i, all) => all.indexOf(z) === i).sort();
    },

    async rememberPage(page: string): Promise<Result<null, CommandError>> {
      if (state.profile) state.profile = { ...state.profile, last_page: page };
      return ok(null);
    },

    async openDataFolder(): Promise<Result<string, CommandError>> {
      return ok(DB_PATH.slice(0, DB_PATH.lastIndexOf("/")));
    },

    async cancelImport(): Promise<void> {},

    async windowReady(page: string): Promise<ReadyReport> {
      return { page, since_start_ms: 0 };
    },

    async logEntry(text: string | null, uploads: Upload[] = [], paths: string[] = [], day: string | null = null): Promise<Result<QuickEntry, CommandError>> {
      await delay(250);
      const trimmed = (text ?? "").trim();
      const files = [...uploads.map((u) => u.name), ...paths.map((p) => p.split(/[\\/]/).pop() ?? p)];
      if (trimmed.length === 0 && files.length === 0) return fail("invalid_input", "Write something to log first.");
      if (trimmed.includes("#fail")) {
        return fail("db", "Could not save the entry: the database is locked.");
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
        // A past day keeps the clock time, as the core does.
        logged_at: day ? `${day}${new Date().toISOString().slice(10)}` : new Date().toISOString(),
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

    async entryReview(entryId: string): Promise<Result<EntryReview, CommandError>> {
      await delay(60);
      const entry = state.entries.find((e) => e.id === entryId);
      if (!entry) return fail("not_found", `entry ${entryId} not found`);
      // The preview's reader matches every food, so nothing waits for a pick.
      return ok({ entry_id: entryId, status: entry.processing_status, reason: null, foods: [], meals: [] });
    },

    async entryPickFood(entryId: string): Promise<Result<EntryReview, CommandError>> {
      await delay(60);
      return fail("invalid_input", `entry ${entryId} has no unmatched food in the preview`);
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

    async setAiKey(kind: ProviderKind, key: string | null): Promise<Result<AiStatus, CommandError>> {
      await delay(150);
      if (key !== null && /\s/.test(key.trim())) {
        return fail("invalid_input", "that does not look like an API key (no spaces, at most 512 characters): paste it again");
      }
      if (key === null || key.trim() === "") state.keys.delete(kind);
      else state.keys.add(kind);
      return ok(aiStatus());
    },

    async aiPrices(): Promise<Result<PriceRow[], CommandError>> {
      await delay(100);
      return ok(mockPriceTable(state.prices));
    },

    async saveAiPrices(prices: PriceOverride[]): Promise<Result<PriceRow[], CommandError>> {
      await delay(150);
      state.prices = prices.map((p) => ({ ...p, model: p.model.trim() }));
      return ok(mockPriceTable(state.prices));
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
      if (!profile) return fail("task_failed", "Demo data did not create a profile.");
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

    async bodyImportCsv(contents: string): Promise<Result<BodyCsvReport, CommandError>> {
      await delay(200);
      const rows = contents.split(/\r?\n/).filter((l) => l.trim().length > 0);
      if (rows.length < 2) return fail("invalid_input", "the file has no weight or body fat readings");
      const header = rows[0] ?? "";
      const format = /weight \(/i.test(header) ? "withings" : /^time,/i.test(header) ? "garmin" : "plain";
      return ok({ format, imported: rows.length - 1, skipped_duplicates: 0, skipped_empty: 0, first: null, last: null });
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

    async importStage(name: string): Promise<Result<string, CommandError>> {
      await delay(100);
      return fail("invalid_input", `The preview cannot read ${name}.`);
    },

    async importPreview(path: string): Promise<Result<HistoryPreview, CommandError>> {
      await delay(100);
      return fail("invalid_input", `The preview cannot read ${path}.`);
    },

    async importHistory(
      path: string,
      _onProgress: Channel<HistoryProgress>,
    ): Promise<Result<HistoryReport, CommandError>> {
      await delay(100);
      return fail("invalid_input", `The preview cannot import ${path}.`);
    },

    async importDiscard(): Promise<Result<null, CommandError>> {
      return ok(null);
    },

    async energyAvailability(date: string): Promise<Result<EnergyAvailability, CommandError>> {
      await delay(80);
      return ok({
        days: [],
        mean_7d: null,
        days_in_mean: 0,
        low_persistent: false,
        threshold: 30,
        summary: `Energy availability needs logged food (the preview has none up to ${date}).`,
      });
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

    // Nutrition: the day view of the preview's meals (read-only), no goals.
    async nutritionDay(date: string | null): Promise<Result<DayView, CommandError>> {
      await delay(120);
      const profile = state.profile;
      if (!profile) return fail("no_profile", "Create a profile first.");
      const meals = state.meals;
      const totals = (ms: MealSummary[]) => ({
        calories: sum(ms, (m) => m.total_calories),
        protein_g: sum(ms, (m) => m.total_protein_g),
        carbs_g: sum(ms, (m) => m.total_carbs_g),
        fat_g: sum(ms, (m) => m.total_fat_g),
      });
      const t = totals(meals);
      const targets = {
        calories: profile.daily_calorie_target,
        protein_g: profile.daily_protein_target_g,
        carbs_g: profile.daily_carbs_target_g,
        fat_g: profile.daily_fat_target_g,
      };
      const left = (target: number | null, eaten: number) => (target === null ? null : target - eaten);
      return ok({
        date: date ?? calendarDateIn(new Date(), profile.time_zone),
        nutrition: {
          ...t,
          fiber_g: 0,
          targets,
          remaining: {
            calories: left(targets.calories, t.calories),
            protein_g: left(targets.protein_g, t.protein_g),
            carbs_g: left(targets.carbs_g, t.carbs_g),
            fat_g: left(targets.fat_g, t.fat_g),
          },
          meals,
        },
        categories: (["breakfast", "lunch", "dinner", "snack"] as const).map((category) => {
          const ms = meals.filter((m) => m.category === category);
          return { category, totals: totals(ms), meals: ms };
        }),
        micros: [],
      });
    },
    async goalsList(): Promise<Result<GoalProgress[], CommandError>> {
      return ok([]);
    },
    async nutritionHistory(): Promise<Result<DayTotals[], CommandError>> {
      return ok([]);
    },
    async weeklyVolume(weeks: number): Promise<Result<WeekVolume[], CommandError>> {
      await delay(100);
      const out: WeekVolume[] = [];
      const monday = new Date();
      monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
      for (let i = weeks - 1; i >= 0; i--) {
        const d = new Date(monday);
        d.setUTCDate(d.getUTCDate() - 7 * i);
        const run = { activity_type: "run" as const, activities: 3, distance_meters: 20000 + 3000 * Math.sin(i), time_seconds: 7200, load: 150 };
        const ride = { activity_type: "ride" as const, activities: 1, distance_meters: 40000, time_seconds: 5400, load: 90 };
        const sports = i % 3 === 0 ? [run] : [run, ride];
        out.push({
          week: `W${i}`,
          week_start: d.toISOString().slice(0, 10),
          sports,
          distance_meters: sports.reduce((a, s) => a + s.distance_meters, 0),
          time_seconds: sports.reduce((a, s) => a + s.time_seconds, 0),
          load: sports.reduce((a, s) => a + s.load, 0),
        });
      }
      return ok(out);
    },

    async watchDevices(): Promise<Result<Device[], CommandError>> {
      await delay(80);
      return ok([]);
    },

    async importWatchDevice(mountPath: string): Promise<Result<DeviceImport, CommandError>> {
      await delay(200);
      return fail("invalid_input", `The preview cannot read ${mountPath}.`);
    },

    async stravaStatus(): Promise<Result<StravaStatus, CommandError>> {
      await delay(80);
      return ok({ client_id: null, has_client_secret: false, integration: null });
    },

    async stravaSaveApp(clientId: string, clientSecret: string | null): Promise<Result<StravaStatus, CommandError>> {
      await delay(80);
      return ok({ client_id: clientId, has_client_secret: clientSecret !== null, integration: null });
    },

    async stravaConnect(): Promise<Result<Connection, CommandError>> {
      await delay(200);
      return fail("invalid_input", "The preview cannot open a browser.");
    },

    async stravaSync(_onProgress: Channel<SyncItem>): Promise<Result<StravaSyncReport, CommandError>> {
      await delay(200);
      return fail("not_connected", "Strava is not connected in the preview.");
    },

    async stravaDisconnect(): Promise<Result<StravaStatus, CommandError>> {
      await delay(80);
      return ok({ client_id: null, has_client_secret: false, integration: null });
    },

    async stravaForgetApp(): Promise<Result<StravaStatus, CommandError>> {
      await delay(80);
      return ok({ client_id: null, has_client_secret: false, integration: null });
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
        merged: 0,
        overridden: 0,
        quarantined: mockSync.quarantined_total,
        held_back: 0,
        errors: [],
        pending_after: 0,
        millis: 300,
      });
    },

    async backupNow(): Promise<Result<BackupReport, CommandError>> {
      await delay(200);
      const made = mockBackupFile("manual", new Date());
      mockBackups.files.unshift(made);
      return ok({ file: made.path, bytes: made.bytes, manifest: mockManifest(made.created_at) });
    },

    async backupOverview(): Promise<Result<BackupOverview, CommandError>> {
      await delay(80);
      return ok(mockBackupOverview());
    },

    async backupSaveSchedule(settings: ScheduleSettings): Promise<Result<BackupOverview, CommandError>> {
      await delay(80);
      if (settings.keep < 1 || settings.keep > 365) {
        return fail("invalid_input", `keep between 1 and 365 automatic backups, not ${settings.keep}`);
      }
      mockBackups.schedule = { ...settings };
      return ok(mockBackupOverview());
    },

    async backupInspect(path: string): Promise<Result<BackupInfo, CommandError>> {
      await delay(150);
      const found = mockBackups.files.find((f) => f.path === path);
      if (!found) return fail("io", `opening ${path}: No such file or directory (os error 2)`);
      const manifest = mockManifest(found.created_at);
      return ok({ file: path, bytes: found.bytes, manifest, rows: 650 });
    },

    async backupInspectUpload(upload: Upload): Promise<Result<BackupInfo, CommandError>> {
      await delay(150);
      // The preview has no zip reader: any picked file is "damaged" unless named like a backup.
      if (!upload.name.startsWith("wagner-")) {
        return fail("invalid_input", "not a Wagner backup (zip): invalid Zip archive: Could not find EOCD");
      }
      const file = `${MOCK_BACKUP_DIR}/.picked/${upload.name}`;
      return ok({ file, bytes: upload.data_base64.length, manifest: mockManifest(new Date().toISOString()), rows: 650 });
    },

    async backupRestore(path: string, undoable: boolean): Promise<Result<LiveRestoreReport, CommandError>> {
      await delay(400);
      let undo: string | null = null;
      if (undoable) {
        const safety = mockBackupFile("before_restore", new Date());
        mockBackups.files.unshift(safety);
        undo = safety.path;
      }
      return ok({ file: path, manifest: mockManifest(new Date().toISOString()), attachments: 3, undo_file: undo });
    },
    async programDay(_date: string | null): Promise<Result<ProgramDay | null, CommandError>> {
      await delay(80);
      return ok(state.program);
    },

    async programCalendar(): Promise<Result<Calendar | null, CommandError>> {
      await delay(100);
      return ok(state.program ? mockCalendar(state.program) : null);
    },

    async programItem(itemId: string): Promise<Result<ItemDetails, CommandError>> {
      const item = state.program?.items.find((i) => i.id === itemId);
      if (!item) return fail("not_found", "not found: program item");
      const workout = item.item_type === "workout";
      return ok({
        id: item.id, item_type: item.item_type, title: item.title, status: item.status,
        workout_type: workout ? "strength" : null, duration_minutes: workout ? 55 : null,
        exercises: workout
          ? [{ name: "Dumbbell bench press", pattern: "horizontal_push", equipment: ["dumbbells", "bench"], sets: 4, reps: 6, unit: "reps", pct_1rm: 75, rpe: null, rest_seconds: 150 }]
          : [],
        meal_type: workout ? null : "lunch",
        foods: workout ? [] : [{ name: "Chicken, broilers or fryers, breast, meat only, cooked, roasted", quantity: 160, unit: "g", grams: 160, calories: 264, protein_g: 49.6, carbs_g: 0, fat_g: 5.7, food_id: null }],
        calories: workout ? null : 690, protein_g: workout ? null : 55, carbs_g: workout ? null : 70, fat_g: workout ? null : 20,
        linked_activity_id: null, linked_meal_log_id: null,
      });
    },

    async programMark(itemId: string, status: Status): Promise<Result<null, CommandError>> {
      const p = state.program;
      if (!p) return fail("no_active_program", "no active program");
      const items = itemId === p.day_id ? p.items : p.items.filter((i) => i.id === itemId);
      for (const i of items) {
        i.status = status;
        i.is_completed = status === "completed";
      }
      const open = p.items.some((i) => i.status === "pending");
      p.status = open ? "pending" : p.items.some((i) => i.status === "completed") ? "completed" : "skipped";
      p.is_completed = p.status === "completed";
      return ok(null);
    },

    async programCreate(_answers: Answers, _offline: boolean, onProgress: Channel<Progress>): Promise<Result<ProgramCreated, CommandError>> {
      for (let week = 1; week <= 12; week += 1) {
        onProgress.onmessage?.({ week, weeks: 12, attempt: 1 });
        await delay(30);
      }
      if (!state.program) demoData(state);
      return ok({ id: state.program?.program_id ?? id("prog"), generated_by: "offline templates" });
    },

    async programPause(): Promise<Result<null, CommandError>> {
      if (state.program) state.program = { ...state.program, paused: true };
      return ok(null);
    },

    async programResume(): Promise<Result<number, CommandError>> {
      if (state.program) state.program = { ...state.program, paused: false };
      return ok(0);
    },

    async programExportIcs(): Promise<Result<IcsSaved | null, CommandError>> {
      return ok({ path: "/home/demo/wagner-program.ics", days: 84 });
    },

    async programSwapMeal(_id: string): Promise<Result<string, CommandError>> {
      return ok("Tofu, quinoa, zucchini and olive oil");
    },

    async programUnlink(_id: string): Promise<Result<null, CommandError>> {
      return ok(null);
    },

    async programLinkMeal(_id: string, _mealLogId: string): Promise<Result<null, CommandError>> {
      return fail("invalid_input", "The preview cannot link meals.");
    },

    async programMoveDay(_from: number, _to: number): Promise<Result<null, CommandError>> {
      return fail("invalid_input", "The preview cannot move days.");
    },

    async programRegenerate(_week: number): Promise<Result<number, CommandError>> {
      return ok(0);
    },
    // The preview has no model: words only, flagged like the real keyword-only mode.
    async search(query: SearchQuery): Promise<Result<SearchResults, CommandError>> {
      await delay(100);
      const words = query.text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
      if (words.length === 0) return fail("invalid_input", "invalid input: the search is empty: type what to look for");
      const hits: SearchHit[] = [...state.entries]
        .reverse()
        .filter((e) => e.processing_status === "completed" && words.some((w) => (e.raw_text ?? "").toLowerCase().includes(w)))
        .slice(0, query.limit || 10)
        .map((e, i) => ({
          kind: "quick_entry" as const, id: e.id, entry_id: e.id, doc_id: `doc-${e.id}`, date: e.logged_at.slice(0, 10),
          logged_at: e.logged_at, text: e.raw_text ?? "", summary: "", score: 1 / (61 + i), similarity: null, keyword_rank: i + 1,
        }));
      return ok({ hits, mode: "keyword_only", notice: "keyword search only: the preview has no embedding model" });
    },

    // Like search: the preview has no model, so similar items say so.
    async similar(_kind: SourceKind, _id: string, _limit: number | null): Promise<Result<SearchHit[], CommandError>> {
      await delay(60);
      return fail("model_unavailable", "the preview has no embedding model");
    },

    async embeddingStatus(): Promise<Result<EmbeddingStatus, CommandError>> {
      await delay(40);
      const documents = state.entries.filter((e) => e.processing_status === "completed").length;
      return ok({
        counts: { documents, embedded: 0, pending: documents },
        queue: { model_dir: null, model_error: "the preview has no embedding model", busy: false, paused, embedded_total: 0, last_error: null },
      });
    },

    async embeddingPause(value: boolean): Promise<QueueStatus> {
      paused = value;
      return { model_dir: null, model_error: "the preview has no embedding model", busy: false, paused, embedded_total: 0, last_error: null };
    },

    async cancelTask(_kind: TaskKind): Promise<boolean> {
      return false;
    },
  };
}

// --- Coach chat (preview): an offline answer streamed word by word. ---
import type { CoachEvent, CoachOverview, Message as CoachMessage, Retrieved } from "./bindings";

function mockCoachCommands() {
  const messages: CoachMessage[] = [];
  const stopped = new Set<string>();
  const sources: Retrieved[] = [
    { kind: "activity", id: "act-0001", date: at(7, 0, 2).slice(0, 10), text: "run: Easy run 7.45 km in 41 min", score: 0.59 },
    { kind: "meal", id: "meal-0001", date: at(8, 0).slice(0, 10), text: "breakfast: oatmeal with a banana and milk (534 kcal, 18 g protein)", score: 0.5 },
  ];
  function store(conversationId: string, role: string, content: string, offline: boolean): CoachMessage {
    const m: CoachMessage = {
      id: id("msg"),
      conversation_id: conversationId,
      role,
      content,
      context_used:
        role === "assistant"
          ? { retrieved: sources, stats: ["nutrition_7d", "weight_trend"], offline, provider_error: null, trimmed_messages: 0, stopped: false }
          : null,
      ai_provider: role === "assistant" ? "offline" : null,
      ai_model: null,
      tokens_input: null,
      tokens_output: null,
      cost_usd: 0,
      created_at: new Date().toISOString(),
      conversation_cost_usd: 0,
    };
    messages.push(m);
    return m;
  }
  return {
    async coachAsk(requestId: string, question: string, conversationId: string | null, _offline: boolean, onEvent: Channel<CoachEvent>) {
      const send = (e: CoachEvent) => (onEvent as unknown as { onmessage?: (e: CoachEvent) => void }).onmessage?.(e);
      if (question.trim() === "") return fail<CoachMessage>("invalid_input", "the question is empty");
      const conv = conversationId ?? id("conv");
      store(conv, "user", question.trim(), true);
      send({ event: "started", data: { conversation_id: conv, offline: true } });
      await delay(150);
      send({ event: "sources", data: { sources } });
      const answer = "[offline] You averaged 99 g of protein a day over the 7 days with meals logged. Your target is 160 g.";
      let text = "";
      for (const word of answer.split(/(?<= )/)) {
        if (stopped.has(requestId)) {
          text += " [stopped]";
          break;
        }
        await delay(40);
        text += word;
        send({ event: "delta", data: { text: word } });
      }
      const m = store(conv, "assistant", text, true);
      send({ event: "done", data: m });
      return ok(m);
    },
    async coachStop(requestId: string) {
      stopped.add(requestId);
      return ok(true);
    },
    async coachConversations() {
      const ids = [...new Set(messages.map((m) => m.conversation_id))];
      const overview: CoachOverview = {
        conversations: ids.reverse().map((c) => {
          const own = messages.filter((m) => m.conversation_id === c);
          return {
            id: c,
            title: own[0]?.content.slice(0, 80) ?? "",
            messages: own.length,
            tokens: 0,
            cost_usd: 0,
            started_at: own[0]?.created_at ?? "",
            last_at: own[own.length - 1]?.created_at ?? "",
          };
        }),
        month: new Date().toISOString().slice(0, 7),
        month_usage: { tokens: 0, cost_usd: 0, answers: messages.filter((m) => m.role === "assistant").length },
        provider_active: false,
      };
      return ok(overview);
    },
    async coachMessages(conversationId: string) {
      const own = messages.filter((m) => m.conversation_id === conversationId);
      return own.length ? ok(own) : fail<CoachMessage[]>("not_found", `conversation ${conversationId} not found`);
    },
  };
}

const MOCK_BUILT_IN_PRICES: [string, number, number][] = [
  ["claude-haiku-4-5", 1, 5],
  ["claude-sonnet-4-5", 3, 15],
  ["llama-3.3-70b-versatile", 0.59, 0.79],
  ["openai/gpt-4o-mini", 0.15, 0.6],
];

function mockPriceTable(overrides: PriceOverride[]): PriceRow[] {
  const mine = new Map(overrides.map((o) => [o.model, o.price]));
  const rows: PriceRow[] = MOCK_BUILT_IN_PRICES.map(([model, i, o]) => {
    const built_in = { input_per_mtok: i, output_per_mtok: o };
    const own = mine.get(model);
    return { model, price: own ?? built_in, built_in, overridden: own !== undefined };
  });
  for (const o of overrides) {
    if (!MOCK_BUILT_IN_PRICES.some(([m]) => m === o.model)) {
      rows.push({ model: o.model, price: o.price, built_in: null, overridden: true });
    }
  }
  return rows;
}
const mockSync: SyncStatus = {
  server: null,
  pending_changes: 12,
  last_sync_at: null,
  last_error: null,
  last_report: null,
  local_only_tables: ["daily_nutrition_summaries: derived from meal_logs; recomputed on each install"],
  quarantined: [
    {
      table: "meal_logs",
      row_id: "0193a1c2-5d7e-7000-8000-000000000001",
      reason: 'total_calories is "NaN" on the server, not a number',
      first_seen: "2026-12-01T08:00:00.000Z",
      attempts: 2,
    },
  ],
  quarantined_total: 1,
};

const MOCK_BACKUP_DIR = "/home/alex/.local/share/app.wagnercoach.desktop/backups";

function mockManifest(createdAt: string): Manifest {
  return {
    format: "wagner-backup-1",
    created_at: createdAt,
    app_version: "preview",
    schema_version: 0,
    counts: { meal_logs: 42, activities: 9, body_measurements: 14, quick_entry_logs: 20 },
    attachments: 3,
  };
}

function mockBackupFile(kind: BackupFile["kind"], at: Date): BackupFile {
  const stamp = at.toISOString().replace(/[-:]/g, "");
  const prefix = kind === "automatic" ? "wagner-" : kind === "manual" ? "wagner-manual-" : "wagner-before-restore-";
  const name = `${prefix}${stamp}.zip`;
  return { path: `${MOCK_BACKUP_DIR}/${name}`, name, created_at: at.toISOString(), bytes: 2_345_678, kind };
}

const mockBackups: { schedule: ScheduleSettings; files: BackupFile[] } = {
  schedule: { automatic: true, keep: 7 },
  files: [1, 2, 3].map((days) => mockBackupFile("automatic", new Date(Date.now() - days * 86_400_000 + 3_600_000))),
};

function mockBackupOverview(): BackupOverview {
  const autos = mockBackups.files.filter((f) => f.kind === "automatic").map((f) => f.created_at).sort();
  const last = autos.at(-1) ?? null;
  const next = !mockBackups.schedule.automatic
    ? null
    : last === null
      ? new Date().toISOString()
      : new Date(Date.parse(last) + 86_400_000).toISOString();
  return {
    folder: MOCK_BACKUP_DIR,
    files: [...mockBackups.files].sort((a, b) => b.created_at.localeCompare(a.created_at)),
    schedule: { ...mockBackups.schedule },
    last_automatic: last,
    next_due: next,
    now: new Date().toISOString(),
  };
}
