import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import { HelixConfigSchema } from "@/lib/config/schema";
import { resetEnvForTests } from "@/lib/env";
import type { ChatCompletionRequest } from "@/lib/gateway/openai-contract";
import { resolveModel, type ResolvedTarget } from "@/lib/routing/resolve-model";
import { createContext, type Caller, type GatewayContext } from "../context";

const warn = vi.fn();
vi.mock("@/lib/observability/logger", () => ({ logger: () => ({ warn, debug: () => {}, info: () => {}, error: () => {} }) }));
const { modelSwap, swapFacts } = await import("./model-swap");

const ENV_KEYS = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "GOOGLE_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "GROQ_BASE_URL", "GEMINI_BASE_URL"];
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  saved = { ...process.env };
  for (const k of ENV_KEYS) delete process.env[k];
  process.env.OPENAI_API_KEY = "sk-openai";
  resetEnvForTests();
  warn.mockClear();
});
afterEach(() => {
  process.env = saved;
  resetEnvForTests();
});

const RULES = [
  { rule_name: "short-answers", conditions: { model: "gpt-4o*", max_tokens: "<= 256" }, action: { model: "gpt-4o-mini", reason: "short answers" } },
  { rule_name: "near-budget", conditions: { budget_used_pct: ">= 80" }, action: { model: "cheap" } },
  { rule_name: "research-to-claude", conditions: { team: "research" }, action: { model: "claude-haiku-4-5" } },
  { rule_name: "long-prompts", conditions: { prompt_tokens: "> 5000" }, action: { model: "gpt-4.1-mini" } },
];

