// The only module that reads process.env (house rule 5). Every variable is listed in .env.example.
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
  .pipe(z.url().optional());

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/**
 * Template values of the shipped secrets (k8s/10-secret.yaml's `REPLACE_ME`, the `change-me`
 * examples): a deployment that applied a template as is must not start with a guessable secret.
 */
const PLACEHOLDER = /replace[_-]me|change[_-]?me/i;

/** A secret that, when set, must not be a template placeholder. */
const secret = optionalString.refine((v) => v === undefined || !PLACEHOLDER.test(v), {
  message: "still the template placeholder (REPLACE_ME / change-me): set a real secret, e.g. `openssl rand -hex 24`",
});

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default("0.0.0.0"),

  DATABASE_URL: optionalUrl.refine((v) => v === undefined || !PLACEHOLDER.test(v), {
    message: "still holds the template's placeholder password (REPLACE_ME / change-me): set a real one",
  }),
  REDIS_URL: optionalUrl,
  HELIX_DATA_DIR: z.string().default("./.helix"),
  HELIX_CONFIG: optionalString,
  HELIX_DEBUG: bool,
  HELIX_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How often (ms) buffered request logs are written. */
  HELIX_LOG_FLUSH_MS: z.coerce.number().int().positive().default(500),

  MASTER_KEY: secret,

  /** Dashboard: the first admin, created at start when no dashboard user exists yet. */
  ADMIN_EMAIL: optionalString.pipe(z.email("ADMIN_EMAIL must be an email address").optional()),
  ADMIN_PASSWORD: secret.pipe(z.string().min(8, "ADMIN_PASSWORD must have at least 8 characters").optional()),
  /** Signs dashboard sessions; unset = generated once and kept in HELIX_DATA_DIR/nextauth-secret. */
  NEXTAUTH_SECRET: secret,
  /** The dashboard's public URL; unset = taken from the request's Host / X-Forwarded-* headers. */
  NEXTAUTH_URL: optionalUrl,
  /** Optional OpenID Connect sign-in (Google, Okta, Entra ID, Keycloak…): issuer URL + client. */
  OIDC_ISSUER: optionalUrl,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** The button's label ("Sign in with <name>"). */
  OIDC_NAME: z.string().default("single sign-on"),
  /** Comma-separated email domains whose verified users are created as viewers on first sign-in. */
  OIDC_ALLOWED_DOMAINS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean)),
  /**
   * Admit OpenID Connect users whose ID token has no email_verified claim (some providers, e.g.
   * Entra ID, omit it). Off by default: an unverified email claim would let anyone who can set
   * their own email at the provider sign in as that dashboard user.
   */
  OIDC_TRUST_UNVERIFIED_EMAIL: bool,
  /** Key for the PII `hash` action (HMAC): the same on every instance, so tokens stay comparable. */
  HELIX_PII_HASH_KEY: secret,

  /** Folder with local embedding weights (<dir>/all-MiniLM-L6-v2/…); default <HELIX_DATA_DIR>/models. */
  HELIX_MODEL_DIR: optionalString,
  /** Never download embedding weights from the Hugging Face hub (air-gapped installs). */
  HELIX_EMBEDDINGS_OFFLINE: bool,
  /** A hub request without response headers by then counts as unreachable (ms). */
  HELIX_MODEL_HUB_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),

  /** Langfuse tracing (one trace per request) when both keys are set; LANGFUSE_HOST defaults to Langfuse Cloud. */
  LANGFUSE_PUBLIC_KEY: optionalString,
  LANGFUSE_SECRET_KEY: optionalString,
  LANGFUSE_HOST: optionalUrl,

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: optionalUrl,
  GOOGLE_API_KEY: optionalString,
  GEMINI_BASE_URL: optionalUrl,
  GROQ_API_KEY: optionalString,
  GROQ_BASE_URL: optionalUrl,
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

/** Parsed environment. Throws a readable error naming each bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * next-auth v4 reads its origin from process.env itself (NEXTAUTH_URL, else AUTH_TRUST_HOST + the
 * Host header). So that the dashboard works at whatever host and port it is served without
 * configuration, the Host header is trusted when NEXTAUTH_URL is not set. Called by the auth module.
 */
export function applyNextAuthEnv(): void {
  if (!env().NEXTAUTH_URL && !process.env.AUTH_TRUST_HOST) process.env.AUTH_TRUST_HOST = "true";
}

/** Tests change process.env between cases; this forgets the parsed copy. */
export function resetEnvForTests(): void {
  cached = undefined;
}

/**
 * Secrets named indirectly by the config (model_list `api_key_env`). Only names that look like
 * environment variable names are read, so a config cannot probe arbitrary process state.
 */
// The gateway's own secrets: a config must not be able to send them to an upstream.
const NOT_NAMEABLE = new Set(["MASTER_KEY", "DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD", "NEXTAUTH_SECRET", "OIDC_CLIENT_SECRET", "LANGFUSE_SECRET_KEY"]);

export function readNamedSecret(name: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || NOT_NAMEABLE.has(name)) return undefined;
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
