import "server-only";
import { HelixError, InvalidRequestError, ServiceUnavailableError } from "@/lib/errors";
import { logger } from "@/lib/observability/logger";
import { piiBlockedError } from "@/lib/pii/anonymizer";
import { piiHashKey } from "@/lib/pii/hash-key";
import { chatTextSlots, embeddingsTextSlots } from "@/lib/pii/request-text";
import { effectivePiiPolicy } from "@/lib/pii/policy-resolution";
import { outputTextScanner, scanSlots } from "@/lib/pii/scanner";
import { OutputScan } from "@/lib/pii/output-scan";
import type { GatewayContext } from "../context";

/**
 * Stage: find personal data and secrets in every text that would reach the provider and apply the
 * policy (redact, mask, hash, tokenize, block, allow) to a copy of the request, which replaces the
 * original for every later stage — so the caches and the provider only ever see the result.
 * The policy is the caller's effective one: the config, overridden by its org's, team's, user's
 * and key's stored policies (lib/pii/policy-resolution.ts).
 * Fails closed: if the scan fails, the request is blocked, never forwarded unscanned.
 */
export async function piiProtection(ctx: GatewayContext): Promise<void> {
  let cfg;
  let policy;
  try {
    ({ settings: cfg, name: policy } = effectivePiiPolicy(ctx.config.helix_settings.pii_protection, ctx.caller?.piiPolicies));
  } catch (err) {
    throw scanFailed(ctx, err);
  }
  if (!cfg.enabled) return;
  const chat = ctx.chatRequest ? chatTextSlots(ctx.chatRequest) : undefined;
  const emb = !chat && ctx.embeddingsRequest ? embeddingsTextSlots(ctx.embeddingsRequest) : undefined;
  if (emb?.unscannable && cfg.strict_mode) {
    throw new InvalidRequestError("Token-id input cannot be scanned for personal data; send text (pii_protection.strict_mode is on).", {
      param: "input",
      code: "pii_unscannable",
    });
  }
  let result;
  try {
    result = scanSlots(chat?.slots ?? emb?.slots ?? [], cfg, piiHashKey());
  } catch (err) {
    throw scanFailed(ctx, err);
  }
  ctx.pii = { findings: result.findings, policy, ...(result.tokens ? { tokens: result.tokens } : {}) };
  // The answer gets the same policy (lib/pii/output-scan.ts); the handler applies it on the way out.
  if (cfg.scan_output && chat) ctx.pii.output = new OutputScan(outputTextScanner(cfg, piiHashKey()), ctx.pii.findings);
  const types = [...new Set(result.findings.map((f) => f.entityType))].sort();
  if (types.length > 0) ctx.responseHeaders["x-helix-pii"] = types.join(",");
  // The scanned copy replaces the original before anything can end the request, so nothing after
  // this point (logs included, also of a blocked request) can see the raw text.
  if (chat) ctx.chatRequest = chat.request;
  if (emb) ctx.embeddingsRequest = emb.request;
  if (result.blocked.length > 0) {
    const counts = Object.fromEntries(result.findings.filter((f) => result.blocked.includes(f.entityType)).map((f) => [f.entityType, f.count]));
    throw piiBlockedError(result.blocked, counts);
  }
}

function scanFailed(ctx: GatewayContext, err: unknown): HelixError {
  if (err instanceof HelixError) return err;
  logger().error({ requestId: ctx.requestId, err: err instanceof Error ? err.message : String(err) }, "PII scan failed; request blocked");
  return new ServiceUnavailableError("The gateway could not check this request for personal data, so it was not sent (PII protection fails closed). Retry shortly.", {
    code: "pii_scan_failed",
  });
}
