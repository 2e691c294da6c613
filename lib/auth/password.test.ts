import { describe, expect, it } from "vitest";
import { DEFAULT_SCRYPT, hashPassword, needsRehash, parsePasswordHash, verifyPassword } from "./password";

describe("dashboard password KDF (scrypt)", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts per hash: the same password gives different strings", async () => {
    const a = await hashPassword("same-password");
    const b = await hashPassword("same-password");
    expect(a).not.toBe(b);
    expect(parsePasswordHash(a)!.salt.equals(parsePasswordHash(b)!.salt)).toBe(false);
  });

  it("rejects a tampered hash, salt or parameters", async () => {
    const stored = await hashPassword("tamper-proof");
    const [, , params, salt, key] = stored.split("$");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    expect(await verifyPassword("tamper-proof", `$scrypt$${params}$${salt}$${flip(key)}`)).toBe(false);
    expect(await verifyPassword("tamper-proof", `$scrypt$${params}$${flip(salt)}$${key}`)).toBe(false);
    expect(await verifyPassword("tamper-proof", `$scrypt$ln=14,r=8,p=1$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword("tamper-proof", stored.slice(0, -4))).toBe(false);
  });

  it("refuses malformed strings and out-of-range parameters without deriving", async () => {
    for (const bad of ["", "plaintext", "$scrypt$ln=15,r=8$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"]) {
      expect(parsePasswordHash(bad)).toBeUndefined();
      expect(await verifyPassword("x", bad)).toBe(false);
    }
  });

  it("keeps verifying hashes made with other parameters, and flags weaker ones for re-hashing", async () => {
    const weak = await hashPassword("older", { ln: 12, r: 8, p: 1 });
    expect(await verifyPassword("older", weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword("current"), DEFAULT_SCRYPT)).toBe(false);
  });
});
