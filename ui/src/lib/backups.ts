// Settings → Backups: wording for the list, the schedule and what a backup holds.
import type { BackupKind, Manifest } from "./bindings";

export function kindLabel(kind: BackupKind): string {
  switch (kind) {
    case "automatic":
      return "Automatic";
    case "manual":
      return "Manual";
    case "before_restore":
      return "Before a restore";
  }
}

/** The tables a person recognises, in the order they think of them. */
const NAMED_TABLES: [string, string, string][] = [
  ["meal_logs", "meal", "meals"],
  ["activities", "activity", "activities"],
  ["body_measurements", "body measurement", "body measurements"],
  ["quick_entry_logs", "log entry", "log entries"],
  ["ai_generated_programs", "program", "programs"],
  ["coach_messages", "coach message", "coach messages"],
];

/** "57 meals, 12 activities, 14 body measurements, 14 log entries, 1 program". */
export function contentsSummary(manifest: Manifest): string {
  const parts: string[] = [];
  for (const [table, one, many] of NAMED_TABLES) {
    const n = manifest.counts[table] ?? 0;
    if (n > 0) parts.push(`${n.toLocaleString()} ${n === 1 ? one : many}`);
  }
  if (manifest.attachments > 0) {
    parts.push(`${manifest.attachments} ${manifest.attachments === 1 ? "attachment" : "attachments"}`);
  }
  return parts.length === 0 ? "no entries" : parts.join(", ");
}

/** All rows over every table. */
export function totalRows(manifest: Manifest): number {
  return Object.values(manifest.counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

/**
 * When the next automatic backup happens, in words: off, at the next check
 * (it is due), or the time given by `format`.
 */
export function nextDueText(nextDue: string | null, now: Date, format: (iso: string) => string): string {
  if (nextDue === null) return "Off";
  const due = new Date(nextDue);
  if (Number.isNaN(due.getTime())) return "Off";
  if (due.getTime() <= now.getTime()) return "Due now: within 15 minutes";
  return format(nextDue);
}

/**
 * A "keep" value from the form (a number input binds a number, or null when
 * empty): a whole number from 1 to 365, else null.
 */
export function parseKeep(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === "number" ? value : value.trim() === "" ? NaN : Number(value.trim());
  return Number.isInteger(n) && n >= 1 && n <= 365 ? n : null;
}
