import "server-only";
import { env } from "@/lib/env";
import { getConfig } from "@/lib/config/loader";
import { dbInfo, getDb } from "@/lib/store/db";
import { getKv } from "@/lib/store/kv";
import { dashboardUsers } from "@/lib/store/dashboard-users";

export interface SetupItem {
  id: string;
  label: string;
  state: "ok" | "default" | "warning";
  detail: string;
  hint?: string;
}

/** What a newcomer has configured and what to configure next (the page at /). */
export async function setupStatus(): Promise<SetupItem[]> {
  const e = env();
  const cfg = getConfig();
  await getDb();
  const db = dbInfo();
  const kv = getKv();
  const dashboardUserCount = await dashboardUsers().count();
  const providers: Array<[string, string | undefined, string | undefined, string, string]> = [
    ["OpenAI", e.OPENAI_API_KEY, e.OPENAI_BASE_URL, "OPENAI_API_KEY", "OPENAI_BASE_URL"],
    ["Anthropic", e.ANTHROPIC_API_KEY, e.ANTHROPIC_BASE_URL, "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"],
    ["Google Gemini", e.GOOGLE_API_KEY, e.GEMINI_BASE_URL, "GOOGLE_API_KEY", "GEMINI_BASE_URL"],
    ["Groq", e.GROQ_API_KEY, e.GROQ_BASE_URL, "GROQ_API_KEY", "GROQ_BASE_URL"],
  ];
  return [
    {
      id: "database",
      label: "Database",
      state: db.kind === "postgres" ? "ok" : "default",
      detail: db.kind === "postgres" ? `PostgreSQL at ${db.location}` : `Embedded PostgreSQL (PGlite) in ${db.location}`,
      hint: db.kind === "postgres" ? undefined : "Set DATABASE_URL=postgres://… to share data between instances.",
    },
    {
      id: "redis",
      label: "Cache and counters",
      state: kv.kind === "redis" ? "ok" : "default",
      detail: kv.kind === "redis" ? "Redis" : "In-process (this instance only)",
      hint: kv.kind === "redis" ? undefined : "Set REDIS_URL=redis://… to share cache, limits and budgets between instances.",
    },
    {
      id: "auth",
      label: "Authentication",
      state: e.MASTER_KEY ? "ok" : "warning",
      detail: e.MASTER_KEY ? "MASTER_KEY set: only the master key and virtual keys are accepted" : "MASTER_KEY not set: any API key is accepted",
      hint: e.MASTER_KEY ? undefined : "Set MASTER_KEY before exposing Helix beyond your machine, then create keys with POST /helix/keys.",
    },
    {
      id: "dashboard",
      label: "Dashboard",
      state: dashboardUserCount > 0 ? "ok" : "warning",
      detail: dashboardUserCount > 0 ? `${dashboardUserCount} dashboard user${dashboardUserCount === 1 ? "" : "s"}: sign in at /dashboard` : "No dashboard user yet",
      hint: dashboardUserCount > 0 ? undefined : "Open /setup to create the first admin, or set ADMIN_EMAIL and ADMIN_PASSWORD.",
    },
    {
      id: "config",
      label: "Config file",
      state: e.HELIX_CONFIG ? "ok" : "default",
      detail: e.HELIX_CONFIG ? `${e.HELIX_CONFIG} (${cfg.model_list.length} models)` : "Built-in defaults",
      hint: e.HELIX_CONFIG ? undefined : "Copy config/helix.example.yaml and point HELIX_CONFIG at it to name models and fallbacks.",
    },
    ...providers.map(([name, key, base, keyVar, baseVar]): SetupItem => ({
      id: `provider-${keyVar}`,
      label: name,
      state: key || base ? "ok" : "default",
      detail: key ? `API key set${base ? `, base URL ${base}` : ""}` : base ? `Base URL ${base}, no key` : "Not configured",
      hint: key || base ? undefined : `Set ${keyVar} (and optionally ${baseVar}).`,
    })),
  ];
}
