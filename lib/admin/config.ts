// Admin API for the running config: read it (credentials masked), validate a draft helix.yaml
// with the start-up rules, and re-read HELIX_CONFIG without a restart. Each instance reloads its
// own file (POST here or SIGHUP); the dashboard's policy overlay stays in force over it.
import "server-only";
import { requireAdmin } from "@/lib/auth/caller";
import { configPath, getConfig, getFileConfig, parseConfig, policyOverlayVersion, reloadConfig, type ConfigIssue } from "@/lib/config/loader";
import { maskedConfig } from "@/lib/config/mask";
import { InvalidRequestError, UnsupportedMediaTypeError } from "@/lib/errors";
import { readLimited } from "@/lib/http/read-json-body";
import { configHash } from "@/lib/metrics/system-health";
import { logger } from "@/lib/observability/logger";
import { diffVsFile } from "@/lib/policies/overlay";
import type { HelixConfig } from "@/lib/config/schema";

export interface ConfigErrorOut {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

/** Issues as the API shows them: positions only where known (parseConfigObject gives 0). */
export function presentIssues(errors: readonly ConfigIssue[]): ConfigErrorOut[] {
  return errors.map((e) => ({ path: e.path, ...(e.line > 0 ? { line: e.line, column: e.column } : {}), message: e.message }));
}

/** The masked effective config with where it comes from: file, fingerprint, dashboard overrides. */
export function configDocument(effective: HelixConfig = getConfig(), file: HelixConfig = getFileConfig()) {
  // diff values are config values too (webhook URLs, headers): masked like the rest.
  const fromDashboard = diffVsFile(file, effective).map((d) => ({
    path: d.path,
    file: maskValue(d.file),
    effective: maskValue(d.effective),
  }));
  return {
    object: "config",
    /** The file HELIX_CONFIG names (absolute); null when unset (built-in defaults). */
    source: configPath() ?? null,
    fingerprint: configHash(effective),
    file_fingerprint: configHash(file),
    /** The dashboard policy version in force over the file (0: none). */
    policy_version: policyOverlayVersion(),
    /** Fields whose effective value comes from the dashboard's policies, not the file. */
    from_dashboard: fromDashboard,
    config: maskedConfig(effective),
  };
}

// maskedConfig works on any object; wrap scalars/arrays so a lone value is masked by its key.
function maskValue(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  return (maskedConfig({ v } as unknown as HelixConfig) as unknown as { v: unknown }).v;
}

/**
 * GET /helix/config: admins only (secrets masked all the same). Viewers see the figures and the
 * policies in the dashboard; the whole effective config (upstreams, hooks, limits) is an operator's.
 */
export async function getConfigResponse(request: Request) {
  await requireAdmin(request);
  return configDocument();
}

const YAML_TYPE = /^(text\/yaml|application\/yaml|application\/x-yaml|text\/x-yaml|text\/plain)\b/i;
const JSON_TYPE = /^application\/(.+\+)?json\b/i;

/** The posted document as YAML text (JSON is YAML too, so errors keep their line numbers). */
async function readConfigBody(request: Request): Promise<string> {
  const type = request.headers.get("content-type") ?? "text/yaml";
  const json = JSON_TYPE.test(type);
  if (!json && !YAML_TYPE.test(type)) throw new UnsupportedMediaTypeError(type);
  const text = await readLimited(request, getConfig().helix_settings.general.max_body_bytes);
  if (text.trim() === "") throw new InvalidRequestError("The request body is empty; send a helix.yaml document (YAML or JSON).", { code: "empty_body" });
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidRequestError("The body is not valid JSON. Send a helix.yaml document as JSON, or as YAML with Content-Type: text/yaml.", { code: "invalid_json" });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new InvalidRequestError("The JSON body must be an object (a helix.yaml document).", { code: "invalid_json" });
    }
  }
  return text;
}

/** Validate a whole helix.yaml document; pure apart from the body. */
export function validateConfigText(text: string) {
  const r = parseConfig(text, "request body");
  return r.ok
    ? { object: "config.validation", valid: true, errors: [] as ConfigErrorOut[], fingerprint: configHash(r.config) }
    : { object: "config.validation", valid: false, errors: presentIssues(r.errors) };
}

/**
 * POST /helix/config/validate: 200 with {valid, errors} whatever the verdict (an invalid document
 * is an answer, not a failed request); 400 only for a body that cannot be read.
 */
export async function validateConfigResponse(request: Request) {
  await requireAdmin(request);
  return validateConfigText(await readConfigBody(request));
}

/**
 * POST /helix/reload-config: re-read HELIX_CONFIG. A file that does not validate (alone or under
 * the dashboard's policies) changes nothing and answers 422 with its errors.
 */
export async function reloadConfigResponse(request: Request) {
  const actor = await requireAdmin(request);
  return reloadNow(actor.by);
}

/** Shared by the endpoint and SIGHUP. */
export function reloadNow(by: string): Response {
  const before = configHash(getConfig());
  const r = reloadConfig();
  const source = configPath() ?? null;
  if (!r.ok) {
    const errors = presentIssues(r.errors);
    logger().warn({ component: "config", by, source, errors: errors.length }, "config reload refused; the running config is unchanged");
    return Response.json(
      {
        error: {
          message: `The config file does not validate (${errors.length} error${errors.length === 1 ? "" : "s"}); the running config is unchanged.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_config",
        },
        object: "config.reload",
        reloaded: false,
        source,
        fingerprint: before,
        errors,
      },
      { status: 422 },
    );
  }
  const after = configHash(getConfig());
  logger().info({ component: "config", by, source, previous: before, fingerprint: after }, "config reloaded");
  return Response.json({
    object: "config.reload",
    reloaded: true,
    source,
    previous_fingerprint: before,
    fingerprint: after,
    changed: before !== after,
    policy_version: policyOverlayVersion(),
  });
}