function config(cost: Record<string, unknown> = {}, aliases: Record<string, string> = {}) {
  const r = parseConfigObject({
    helix_settings: { gateway: { model_aliases: aliases }, cost_optimization: { rules: RULES, ...cost } },
    model_list: [
      { model_name: "cheap", provider: "openai", model: "gpt-4o-mini", fallbacks: ["local"] },
      { model_name: "local", provider: "openai-compatible", model: "llama3", api_base: "http://127.0.0.1:11434/v1" },
    ],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

/** Skips the loader's routing checks: a rule it would refuse must still be harmless at run time. */
function unchecked(cost: Record<string, unknown>) {
  return HelixConfigSchema.parse({
    helix_settings: { cost_optimization: { rules: RULES, ...cost } },
    model_list: [{ model_name: "cheap", provider: "openai", model: "gpt-4o-mini" }],
  });
}

const VIRTUAL: Caller = { kind: "virtual", keyHash: "h", keyId: "key_1", keyName: "ci", teamId: "team_1", userId: "usr_1", models: [] };

/** A context as route leaves it: the requested model's chain set. */
function ctxFor(req: Partial<ChatCompletionRequest> = {}, opts: { caller?: Caller; cfg?: ReturnType<typeof config>; endpoint?: "chat.completions" | "embeddings" } = {}) {
  const cfg = opts.cfg ?? config();
  const ctx = createContext(new Request("http://helix/v1/chat/completions", { method: "POST" }), opts.endpoint ?? "chat.completions", cfg);
  ctx.caller = opts.caller ?? VIRTUAL;
  const chatRequest = { model: "gpt-4o", messages: [{ role: "user" as const, content: "hi" }], ...req } as ChatCompletionRequest;
  if (ctx.endpoint === "chat.completions") ctx.chatRequest = chatRequest;
  else ctx.embeddingsRequest = { model: chatRequest.model, input: "hi" };
  ctx.requestedModel = chatRequest.model;
  ctx.chain = resolveModel(chatRequest.model, cfg).chain;
  return ctx;
}
// A reservation on one budget at `usedPct` (the stage reads only usedPct and whether any budget applies).
const withBudget = (ctx: GatewayContext, usedPct: number) =>
  Object.assign(ctx, { budget: { requestId: ctx.requestId, entries: [], usages: [{}], usedPct } as unknown as GatewayContext["budget"] });

describe("modelSwap", () => {
  it("swaps on the first matching rule: chain, swap record, header; the requested name is kept", async () => {
    const ctx = ctxFor({ max_tokens: 100 });
    const from = ctx.chain![0];
    await modelSwap(ctx);
    expect(ctx.requestedModel).toBe("gpt-4o");
    expect(ctx.swap).toEqual({ from, toModel: "gpt-4o-mini", rule: "short-answers", reason: "short answers" });
    expect(ctx.chain!.map((t) => `${t.provider}:${t.upstreamModel}`)).toEqual(["openai:gpt-4o-mini"]);
    expect(ctx.chatRequest!.model).toBe("gpt-4o-mini"); // caches key by the model that answers
    expect(ctx.responseHeaders["x-helix-swap"]).toBe("short-answers");
  });

  it("max_completion_tokens counts over max_tokens; no limit never matches '<='", async () => {
    const a = ctxFor({ max_tokens: 100, max_completion_tokens: 1000 });
    await modelSwap(a);
    expect(a.swap).toBeUndefined();
    const b = ctxFor({});
    await modelSwap(b);
    expect(b.swap).toBeUndefined();
    expect(b.chain!.map((t) => t.upstreamModel)).toEqual(["gpt-4o"]);
    expect(b.responseHeaders["x-helix-swap"]).toBeUndefined();
  });

  it("swaps to a model_list name with its fallbacks, from the budget's used share", async () => {
    const ctx = withBudget(ctxFor({ model: "claude-sonnet-4-5" }), 92);
    process.env.ANTHROPIC_API_KEY = "sk-ant";
    resetEnvForTests();
    await modelSwap(ctx);
    expect(ctx.swap).toMatchObject({ toModel: "cheap", rule: "near-budget", reason: "budget_used_pct >= 80" });
    expect(ctx.chain!.map((t) => `${(t as ResolvedTarget).modelName}:${t.upstreamModel}`)).toEqual(["cheap:gpt-4o-mini", "local:llama3"]);
    const noBudget = ctxFor({ model: "claude-sonnet-4-5" });
    await modelSwap(noBudget);
    expect(noBudget.swap).toBeUndefined();
    // A reservation with no budgets reports 0 %: that is "no budget", not "0 % used".
    const rules = [{ rule_name: "fresh", conditions: { budget_used_pct: "< 50" }, action: { model: "gpt-4o-mini" } }];
    const none = Object.assign(ctxFor({}, { cfg: config({ rules }) }), { budget: { usedPct: 0, usages: [] } });
    await modelSwap(none);
    expect(none.swap).toBeUndefined();
    const some = Object.assign(ctxFor({}, { cfg: config({ rules }) }), { budget: { usedPct: 10, usages: [{}] } });
    await modelSwap(some);
    expect(some.swap?.rule).toBe("fresh");
  });

  it("team rules match the caller's team by id (and by name once the caller carries it)", async () => {
    process.env.ANTHROPIC_API_KEY = "sk-ant";
    resetEnvForTests();
    const byId = ctxFor({}, { cfg: config({ rules: [{ rule_name: "t", conditions: { team: "team_1" }, action: { model: "claude-haiku-4-5" } }] }) });
    await modelSwap(byId);
    expect(byId.swap?.toModel).toBe("claude-haiku-4-5");
    const byName = ctxFor({}, { caller: { ...VIRTUAL, teamName: "research" } as Caller });
    await modelSwap(byName);
    expect(byName.swap?.rule).toBe("research-to-claude");
    expect(byName.chain![0]).toMatchObject({ provider: "anthropic", upstreamModel: "claude-haiku-4-5", apiKey: "sk-ant" });
  });

  it("prompt_tokens: the context's estimate, else the stage's own", async () => {
    const big = ctxFor({ messages: [{ role: "user", content: "x".repeat(30_000) }] });
    await modelSwap(big);
    expect(big.swap?.rule).toBe("long-prompts");
    const estimated = ctxFor();
    estimated.promptTokens = 9_000;
    await modelSwap(estimated);
    expect(estimated.swap?.rule).toBe("long-prompts");
  });

  it("facts: key, user, end user, stream and tools come from the caller and request", () => {
    const ctx = ctxFor({ user: "customer-9", stream: true, tools: [{ type: "function", function: { name: "f" } }], max_completion_tokens: 50 });
    expect(swapFacts(ctx, "gpt-4o")).toEqual({
      model: "gpt-4o",
      team: { id: "team_1", name: undefined },
      key: { id: "key_1", name: "ci" },
      user: { id: "usr_1", name: undefined },
      end_user: "customer-9",
      max_tokens: 50,
      prompt_tokens: expect.any(Number),
      budget_used_pct: undefined,
      stream: true,
      tools: true,
    });
  });

  it("does nothing when cost_optimization or model_swapping is off, or for embeddings", async () => {
    for (const cost of [{ enabled: false }, { model_swapping: false }, { rules: [] }]) {
      const ctx = ctxFor({ max_tokens: 100 }, { cfg: config(cost) });
      const chain = ctx.chain;
      await modelSwap(ctx);
      expect(ctx.swap).toBeUndefined();
      expect(ctx.chain).toBe(chain);
      expect(ctx.responseHeaders).toEqual({});
    }
    const emb = withBudget(ctxFor({ model: "text-embedding-3-small" }, { endpoint: "embeddings" }), 99);
    await modelSwap(emb);
    expect(emb.swap).toBeUndefined();
  });

  it("a rule naming the requested model (directly or through an alias) stops evaluation without a swap", async () => {
    const rules = [
      { rule_name: "keep", conditions: { team: "team_1" }, action: { model: "best" } },
      { rule_name: "later", conditions: {}, action: { model: "gpt-4o-mini" } },
    ];
    const ctx = ctxFor({}, { cfg: config({ rules }, { best: "gpt-4o" }) });
    await modelSwap(ctx);
    expect(ctx.swap).toBeUndefined();
    expect(ctx.chain!.map((t) => t.upstreamModel)).toEqual(["gpt-4o"]);
  });

  it("matches model conditions on the alias's target, and swaps to an alias", async () => {
    const rules = [{ rule_name: "r", conditions: { model: "gpt-4o" }, action: { model: "fast" } }];
    const cfg = config({ rules }, { smart: "gpt-4o", fast: "cheap" });
    const ctx = ctxFor({ model: "smart" }, { cfg });
    await modelSwap(ctx);
    expect(ctx.requestedModel).toBe("smart");
    expect(ctx.swap).toMatchObject({ toModel: "cheap", rule: "r" });
    expect(ctx.chatRequest!.model).toBe("cheap");
  });

  it("never grants a model the key may not use: the swap is skipped and logged once", async () => {
    const caller = { ...VIRTUAL, models: ["gpt-4o"] };
    const cfg = config(); // once per rule and config
    for (let i = 0; i < 2; i++) {
      const ctx = ctxFor({ max_tokens: 100 }, { caller, cfg });
      await modelSwap(ctx);
      expect(ctx.swap).toBeUndefined();
      expect(ctx.chain!.map((t) => t.upstreamModel)).toEqual(["gpt-4o"]);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({ rule: "short-answers", to: "gpt-4o-mini", why: expect.stringMatching(/allow-list/) });
    const allowed = ctxFor({ max_tokens: 100 }, { caller: { ...VIRTUAL, models: ["gpt-4o", "gpt-4o-mini"] } });
    await modelSwap(allowed);
    expect(allowed.swap?.toModel).toBe("gpt-4o-mini");
  });

  it("skips a target that cannot be resolved or has no credentials, serving the request as asked", async () => {
    const unresolvable = ctxFor({}, { cfg: unchecked({ rules: [{ rule_name: "bad", action: { model: "mistral-large" } }] }) });
    await modelSwap(unresolvable);
    expect(unresolvable.swap).toBeUndefined();
    const keyless = ctxFor({}, { cfg: config({ rules: [{ rule_name: "groq", action: { model: "groq/llama-3.1-8b-instant" } }] }) });
    await modelSwap(keyless);
    expect(keyless.swap).toBeUndefined();
    expect(warn.mock.calls.map((c) => c[0].rule)).toEqual(["bad", "groq"]);
  });

  it("local mode: the caller's own key goes to a swap target at the same provider only", async () => {
    delete process.env.OPENAI_API_KEY;
    resetEnvForTests();
    const local: Caller = { kind: "anonymous-local", keyHash: "h", models: [], passThroughKey: "sk-mine" };
    const same = ctxFor({ max_tokens: 100 }, { caller: local });
    // As route leaves it: the own key on the requested provider's deployments.
    same.chain = same.chain!.map((t) => ({ ...t, apiKey: "sk-mine" }));
    await modelSwap(same);
    expect(same.chain).toEqual([expect.objectContaining({ provider: "openai", upstreamModel: "gpt-4o-mini", apiKey: "sk-mine" })]);
    // Another provider without a configured key: the own key is not sent there, so no swap.
    const other = ctxFor({}, { caller: local, cfg: config({ rules: [{ rule_name: "x", action: { model: "claude-haiku-4-5" } }] }) });
    await modelSwap(other);
    expect(other.swap).toBeUndefined();
    // To an openai-compatible fallback chain: the own key reaches only the OpenAI deployment.
    const mixed = withBudget(ctxFor({}, { caller: local }), 90);
    await modelSwap(mixed);
    expect(mixed.chain!.map((t) => [t.provider, t.apiKey])).toEqual([
      ["openai", "sk-mine"],
      ["openai-compatible", undefined],
    ]);
  });

  it("sends a rule name that is not plain ASCII percent-encoded", async () => {
    const ctx = ctxFor({}, { cfg: config({ rules: [{ rule_name: "économie", action: { model: "gpt-4o-mini" } }] }) });
    await modelSwap(ctx);
    expect(ctx.responseHeaders["x-helix-swap"]).toBe("%C3%A9conomie");
    expect(() => new Headers(ctx.responseHeaders)).not.toThrow();
  });
});
