// The config as shown to admins (/helix/config, dashboard): credentials masked. The config holds
// only env var NAMES for keys, but extra upstream headers may carry credentials (Azure-style
// api-key, Authorization), and future keys may too, so masking is by name, everywhere.
import type { HelixConfig } from "./schema";

/** Header names that carry credentials. Generous: masking a harmless header costs nothing. */
const SECRET_HEADER = /authorization|cookie|api[-_]?key|key$|token|secret|password|credential|signature|session/i;
/** Config keys whose string values are secrets (api_key_env is a name, not a secret). */
const SECRET_KEY = /(^|[_-])(api[_-]?key|secret|password|passwd|token|authorization|credentials?)$/i;

/** Keep a scheme ("Bearer ") and, for long values, the last 4 characters to tell keys apart. */
export function maskSecret(value: string): string {
  const m = /^(bearer|basic|token)\s+(.*)$/i.exec(value);
  const scheme = m ? `${m[1]} ` : "";
  const secret = m ? m[2] : value;
  return secret.length >= 16 ? `${scheme}****${secret.slice(-4)}` : `${scheme}****`;
}

/** A webhook URL's path is its credential (Slack, Teams, Discord): only the origin is shown. */
function maskUrl(value: string): string {
  try {
    return `${new URL(value).origin}/****`;
  } catch {
    return "****";
  }
}

/** Credentials inside any other URL (api_base): user:password and query strings (?api-key=…). */
function maskUrlCredentials(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const u = new URL(value);
    if (!u.username && !u.password && !u.search) return value;
    if (u.username || u.password) {
      u.username = "****";
      u.password = "";
    }
    const query = u.search ? "?****" : "";
    u.search = "";
    return `${u.toString()}${query}`;
  } catch {
    return value;
  }
}

function maskValue(value: unknown, inHeaders: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => maskValue(v, false));
  if (typeof value === "string") return maskUrlCredentials(value);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const secret = inHeaders ? SECRET_HEADER.test(k) : SECRET_KEY.test(k);
    if (typeof v === "string" && !inHeaders && k === "url") out[k] = maskUrl(v);
    else out[k] = typeof v === "string" && secret ? maskSecret(v) : maskValue(v, k === "headers");
  }
  return out;
}

/** A deep copy of `cfg` that is safe to display. */
export function maskedConfig(cfg: HelixConfig): HelixConfig {
  return maskValue(cfg, false) as HelixConfig;
}
