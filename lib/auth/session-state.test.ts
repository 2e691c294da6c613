import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { revokeSession, SESSION_MAX_AGE_SECONDS, sessionIsCurrent } from "./session-state";

const user = { sessionEpoch: 2 };
const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({ sid: randomUUID(), epoch: 2, authAt: now(), ...over });

describe("sessionIsCurrent", () => {
  it("accepts a fresh session of the current epoch", async () => {
    expect(await sessionIsCurrent(claims(), user)).toBe(true);
  });

  it("refuses a session without an id or sign-in time, of an older epoch, or past its absolute end", async () => {
    expect(await sessionIsCurrent(claims({ sid: undefined }), user)).toBe(false);
    expect(await sessionIsCurrent(claims({ authAt: undefined }), user)).toBe(false);
    expect(await sessionIsCurrent(claims({ epoch: 1 }), user)).toBe(false);
    // However often the cookie was re-issued (its exp moved on), the sign-in time decides.
    expect(await sessionIsCurrent(claims({ authAt: now() - SESSION_MAX_AGE_SECONDS - 1, exp: now() + 3600 }), user)).toBe(false);
    expect(await sessionIsCurrent(claims({ authAt: now() - SESSION_MAX_AGE_SECONDS + 60 }), user)).toBe(true);
  });

  it("refuses a signed-out session, and only that one", async () => {
    const out = claims();
    const other = claims();
    await revokeSession(out);
    expect(await sessionIsCurrent(out, user)).toBe(false);
    expect(await sessionIsCurrent(other, user)).toBe(true);
  });
});
