// Pure helpers of the Programs page: the questionnaire form's values turned
// into the core's Answers (with the obvious mistakes caught before sending),
// and labels for the calendar.

import type { Answers, CalendarDay, Status } from "./bindings";

export const GOALS: [string, string][] = [
  ["lose_fat", "Lose fat"],
  ["build_muscle", "Build muscle"],
  ["gain_strength", "Gain strength"],
  ["endurance", "Endurance"],
  ["general_fitness", "General fitness"],
];
export const LEVELS: [string, string][] = [
  ["beginner", "Beginner"],
  ["intermediate", "Intermediate"],
  ["advanced", "Advanced"],
];
export const EQUIPMENT: [string, string][] = [
  ["barbell", "Barbell"],
  ["dumbbells", "Dumbbells"],
  ["kettlebell", "Kettlebell"],
  ["pull_up_bar", "Pull-up bar"],
  ["bench", "Bench"],
  ["cable", "Cable"],
  ["machine", "Machines"],
  ["resistance_bands", "Resistance bands"],
  ["bike", "Bike"],
  ["treadmill", "Treadmill"],
  ["rower", "Rower"],
];
export const INJURIES: [string, string][] = [
  ["knee", "Knee"],
  ["shoulder", "Shoulder"],
  ["lower_back", "Lower back"],
  ["wrist", "Wrist"],
  ["elbow", "Elbow"],
  ["hip", "Hip"],
  ["ankle", "Ankle"],
  ["neck", "Neck"],
];
export const RESTRICTIONS: [string, string][] = [
  ["vegetarian", "Vegetarian"],
  ["vegan", "Vegan"],
  ["pescatarian", "Pescatarian"],
  ["gluten_free", "Gluten-free"],
  ["dairy_free", "Dairy-free"],
  ["nut_free", "Nut allergy"],
  ["egg_free", "Egg allergy"],
  ["shellfish_free", "Shellfish allergy"],
];

export type ProgramForm = {
  goal: string;
  level: string;
  frequency: string;
  minutes: string;
  equipment: string[];
  injuries: string[];
  restrictions: string[];
  calories: string;
  protein: string;
  carbs: string;
  fat: string;
};

export function emptyForm(calorieTarget: number | null = null): ProgramForm {
  return {
    goal: "general_fitness",
    level: "beginner",
    frequency: "3",
    minutes: "60",
    equipment: [],
    injuries: [],
    restrictions: [],
    calories: calorieTarget === null ? "" : String(calorieTarget),
    protein: "",
    carbs: "",
    fat: "",
  };
}

function whole(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 ? n : NaN;
}

/** The Answers to send, or the fields that are wrong (field → message). */
export function toAnswers(f: ProgramForm): { answers: Answers } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const frequency = whole(f.frequency);
  if (frequency === null || Number.isNaN(frequency) || frequency < 1 || frequency > 6) {
    errors.frequency = "1 to 6 sessions a week (a week keeps a rest day).";
  }
  const minutes = whole(f.minutes);
  if (minutes === null || Number.isNaN(minutes) || minutes < 20 || minutes > 180) {
    errors.minutes = "20 to 180 minutes.";
  }
  const calories = whole(f.calories);
  if (calories === null || Number.isNaN(calories) || calories < 1200 || calories > 5000) {
    errors.calories = "A daily target of 1200 to 5000 kcal.";
  }
  const macro = (key: "protein" | "carbs" | "fat"): number | null => {
    const v = whole(f[key]);
    if (Number.isNaN(v)) errors[key] = "Grams, a whole number, or empty.";
    return Number.isNaN(v) ? null : v;
  };
  const [protein, carbs, fat] = [macro("protein"), macro("carbs"), macro("fat")];
  if (Object.keys(errors).length > 0) return { errors };
  return {
    answers: {
      primary_goal: f.goal,
      experience_level: f.level,
      training_frequency: frequency,
      session_minutes: minutes,
      available_equipment: f.equipment,
      injury_limitations: f.injuries,
      dietary_restrictions: f.restrictions,
      daily_calorie_target: calories,
      daily_protein_target_g: protein,
      daily_carbs_target_g: carbs,
      daily_fat_target_g: fat,
    },
  };
}

export function statusLabel(s: Status): string {
  return s === "completed" ? "Done" : s === "skipped" ? "Skipped" : "To do";
}

/** What a calendar cell says to a screen reader. */
export function dayLabel(d: CalendarDay, today: boolean): string {
  const kind = d.is_rest_day ? "rest day" : (d.day_name ?? "training day");
  const progress = d.items_total > 0 ? `, ${d.items_completed} of ${d.items_total} done` : "";
  return `Day ${d.day_number}${d.scheduled_date ? ` (${d.scheduled_date})` : ""}: ${kind}, ${statusLabel(d.status).toLowerCase()}${progress}${today ? ", today" : ""}`;
}
