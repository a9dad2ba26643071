import { describe, expect, it } from "vitest";
import type { Health } from "./bindings";
import { healthProblems } from "./health";

const good: Health = {
  database: {
    path: "/data/wagner.db",
    schema_version: 20261201000000,
    migrations_applied: 40,
    migrations_known: 40,
    integrity: "ok",
    foreign_key_violations: 0,
    sqlite_version: "3.50.0",
    vec_version: "v0.1.9",
    journal_mode: "wal",
    tables: ["users"],
  },
  attachments_checked: 3,
  attachments_damaged: [],
  healthy: true,
};

describe("healthProblems", () => {
  it("says nothing about a healthy database", () => {
    expect(healthProblems(good)).toEqual([]);
  });

  it("names each problem once", () => {
    const bad: Health = {
      ...good,
      database: { ...good.database, integrity: "row 3 missing from index", foreign_key_violations: 2, migrations_applied: 39 },
      attachments_damaged: ["attachments/ab/abcd.jpg"],
      healthy: false,
    };
    const problems = healthProblems(bad);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain("row 3 missing from index");
    expect(problems[1]).toMatch(/^2 rows refer/);
    expect(problems[2]).toContain("39 of 40");
    expect(problems[3]).toContain("attachments/ab/abcd.jpg");
  });

  it("never calls an unhealthy report clean", () => {
    expect(healthProblems({ ...good, healthy: false })).toHaveLength(1);
  });
});
