// Keeps the policy document in force on this instance equal to the latest stored version: at
// start, at once after a save here, and by polling the version number (one index lookup every
// few seconds) so a save on another instance applies here within the interval. Requests never
// touch the database for it: they read the installed config.
import "server-only";
import { policyOverlayVersion, setPolicyOverlay } from "@/lib/config/loader";
import { warmScanner } from "@/lib/pii/scanner";
import { logger } from "@/lib/observability/logger";
import { policyVersionStore, type PolicyVersionStore } from "@/lib/store/policy-versions";

export const POLICY_POLL_MS = 3_000;

interface SyncState {
  timer?: ReturnType<typeof setInterval>;
  running?: Promise<number>;
  /** A stored version that did not validate over the file: not retried until a newer one exists. */
  rejected?: number;
}

const g = globalThis as unknown as { __helixPolicySync?: SyncState };
const sync = (): SyncState => (g.__helixPolicySync ??= {});

async function refresh(store: PolicyVersionStore): Promise<number> {
  const current = await store.currentVersion();
  const installed = policyOverlayVersion();
  if (current === installed || current === sync().rejected) return installed;
  const latest = await store.latest();
  const r = setPolicyOverlay(latest ? { version: latest.version, settings: latest.settings } : undefined);
  if (!r.ok) {
    // Saves are validated, so this means the file changed under the document: keep what runs.
    sync().rejected = latest?.version;
    logger().error({ component: "policies", version: latest?.version, errors: r.errors }, "dashboard policy does not validate over the config file; not applied");
    return installed;
  }
  // Build the new PII analyzer now rather than on the next request's path.
  warmScanner(r.config.helix_settings.pii_protection);
  logger().info({ component: "policies", version: latest?.version ?? 0, by: latest?.createdBy }, "dashboard policy applied");
  return latest?.version ?? 0;
}

/** Apply the latest stored version if it is not the one in force; returns the version in force. */
export function refreshPolicies(store: PolicyVersionStore = policyVersionStore()): Promise<number> {
  const s = sync();
  // One refresh at a time per process: a poll and a save must not install out of order.
  const run = (s.running ?? Promise.resolve(0)).catch(() => 0).then(() => refresh(store));
  s.running = run;
  return run;
}

/** At start: apply the stored policies, then keep polling (the timer never holds the process open). */
export async function startPolicySync(intervalMs = POLICY_POLL_MS): Promise<void> {
  try {
    await refreshPolicies();
  } catch (err) {
    logger().error({ component: "policies", err }, "could not load dashboard policies; running on the config file");
  }
  const s = sync();
  if (s.timer) return;
  s.timer = setInterval(() => {
    refreshPolicies().catch((err: unknown) => logger().warn({ component: "policies", err: err instanceof Error ? err.message : String(err) }, "policy poll failed"));
  }, intervalMs);
  s.timer.unref?.();
}

export function stopPolicySyncForTests(): void {
  const s = sync();
  if (s.timer) clearInterval(s.timer);
  g.__helixPolicySync = {};
}
