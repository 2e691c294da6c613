// The wasm schema engine: migrations must match the schema, and schema changes produce SQL.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffMigrationsToSchema, migrationDirName } from "./db-diff";

const root = path.resolve(import.meta.dirname, "..");
const tmp = mkdtempSync(path.join(tmpdir(), "helix-db-diff-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("db-diff", () => {
  it("finds no difference between prisma/migrations and prisma/schema.prisma", async () => {
    const sql = await diffMigrationsToSchema({
      schemaPath: path.join(root, "prisma/schema.prisma"),
      migrationsDir: path.join(root, "prisma/migrations"),
    });
    expect(sql).toBe("");
  });

  it("produces Prisma's SQL for a schema change", async () => {
    const schemaPath = path.join(tmp, "schema.prisma");
    writeFileSync(
      schemaPath,
      readFileSync(path.join(root, "prisma/schema.prisma"), "utf8") +
        `\nmodel ScratchLimit {\n  id    String @id\n  limitMicros BigInt @map("limit_micros")\n\n  @@map("scratch_limits")\n}\n`,
    );
    const migrationsDir = path.join(tmp, "migrations");
    cpSync(path.join(root, "prisma/migrations"), migrationsDir, { recursive: true });
    const sql = await diffMigrationsToSchema({ schemaPath, migrationsDir });
    expect(sql).toContain('-- CreateTable\nCREATE TABLE "scratch_limits" (');
    expect(sql).toContain('"limit_micros" BIGINT NOT NULL');
    expect(sql).not.toContain('"organizations"');
  });

  it("names migration folders like Prisma", () => {
    expect(migrationDirName("Add budgets!", new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("20260102030405_add_budgets");
  });
});
