import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appendSpool, claimSpool, releaseSpool } from "./spool";
import { tempDir } from "./test-support";

const tmp = tempDir("helix-spool-");
afterAll(() => tmp.remove());
let n = 0;
const file = () => path.join(tmp.dir, `s${++n}`, "rows.jsonl");

describe("spool", () => {
  it("appends rows as JSON lines and claims them by renaming the file", () => {
    const f = file();
    expect(claimSpool(f)).toBeUndefined();
    appendSpool(f, [{ id: "a", n: 1 }]);
    appendSpool(f, [{ id: "b", when: new Date("2026-01-01T00:00:00.000Z") }, { id: "c" }]);
    expect(readFileSync(f, "utf8").split("\n")).toHaveLength(4); // 3 lines and the final newline
    const claimed = claimSpool(f)!;
    expect(claimed.rows).toEqual([{ id: "a", n: 1 }, { id: "b", when: "2026-01-01T00:00:00.000Z" }, { id: "c" }]);
    expect(claimed.invalidLines).toBe(0);
    expect(existsSync(f)).toBe(false);
    expect(claimed.file).toBe(`${f}.replaying`);
    // Newer rows while a replay is unfinished: the next claim takes both.
    appendSpool(f, [{ id: "d" }]);
    expect(claimSpool(f)!.rows.map((r) => (r as { id: string }).id)).toEqual(["a", "b", "c", "d"]);
    releaseSpool(claimed.file);
    expect(claimSpool(f)).toBeUndefined();
  });

  it("skips a torn last line and lines that are not rows", () => {
    const f = file();
    appendSpool(f, [{ id: "ok" }]);
    writeFileSync(f, readFileSync(f, "utf8") + '42\n{"no_id":1}\n{"id":"torn', { flag: "w" });
    const claimed = claimSpool(f)!;
    expect(claimed.rows).toEqual([{ id: "ok" }]);
    expect(claimed.invalidLines).toBe(3);
  });

  it("writes nothing for no rows", () => {
    const f = file();
    appendSpool(f, []);
    expect(existsSync(f)).toBe(false);
  });
});
