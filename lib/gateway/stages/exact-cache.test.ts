import { beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfigObject } from "@/lib/config/parse";
import type { CachedAnswer } from "@/lib/cache/cached-answer";
import { createContext, type Caller } from "../context";

// The stage's decisions against a recording answer store.
const gets: string[] = [];
let stored: CachedAnswer | undefined;
vi.mock("@/lib/cache/answer-store-select", () => ({
  getAnswerStore: () => ({
    get: async (key: string) => {
      gets.push(key);
      return stored;
    },
  }),
}));
const { exactCache } = await import("./exact-cache");

function ctxFor(caller: Caller, headers: Record<string, string> = {}, cacheEnabled = true) {
  const r = parseConfigObject({ helix_settings: { cache: { enabled: cacheEnabled } } });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const ctx = createContext(new Request("http://helix/v1/chat/completions", { method: "POST", headers }), "chat.completions", r.config);
  ctx.caller = caller;
  ctx.chatRequest = { model: "m", messages: [{ role: "user", content: "hi" }] };
  ctx.requestedModel = "m";
  return ctx;
}

const virtual = (cache?: Caller["cache"]): Caller => ({ kind: "virtual", keyHash: "h", keyId: "k", teamId: "t", models: [], ...(cache ? { cache } : {}) });
const answer = { v: 1 } as unknown as CachedAnswer;

beforeEach(() => {
  gets.length = 0;
  stored = answer;
});

describe("exactCache", () => {
  it("serves a stored answer to a caller without settings", async () => {
    const ctx = ctxFor(virtual());
    expect(await exactCache(ctx)).toEqual({ kind: "cached", answer });
    expect(ctx.cacheStatus).toBe("HIT");
    expect(ctx.cache).toMatchObject({ read: true, write: true, tenant: "team:t" });
  });

  it("a key or team with caching off: BYPASS, nothing read, nothing written", async () => {
    const ctx = ctxFor(virtual({ enabled: false }));
    expect(await exactCache(ctx)).toBeUndefined();
    expect(ctx.cacheStatus).toBe("BYPASS");
    expect(ctx.cache).toMatchObject({ read: false, write: false });
    expect(gets).toEqual([]);
  });

  it("enabled: true does not override the config's switch, and other settings keep caching on", async () => {
    const off = ctxFor(virtual({ enabled: true }), {}, false);
    await exactCache(off);
    expect(off.cacheStatus).toBe("BYPASS");
    const threshold = ctxFor(virtual({ semanticThreshold: 0.99 }));
    await exactCache(threshold);
    expect(threshold.cacheStatus).toBe("HIT");
  });
});
