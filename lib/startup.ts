import "server-only";
import { env } from "@/lib/env";
import { getConfig } from "@/lib/config/loader";
import { dbInfo, getDb } from "@/lib/store/db";
import { getKv } from "@/lib/store/kv";
import { flushRequestLogs } from "@/lib/store/request-log";
import { logger } from "@/lib/observability/logger";

const g = globalThis as unknown as { __helixStarted?: boolean };

/**
 * Start-up: a bad config or an unreachable database stops the server here, with a message that
 * says what to fix, rather than failing requests later. Migrations are applied by getDb().
 */
export async function startHelix(): Promise<void> {
  if (g.__helixStarted) return;
  g.__helixStarted = true;
  const log = logger();
  const e = env();
  getConfig();
  await getDb();
  const db = dbInfo();
  const kv = getKv();
  log.info({ database: db.kind, location: db.location, vector: db.vector, store: kv.kind }, "helix ready");
  if (!e.MASTER_KEY) {
    log.warn(
      "MASTER_KEY is not set: every API key is accepted and attributed by its hash, and the admin API is open to any key. Set MASTER_KEY before exposing this gateway.",
    );
  }
  // Flush buffered request logs before the process exits (SIGTERM from Docker/Kubernetes).
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void flushRequestLogs()
        .catch((err: unknown) => log.error({ err }, "final log flush failed"))
        .finally(() => process.exit(0));
    });
  }
}
