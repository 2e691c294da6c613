// The cost-analysis suite on embedded PGlite (the same suite runs on PostgreSQL in cost-analysis.int.test.ts).
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDb, type DbHandle } from "@/lib/store/db";
import { REPO_MIGRATIONS_DIR, tempDir } from "@/lib/store/test-support";
import { costAnalysisSuite } from "./cost-analysis.suite";

const tmp = tempDir();
let h: DbHandle;

beforeAll(async () => {
  h = await openDb({ pgliteDir: path.join(tmp.dir, "pgdata"), migrationsDir: REPO_MIGRATIONS_DIR });
});
afterAll(async () => {
  await h?.close();
  tmp.remove();
});

costAnalysisSuite("PGlite", () => h.prisma);
