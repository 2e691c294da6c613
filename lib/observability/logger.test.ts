import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { withRequestId } from "./request-scope";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => lines.join("") };
}

describe("logger", () => {
  it("censors credentials and request content at the top level and one level down", () => {
    const out = capture();
    const log = createLogger("debug", out.stream);
    log.info({ requestId: "req-1", authorization: "Bearer sk-canary-top", headers: { authorization: "Bearer sk-canary-nested", cookie: "s=canary-cookie" } }, "a");
    log.debug({ requestId: "req-2", req: { prompt: "mail canary@example.com", messages: [{ role: "user", content: "canary@example.com" }] }, apiKey: "sk-canary-key" }, "b");
    log.warn({ err: "x", body: "canary body", input: "canary input", email: "canary@example.com" }, "c");
    const text = out.text();
    expect(text).not.toMatch(/canary/);
    expect(text).toContain('"requestId":"req-1"');
    expect(text).toContain('"requestId":"req-2"');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(8);
  });

  it("adds the current request's id to lines that do not pass one", async () => {
    const out = capture();
    const log = createLogger("info", out.stream);
    await withRequestId("req-scope", async () => {
      await new Promise((r) => setTimeout(r, 1));
      log.warn({ component: "cache" }, "deep in the pipeline");
    });
    log.warn({ component: "cache" }, "outside any request");
    const [inside, outside] = out.text().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ requestId: "req-scope", component: "cache" });
    expect(outside.requestId).toBeUndefined();
  });

  it("writes debug lines only at debug level", () => {
    const out = capture();
    createLogger("info", out.stream).debug({ requestId: "r" }, "hidden");
    expect(out.text()).toBe("");
  });
});
