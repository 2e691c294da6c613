import "server-only";
import { env } from "@/lib/env";
import { getConfig } from "@/lib/config/loader";
import { dbInfo, getDb } from "@/lib/store/db";
import { getKv } from "@/lib/store/kv";
import { warmEmbedder } from "@/lib/cache/embedders/select";
import { warmScanner } from "@/lib/pii/scanner";
import { piiHashKey } from "@/lib/pii/hash-key";
import { getVectorStore } from "@/lib/cache/vector-stores/select";
import { warmUpNlp } from "@/lib/pii/recognizers/nlp/nlp-recognizer";
import { replaySpooledRequestLogs, shutdownRequestLogs } from "@/lib/store/request-log";
import { replaySpooledPiiIncidents, shutdownPiiIncidents } from "@/lib/store/pii-incidents";
import { flushAlerts, resumePendingAlerts } from "@/lib/cost/alerts";
import { refreshStoredPrices } from "@/lib/cost/prices";
import { logger } from "@/lib/observability/logger";
import { beginShutdown, drained, inFlightRequests } from "@/lib/gateway/in-flight";
import { bootstrapDashboardAdmin } from "@/lib/auth/bootstrap-admin";
import { startPolicySync } from "@/lib/policies/sync";
import { reloadNow } from "@/lib/admin/config";
import { flushLangfuse } from "@/lib/observability/langfuse";

// Kubernetes' default terminationGracePeriodSeconds is 30: finish well inside it.
const SHUTDOWN_GRACE_MS = 25_000;

const g = globalThis as unknown as { __helixStarted?: boolean };

/**
 * Start-up: a bad config or an unreachable database stops the server here, with a message that
 * says what to fix, rather than failing requests later. Migrations are applied by getDb().
 */
export async function startHelix(): Promise<void> {
  if (g.__helixStarted) return;
  g.__helixStarted = true;
  try {
    await start();
  } catch (err) {
    // A server that cannot work must not stay up looking healthy: say why and exit.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`\nHelix cannot start:\n${message}\n\n`);
    try {
      logger().fatal({ err }, "helix cannot start");
    } catch {
      // The logger reads the environment: when that is what was refused, it throws the same error,
      // which must not keep the exit below from running (the server would stay up, not started).
    }
    process.exit(1);
  }
}

async function start(): Promise<void> {
  const log = logger();
  const e = env();
  getConfig();
  await getDb();
  // The dashboard's policies over the file, before anything below reads the config.
  await startPolicySync();
  // Price overrides from the database before the first request is priced.
  await refreshStoredPrices();
  // The first dashboard admin from ADMIN_EMAIL / ADMIN_PASSWORD (when no user exists yet).
  await bootstrapDashboardAdmin();
  const db = dbInfo();
  const kv = getKv();
  // Load the embedding model in the background: requests skip the semantic cache until it is ready.
  const semantic = getConfig().helix_settings.semantic_cache;
  if (semantic.enabled) {
    // Choose the vector store now, not on the first request's path.
    void getVectorStore().catch(() => {});
    warmEmbedder(semantic, (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "semantic cache embedder unavailable"));
  }
  // Build the PII analyzer and its word lists now rather than on the first request.
  const pii = getConfig().helix_settings.pii_protection;
  if (pii.enabled) {
    piiHashKey();
    warmScanner(pii);
    warmUpNlp();
  }
  // Budget alerts whose delivery an earlier instance left unfinished.
  void resumePendingAlerts();
  // Log rows an earlier instance spooled to disk because its database was down at shutdown.
  void Promise.all([replaySpooledRequestLogs(), replaySpooledPiiIncidents()]).then(([requests, incidents]) => {
    if (requests + incidents > 0) log.info({ requests, incidents }, "spooled log rows replayed");
  });
  log.info({ database: db.kind, location: db.location, vector: db.vector, store: kv.kind }, "helix ready");
  if (!e.MASTER_KEY) {
    log.warn(
      "MASTER_KEY is not set: every API key is accepted and attributed by its hash, and the admin API is open to any key. Set MASTER_KEY before exposing this gateway.",
    );
  }
  // `kill -HUP`: re-read HELIX_CONFIG like POST /helix/reload-config (a bad file is logged and refused).
  process.on("SIGHUP", () => void reloadNow("SIGHUP"));
  // Graceful shutdown (SIGTERM from Docker/Kubernetes): let in-flight requests and streams finish,
  // then write buffered request logs, then exit. Next's own handler is off (NEXT_MANUAL_SIG_HANDLE,
  // set by scripts/start.ts): it would exit before the logs are written.
  let shuttingDown = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    // `on`, not `once`: a second signal (Ctrl+C reaches both npm and Next) must not kill the drain.
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      beginShutdown();
      log.info({ signal, inFlight: inFlightRequests() }, "shutting down: draining requests");
      void drained(SHUTDOWN_GRACE_MS)
        .then((clean) => {
          if (!clean) log.warn({ inFlight: inFlightRequests() }, "shutdown grace period over with requests still in flight");
          // Rows the database does not take (it is down) are spooled to HELIX_DATA_DIR/spool.
          return Promise.all([shutdownRequestLogs(), shutdownPiiIncidents(), flushAlerts(5_000), flushLangfuse()]);
        })
        .then(([requests, incidents]) => log.info({ requests, incidents }, "request logs flushed"))
        .catch((err: unknown) => log.error({ err }, "final log flush failed"))
        // The 503s refusing new requests meanwhile are in flight until sent: exiting mid-answer
        // would leave a client with headers and no body.
        .then(() => drained(2_000))
        .finally(() => process.exit(0));
    });
  }
}
