import { describe, expect, it } from "vitest";
import { dayLabel, emptyForm, toAnswers } from "./programs";
import type { CalendarDay } from "./bindings";

describe("the program questionnaire", () => {
  it("turns the form into the core's answers", () => {
    const form = { ...emptyForm(2200), frequency: "4", equipment: ["dumbbells"], restrictions: ["vegan"], protein: "140" };
    const result = toAnswers(form);
    expect("answers" in result).toBe(true);
    if ("answers" in result) {
      expect(result.answers.training_frequency).toBe(4);
      expect(result.answers.daily_calorie_target).toBe(2200);
      expect(result.answers.daily_protein_target_g).toBe(140);
      expect(result.answers.daily_fat_target_g).toBeNull();
      expect(result.answers.dietary_restrictions).toEqual(["vegan"]);
    }
  });

  it("names every field that is out of range", () => {
    const result = toAnswers({ ...emptyForm(), frequency: "7", minutes: "5", calories: "", fat: "lots" });
    expect("errors" in result && Object.keys(result.errors).sort()).toEqual(["calories", "fat", "frequency", "minutes"]);
  });
});

describe("calendar cells", () => {
  it("say what the day is and how far it got", () => {
    const day = {
      id: "d", day_number: 9, week_number: 2, scheduled_date: "2026-11-10", day_name: "Day 9: Upper", day_focus: null,
      is_rest_day: false, status: "pending", items_total: 5, items_completed: 2, workout_completed: false,
    } as CalendarDay;
    expect(dayLabel(day, true)).toBe("Day 9 (2026-11-10): Day 9: Upper, to do, 2 of 5 done, today");
  });
});
