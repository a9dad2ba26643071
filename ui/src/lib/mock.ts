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
  ActivityView,
  FitnessDay,
  ImportProgress,
  AppStatus,
  BodySnapshot,
  CommandError,
  DemoReport,
  MealSummary,
  Profile,
  ProgramDay,
  QuickEntry,
  Result,
  Today,
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
  state.body = { measured_at: at(6, 55), weight_kg: 82.4, body_fat_pct: 18.1, change_7d_kg: -0.6 };
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
    { id: id("entry"), input_type: "text", raw_text: "overnight oats with greek yogurt and blueberries", processing_status: "completed", logged_at: at(7, 42), error_message: null, ...noAttachments },
    { id: id("entry"), input_type: "text", raw_text: "ran 8.2k this morning, felt strong", processing_status: "completed", logged_at: at(7, 50), error_message: null, ...noAttachments },
    { id: id("entry"), input_type: "voice", raw_text: null, processing_status: "failed", logged_at: at(13, 5), error_message: "The voice note could not be transcribed.", ...noAttachments },
  ];
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

export function createMockCommands(variant: string): Commands {
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

    async logEntry(text: string): Promise<Result<QuickEntry, CommandError>> {
      await delay(250);
      const trimmed = text.trim();
      if (trimmed.length === 0) return fail("invalid_input", "Write something to log first.");
      if (trimmed.includes("#fail")) {
        return fail("storage", "Could not save the entry: the database is locked.");
      }
      const entry: QuickEntry = {
        id: id("entry"),
        input_type: "text",
        raw_text: trimmed,
        processing_status: "pending",
        logged_at: new Date().toISOString(),
        error_message: null,
        ...noAttachments,
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
  };
}
