// What the Settings page says about a database check, kept here to be tested.

import type { Health } from "./bindings";

/** One sentence per problem the check found; empty when all is well. */
export function healthProblems(h: Health): string[] {
  const out: string[] = [];
  const db = h.database;
  if (db.integrity !== "ok") out.push(`The database file is damaged: ${db.integrity}`);
  if (db.foreign_key_violations > 0) {
    const n = db.foreign_key_violations;
    out.push(`${n} row${n === 1 ? " refers" : "s refer"} to rows that are missing.`);
  }
  if (db.migrations_applied !== db.migrations_known) {
    out.push(`The schema is not up to date (${db.migrations_applied} of ${db.migrations_known} steps applied).`);
  }
  for (const path of h.attachments_damaged) out.push(`Attachment ${path} does not match its content (damaged or incomplete).`);
  if (out.length === 0 && !h.healthy) out.push("The check reported a problem it did not name.");
  return out;
}
