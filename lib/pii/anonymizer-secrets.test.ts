// End to end through the engine: secrets found, replaced per policy, restored in a stream.
import { describe, expect, it } from "vitest";
import { anonymize } from "./anonymizer";
import { createAnalyzer } from "./engine";
import { secretRecognizers, SECRET_ENTITY_TYPES } from "./recognizers/secrets";
import { fake } from "./recognizers/secrets/test-secrets";
import { TokenMap } from "./token-map";
import { createStreamRestorer } from "./tokenizer-restore";

describe("secrets through the analyzer and the anonymizer", () => {
  const analyzer = createAnalyzer(secretRecognizers);

  it("only the secret parts change; the prompt stays readable", () => {
    const key = fake.openaiProject();
    const pw = fake.password();
    const jwt = fake.jwt();
    const text = `My .env:\nOPENAI_API_KEY=${key}\nDATABASE_URL=postgres://app:${pw}@db:5432/app\nand my session ${jwt} expired. Why?`;
    const results = analyzer.analyze(text, { entities: SECRET_ENTITY_TYPES, scoreThreshold: 0.4 });
    const r = anonymize(text, results, { entities: { API_KEY: "redact", PASSWORD: "mask", JWT: "tokenize" } });
    expect(r.text).toBe(
      `My .env:\nOPENAI_API_KEY=<API_KEY>\nDATABASE_URL=postgres://app:${"*".repeat(pw.length - 3)}${pw.slice(-3)}@db:5432/app\nand my session <JWT_1> expired. Why?`,
    );
    const restorer = createStreamRestorer(r.tokens!);
    const answer = "Your token <JWT_1> has expired.";
    const out = [...answer].map((c) => restorer.push(c)).join("") + restorer.flush();
    expect(out).toBe(`Your token ${jwt} has expired.`);
  });

  it("a private key blocks the request, the 400 names the type only", () => {
    const pem = fake.pem();
    const tokens = new TokenMap();
    const text = `fix my ssh: ${pem}`;
    const r = anonymize(text, analyzer.analyze(text, { entities: SECRET_ENTITY_TYPES }), { entities: { PRIVATE_KEY: "block" } }, { tokens });
    expect(r.blocked).toEqual(["PRIVATE_KEY"]);
    expect(r.text).toBe("fix my ssh: <PRIVATE_KEY>");
  });
});
