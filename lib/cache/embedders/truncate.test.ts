import { describe, expect, it } from "vitest";
import { estimateTokens, truncateToTokens } from "./truncate";

describe("truncateToTokens", () => {
  it("leaves texts within the window alone", () => {
    expect(truncateToTokens("hello world", 10)).toEqual({ text: "hello world", truncated: false });
    expect(truncateToTokens("a".repeat(30), 10)).toEqual({ text: "a".repeat(30), truncated: false });
  });

  it("keeps the start of longer texts within the estimate", () => {
    const r = truncateToTokens("a".repeat(31), 10);
    expect(r).toEqual({ text: "a".repeat(30), truncated: true });
    expect(estimateTokens(r.text)).toBeLessThanOrEqual(10);
  });

  it("counts wide scripts per character and never splits a surrogate pair", () => {
    expect(estimateTokens("東京東京")).toBe(4);
    const r = truncateToTokens("東".repeat(20), 5);
    expect(r.text).toBe("東".repeat(5));
    const emoji = truncateToTokens("🎉".repeat(20), 5);
    expect(emoji.truncated).toBe(true);
    expect([...emoji.text].every((c) => c === "🎉")).toBe(true);
  });
});
