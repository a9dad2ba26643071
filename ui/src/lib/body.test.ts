import { describe, expect, it } from "vitest";
import type { KindView, Measurement } from "./bindings";
import { buildValues, bytesToBase64, describeMeasurement, errorField, formMessage, formatKind, formatRate, inputValue, offerLabel, siValue } from "./body";

const L = "en-US";

const kind = (key: string, label: string, unit: string, si_per_unit: number, storage: KindView["storage"], digits = 1): KindView => ({
  key,
  label,
  unit,
  si_per_unit,
  digits,
  storage,
  custom: false,
});

const metric: KindView[] = [
  kind("weight", "Weight", "kg", 1, { kind: "weight_column" }),
  kind("bf", "Body fat", "%", 1, { kind: "body_fat_column" }),
  kind("waist", "Waist", "cm", 1, { kind: "json", key: "waist_cm" }),
  kind("rhr", "Resting HR", "bpm", 1, { kind: "json", key: "resting_hr_bpm" }, 0),
];
const LB = 0.45359237;
const imperialWeight = kind("weight", "Weight", "lb", LB, { kind: "weight_column" });
const imperialWaist = kind("waist", "Waist", "in", 2.54, { kind: "json", key: "waist_cm" });

const m: Measurement = {
  id: "m1",
  measured_at: "2026-03-01T06:00:00.000Z",
  local_date: "2026-03-01",
  weight_kg: 82.4,
  body_fat_pct: null,
  measurements: { waist_cm: 84, mystery: 3 },
  source: "manual",
  notes: null,
  photo_url: null,
  quick_entry_log_id: null,
  ai_extracted: false,
};

describe("values in the user's units", () => {
  it("reads the column or JSON key of a kind", () => {
    expect(siValue(m, metric[0]!)).toBe(82.4);
    expect(siValue(m, metric[1]!)).toBeNull();
    expect(siValue(m, metric[2]!)).toBe(84);
  });

  it("converts with the kind's factor", () => {
    expect(formatKind(82.4, imperialWeight, L)).toBe("181.7 lb");
    expect(formatKind(83.82, imperialWaist, L)).toBe("33.0 in");
    expect(formatKind(18.5, metric[1]!, L)).toBe("18.5%");
    expect(inputValue(81.647, imperialWeight)).toBe("180.0");
  });

  it("describes a measurement, unknown keys raw", () => {
    expect(describeMeasurement(m, metric, L)).toEqual([
      { key: "weight", label: "Weight", text: "82.4 kg" },
      { key: "waist", label: "Waist", text: "84.0 cm" },
      { key: "mystery", label: "mystery", text: "3" },
    ]);
  });
});

describe("buildValues", () => {
  it("turns filled fields into key=value and skips empty ones", () => {
    expect(buildValues([{ key: "weight", text: " 82,4 " }, { key: "bf", text: "" }, { key: "waist", text: "33 in" }])).toEqual({
      values: ["weight=82,4", "waist=33in"],
      errors: {},
    });
  });

  it("flags what is not a number, and a value without a kind", () => {
    const r = buildValues([{ key: "weight", text: "eighty" }, { key: "", text: "5" }, { key: "waist", text: "84" }]);
    expect(r.values).toEqual(["waist=84"]);
    expect(Object.keys(r.errors).sort()).toEqual(["", "weight"]);
  });

  it("clears an emptied field when editing", () => {
    expect(buildValues([{ key: "bf", text: "" }, { key: "waist", text: "" }], { clearEmpty: new Set(["bf"]) }).values).toEqual([
      "bf=",
    ]);
  });
});

describe("errorField", () => {
  it("finds the field a core message is about", () => {
    expect(errorField("Weight 8000 kg is not plausible", metric)).toBe("weight");
    expect(errorField('waist: unit "kg" does not fit; use cm, mm or in', metric)).toBe("waist");
    expect(errorField("Body fat 120% is not plausible", metric)).toBe("bf");
    expect(errorField("nothing to record", metric)).toBeNull();
    // As the core sends them.
    expect(errorField("invalid input: Weight 8000 kg is not plausible", metric)).toBe("weight");
    expect(errorField("invalid input: waist: unit \"kg\" does not fit", metric)).toBe("waist");
  });

  it("shows core messages without their prefix", () => {
    expect(formMessage("invalid input: Weight 8000 kg is not plausible")).toBe("Weight 8000 kg is not plausible");
    expect(formMessage("invalid input: waist: unit")).toBe("Waist: unit");
    expect(formMessage("database error: locked")).toBe("Database error: locked");
  });
});

describe("rates and offers", () => {
  it("reads in the user's units", () => {
    expect(formatRate(-0.4536, imperialWeight, L)).toBe("−1.00 lb/week");
    expect(formatRate(0.25, metric[0]!, L)).toBe("+0.25 kg/week");
    expect(formatRate(0.001, metric[0]!, L)).toBe("±0.00 kg/week");
    expect(offerLabel(-0.5, metric[0]!, L)).toBe("Lose 0.5 kg a week");
    expect(offerLabel(-LB, imperialWeight, L)).toBe("Lose 1 lb a week");
    expect(offerLabel(0, metric[0]!, L)).toBe("Maintain");
    expect(offerLabel(0.25, metric[0]!, L)).toBe("Gain 0.25 kg a week");
  });
});

describe("bytesToBase64", () => {
  it("encodes like the standard alphabet, also past one chunk", () => {
    expect(bytesToBase64(new Uint8Array([0xff, 0xd8, 0xff, 0x00]))).toBe("/9j/AA==");
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    const decoded = Uint8Array.from(atob(bytesToBase64(big)), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(big);
  });
});
