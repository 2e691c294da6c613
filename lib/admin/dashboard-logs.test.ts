// The log explorer's query parameters: what parses, and 400s that name the parameter.
import { describe, expect, it } from "vitest";
import { HelixError } from "@/lib/errors";
import { encodeCursor } from "@/lib/metrics/request-log-query";
import { parseLogQuery } from "./dashboard-logs";

const NOW = new Date("2026-11-29T12:00:00.000Z");
const parse = (q: string) => parseLogQuery(new URL(`http://x/api/dashboard/logs?${q}`), NOW);

function paramOf(q: string): string | undefined {
  try {
    parse(q);
  } catch (e) {
    expect(e).toBeInstanceOf(HelixError);
    expect((e as HelixError).status).toBe(400);
    return (e as HelixError).param ?? undefined;
  }
  return undefined;
}

describe("parseLogQuery", () => {
  it("defaults to the last 24 h, 50 rows, no filters", () => {
    const p = parse("");
    expect(p).toMatchObject({ range: "24h", limit: 50, cursor: null });
    expect(p.filters).toEqual({ from: new Date("2026-11-28T12:00:00.000Z"), to: NOW });
  });

  it("reads every filter, a status class or code, a cache status in any case, a cursor", () => {
    const cursor = encodeCursor({ createdAt: new Date("2026-11-29T11:00:00.000Z"), id: "r1" });
    const p = parse(`range=7d&key=k1&team=t1&model=gpt-4o-mini&status=5xx&cache=semantic_hit&end_user=alice&limit=200&cursor=${cursor}`);
    expect(p.filters).toMatchObject({ apiKeyId: "k1", teamId: "t1", model: "gpt-4o-mini", status: "5xx", cache: "SEMANTIC_HIT", endUser: "alice" });
    expect(p.filters.from).toEqual(new Date(NOW.getTime() - 7 * 86_400_000));
    expect(p.limit).toBe(200);
    expect(p.cursor).toEqual({ createdAt: new Date("2026-11-29T11:00:00.000Z"), id: "r1" });
    expect(parse("status=429").filters.status).toBe(429);
  });

  it("takes from/to instead of a range", () => {
    const p = parse("from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z");
    expect(p.range).toBeNull();
    expect(p.filters.from).toEqual(new Date("2026-11-01T00:00:00Z"));
    expect(p.filters.to).toEqual(new Date("2026-11-02T00:00:00Z"));
  });

  it("refuses bad parameters with a 400 naming them", () => {
    expect(paramOf("range=2w")).toBe("range");
    expect(paramOf("status=teapot")).toBe("status");
    expect(paramOf("status=42")).toBe("status");
    expect(paramOf("cache=WARM")).toBe("cache");
    expect(paramOf("limit=0")).toBe("limit");
    expect(paramOf("limit=201")).toBe("limit");
    expect(paramOf("from=yesterday")).toBe("from");
    expect(paramOf("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z")).toBe("from");
    expect(paramOf("from=2024-01-01T00:00:00Z&to=2026-11-01T00:00:00Z")).toBe("from");
    expect(paramOf("cursor=abc")).toBe("cursor");
  });
});
